/**
 * From argv to exit code: global flags (before the command name, as docker's root command), the
 * command path (`ps`, `container ls`, `help …`), the command's flags and arguments, then its `run`.
 * Every error ends here as a message on stderr and docker's exit code; main.ts only exits.
 */
import type { ConnectOptions, DockerClient } from '@gantry/engine';
import { type ParsedFlags, parseFlags } from './args.ts';
import { camelCase, type FlagSpec, usageLine } from './command.ts';
import { describeError, UsageError } from './errors.ts';
import { connectOptions, globalFlags } from './global-flags.ts';
import type { CommandIO, Input, Output, TerminalSize } from './io.ts';
import { findCommand, isGroup, type LoadedCommand } from './registry.ts';

/** What the CLI runs in: the process (main.ts) or a test's fakes. */
export interface CliEnvironment {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: Input;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
  terminalSize(): TerminalSize | undefined;
  /** See {@link CommandIO.trapSignals}; without it (test fakes) nothing is routed. */
  trapSignals?(handler: (signal: NodeJS.Signals) => void): () => void;
  now(): number;
  /** Makes the engine client; the real one imports the SDK on first use. */
  connect(options: ConnectOptions): Promise<DockerClient>;
}

const HELP_FLAG: FlagSpec = { type: 'boolean', description: 'Print usage', hidden: true };
const ROOT_USAGE = 'gantry [OPTIONS] COMMAND';

export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  let client: Promise<DockerClient> | undefined;
  let debug = false;
  try {
    const globals = parseFlags(
      argv,
      { ...globalFlags, help: { ...HELP_FLAG, short: 'h' } },
      { commandPath: 'gantry', usage: ROOT_USAGE, interspersed: false },
    );
    debug = globals.values.debug === true;
    for (const warning of globals.warnings) environment.stderr.write(`${warning}\n`);
    if (globals.values.version === true) {
      const { versionLine } = await import('./commands/version.ts');
      environment.stdout.write(`${versionLine()}\n`);
      return 0;
    }
    const io: CommandIO = {
      stdout: environment.stdout,
      stderr: environment.stderr,
      // A getter: reading process.stdin opens it (~2 ms, and a handle), so only commands that use it pay.
      get stdin() {
        return environment.stdin;
      },
      // `--config DIR` is DOCKER_CONFIG for every command (login, logout, context…), as for docker.
      env:
        typeof globals.values.config === 'string'
          ? { ...environment.env, DOCKER_CONFIG: globals.values.config }
          : environment.env,
      signal: environment.signal,
      debug,
      connection: {
        context: globals.values.context as string | undefined,
        hosts: globals.values.host as string[],
      },
      terminalSize: () => environment.terminalSize(),
      trapSignals: (handler) => environment.trapSignals?.(handler) ?? (() => undefined),
      now: () => environment.now(),
      client: () => {
        client ??= environment.connect(connectOptions(globals, environment.env));
        return client;
      },
    };
    return await dispatch(globals, io);
  } catch (err) {
    const report = await describeError(err, debug);
    if (report.text) environment.stderr.write(`${report.text}\n`);
    return report.status;
  } finally {
    if (client) await client.then((docker) => docker.close()).catch(() => undefined);
  }
}

async function dispatch(globals: ParsedFlags, io: CommandIO): Promise<number> {
  const width = io.terminalSize()?.columns ?? 80;
  const [first, ...rest] = globals.positionals;
  if (first === undefined) {
    const { rootHelp } = await import('./help.ts');
    io.stdout.write(await rootHelp(globalFlags, width));
    return 0;
  }
  if (first === 'help') return help(rest, io, width);
  const resolved = await resolve(first, rest, io);
  if (typeof resolved === 'number') return resolved;
  if (globals.values.help === true) {
    const { commandHelp } = await import('./help.ts');
    io.stdout.write(commandHelp(resolved.path, resolved.command.definition, width));
    return 0;
  }
  return runCommand(resolved.path, resolved.command, resolved.args, io, width);
}

type Resolved = { path: string; command: LoadedCommand; args: string[] };

