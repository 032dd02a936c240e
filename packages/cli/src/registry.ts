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
  readonly load: () => Promise<LoadedCommand>;
}

export interface GroupEntry {
  readonly name: string;
  readonly summary: string;
}

function command(
  path: string,
  load: () => Promise<LoadedCommand>,
  options: { aliases?: readonly string[]; top?: number } = {},
): CommandEntry {
  return { path, aliases: options.aliases ?? [], load, ...(options.top ? { top: options.top } : {}) };
}

export const groups: readonly GroupEntry[] = [
  { name: 'container', summary: 'Manage containers' },
  { name: 'image', summary: 'Manage images' },
  { name: 'system', summary: 'Manage Docker' },
];

export const commands: readonly CommandEntry[] = [
  command('container inspect', () => import('./commands/container/inspect.ts')),
  command('container ls', () => import('./commands/container/list.ts'), {
    aliases: ['container list', 'container ps', 'ps'],
    top: 3,
  }),
  command('image inspect', () => import('./commands/image/inspect.ts')),
  command('image ls', () => import('./commands/image/list.ts'), {
    aliases: ['image list', 'images'],
    top: 7,
  }),
  command('inspect', () => import('./commands/inspect.ts')),
  command('system info', () => import('./commands/system/info.ts'), { aliases: ['info'], top: 12 }),
  command('version', () => import('./commands/version.ts'), { top: 10 }),
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

/** Top-level names (`ps`, `images`, `version`, …) with the entry each runs. */
export function topLevelCommands(): Array<{ name: string; entry: CommandEntry }> {
  return commands.flatMap((entry) =>
    [entry.path, ...entry.aliases].filter((name) => !name.includes(' ')).map((name) => ({ name, entry })),
  );
}
