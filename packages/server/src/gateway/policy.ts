/**
 * The gateway's decision for one canonical request (gateway-design.md step 5): the permission the
 * operation needs (permissions.ts), then the effects of its body and query under the caller's
 * rules (policy-document.ts). Every operation of the route table has an entry below; an operation
 * without one is denied (`operation.unmodelled`), so a new spec operation stays closed until
 * someone decides what it can do.
 */
import type { Principal } from '../auth/principal.ts';
import { allows } from '../auth/principal.ts';
import {
  checkHostPath,
  checkImage,
  checkLabels,
  checkNamespaceMode,
  checkRegistry,
  checkVolumeDriver,
  registryOf,
  registryOfAddress,
} from './effects.ts';
import {
  createJudge,
  type JsonObject,
  type Judge,
  listAllows,
  objectAt,
  PolicyDenial,
  stringAt,
  stringMapAt,
} from './judge.ts';
import { permissionFor } from './permissions.ts';
import { type GatewayPolicy, isAdmin, rulesFor } from './policy-document.ts';
import type { GatewayOperation } from './types.ts';
import {
  checkContainerCreate,
  checkContainerUpdate,
  checkExecCreate,
  checkServiceSpec,
} from './workloads.ts';

export interface PolicyRequest {
  readonly operation: GatewayOperation;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The canonical JSON body (keys in the schema's spelling), or undefined. */
  readonly body: unknown;
  readonly principal: Principal;
  readonly engineId: string;
  /** `1.41`..`1.55`; undefined when pinned to the engine's version (the newest semantics apply). */
  readonly apiVersion?: string | undefined;
}

export type PolicyVerdict =
  | { readonly verdict: 'allow'; readonly scope: 'owner' | 'all' }
  | { readonly verdict: 'deny'; readonly status: 400 | 403; readonly rule: string; readonly message: string };

type Check = (judge: Judge, request: PolicyRequest) => void;

const bodyObject = (body: unknown): JsonObject => objectAt(body, 'the request body') ?? {};

/** Nothing beyond the permission (reads, lifecycle, deletes: scope.ts limits owner-scoped callers). */
const PERMISSION_ONLY: Check = () => {};

/** A hex-only name shadows the ID prefix of another container in name resolution (section 3). */
const checkName: Check = (judge, { query }) => {
  const name = (query.get('name') ?? '').replace(/^\//, '');
  if (name !== '' && /^[0-9a-f]+$/.test(name) && !judge.rules.allowIdLikeNames) {
    judge.deny('name.id-like', `the name "${name}" looks like a container ID prefix and would shadow it`, {
      policy: 'set allowIdLikeNames: true',
      request: 'use a name with a non-hex character',
    });
  }
};

const pluginsAdminOnly: Check = (judge, { principal, operation }) => {
  if (isAdmin(principal) && judge.rules.allowPlugins) return;
  judge.deny(
    'plugins',
    `${operation.id}: a plugin runs as host root with the privileges it asks for, and disabling one can remove an authorization plugin`,
    isAdmin(principal) ? 'set allowPlugins: true' : undefined,
  );
};

const swarmManagement: Check = (judge, { operation }) => {
  if (judge.rules.allowSwarmManagement) return;
  judge.deny(
    'swarm',
    `${operation.id} changes or reveals swarm membership (join tokens, unlock key, node roles)`,
    'set allowSwarmManagement: true',
  );
};

const buildKit: Check = (judge) => {
  if (judge.rules.allowBuildKit) return;
  judge.deny(
    'buildkit',
    'a BuildKit session is an opaque channel (host network and device entitlements are on by default)',
    'set allowBuildKit: true',
  );
};

const checkBuild: Check = (judge, request) => {
  const { query } = request;
  const buildKitBuild = query.get('version') === '2';
  if (buildKitBuild) buildKit(judge, request);
  const remote = query.get('remote') ?? '';
  if (
    remote !== '' &&
    !(buildKitBuild && remote === 'client-session') &&
    !judge.rules.allowBuildRemoteContext
  ) {
    judge.deny(
      'build.remote-context',
      `remote="${remote}" makes the daemon fetch the build context itself (URL or git, from the host network)`,
      'set allowBuildRemoteContext: true',
    );
  }
  checkNamespaceMode(judge, 'network', query.get('networkmode') ?? '', 'query networkmode');
  const parent = query.get('cgroupparent') ?? '';
  if (parent !== '' && !judge.rules.allowCgroupParent) {
    judge.deny(
      'cgroup-parent',
      `query cgroupparent="${parent}" escapes the daemon's cgroup limits`,
      'set allowCgroupParent: true',
    );
  }
  const dockerfile = query.get('dockerfile') ?? '';
  if (dockerfile.startsWith('/') || dockerfile.split(/[\\/]/).includes('..')) {
    judge.deny('build.dockerfile', `query dockerfile="${dockerfile}" points outside the build context`, {
      request: 'name a Dockerfile inside the context (the docker CLI does this itself)',
    });
  }
  const labels = query.get('labels');
  if (labels !== null && labels !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(labels);
    } catch {
      judge.deny('body.type', 'query labels is not a JSON object of strings', {
        request: 'send labels as {"key":"value"}',
      });
    }
    checkLabels(judge, parsed, 'query labels');
  }
};

const checkImageCreate: Check = (judge, { query }) => {
  const fromImage = query.get('fromImage') ?? '';
  const fromSrc = query.get('fromSrc') ?? '';
  if (fromImage === '' && fromSrc !== '' && fromSrc !== '-' && !judge.rules.allowImageImportFromUrl) {
    judge.deny(
      'images.import-url',
      `fromSrc="${fromSrc}" makes the daemon download from a URL (a request from the host network)`,
      { policy: 'set allowImageImportFromUrl: true', request: 'upload the tar with fromSrc=-' },
    );
  }
  checkImage(judge, fromImage, 'query fromImage');
};

const checkVolumeCreate: Check = (judge, { body }) => {
  const volume = bodyObject(body);
  checkVolumeDriver(
    judge,
    stringAt(volume.Driver, 'Driver'),
    stringMapAt(volume.DriverOpts, 'DriverOpts'),
    'Driver / DriverOpts',
  );
  checkLabels(judge, volume.Labels, 'Labels');
  if (objectAt(volume.ClusterVolumeSpec, 'ClusterVolumeSpec') !== undefined)
    clusterVolumes(judge, 'ClusterVolumeSpec');
};

const clusterVolumes = (judge: Judge, where: string) => {
  if (judge.rules.allowedMountTypes.includes('cluster')) return;
  judge.deny(
    'mount-type',
    `${where} manages a Swarm cluster (CSI) volume`,
    'add "cluster" to allowedMountTypes',
  );
};

const checkNetworkCreate: Check = (judge, { body }) => {
  const network = bodyObject(body);
  const driver = stringAt(network.Driver, 'Driver') || 'bridge';
  if (!listAllows(judge.rules.allowedNetworkDrivers, driver)) {
    judge.deny(
      'network-driver',
      `Driver="${driver}" is not an allowed network driver (macvlan / ipvlan reach the host's LAN)`,
      `add "${driver}" to allowedNetworkDrivers`,
    );
  }
  checkLabels(judge, network.Labels, 'Labels');
};

/** Secrets and configs: only labels, and no secret driver (a plugin). */
const checkSecretOrConfig: Check = (judge, { body }) => {
  const spec = bodyObject(body);
  checkLabels(judge, spec.Labels, 'Labels');
  const driver = objectAt(spec.Driver, 'Driver');
  if (driver !== undefined && !isAdmin(judge.principal)) {
    judge.deny('plugins', 'Driver names a secret driver plugin (host root): plugin management is admin-only');
  }
};

const OPERATION_CHECKS: Readonly<Record<string, Check>> = {
  ContainerCreate: (judge, request) => {
    checkName(judge, request);
    checkContainerCreate(judge, bodyObject(request.body));
  },
  ContainerUpdate: (judge, { body }) => checkContainerUpdate(judge, bodyObject(body)),
  ContainerRename: checkName,
  // checkpoint-dir (experimental daemons) is a host path.
  ContainerStart: (judge, { query }) => {
    const dir = query.get('checkpoint-dir');
    if (dir !== null && dir !== '') checkHostPath(judge, dir, 'query checkpoint-dir');
  },
  ContainerExec: (judge, { body }) => checkExecCreate(judge, bodyObject(body)),
  ServiceCreate: (judge, { body }) => checkServiceSpec(judge, bodyObject(body)),
  ServiceUpdate: (judge, { body }) => checkServiceSpec(judge, bodyObject(body)),
  VolumeCreate: checkVolumeCreate,
  VolumeUpdate: (judge) => clusterVolumes(judge, 'PUT /volumes/{name}'),
  NetworkCreate: checkNetworkCreate,
  NetworkConnect: (judge, { params }) => checkNamespaceMode(judge, 'network', params.id ?? '', 'the network'),
  ImageBuild: checkBuild,
  Session: buildKit,
  ImageCreate: checkImageCreate,
  ImagePush: (judge, { params }) => checkImage(judge, params.name, 'the image name'),
  DistributionInspect: (judge, { params }) => checkImage(judge, params.name, 'the image name'),
  ImageSearch: (judge, { query }) => {
    const term = query.get('term') ?? '';
    if (term.includes('/')) checkRegistry(judge, registryOf(term), 'query term');
  },
  SystemAuth: (judge, { body }) => {
    const address = stringAt(bodyObject(body).ServerAddress, 'ServerAddress') ?? '';
    checkRegistry(judge, address === '' ? 'docker.io' : registryOfAddress(address), 'ServerAddress');
  },
  SecretCreate: checkSecretOrConfig,
  SecretUpdate: checkSecretOrConfig,
  ConfigCreate: checkSecretOrConfig,
  ConfigUpdate: checkSecretOrConfig,
  ...Object.fromEntries(
    [
      'PluginPull',
      'PluginUpgrade',
      'PluginCreate',
      'PluginPush',
      'PluginSet',
      'PluginEnable',
      'PluginDisable',
      'PluginDelete',
    ].map((id) => [id, pluginsAdminOnly]),
  ),
  ...Object.fromEntries(
    [
      'SwarmInspect',
      'SwarmInit',
      'SwarmJoin',
      'SwarmLeave',
      'SwarmUpdate',
      'SwarmUnlock',
      'SwarmUnlockkey',
      'NodeUpdate',
      'NodeDelete',
    ].map((id) => [id, swarmManagement]),
  ),
  ...Object.fromEntries(
    [
      'SystemPing',
      'SystemPingHead',
      'SystemInfo',
      'SystemVersion',
      'SystemEvents',
      'SystemDataUsage',
      'ContainerList',
      'ContainerInspect',
      'ContainerTop',
      'ContainerChanges',
      'ContainerLogs',
      'ContainerStats',
      'ContainerStop',
      'ContainerRestart',
      'ContainerKill',
      'ContainerPause',
      'ContainerUnpause',
      'ContainerWait',
      'ContainerResize',
      'ContainerDelete',
      'ContainerPrune',
      'ContainerAttach',
      'ContainerAttachWebsocket',
      'ContainerArchive',
      'ContainerArchiveInfo',
      'PutContainerArchive',
      'ContainerExport',
      'ExecStart',
      'ExecResize',
      'ExecInspect',
      'ImageList',
      'ImageInspect',
      'ImageHistory',
      'ImageAttestations',
      'ImageTag',
      'ImageDelete',
      'ImagePrune',
      'ImageCommit',
      'ImageGet',
      'ImageGetAll',
      'ImageLoad',
      'BuildPrune',
      'NetworkList',
      'NetworkInspect',
      'NetworkDelete',
      'NetworkDisconnect',
      'NetworkPrune',
      'VolumeList',
      'VolumeInspect',
      'VolumeDelete',
      'VolumePrune',
      'NodeList',
      'NodeInspect',
      'ServiceList',
      'ServiceInspect',
      'ServiceDelete',
      'ServiceLogs',
      'TaskList',
      'TaskInspect',
      'TaskLogs',
      'SecretList',
      'SecretInspect',
      'SecretDelete',
      'ConfigList',
      'ConfigInspect',
      'ConfigDelete',
      'PluginList',
      'PluginInspect',
      'GetPluginPrivileges',
    ].map((id) => [id, PERMISSION_ONLY]),
  ),
};

/** Operations that touch every tenant's objects and cannot be narrowed by the owner label. */
const UNSCOPABLE = new Set(['SystemDataUsage', 'BuildPrune']);

const denial = (rule: string, message: string, status: 400 | 403 = 403): PolicyVerdict => ({
  verdict: 'deny',
  status,
  rule,
  message,
});

/**
 * The verdict for one canonical request under `policy`. Never throws for any body: a value of the
 * wrong type is a 400 `body.type` denial.
 */
export function evaluate(request: PolicyRequest, policy: GatewayPolicy): PolicyVerdict {
  const { operation, principal, engineId } = request;
  const check = OPERATION_CHECKS[operation.id];
  const permission = permissionFor(operation.id, request.query);
  if (check === undefined || permission === undefined) {
    return denial(
      'operation.unmodelled',
      `gateway policy rule "operation.unmodelled" denies this request: the gateway has no rule for ${operation.method} ${operation.pattern} (${operation.id}), so it is closed. An administrator must add the operation to the gateway's policy table.`,
    );
  }
  if (!allows(principal, permission, engineId)) {
    return denial(
      'permission',
      `gateway policy rule "permission" denies this request: ${operation.id} needs the permission "${permission}" on engine "${engineId}". Give ${principal.name} a role with that permission and access to the engine.`,
    );
  }
  const rules = rulesFor(policy, principal);
  if (rules.scope === 'owner' && UNSCOPABLE.has(operation.id)) {
    return denial(
      'scope.unscoped',
      `gateway policy rule "scope.unscoped" denies this request: ${operation.id} acts on every owner's objects and ${principal.name} is limited to its own (scope: owner). Set scope: all for it in the gateway policy document to allow it.`,
    );
  }
  try {
    check(createJudge(rules, principal, request.apiVersion), request);
  } catch (error) {
    if (error instanceof PolicyDenial)
      return denial(error.rule, error.message, error.rule === 'body.type' ? 400 : 403);
    throw error;
  }
  return { verdict: 'allow', scope: rules.scope };
}
