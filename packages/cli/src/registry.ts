/**
 * Every command path, its aliases and where its module is. Modules are imported only when their
 * command runs (or for help), so start-up costs the same however many commands exist.
 *
 * Adding a command: create `commands/<group>/<verb>.ts` (see README.md) and add one `command(...)`
 * line below. Aliases follow docker's: `ps` = `container ls` = `container list` = `container ps`.
 */
import type { CommandDefinition } from './command.ts';
import type { CommandIO } from './io.ts';

/** A loaded command module; `run` is typed per command by `OptionsOf<typeof definition>`. */
export interface LoadedCommand {
  readonly definition: CommandDefinition;
  readonly run: (opts: never, io: CommandIO) => Promise<number>;
}

export interface CommandEntry {
  /** The canonical path, e.g. `container ls`. */
  readonly path: string;
  /** Other full paths that run the same command, e.g. `container list`, `ps`. */
  readonly aliases: readonly string[];
  /** Position under "Common Commands" in `gantry --help` (docker's `category-top`). */
  readonly top?: number;
  /** Runs, but is left out of help and completion (docker's hidden `completion`, cobra's `__complete`). */
  readonly hidden?: boolean;
  readonly load: () => Promise<LoadedCommand>;
}

export interface GroupEntry {
  readonly name: string;
  readonly summary: string;
  /** Listed under "Swarm Commands" in the root help, as docker lists it. */
  readonly swarm?: boolean;
}

function command(
  path: string,
  load: () => Promise<LoadedCommand>,
  options: { aliases?: readonly string[]; top?: number; hidden?: boolean } = {},
): CommandEntry {
  return {
    path,
    aliases: options.aliases ?? [],
    load,
    ...(options.top ? { top: options.top } : {}),
    ...(options.hidden ? { hidden: true } : {}),
  };
}

export const groups: readonly GroupEntry[] = [
  { name: 'container', summary: 'Manage containers' },
  { name: 'image', summary: 'Manage images' },
  { name: 'builder', summary: 'Manage builds' },
  { name: 'system', summary: 'Manage Docker' },
  { name: 'network', summary: 'Manage networks' },
  { name: 'volume', summary: 'Manage volumes' },
  { name: 'secret', summary: 'Manage Swarm secrets', swarm: true },
  { name: 'config', summary: 'Manage Swarm configs', swarm: true },
  { name: 'plugin', summary: 'Manage plugins' },
  { name: 'swarm', summary: 'Manage Swarm', swarm: true },
  { name: 'node', summary: 'Manage Swarm nodes', swarm: true },
  { name: 'service', summary: 'Manage Swarm services', swarm: true },
  { name: 'context', summary: 'Manage contexts' },
  { name: 'audit', summary: "Verify and export the Gantry console's audit log" },
];

