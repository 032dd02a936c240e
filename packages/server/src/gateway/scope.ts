/**
 * Owner scoping for principals whose rules say `scope: 'owner'`: what they create is stamped with
 * the label `io.gantry.owner=<owner>`, their lists / prunes / events get a label filter the daemon
 * ANDs with theirs, and every id they address or reference (a container to exec into, a volume to
 * mount, a network to join) must carry their label. The gateway derives ownership only from labels
 * it set itself: policy.ts refuses client-supplied `io.gantry.owner*` labels.
 *
 * The listener (G3) calls, for an owner-scoped principal after evaluate() allowed the request:
 *   1. scopeListQuery(operation, query, owner) -> the query to forward, or a denial;
 *   2. stampOwner(operation, { body, query }, owner) -> the body and query to forward;
 *   3. ownerTargets(request) -> each id to resolve through the engine, then ownerAllows(labels, owner).
 */
import { OWNER_LABEL } from './effects.ts';
import { parseBind } from './host-paths.ts';
import type { JsonObject } from './judge.ts';
import type { GatewayOperation } from './types.ts';

export { OWNER_LABEL };

/** Kinds of object the owner label is checked on. Images, plugins and nodes are shared. */
export type OwnedKind =
  | 'container'
  | 'exec'
  | 'network'
  | 'volume'
  | 'service'
  | 'task'
  | 'secret'
  | 'config';

/** One object a request addresses or references, by the id or name the client gave. */
export interface ResourceRef {
  readonly kind: OwnedKind;
  readonly id: string;
  /** Where it came from, for the denial message (`path id`, `HostConfig.VolumesFrom[0]`). */
  readonly where: string;
  /**
   * Volumes only: a name that does not exist yet is created by the daemon on use, which is
   * allowed (the new volume carries no owner label, so it stays invisible to the principal).
   */
  readonly mayNotExist?: true;
}

export type ScopeResult =
  | { readonly ok: true; readonly query: URLSearchParams }
  | { readonly ok: false; readonly status: 400 | 403; readonly rule: string; readonly message: string };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const withLabel = (labels: unknown, owner: string): Record<string, unknown> => ({
  ...(isObject(labels) ? labels : {}),
  [OWNER_LABEL]: owner,
});

/** Create / update operations whose body carries `Labels` for the created object. */
const LABELLED_BODIES = new Set([
  'ContainerCreate',
  'NetworkCreate',
  'VolumeCreate',
  'SecretCreate',
  'SecretUpdate',
  'ConfigCreate',
  'ConfigUpdate',
  'ServiceCreate',
  'ServiceUpdate',
]);

/**
 * The body and query with the owner label stamped on what the operation creates (services also on
 * their containers, and on update, which replaces the whole spec; builds through the `labels` query).
 */
export function stampOwner(
  operation: GatewayOperation,
  request: { readonly body: unknown; readonly query: URLSearchParams },
  owner: string,
): { body: unknown; query: URLSearchParams } {
  const query = new URLSearchParams(request.query);
  if (operation.id === 'ImageBuild') {
    let labels: unknown = {};
    try {
      labels = JSON.parse(query.get('labels') || '{}');
    } catch {
      // evaluate() refused a malformed labels query already; stamp a fresh object regardless.
    }
    query.set('labels', JSON.stringify(withLabel(labels, owner)));
    return { body: request.body, query };
  }
  if (!LABELLED_BODIES.has(operation.id)) return { body: request.body, query };
  const body: Record<string, unknown> = { ...(isObject(request.body) ? request.body : {}) };
  body.Labels = withLabel(body.Labels, owner);
  if (operation.id === 'ServiceCreate' || operation.id === 'ServiceUpdate') {
    const task = isObject(body.TaskTemplate) ? body.TaskTemplate : {};
    const spec = isObject(task.ContainerSpec) ? task.ContainerSpec : {};
    body.TaskTemplate = { ...task, ContainerSpec: { ...spec, Labels: withLabel(spec.Labels, owner) } };
  }
  return { body, query };
}

/** List, prune and event operations whose `filters` accept `label=` (ANDed by the daemon). */
const LABEL_FILTERED = new Set([
  'ContainerList',
  'ContainerPrune',
  'NetworkList',
  'NetworkPrune',
  'VolumeList',
  'VolumePrune',
  'ServiceList',
  'TaskList',
  'SecretList',
  'ConfigList',
  'SystemEvents',
]);

const refuse = (message: string): ScopeResult => ({
  ok: false,
  status: 400,
  rule: 'scope.filters',
  message: `gateway policy rule "scope.filters" denies this request: ${message}.`,
});