/** The command `first rest…` names, or — for a bare group — its help (exit code returned). */
async function resolve(first: string, rest: string[], io: CommandIO): Promise<Resolved | number> {
  if (!isGroup(first)) {
    const entry = findCommand(first);
    if (!entry)
      throw new UsageError(`unknown command: gantry ${first}`, { commandPath: 'gantry', kind: 'command' });
    return { path: first, command: await entry.load(), args: rest };
  }
  const [verb, ...args] = rest;
  if (verb === undefined || verb === '--help' || verb === '-h') {
    // docker prints a bare group's help on stderr and succeeds; asked for, it goes to stdout.
    const { groupHelp } = await import('./help.ts');
    (verb === undefined ? io.stderr : io.stdout).write(await groupHelp(first));
    return 0;
  }
  const path = `${first} ${verb}`;
  const entry = verb.startsWith('-') ? undefined : findCommand(path);
  if (!entry) {
    throw new UsageError(`unknown command: gantry ${path}`, {
      commandPath: `gantry ${first}`,
      usage: `gantry ${first}`,
      kind: 'command',
    });
  }
  return { path, command: await entry.load(), args };
}

/** `gantry help`, `gantry help ps`, `gantry help container ls`. */
async function help(words: string[], io: CommandIO, width: number): Promise<number> {
  const { commandHelp, rootHelp } = await import('./help.ts');
  if (words.length === 0) {
    io.stdout.write(await rootHelp(globalFlags, width));
    return 0;
  }
  const resolved = await resolve(words[0] as string, words.slice(1), io);
  if (typeof resolved === 'number') return resolved;
  io.stdout.write(commandHelp(resolved.path, resolved.command.definition, width));
  return 0;
}

async function runCommand(
  path: string,
  command: LoadedCommand,
  args: readonly string[],
  io: CommandIO,
  width: number,
): Promise<number> {
  const { definition } = command;
  const usage = usageLine(path, definition);
  const commandPath = `gantry ${path}`;
  // -h is help unless the command uses it (`run -h` is --hostname, as in docker).
  const helpShort = Object.values(definition.flags).some((spec) => spec.short === 'h') ? {} : { short: 'h' };
  const parsed = parseFlags(
    args,
    { ...definition.flags, help: { ...HELP_FLAG, ...helpShort } },
    { commandPath, usage, interspersed: definition.interspersed ?? true },
  );
  for (const warning of parsed.warnings) io.stderr.write(`${warning}\n`);
  if (parsed.values.help === true) {
    const { commandHelp } = await import('./help.ts');
    io.stdout.write(commandHelp(path, definition, width));
    return 0;
  }
  const options: Record<string, unknown> = { changed: parsed.changed };
  for (const name of Object.keys(definition.flags)) options[camelCase(name)] = parsed.values[name];
  Object.assign(options, positionalOptions(definition.args, parsed.positionals, commandPath, usage));
  return command.run(options as never, io);
}

/** Assigns positional arguments in order, with docker's messages when there are too few or too many. */
function positionalOptions(
  specs: LoadedCommand['definition']['args'],
  values: readonly string[],
  commandPath: string,
  usage: string,
): Record<string, string | readonly string[] | undefined> {
  const entries = Object.entries(specs);
  const variadic = entries.some(([, spec]) => spec.variadic);
  const min = entries.filter(([, spec]) => spec.required).length;
  const max = variadic ? Number.POSITIVE_INFINITY : entries.length;
  const plural = (count: number) => `${count} argument${count === 1 ? '' : 's'}`;
  const fail = (message: string, hint: 'Run' | 'See' = 'Run') =>
    new UsageError(`'${commandPath}' ${message}`, { commandPath, usage, kind: 'args', hint });
  if (max === 0 && values.length > 0) throw fail('accepts no arguments');
  if (values.length < min) {
    if (min === max) throw fail(`requires ${plural(min)}`);
    // docker's RequiresMinArgs is the one check that says "See '… --help'".
    if (max === Number.POSITIVE_INFINITY) throw fail(`requires at least ${plural(min)}`, 'See');
    throw fail(`requires at least ${min} and at most ${plural(max)}`);
  }
  if (values.length > max)
    throw fail(min === max ? `requires ${plural(max)}` : `requires at most ${plural(max)}`);
  const options: Record<string, string | readonly string[] | undefined> = {};
  let next = 0;
  for (const [name, spec] of entries) {
    options[name] = spec.variadic ? values.slice(next) : values[next];
    next++;
  }
  return options;
}