export const commands: readonly CommandEntry[] = [
  command('container attach', () => import('./commands/container/attach.ts'), { aliases: ['attach'] }),
  command('container commit', () => import('./commands/container/commit.ts'), { aliases: ['commit'] }),
  command('container cp', () => import('./commands/container/cp.ts'), { aliases: ['cp'] }),
  command('container create', () => import('./commands/container/create.ts'), { aliases: ['create'] }),
  command('container diff', () => import('./commands/container/diff.ts'), { aliases: ['diff'] }),
  command('container exec', () => import('./commands/container/exec.ts'), { aliases: ['exec'], top: 2 }),
  command('container export', () => import('./commands/container/export.ts'), { aliases: ['export'] }),
  command('container inspect', () => import('./commands/container/inspect.ts')),
  command('container kill', () => import('./commands/container/kill.ts'), { aliases: ['kill'] }),
  command('container logs', () => import('./commands/container/logs.ts'), { aliases: ['logs'] }),
  command('container pause', () => import('./commands/container/pause.ts'), { aliases: ['pause'] }),
  command('container port', () => import('./commands/container/port.ts'), { aliases: ['port'] }),
  command('container prune', () => import('./commands/container/prune.ts')),
  command('container rename', () => import('./commands/container/rename.ts'), { aliases: ['rename'] }),
  command('container restart', () => import('./commands/container/restart.ts'), { aliases: ['restart'] }),
  command('container rm', () => import('./commands/container/remove.ts'), {
    aliases: ['container remove', 'rm'],
  }),
  command('container run', () => import('./commands/container/run.ts'), { aliases: ['run'], top: 1 }),
  command('container start', () => import('./commands/container/start.ts'), { aliases: ['start'] }),
  command('container stats', () => import('./commands/container/stats.ts'), { aliases: ['stats'] }),
  command('container stop', () => import('./commands/container/stop.ts'), { aliases: ['stop'] }),
  command('container top', () => import('./commands/container/top.ts'), { aliases: ['top'] }),
  command('container unpause', () => import('./commands/container/unpause.ts'), { aliases: ['unpause'] }),
  command('container update', () => import('./commands/container/update.ts'), { aliases: ['update'] }),
  command('container wait', () => import('./commands/container/wait.ts'), { aliases: ['wait'] }),
  command('container ls', () => import('./commands/container/list.ts'), {
    aliases: ['container list', 'container ps', 'ps'],
    top: 3,
  }),
  command('image build', () => import('./commands/image/build.ts'), {
    aliases: ['build', 'builder build'],
    top: 4,
  }),
  command('builder prune', () => import('./commands/builder/prune.ts')),
  command('image history', () => import('./commands/image/history.ts'), { aliases: ['history'] }),
  command('image import', () => import('./commands/image/import.ts'), { aliases: ['import'] }),
  command('image inspect', () => import('./commands/image/inspect.ts')),
  command('image load', () => import('./commands/image/load.ts'), { aliases: ['load'] }),
  command('image prune', () => import('./commands/image/prune.ts')),
  command('image pull', () => import('./commands/image/pull.ts'), { aliases: ['pull'], top: 5 }),
  command('image push', () => import('./commands/image/push.ts'), { aliases: ['push'], top: 6 }),
  command('image rm', () => import('./commands/image/remove.ts'), { aliases: ['image remove', 'rmi'] }),
  command('image save', () => import('./commands/image/save.ts'), { aliases: ['save'] }),
  command('image tag', () => import('./commands/image/tag.ts'), { aliases: ['tag'] }),
  command('login', () => import('./commands/login.ts'), { top: 8 }),
  command('logout', () => import('./commands/logout.ts'), { top: 9 }),
  command('image ls', () => import('./commands/image/list.ts'), {
    aliases: ['image list', 'images'],
    top: 7,
  }),
  command('inspect', () => import('./commands/inspect.ts')),
  // Ties with `version` (10): listed first, as docker lists it.
  command('search', () => import('./commands/search.ts'), { top: 10 }),
  command('system info', () => import('./commands/system/info.ts'), { aliases: ['info'], top: 12 }),
  command('system df', () => import('./commands/system/df.ts')),
  command('system events', () => import('./commands/system/events.ts'), { aliases: ['events'] }),
  command('system prune', () => import('./commands/system/prune.ts')),
  command('network connect', () => import('./commands/network/connect.ts')),
  command('network create', () => import('./commands/network/create.ts')),
  command('network disconnect', () => import('./commands/network/disconnect.ts')),
  command('network inspect', () => import('./commands/network/inspect.ts')),
  command('network ls', () => import('./commands/network/list.ts'), { aliases: ['network list'] }),
  command('network prune', () => import('./commands/network/prune.ts')),
  command('network rm', () => import('./commands/network/remove.ts'), { aliases: ['network remove'] }),
  command('volume create', () => import('./commands/volume/create.ts')),
  command('volume inspect', () => import('./commands/volume/inspect.ts')),
  command('volume ls', () => import('./commands/volume/list.ts'), { aliases: ['volume list'] }),
  command('volume prune', () => import('./commands/volume/prune.ts')),
  command('volume rm', () => import('./commands/volume/remove.ts'), { aliases: ['volume remove'] }),
  command('secret create', () => import('./commands/secret/create.ts')),
  command('secret inspect', () => import('./commands/secret/inspect.ts')),
  command('secret ls', () => import('./commands/secret/list.ts'), { aliases: ['secret list'] }),
  command('secret rm', () => import('./commands/secret/remove.ts'), { aliases: ['secret remove'] }),
  command('config create', () => import('./commands/config/create.ts')),
  command('config inspect', () => import('./commands/config/inspect.ts')),
  command('config ls', () => import('./commands/config/list.ts'), { aliases: ['config list'] }),
  command('config rm', () => import('./commands/config/remove.ts'), { aliases: ['config remove'] }),
  command('plugin disable', () => import('./commands/plugin/disable.ts')),
  command('plugin enable', () => import('./commands/plugin/enable.ts')),
  command('plugin inspect', () => import('./commands/plugin/inspect.ts')),
  command('plugin install', () => import('./commands/plugin/install.ts')),
  command('plugin ls', () => import('./commands/plugin/list.ts'), { aliases: ['plugin list'] }),
  command('plugin rm', () => import('./commands/plugin/remove.ts'), { aliases: ['plugin remove'] }),
  command('swarm init', () => import('./commands/swarm/init.ts')),
  command('swarm join', () => import('./commands/swarm/join.ts')),
  command('swarm join-token', () => import('./commands/swarm/join-token.ts')),
  command('swarm leave', () => import('./commands/swarm/leave.ts')),
  command('node inspect', () => import('./commands/node/inspect.ts')),
  command('node ls', () => import('./commands/node/list.ts'), { aliases: ['node list'] }),
  command('node rm', () => import('./commands/node/remove.ts'), { aliases: ['node remove'] }),
  command('node update', () => import('./commands/node/update.ts')),
  command('service create', () => import('./commands/service/create.ts')),
  command('service inspect', () => import('./commands/service/inspect.ts')),
  command('service logs', () => import('./commands/service/logs.ts')),
  command('service ls', () => import('./commands/service/list.ts'), { aliases: ['service list'] }),
  command('service ps', () => import('./commands/service/ps.ts')),
  command('service rm', () => import('./commands/service/remove.ts'), { aliases: ['service remove'] }),
  command('service scale', () => import('./commands/service/scale.ts')),
  command('service update', () => import('./commands/service/update.ts')),
  command('context create', () => import('./commands/context/create.ts')),
  command('context inspect', () => import('./commands/context/inspect.ts')),
  command('context ls', () => import('./commands/context/list.ts'), { aliases: ['context list'] }),
  command('context rm', () => import('./commands/context/remove.ts'), { aliases: ['context remove'] }),
  command('context use', () => import('./commands/context/use.ts')),
  command('version', () => import('./commands/version.ts'), { top: 10 }),
  command('serve', () => import('./commands/serve.ts')),
  command('audit verify', () => import('./commands/audit/verify.ts')),
  command('audit export', () => import('./commands/audit/export.ts')),
  command('completion', () => import('./commands/completion.ts'), { hidden: true }),
  command('__complete', () => import('./commands/complete.ts'), { hidden: true }),
];

/** The command a path (`ps`, `container ls`, …) names, and which of its names was used. */
export function findCommand(path: string): CommandEntry | undefined {
  return commands.find((entry) => entry.path === path || entry.aliases.includes(path));
}

export function isGroup(word: string): boolean {
  return groups.some((group) => group.name === word);
}

/** Commands directly under a group (`container` -> `ls`, `inspect`, …), by their canonical path. */
export function groupCommands(group: string): CommandEntry[] {
  return commands.filter((entry) => entry.path.startsWith(`${group} `));
}

/** Top-level names (`ps`, `images`, `version`, …) with the entry each runs; hidden commands left out. */
export function topLevelCommands(): Array<{ name: string; entry: CommandEntry }> {
  return commands.flatMap((entry) =>
    entry.hidden
      ? []
      : [entry.path, ...entry.aliases].filter((name) => !name.includes(' ')).map((name) => ({ name, entry })),
  );
}