/** A filters value as the daemon reads it: `{"key":{"value":true}}` or the legacy `{"key":["value"]}`. */
function parseFilters(text: string): Map<string, Set<string>> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'the filters query is not JSON';
  }
  if (!isObject(parsed)) return 'the filters query is not a JSON object';
  const filters = new Map<string, Set<string>>();
  for (const [key, values] of Object.entries(parsed)) {
    if (Array.isArray(values) && values.every((value) => typeof value === 'string')) {
      filters.set(key, new Set(values as string[]));
    } else if (isObject(values) && Object.values(values).every((value) => typeof value === 'boolean')) {
      filters.set(key, new Set(Object.keys(values)));
    } else {
      return `filters["${key}"] is neither {"value":true} nor ["value"]`;
    }
  }
  return filters;
}

/**
 * The query of a list / prune / events operation narrowed to the owner's objects: the owner label
 * is added to the `label` filter (the daemon requires every `label` filter to match). A client
 * filter naming the owner label itself, or a filters value the gateway cannot read exactly as the
 * daemon does, is refused. Other operations: the query unchanged.
 */
export function scopeListQuery(
  operation: GatewayOperation,
  query: URLSearchParams,
  owner: string,
): ScopeResult {
  if (!LABEL_FILTERED.has(operation.id)) return { ok: true, query };
  const text = query.get('filters') ?? '';
  const filters = text.trim() === '' ? new Map<string, Set<string>>() : parseFilters(text);
  if (typeof filters === 'string') return refuse(`${filters}; send filters as {"key":{"value":true}}`);
  for (const [key, values] of filters) {
    if ([...values].some((value) => value.startsWith(OWNER_LABEL))) {
      return refuse(
        `filters["${key}"] names ${OWNER_LABEL}, which the gateway sets itself; remove that filter`,
      );
    }
  }
  const labels = filters.get('label') ?? new Set<string>();
  labels.add(`${OWNER_LABEL}=${owner}`);
  filters.set('label', labels);
  const scoped = new URLSearchParams(query);
  scoped.set(
    'filters',
    JSON.stringify(
      Object.fromEntries(
        [...filters].map(([key, values]) => [key, Object.fromEntries([...values].map((v) => [v, true]))]),
      ),
    ),
  );
  return { ok: true, query: scoped };
}

/** How an id-addressed operation names the object whose owner label must match. */
export interface OwnerCheck {
  readonly kind: OwnedKind;
  readonly from: 'param' | 'query';
  readonly key: string;
}

const byParam = (kind: OwnedKind, ids: readonly string[], key = 'id') =>
  ids.map((id) => [id, { kind, from: 'param', key }] as const);

const OWNER_CHECKS: ReadonlyMap<string, OwnerCheck> = new Map<string, OwnerCheck>([
  ...byParam('container', [
    'ContainerInspect',
    'ContainerTop',
    'ContainerChanges',
    'ContainerLogs',
    'ContainerStats',
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
    'ContainerDelete',
    'ContainerAttach',
    'ContainerAttachWebsocket',
    'ContainerArchive',
    'ContainerArchiveInfo',
    'PutContainerArchive',
    'ContainerExport',
    'ContainerExec',
  ]),
  ...byParam('exec', ['ExecStart', 'ExecResize', 'ExecInspect']),
  ...byParam('network', ['NetworkInspect', 'NetworkDelete', 'NetworkConnect', 'NetworkDisconnect']),
  ...byParam('volume', ['VolumeInspect', 'VolumeDelete', 'VolumeUpdate'], 'name'),
  ...byParam('service', ['ServiceInspect', 'ServiceUpdate', 'ServiceDelete', 'ServiceLogs']),
  ...byParam('task', ['TaskInspect', 'TaskLogs']),
  ...byParam('secret', ['SecretInspect', 'SecretUpdate', 'SecretDelete']),
  ...byParam('config', ['ConfigInspect', 'ConfigUpdate', 'ConfigDelete']),
  ['ImageCommit', { kind: 'container', from: 'query', key: 'container' }],
]);

/**
 * The object an id-addressed operation acts on, or undefined (creates, lists, images, plugins,
 * nodes, system). Exec ids resolve to their container; tasks to their service or container labels.
 */
export function needsOwnerCheck(operation: GatewayOperation): OwnerCheck | undefined {
  return OWNER_CHECKS.get(operation.id);
}

const asObject = (value: unknown): JsonObject => (isObject(value) ? value : {});
const asStrings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
const asString = (value: unknown) => (typeof value === 'string' ? value : '');

/** Network names that are not objects anyone owns. */
const BUILTIN_NETWORKS = new Set(['', 'bridge', 'default', 'host', 'none', 'ingress']);

