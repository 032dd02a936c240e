/**
 * Help text generated from command definitions, laid out as the docker CLI lays it out (cobra's
 * usage template as docker configures it, pflag's flag table wrapped to the terminal width).
 */
import { type CommandDefinition, type FlagSpec, usageLine } from './command.ts';
import {
  type CommandEntry,
  findCommand,
  groupCommands,
  groups,
  type LoadedCommand,
  topLevelCommands,
} from './registry.ts';

/** cobra's minimum name column in command lists. */
const MIN_NAME_PADDING = 11;

/** Help of one command, `path` being what the user typed (`ps` or `container ls`). */
export function commandHelp(path: string, definition: CommandDefinition, width: number): string {
  const entry = findCommand(path);
  const lines = [`Usage:  ${usageLine(path, definition)}`, '', definition.description ?? definition.summary];
  if (entry && entry.aliases.length > 0) {
    const names = [entry.path, ...entry.aliases].map((name) => `gantry ${name}`);
    lines.push('', 'Aliases:', `  ${names.join(', ')}`);
  }
  const options = flagTable(definition.flags, width);
  if (options) lines.push('', 'Options:', options);
  return `${lines.join('\n')}\n`;
}

/** Help of a group (`gantry container`), listing its commands with their summaries. */
export async function groupHelp(group: string): Promise<string> {
  const summary = groups.find((candidate) => candidate.name === group)?.summary ?? '';
  const rows = await summaries(groupCommands(group).map((entry) => ({ name: lastWord(entry.path), entry })));
  return [
    `Usage:  gantry ${group} COMMAND`,
    '',
    summary,
    '',
    'Commands:',
    commandList(rows),
    '',
    `Run 'gantry ${group} COMMAND --help' for more information on a command.`,
    '',
  ].join('\n');
}

/** `gantry --help`: common commands, groups, the other top-level commands and the global flags. */
export async function rootHelp(
  globalFlags: Readonly<Record<string, FlagSpec>>,
  width: number,
): Promise<string> {
  const topLevel = await summaries(topLevelCommands());
  const common = topLevel
    .filter((row) => row.entry.top !== undefined && !row.name.includes(' '))
    .sort((a, b) => (a.entry.top ?? 0) - (b.entry.top ?? 0));
  const others = topLevel.filter((row) => !common.includes(row)).sort((a, b) => a.name.localeCompare(b.name));
  // docker lists groups alphabetically, the Swarm ones in a section of their own.
  const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name));
  const management = sorted.filter((group) => !group.swarm);
  const swarm = sorted.filter((group) => group.swarm);
  const sections = [
    'Usage:  gantry [OPTIONS] COMMAND',
    '',
    'A command-line tool for the Docker Engine, with the docker CLI’s commands, flags and output',
    '',
    'Common Commands:',
    commandList(common),
    '',
    'Management Commands:',
    commandList(management),
    '',
    'Swarm Commands:',
    commandList(swarm),
  ];
  if (others.length > 0) sections.push('', 'Commands:', commandList(others));
  sections.push(
    '',
    'Global Options:',
    flagTable(globalFlags, width),
    '',
    "Run 'gantry COMMAND --help' for more information on a command.",
    '',
  );
  return sections.join('\n');
}

async function summaries(
  rows: Array<{ name: string; entry: CommandEntry }>,
): Promise<Array<{ name: string; entry: CommandEntry; summary: string }>> {
  const loaded = await Promise.all(rows.map((row) => row.entry.load()));
  return rows.map((row, at) => ({ ...row, summary: (loaded[at] as LoadedCommand).definition.summary }));
}

function commandList(rows: ReadonlyArray<{ name: string; summary: string }>): string {
  const padding = Math.max(MIN_NAME_PADDING, ...rows.map((row) => row.name.length));
  return rows.map((row) => `  ${row.name.padEnd(padding)} ${row.summary}`).join('\n');
}

function lastWord(path: string): string {
  return path.slice(path.lastIndexOf(' ') + 1);
}

const PLACEHOLDERS: Record<FlagSpec['type'], string> = {
  boolean: '',
  string: 'string',
  number: 'int',
  list: 'list',
};

/**
 * pflag's `FlagUsagesWrapped(width - 1)`: flags sorted by long name, descriptions aligned two
 * columns after the longest `-x, --name type`, wrapped to the width.
 */
export function flagTable(flags: Readonly<Record<string, FlagSpec>>, width: number): string {
  const visible = Object.entries(flags)
    .filter(([, spec]) => !spec.hidden)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (visible.length === 0) return '';
  const heads = visible.map(([name, spec]) => {
    const placeholder = spec.placeholder ?? PLACEHOLDERS[spec.type];
    const head = spec.short ? `  -${spec.short}, --${name}` : `      --${name}`;
    return placeholder ? `${head} ${placeholder}` : head;
  });
  // pflag counts the separator it inserts in the longest head, hence the + 1.
  const maxLength = Math.max(...heads.map((head) => head.length)) + 1;
  return visible
    .map(([, spec], at) => {
      const head = heads[at] as string;
      const text =
        spec.description + defaultSuffix(spec) + (spec.deprecated ? ` (DEPRECATED: ${spec.deprecated})` : '');
      return `${head} ${' '.repeat(maxLength - head.length)} ${wrap(maxLength + 2, width - 1, text)}`;
    })
    .join('\n');
}

function defaultSuffix(spec: FlagSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText ? ` (default ${spec.defaultText})` : '';
  if (spec.default === undefined || spec.default === false || spec.default === 0 || spec.default === '')
    return '';
  return typeof spec.default === 'string'
    ? ` (default ${JSON.stringify(spec.default)})`
    : ` (default ${spec.default})`;
}

/**
 * pflag's wrap: `text` in a column starting at `indent`, lines at most `width` long, allowing a
 * 5-character overrun to avoid an orphan word on the last line; the first line is not indented.
 */
export function wrap(indent: number, width: number, text: string): string {
  let column = indent;
  let room = width - column;
  let result = '';
  if (room < 24) {
    column = 16;
    room = width - column;
    result += `\n${' '.repeat(column)}`;
  }
  if (room < 24) return text.replaceAll('\n', result);
  const slop = 5;
  room -= slop;
  const pad = ' '.repeat(column);
  let [line, rest] = wrapOnce(room, slop, text);
  result += line.replaceAll('\n', `\n${pad}`);
  while (rest !== '') {
    [line, rest] = wrapOnce(room, slop, rest);
    result += `\n${pad}${line.replaceAll('\n', `\n${pad}`)}`;
  }
  return result;
}

/** Splits off at most `limit` characters at whitespace (or the whole text if it fits within `limit + slop`). */
function wrapOnce(limit: number, slop: number, text: string): [string, string] {
  if (limit + slop > text.length) return [text, ''];
  const head = text.slice(0, limit);
  const space = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (space <= 0) return [text, ''];
  const newline = head.lastIndexOf('\n');
  if (newline > 0 && newline < space) return [text.slice(0, newline), text.slice(newline + 1)];
  return [text.slice(0, space), text.slice(space + 1)];
}
