/**
 * What to offer for the word being completed, the way cobra's `__complete` answers docker's shell
 * scripts: the words typed after `gantry` go in, candidates and a directive come out. Commands,
 * verbs and flags come from the registry and the command definitions; arguments that name an
 * engine object (containers, images, networks, volumes) are listed from the engine, chosen by the
 * argument's name in the command's usage line (`CONTAINER`, `IMAGE`, `NETWORK`, …) — so every
 * registered command completes without per-command configuration.
 */
import type { FlagSpec } from '../command.ts';
import { globalFlags } from '../global-flags.ts';
import {
  type CommandEntry,
  findCommand,
  groupCommands,
  groups,
  isGroup,
  topLevelCommands,
} from '../registry.ts';

export interface Candidate {
  readonly value: string;
  /** Shown by zsh and fish next to the value. */
  readonly description?: string;
}

/** cobra's ShellCompDirective bits, so the scripts read like cobra's. */
export const DIRECTIVE = {
  /** The shell may complete file names when there are no candidates. */
  default: 0,
  /** No space after the candidate (`--format=` and the like). */
  noSpace: 2,
  /** Never fall back to file names. */
  noFiles: 4,
} as const;

export interface Completion {
  readonly candidates: readonly Candidate[];
  /** A sum of {@link DIRECTIVE} bits. */
  readonly directive: number;
}

/** Which containers an argument takes: `start` a stopped one, `stop` a running one, … */
export type ContainerState = 'all' | 'running' | 'stopped' | 'paused';

/** The engine's object names, listed only when the word being completed names one. */
export interface EngineNames {
  containers(state: ContainerState): Promise<readonly string[]>;
  images(): Promise<readonly string[]>;
  networks(): Promise<readonly string[]>;
  volumes(): Promise<readonly string[]>;
}

/**
 * `engine` gets the global flags typed before the command (`-H tcp://…`, `--context x`), so names
 * come from the engine the completed command will talk to.
 */
export type EngineFor = (globalWords: readonly string[]) => EngineNames;

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'Print usage' };

/** docker's completion offers running containers to these, stopped ones to `start`, paused to `unpause`. */
const CONTAINER_STATE: Readonly<Record<string, ContainerState>> = {
  'container attach': 'running',
  'container exec': 'running',
  'container kill': 'running',
  'container pause': 'running',
  'container stop': 'running',
  'container top': 'running',
  'container stats': 'running',
  'container start': 'stopped',
  'container unpause': 'paused',
};

/** Values of flags whose values are a known set or engine objects. */
const FLAG_VALUES: Readonly<Record<string, (engine: EngineNames) => Promise<readonly string[]>>> = {
  format: async () => ['json', 'table'],
  'log-level': async () => ['debug', 'info', 'warn', 'error', 'fatal'],
  network: (engine) => engine.networks(),
  'volumes-from': (engine) => engine.containers('all'),
};

/**
 * The candidates for the last of `words` (the words after `gantry`; the last one is the word being
 * completed, `''` after a space). Engine failures give no candidates rather than an error: a shell
 * completion has nowhere to print one.
 */
export async function complete(words: readonly string[], engineFor: EngineFor): Promise<Completion> {
  const current = words.at(-1) ?? '';
  const typed = words.slice(0, -1);
  const globals = scan(typed, globalFlags, 'global');
  const globalWords = typed.slice(0, globals.commandIndex ?? typed.length);
  const engine = () => engineFor(globalWords);
  if (globals.pending) return flagValues(globals.pending, current, engine);
  if (globals.commandIndex === undefined) {
    if (isFlagWord(current)) return flagNames(globalFlags, current);
    return names(await topLevelCandidates(), current);
  }
  const first = typed[globals.commandIndex] as string;
  let rest = typed.slice(globals.commandIndex + 1);
  let path = first;
  if (isGroup(first)) {
    if (rest.length === 0) {
      if (isFlagWord(current)) return flagNames({ help: HELP_FLAG }, current);
      return names(await verbCandidates(first), current);
    }
    path = `${first} ${rest[0]}`;
    rest = rest.slice(1);
  }
  const entry = findCommand(path);
  if (!entry) return none();
  const { definition } = await entry.load();
  const flags = { ...definition.flags, help: HELP_FLAG };
  const scanned = scan(rest, flags, definition.interspersed === false ? 'flags-first' : 'interspersed');
  if (scanned.pending) return flagValues(scanned.pending, current, engine);
  if (isFlagWord(current) && !scanned.flagsEnded) return flagNames(flags, current);
  const token = usageToken(definition.usage, scanned.positionals.length);
  return argumentValues(token, entry, current, engine);
}

function isFlagWord(word: string): boolean {
  return word.startsWith('-');
}

function none(directive: number = DIRECTIVE.noFiles): Completion {
  return { candidates: [], directive };
}

/** Candidates starting with `current`, sorted and without repeats. */
function names(candidates: readonly Candidate[], current: string, directive: number = DIRECTIVE.noFiles) {
  const seen = new Set<string>();
  const matching = candidates
    .filter((candidate) => candidate.value.startsWith(current))
    .filter((candidate) => !seen.has(candidate.value) && Boolean(seen.add(candidate.value)))
    .sort((a, b) => a.value.localeCompare(b.value));
  return { candidates: matching, directive };
}

async function topLevelCandidates(): Promise<Candidate[]> {
  const commands = await Promise.all(
    topLevelCommands().map(async ({ name, entry }) => ({ value: name, description: await summary(entry) })),
  );
  return [...groups.map((group) => ({ value: group.name, description: group.summary })), ...commands];
}