function containerCreateRefs(body: JsonObject): ResourceRef[] {
  const refs: ResourceRef[] = [];
  const hostConfig = asObject(body.HostConfig);
  for (const [index, entry] of asStrings(hostConfig.VolumesFrom).entries()) {
    refs.push({
      kind: 'container',
      id: entry.split(':')[0] ?? '',
      where: `HostConfig.VolumesFrom[${index}]`,
    });
  }
  for (const [index, entry] of asStrings(hostConfig.Links).entries()) {
    refs.push({
      kind: 'container',
      id: (entry.split(':')[0] ?? '').replace(/^\//, ''),
      where: `HostConfig.Links[${index}]`,
    });
  }
  for (const field of ['NetworkMode', 'PidMode', 'IpcMode', 'Cgroup']) {
    const mode = asString(hostConfig[field]);
    if (mode.toLowerCase().startsWith('container:')) {
      refs.push({ kind: 'container', id: mode.slice('container:'.length), where: `HostConfig.${field}` });
    } else if (field === 'NetworkMode' && !BUILTIN_NETWORKS.has(mode)) {
      refs.push({ kind: 'network', id: mode, where: 'HostConfig.NetworkMode' });
    }
  }
  for (const name of Object.keys(asObject(asObject(body.NetworkingConfig).EndpointsConfig))) {
    if (!BUILTIN_NETWORKS.has(name) && name !== asString(hostConfig.NetworkMode)) {
      refs.push({ kind: 'network', id: name, where: `NetworkingConfig.EndpointsConfig["${name}"]` });
    }
  }
  for (const [index, raw] of asStrings(hostConfig.Binds).entries()) {
    const bind = parseBind(raw);
    if (bind.kind === 'volume') {
      refs.push({ kind: 'volume', id: bind.name, where: `HostConfig.Binds[${index}]`, mayNotExist: true });
    }
  }
  for (const [index, mount] of (Array.isArray(hostConfig.Mounts) ? hostConfig.Mounts : []).entries()) {
    const { Type, Source } = asObject(mount);
    if (Type === 'volume' && typeof Source === 'string' && Source !== '') {
      refs.push({
        kind: 'volume',
        id: Source,
        where: `HostConfig.Mounts[${index}].Source`,
        mayNotExist: true,
      });
    }
  }
  return refs;
}

function serviceRefs(body: JsonObject): ResourceRef[] {
  const refs: ResourceRef[] = [];
  const task = asObject(body.TaskTemplate);
  const spec = asObject(task.ContainerSpec);
  for (const [kind, field, idKey] of [
    ['secret', 'Secrets', 'SecretID'],
    ['config', 'Configs', 'ConfigID'],
  ] as const) {
    for (const [index, reference] of (Array.isArray(spec[field]) ? spec[field] : []).entries()) {
      const id = asString(asObject(reference)[idKey]);
      if (id !== '') refs.push({ kind, id, where: `TaskTemplate.ContainerSpec.${field}[${index}].${idKey}` });
    }
  }
  for (const [where, networks] of [
    ['TaskTemplate.Networks', task.Networks],
    ['Networks', body.Networks],
  ] as const) {
    for (const [index, network] of (Array.isArray(networks) ? networks : []).entries()) {
      const target = asString(asObject(network).Target);
      if (!BUILTIN_NETWORKS.has(target))
        refs.push({ kind: 'network', id: target, where: `${where}[${index}].Target` });
    }
  }
  for (const [index, mount] of (Array.isArray(spec.Mounts) ? spec.Mounts : []).entries()) {
    const { Type, Source } = asObject(mount);
    if (Type === 'volume' && typeof Source === 'string' && Source !== '') {
      refs.push({
        kind: 'volume',
        id: Source,
        where: `TaskTemplate.ContainerSpec.Mounts[${index}].Source`,
        mayNotExist: true,
      });
    }
  }
  return refs;
}

/**
 * Every object `request` acts on or references that an owner-scoped principal must own: the
 * addressed id (needsOwnerCheck) plus containers shared through VolumesFrom / Links /
 * `container:` namespaces, networks joined, named volumes mounted, secrets and configs given to
 * a service, the container of a network connect.
 */
export function ownerTargets(request: {
  readonly operation: GatewayOperation;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
}): ResourceRef[] {
  const { operation, params, query } = request;
  const body = asObject(request.body);
  const refs: ResourceRef[] = [];
  const addressed = needsOwnerCheck(operation);
  if (addressed !== undefined) {
    const id = addressed.from === 'param' ? params[addressed.key] : query.get(addressed.key);
    refs.push({ kind: addressed.kind, id: id ?? '', where: `${addressed.from} ${addressed.key}` });
  }
  if (operation.id === 'ContainerCreate') refs.push(...containerCreateRefs(body));
  if (operation.id === 'ServiceCreate' || operation.id === 'ServiceUpdate') refs.push(...serviceRefs(body));
  if (operation.id === 'NetworkConnect' || operation.id === 'NetworkDisconnect') {
    refs.push({ kind: 'container', id: asString(body.Container), where: 'Container' });
  }
  return refs;
}

/** Whether an object's labels (as the engine reports them) show `owner` as its owner. */
export function ownerAllows(
  labels: Readonly<Record<string, string>> | null | undefined,
  owner: string,
): boolean {
  return labels?.[OWNER_LABEL] === owner;
}
