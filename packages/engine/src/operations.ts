import { type OperationId, operations as specs } from './generated/operations.ts';

/**
 * One Engine API operation and the SDK method that implements it.
 *
 * @example
 * ```ts
 * import { compareVersions } from '@gantry/engine';
 * import { type ImplementedOperation, implementedOperations } from '@gantry/engine/operations';
 * const newerThan141: ImplementedOperation[] = implementedOperations.filter(
 *   (op) => compareVersions(op.since, '1.41') > 0,
 * );
 * ```
 */
export interface ImplementedOperation {
  readonly method: string;
  /** Path template as in the spec, e.g. `/containers/{id}/json`. */
  readonly path: string;
  readonly operationId: OperationId;
  /** Dotted SDK method on a `DockerClient`, e.g. `containers.inspect`. */
  readonly sdkMethod: string;
  /** Lowest API version that has the operation. */
  readonly since: string;
}

/** operationId -> SDK method. Kept by hand: the names are the SDK's, not the spec's. */
const SDK_METHODS = {
  ConfigList: 'configs.list',
  ConfigCreate: 'configs.create',
  ConfigDelete: 'configs.remove',
  ConfigInspect: 'configs.inspect',
  ConfigUpdate: 'configs.update',
  ContainerCreate: 'containers.create',
  ContainerList: 'containers.list',
  ContainerPrune: 'containers.prune',
  ContainerDelete: 'containers.remove',
  ContainerArchive: 'containers.getArchive',
  ContainerArchiveInfo: 'containers.archiveInfo',
  PutContainerArchive: 'containers.putArchive',
  ContainerAttach: 'containers.attach',
  ContainerAttachWebsocket: 'containers.attachWebsocket',
  ContainerChanges: 'containers.changes',
  ContainerExport: 'containers.export',
  ContainerInspect: 'containers.inspect',
  ContainerKill: 'containers.kill',
  ContainerLogs: 'containers.logs',
  ContainerPause: 'containers.pause',
  ContainerRename: 'containers.rename',
  ContainerResize: 'containers.resize',
  ContainerRestart: 'containers.restart',
  ContainerStart: 'containers.start',
  ContainerStats: 'containers.stats',
  ContainerStop: 'containers.stop',
  ContainerTop: 'containers.top',
  ContainerUnpause: 'containers.unpause',
  ContainerUpdate: 'containers.update',
  ContainerWait: 'containers.wait',
  DistributionInspect: 'distribution.inspect',
  ContainerExec: 'exec.create',
  ExecInspect: 'exec.inspect',
  ExecResize: 'exec.resize',
  ExecStart: 'exec.start',
  ImageBuild: 'images.build',
  BuildPrune: 'images.pruneBuildCache',
  ImageCommit: 'images.commit',
  ImageCreate: 'images.pull',
  ImageGetAll: 'images.saveAll',
  ImageList: 'images.list',
  ImageLoad: 'images.load',
  ImagePrune: 'images.prune',
  ImageSearch: 'images.search',
  ImageDelete: 'images.remove',
  ImageAttestations: 'images.attestations',
  ImageGet: 'images.save',
  ImageHistory: 'images.history',
  ImageInspect: 'images.inspect',
  ImagePush: 'images.push',
  ImageTag: 'images.tag',
  NetworkList: 'networks.list',
  NetworkCreate: 'networks.create',
  NetworkPrune: 'networks.prune',
  NetworkDelete: 'networks.remove',
  NetworkInspect: 'networks.inspect',
  NetworkConnect: 'networks.connect',
  NetworkDisconnect: 'networks.disconnect',
  NodeList: 'nodes.list',
  NodeDelete: 'nodes.remove',
  NodeInspect: 'nodes.inspect',
  NodeUpdate: 'nodes.update',
  PluginList: 'plugins.list',
  PluginCreate: 'plugins.create',
  GetPluginPrivileges: 'plugins.privileges',
  PluginPull: 'plugins.pull',
  PluginDelete: 'plugins.remove',
  PluginDisable: 'plugins.disable',
  PluginEnable: 'plugins.enable',
  PluginInspect: 'plugins.inspect',
  PluginPush: 'plugins.push',
  PluginSet: 'plugins.set',
  PluginUpgrade: 'plugins.upgrade',
  SecretList: 'secrets.list',
  SecretCreate: 'secrets.create',
  SecretDelete: 'secrets.remove',
  SecretInspect: 'secrets.inspect',
  SecretUpdate: 'secrets.update',
  ServiceList: 'services.list',
  ServiceCreate: 'services.create',
  ServiceDelete: 'services.remove',
  ServiceInspect: 'services.inspect',
  ServiceLogs: 'services.logs',
  ServiceUpdate: 'services.update',
  Session: 'session.open',
  SwarmInspect: 'swarm.inspect',
  SwarmInit: 'swarm.init',
  SwarmJoin: 'swarm.join',
  SwarmLeave: 'swarm.leave',
  SwarmUnlock: 'swarm.unlock',
  SwarmUnlockkey: 'swarm.unlockKey',
  SwarmUpdate: 'swarm.update',
  SystemPing: 'system.ping',
  SystemPingHead: 'system.pingHead',
  SystemAuth: 'system.auth',
  SystemEvents: 'system.events',
  SystemInfo: 'system.info',
  SystemDataUsage: 'system.df',
  SystemVersion: 'system.version',
  TaskList: 'tasks.list',
  TaskInspect: 'tasks.inspect',
  TaskLogs: 'tasks.logs',
  VolumeList: 'volumes.list',
  VolumeCreate: 'volumes.create',
  VolumePrune: 'volumes.prune',
  VolumeDelete: 'volumes.remove',
  VolumeInspect: 'volumes.inspect',
  VolumeUpdate: 'volumes.update',
} as const satisfies Record<OperationId, string>;

/**
 * Every Engine API operation this SDK implements, with its SDK method — machine-readable, for
 * tools (a gateway's route table, docs, coverage checks).
 *
 * @example
 * ```ts
 * import { implementedOperations } from '@gantry/engine/operations';
 * const logs = implementedOperations.find((op) => op.operationId === 'ContainerLogs');
 * // { method: 'GET', path: '/containers/{id}/logs', sdkMethod: 'containers.logs', ... }
 * ```
 */
export const implementedOperations: readonly ImplementedOperation[] = (
  Object.keys(SDK_METHODS) as OperationId[]
).map((operationId) => ({
  method: specs[operationId].method,
  path: specs[operationId].path,
  operationId,
  sdkMethod: SDK_METHODS[operationId],
  since: specs[operationId].since,
}));