async function verbCandidates(group: string): Promise<Candidate[]> {
  const entries = groupCommands(group).filter((entry) => !entry.hidden);
  const perEntry = await Promise.all(
    entries.map(async (entry) => {
      const description = await summary(entry);
      return [entry.path, ...entry.aliases]
        .filter((name) => name.startsWith(`${group} `) && !name.slice(group.length + 1).includes(' '))
        .map((name) => ({ value: name.slice(group.length + 1), description }));
    }),
  );
  return perEntry.flat();
}

async function summary(entry: CommandEntry): Promise<string> {
  return (await entry.load()).definition.summary;
}

/** `--name` for every visible flag; `-x` too when just `-` was typed (as cobra). */
function flagNames(flags: Readonly<Record<string, FlagSpec>>, current: string): Completion {
  const candidates: Candidate[] = [];
  for (const [name, spec] of Object.entries(flags)) {
    if (spec.hidden || spec.deprecated) continue;
    candidates.push({ value: `--${name}`, description: spec.description });
    if (spec.short && current === '-')
      candidates.push({ value: `-${spec.short}`, description: spec.description });
  }
  return names(candidates, current);
}

async function flagValues(flag: string, current: string, engine: () => EngineNames): Promise<Completion> {
  const values = FLAG_VALUES[flag];
  // Other value flags take paths (--env-file, --tlscacert, -f) or free text: leave it to the shell.
  if (!values) return none(DIRECTIVE.default);
  const found = await values(engine()).catch(() => []);
  return names(
    found.map((value) => ({ value })),
    current,
  );
}

/**
 * The usage word (`CONTAINER`, `IMAGE`, `NAME|ID`, `bash|zsh|fish`, …) describing positional
 * argument `index`; the last word repeats when it ends with `...`.
 */
export function usageToken(usage: string, index: number): string | undefined {
  const tokens = usage
    .replace(/\s*\|\s*/g, '|')
    .split(/\s+/)
    .filter((token) => token !== '' && token !== '[OPTIONS]');
  const last = tokens.at(-1);
  const token = tokens[index] ?? (last?.includes('...') ? last : undefined);
  // `[CONTAINER...]` -> `CONTAINER`; `[REPOSITORY[:TAG]]` -> `REPOSITORY[:TAG` (enough to match).
  return token?.replace(/\.\.\./g, '').replace(/^\[+|\]+$/g, '');
}

async function argumentValues(
  token: string | undefined,
  entry: CommandEntry,
  current: string,
  engine: () => EngineNames,
): Promise<Completion> {
  if (token === undefined) return none();
  if (/^[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)+$/.test(token)) {
    return names(
      token.split('|').map((value) => ({ value })),
      current,
    );
  }
  // `CONTAINER:SRC_PATH`, `PATH|URL|-`, `COMMAND`, `ARG`, `FILE`: paths and free text.
  if (/PATH|URL|FILE|COMMAND|ARG|DEST|SRC/.test(token) || /[^[]:/.test(token)) return none(DIRECTIVE.default);
  // `gantry inspect NAME|ID` takes any object; containers and images are what people inspect.
  const anyObject = entry.path === 'inspect' && token.includes('NAME|ID');
  const lists: Array<Promise<readonly string[]>> = [];
  if (anyObject || token.includes('CONTAINER')) {
    lists.push(engine().containers(CONTAINER_STATE[entry.path] ?? 'all'));
  }
  if (anyObject || /IMAGE|REPOSITORY|^NAME\[:TAG/.test(token)) lists.push(engine().images());
  if (token.includes('NETWORK')) lists.push(engine().networks());
  if (token.includes('VOLUME')) lists.push(engine().volumes());
  if (lists.length === 0) return none();
  const found = await Promise.all(lists.map((list) => list.catch(() => [] as readonly string[])));
  return names(
    found.flat().map((value) => ({ value })),
    current,
  );
}

interface Scanned {
  /** Positional words, in order. */
  readonly positionals: string[];
  /** Long name of a value flag the last word left waiting for its value. */
  readonly pending?: string;
  /** `--` was given, or (not interspersed) a positional ended the flags. */
  readonly flagsEnded: boolean;
  /** For the global flags: the index of the command word, if one was typed. */
  readonly commandIndex?: number;
}

/**
 * Walks typed words as the flag parser would, without validating anything (a half-typed command
 * line is normal here). Modes: `global` stops at the command word (`commandIndex`); `flags-first`
 * (`run`, `exec`: not interspersed) ends the flags at the first positional; `interspersed` mixes.
 */
function scan(
  words: readonly string[],
  flags: Readonly<Record<string, FlagSpec>>,
  mode: 'global' | 'flags-first' | 'interspersed',
): Scanned {
  const byShort = new Map(
    Object.entries(flags).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])),
  );
  const positionals: string[] = [];
  let flagsEnded = false;
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (flagsEnded || word === '-' || !word.startsWith('-')) {
      if (mode === 'global') return { positionals, flagsEnded, commandIndex: index };
      positionals.push(word);
      if (mode === 'flags-first') flagsEnded = true;
      continue;
    }
    if (word === '--') {
      flagsEnded = true;
      continue;
    }
    let takesValue: string | undefined;
    if (word.startsWith('--')) {
      const name = word.slice(2).split('=')[0] as string;
      if (!word.includes('=') && flags[name] && flags[name].type !== 'boolean') takesValue = name;
    } else {
      for (let at = 1; at < word.length; at++) {
        const name = byShort.get(word[at] as string);
        if (name === undefined || flags[name]?.type === 'boolean') continue;
        // `-n5` carries its value; `-n` takes the next word.
        if (at === word.length - 1) takesValue = name;
        break;
      }
    }
    if (takesValue !== undefined) {
      if (index === words.length - 1) return { positionals, flagsEnded, pending: takesValue };
      index++;
    }
  }
  return { positionals, flagsEnded };
}
