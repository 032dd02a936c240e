/**
 * Which console permission an Engine API operation needs (permissions.ts names), so a gateway
 * caller can do through the docker CLI exactly what the console would let them do. An operation
 * missing here is denied: a new spec operation stays closed until someone decides its permission.
 */
import type { Permission } from '../auth/permissions.ts';

const BY_PERMISSION: Readonly<Partial<Record<Permission, readonly string[]>>> = {
  'containers.read': ['ContainerList', 'ContainerInspect', 'ContainerTop', 'ContainerChanges'],
  'containers.create': ['ContainerCreate'],
  'containers.operate': [
    'ContainerStart',
    'ContainerStop',
    'ContainerRestart',
    'ContainerKill',
    'ContainerPause',
    'ContainerUnpause',
    'ContainerRename',
    'ContainerUpdate',
    'ContainerWait',
    'ContainerResize',
  ],
  'containers.remove': ['ContainerDelete', 'ContainerPrune'],
  // Attach types into the container's stdin: as powerful as exec.
  'containers.exec': [
    'ContainerAttach',
    'ContainerAttachWebsocket',
    'ContainerExec',
    'ExecStart',
    'ExecResize',
    'ExecInspect',
  ],
  'containers.files.read': ['ContainerArchive', 'ContainerArchiveInfo', 'ContainerExport'],
  'containers.files.write': ['PutContainerArchive'],
  'logs.read': ['ContainerLogs', 'ServiceLogs', 'TaskLogs'],
  'stats.read': ['ContainerStats'],
  'images.read': ['ImageList', 'ImageInspect', 'ImageHistory', 'ImageSearch', 'ImageAttestations'],
  // The daemon contacts the registry for these: the same reach as a pull.
  'images.pull': ['ImageCreate', 'SystemAuth', 'DistributionInspect'],
  'images.push': ['ImagePush'],
  // The BuildKit session only serves builds.
  'images.build': ['ImageBuild', 'Session'],
  'images.manage': [
    'ImageTag',
    'ImageDelete',
    'ImagePrune',
    'ImageCommit',
    'ImageGet',
    'ImageGetAll',
    'ImageLoad',
  ],
  'networks.read': ['NetworkList', 'NetworkInspect'],
  'networks.manage': [
    'NetworkCreate',
    'NetworkDelete',
    'NetworkConnect',
    'NetworkDisconnect',
    'NetworkPrune',
  ],
  'volumes.read': ['VolumeList', 'VolumeInspect'],
  'volumes.manage': ['VolumeCreate', 'VolumeUpdate', 'VolumeDelete', 'VolumePrune'],
  'system.read': [
    'SystemPing',
    'SystemPingHead',
    'SystemInfo',
    'SystemVersion',
    'SystemEvents',
    'SystemDataUsage',
  ],
  'system.prune': ['BuildPrune'],
  'swarm.read': [
    'SwarmInspect',
    'NodeList',
    'NodeInspect',
    'ServiceList',
    'ServiceInspect',
    'TaskList',
    'TaskInspect',
  ],
  'swarm.manage': [
    'SwarmInit',
    'SwarmJoin',
    'SwarmLeave',
    'SwarmUpdate',
    'SwarmUnlockkey',
    'SwarmUnlock',
    'NodeUpdate',
    'NodeDelete',
  ],
  'services.manage': ['ServiceCreate', 'ServiceUpdate', 'ServiceDelete'],
  'secrets.read': ['SecretList', 'SecretInspect'],
  'secrets.manage': ['SecretCreate', 'SecretUpdate', 'SecretDelete'],
  'configs.read': ['ConfigList', 'ConfigInspect'],
  'configs.manage': ['ConfigCreate', 'ConfigUpdate', 'ConfigDelete'],
  'plugins.read': ['PluginList', 'PluginInspect', 'GetPluginPrivileges'],
  'plugins.manage': [
    'PluginPull',
    'PluginUpgrade',
    'PluginCreate',
    'PluginPush',
    'PluginSet',
    'PluginEnable',
    'PluginDisable',
    'PluginDelete',
  ],
};

const PERMISSION_OF: ReadonlyMap<string, Permission> = new Map(
  Object.entries(BY_PERMISSION).flatMap(([permission, ids]) =>
    (ids ?? []).map((id) => [id, permission as Permission] as const),
  ),
);

/**
 * The permission an operation needs, or undefined (denied). `POST /images/create?fromSrc=` imports
 * an image rather than pulling one.
 */
export function permissionFor(operationId: string, query: URLSearchParams): Permission | undefined {
  if (operationId === 'ImageCreate' && query.has('fromSrc')) return 'images.manage';
  return PERMISSION_OF.get(operationId);
}
