/**
 * The permission table: every REST route and every realtime channel names exactly one of these
 * (or `public` / `authenticated`), and roles are sets of them. Engine-scoped permissions apply only
 * on the engines a user or token is granted; global ones concern the console itself.
 */

export const PERMISSIONS = {
  // The console itself (global).
  'engines.read': { scope: 'global', summary: 'list engines and their status' },
  'engines.manage': { scope: 'global', summary: 'add, edit, test and remove engines' },
  'users.read': { scope: 'global', summary: 'list users' },
  'users.manage': { scope: 'global', summary: 'create, edit, lock and remove users' },
  'roles.read': { scope: 'global', summary: 'list roles and their permissions' },
  'roles.manage': { scope: 'global', summary: 'create, edit and remove custom roles' },
  'settings.read': { scope: 'global', summary: 'read console settings' },
  'settings.manage': { scope: 'global', summary: 'change console settings (audit retention ...)' },
  'audit.read': { scope: 'global', summary: 'read, verify and export the audit log' },
  'registries.read': {
    scope: 'global',
    summary: 'list stored registry credentials: name, address and user name, never the password',
  },
  'registries.manage': { scope: 'global', summary: 'add, edit, test and remove stored registry credentials' },
  // One engine's objects (engine-scoped).
  'containers.read': { scope: 'engine', summary: 'list and inspect containers, top, changes' },
  'containers.create': { scope: 'engine', summary: 'create containers' },
  'containers.operate': {
    scope: 'engine',
    summary: 'start, stop, restart, kill, pause, unpause, rename, update, wait, resize',
  },
  'containers.remove': { scope: 'engine', summary: 'remove and prune containers' },
  'containers.exec': { scope: 'engine', summary: 'run commands in containers, open terminals, attach' },
  'containers.files.read': { scope: 'engine', summary: 'download files and export containers' },
  'containers.files.write': { scope: 'engine', summary: 'upload files into containers' },
  'logs.read': { scope: 'engine', summary: 'read container and service logs' },
  'stats.read': { scope: 'engine', summary: 'read resource usage statistics' },
  'images.read': { scope: 'engine', summary: 'list, inspect, history and search images' },
  'images.pull': { scope: 'engine', summary: 'pull images' },
  'images.push': { scope: 'engine', summary: 'push images' },
  'images.build': { scope: 'engine', summary: 'build images' },
  'images.manage': { scope: 'engine', summary: 'tag, remove, prune, import, load, save and commit images' },
  'networks.read': { scope: 'engine', summary: 'list and inspect networks' },
  'networks.manage': { scope: 'engine', summary: 'create, remove, prune, connect and disconnect networks' },
  'volumes.read': { scope: 'engine', summary: 'list and inspect volumes' },
  'volumes.manage': { scope: 'engine', summary: 'create, remove and prune volumes' },
  'system.read': { scope: 'engine', summary: 'engine info, version, disk usage and events' },
  'system.prune': { scope: 'engine', summary: 'prune build cache and unused data' },
  'swarm.read': { scope: 'engine', summary: 'inspect the swarm, list nodes, services and tasks' },
  'swarm.manage': { scope: 'engine', summary: 'init, join, leave and update the swarm; update nodes' },
  'services.manage': { scope: 'engine', summary: 'create, update, scale and remove services' },
  'secrets.read': { scope: 'engine', summary: 'list and inspect secrets (never their values)' },
  'secrets.manage': { scope: 'engine', summary: 'create, update and remove secrets' },
  'configs.read': { scope: 'engine', summary: 'list and inspect configs' },
  'configs.manage': { scope: 'engine', summary: 'create, update and remove configs' },
  'plugins.read': { scope: 'engine', summary: 'list and inspect plugins' },
  'plugins.manage': { scope: 'engine', summary: 'install, enable, disable, upgrade and remove plugins' },
} as const satisfies Record<string, { scope: 'global' | 'engine'; summary: string }>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * What a route or channel requires: a permission, `authenticated` (any signed-in user or token,
 * e.g. "who am I", own tokens), or `public` (health, setup, login).
 */
export type Requirement = Permission | 'authenticated' | 'public';

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export const isPermission = (name: string): name is Permission => Object.hasOwn(PERMISSIONS, name);

export const isEngineScoped = (permission: Permission) => PERMISSIONS[permission].scope === 'engine';

/** The console-administration permissions an operator does not get. */
const ADMINISTRATION: readonly Permission[] = [
  'engines.manage',
  'users.read',
  'users.manage',
  'roles.manage',
  'settings.manage',
  'registries.manage',
];

/**
 * Read-only permissions a viewer still does not get: logs and files may carry secrets, secrets'
 * metadata names them, and the audit log and user list describe other people.
 */
const HIDDEN_FROM_VIEWERS: readonly Permission[] = [
  'logs.read',
  'containers.files.read',
  'secrets.read',
  'audit.read',
  'users.read',
];

export const BUILTIN_ROLES = {
  admin: {
    description: 'Everything, on every engine, including users, roles and settings.',
    permissions: ALL_PERMISSIONS,
  },
  operator: {
    description:
      'Everything on the engines granted, except users, roles, settings, adding engines and storing registry credentials.',
    permissions: ALL_PERMISSIONS.filter((permission) => !ADMINISTRATION.includes(permission)),
  },
  viewer: {
    description: 'Read-only: lists, inspect, stats and events; no exec, no logs, no secrets, no files.',
    permissions: ALL_PERMISSIONS.filter(
      (permission) =>
        (permission.endsWith('.read') || permission === 'stats.read') &&
        !HIDDEN_FROM_VIEWERS.includes(permission),
    ),
  },
} as const satisfies Record<string, { description: string; permissions: readonly Permission[] }>;

export type BuiltinRole = keyof typeof BUILTIN_ROLES;

export const isBuiltinRole = (name: string): name is BuiltinRole => Object.hasOwn(BUILTIN_ROLES, name);
