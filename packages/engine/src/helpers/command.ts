/**
 * Command lines and environments as the high-level helpers (`run`, `execRun`) accept them: a
 * command as one string (split like a POSIX shell would, without running one) or as an argv list;
 * an environment as an object or as `KEY=value` strings.
 */
import { EngineError } from '../errors.ts';

/**
 * A command: an argv list, or one string split with {@link splitCommand} (quotes and backslashes
 * as in a POSIX shell; no variables, globs or pipes — use `['sh', '-c', '...']` for those).
 *
 * @example
 * ```ts
 * const asString: Command = 'sh -c "echo $HOME"'; // ['sh', '-c', 'echo $HOME']
 * const asList: Command = ['ls', '-l', '/my dir'];
 * ```
 */
export type Command = string | readonly string[];

/**
 * Environment variables: an object (`null` unsets a variable the image or container defines,
 * `undefined` is skipped) or a list of `KEY=value` strings (a bare `KEY` unsets it).
 *
 * @example
 * ```ts
 * const asObject: Environment = { MODE: 'test', WORKERS: 4, HTTP_PROXY: null };
 * const asList: Environment = ['MODE=test', 'WORKERS=4', 'HTTP_PROXY'];
 * ```
 */
export type Environment =
  | Readonly<Record<string, string | number | boolean | null | undefined>>
  | readonly string[];

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/**
 * Splits a command line into arguments as Python's `shlex.split` does (POSIX mode, what docker-py
 * applies to a string `cmd`): whitespace separates arguments; `'...'` is literal; inside `"..."` a
 * backslash escapes only `"` and `\`; elsewhere a backslash escapes any character; `''` is an empty
 * argument; `#` is not a comment. Throws `INVALID_ARGUMENT` on an unclosed quote or a trailing
 * backslash.
 *
 * @example
 * ```ts
 * splitCommand(`sh -c 'echo "a  b"' x\\ y ""`); // ['sh', '-c', 'echo "a  b"', 'x y', '']
 * ```
 */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArgument = false;
  const fail = (why: string) =>
    new EngineError('INVALID_ARGUMENT', `cannot split the command ${JSON.stringify(line)}: ${why}`);
  for (let i = 0; i < line.length; ) {
    const char = line[i] as string;
    if (WHITESPACE.has(char)) {
      if (inArgument) args.push(current);
      current = '';
      inArgument = false;
      i++;
      continue;
    }
    inArgument = true;
    if (char === '\\') {
      if (i + 1 >= line.length) throw fail('it ends with a lone backslash');
      current += line[i + 1];
      i += 2;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw fail('no closing quotation');
      current += line.slice(i + 1, end);
      i = end + 1;
    } else if (char === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw fail('no closing quotation');
        const inner = line[i] as string;
        if (inner === '"') break;
        if (inner === '\\' && i + 1 < line.length) {
          const next = line[i + 1] as string;
          current += next === '"' || next === '\\' ? next : `\\${next}`;
          i += 2;
        } else {
          current += inner;
          i++;
        }
      }
      i++;
    } else {
      current += char;
      i++;
    }
  }
  if (inArgument) args.push(current);
  return args;
}

/**
 * A {@link Command} as the argv list the Engine wants; `what` names the option in errors.
 * Throws `INVALID_ARGUMENT` for an empty command or a non-string element.
 *
 * @internal
 * @example
 * ```ts
 * toArgv('echo "hi there"', 'cmd'); // ['echo', 'hi there']
 * ```
 */
export function toArgv(command: Command, what: string): string[] {
  const argv = typeof command === 'string' ? splitCommand(command) : [...command];
  if (argv.length === 0) throw new EngineError('INVALID_ARGUMENT', `${what} is empty: give a program to run`);
  for (const arg of argv) {
    if (typeof arg !== 'string') {
      throw new EngineError('INVALID_ARGUMENT', `${what} must hold strings only, got ${typeof arg}`);
    }
  }
  return argv;
}

/**
 * An {@link Environment} as the Engine's `Env` list. Throws `INVALID_ARGUMENT` for an empty name,
 * a name containing `=`, or a list entry that is not a string.
 *
 * @internal
 * @example
 * ```ts
 * formatEnvironment({ A: '1', B: null, C: undefined }, 'environment'); // ['A=1', 'B']
 * ```
 */
export function formatEnvironment(environment: Environment, what: string): string[] {
  if (Array.isArray(environment)) {
    for (const entry of environment as readonly unknown[]) {
      if (typeof entry !== 'string' || entry === '' || entry.startsWith('=')) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `${what}: ${JSON.stringify(entry)} is not a KEY=value string`,
        );
      }
    }
    return [...(environment as readonly string[])];
  }
  const env: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    if (name === '' || name.includes('=')) {
      throw new EngineError('INVALID_ARGUMENT', `${what}: ${JSON.stringify(name)} is not a variable name`);
    }
    if (value === undefined) continue;
    env.push(value === null ? name : `${name}=${String(value)}`);
  }
  return env;
}
