/**
 * Command-line flags parsed as the docker CLI's parser (spf13/pflag) parses them: `--name=value`,
 * `--name value`, booleans as `--name` or `--name=false`, combined short flags (`-itd`, `-n5`,
 * `-q=1`), repeatable list flags (`-e A -e B`), `--` ending the flags, and — for commands that run
 * another program (`run`, `exec`) — flags ending at the first positional argument. Errors use
 * pflag's wording, so they read as docker's.
 */
import type { FlagSpec } from './command.ts';
import { UsageError } from './errors.ts';

export type FlagValue = boolean | string | number | string[] | undefined;

export interface ParsedFlags {
  /** Long flag name -> value, defaults filled in. */
  readonly values: Record<string, FlagValue>;
  readonly positionals: string[];
  /** Long names of the flags that appeared. */
  readonly changed: Set<string>;
  /** `Flag --x has been deprecated, …` lines for stderr. */
  readonly warnings: string[];
}

export interface ParseContext {
  /** `gantry container ls`: for error messages. */
  readonly commandPath: string;
  /** The usage line shown under a flag error. */
  readonly usage: string;
  /** false: the first positional argument ends the flags. */
  readonly interspersed: boolean;
}

/** pflag accepts exactly Go's strconv.ParseBool spellings. */
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseInt(s, 0, 64) forms: decimal, 0x hex, 0o / leading-0 octal, 0b binary, `_` separators. */
const INTEGER = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/;

export function parseFlags(
  argv: readonly string[],
  flags: Readonly<Record<string, FlagSpec>>,
  context: ParseContext,
): ParsedFlags {
  const values: Record<string, FlagValue> = {};
  for (const [name, spec] of Object.entries(flags)) values[name] = initialValue(spec);
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(flags)) if (spec.short) byShort.set(spec.short, name);
  const positionals: string[] = [];
  const changed = new Set<string>();
  const warnings: string[] = [];
  const fail = (message: string) => new UsageError(message, { ...context, kind: 'flag' });

  const assign = (name: string, raw: string) => {
    const spec = flags[name] as FlagSpec;
    values[name] = convert(name, spec, raw, values[name], fail);
    if (spec.deprecated && !changed.has(name))
      warnings.push(`Flag --${name} has been deprecated, ${spec.deprecated}`);
    changed.add(name);
  };

  let index = 0;
  const next = (): string | undefined => (index < argv.length ? argv[index++] : undefined);
  while (index < argv.length) {
    const arg = argv[index++] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(index));
      break;
    }
    if (arg.length < 2 || !arg.startsWith('-')) {
      positionals.push(arg);
      if (!context.interspersed) {
        positionals.push(...argv.slice(index));
        break;
      }
      continue;
    }
    if (arg.startsWith('--')) {
      const body = arg.slice(2);
      if (body === '' || body.startsWith('-') || body.startsWith('=')) throw fail(`bad flag syntax: ${arg}`);
      const eq = body.indexOf('=');
      const name = eq === -1 ? body : body.slice(0, eq);
      const spec = flags[name];
      if (!spec) throw fail(`unknown flag: --${name}`);
      if (eq !== -1) assign(name, body.slice(eq + 1));
      else if (spec.type === 'boolean') assign(name, 'true');
      else {
        const value = next();
        if (value === undefined) throw fail(`flag needs an argument: --${name}`);
        assign(name, value);
      }
      continue;
    }
    const shorts = arg.slice(1);
    for (let at = 0; at < shorts.length; at++) {
      const letter = shorts[at] as string;
      const name = byShort.get(letter);
      if (name === undefined) throw fail(`unknown shorthand flag: '${letter}' in -${shorts}`);
      const spec = flags[name] as FlagSpec;
      const rest = shorts.slice(at);
      if (rest.length > 2 && rest[1] === '=') {
        assign(name, rest.slice(2));
        break;
      }
      if (spec.type === 'boolean') {
        assign(name, 'true');
        continue;
      }
      if (at + 1 < shorts.length) {
        assign(name, shorts.slice(at + 1));
        break;
      }
      const value = next();
      if (value === undefined) throw fail(`flag needs an argument: '${letter}' in -${shorts}`);
      assign(name, value);
      break;
    }
  }
  return { values, positionals, changed, warnings };
}

function initialValue(spec: FlagSpec): FlagValue {
  if (spec.type === 'list') return [];
  if (spec.type === 'boolean') return spec.default === true;
  if (spec.type === 'number') return typeof spec.default === 'number' ? spec.default : 0;
  return typeof spec.default === 'string' ? spec.default : undefined;
}

function convert(
  name: string,
  spec: FlagSpec,
  raw: string,
  current: FlagValue,
  fail: (message: string) => UsageError,
): FlagValue {
  const invalid = (why: string) =>
    fail(
      `invalid argument "${raw}" for "${flagLabel(name, spec)}" flag: ${why}: parsing "${raw}": invalid syntax`,
    );
  if (spec.validate) {
    try {
      spec.validate(raw);
    } catch (err) {
      throw fail(`invalid argument "${raw}" for "${flagLabel(name, spec)}" flag: ${(err as Error).message}`);
    }
  }
  switch (spec.type) {
    case 'boolean':
      if (TRUE_WORDS.has(raw)) return true;
      if (FALSE_WORDS.has(raw)) return false;
      throw invalid('strconv.ParseBool');
    case 'number': {
      if (!INTEGER.test(raw) || raw.includes('__') || /_$/.test(raw)) throw invalid('strconv.ParseInt');
      const digits = raw.replaceAll('_', '');
      const negative = digits.startsWith('-');
      const unsigned = digits.replace(/^[+-]/, '');
      const value = /^0[0-7]+$/.test(unsigned) ? Number.parseInt(unsigned, 8) : Number(unsigned);
      return negative ? -value : value;
    }
    case 'list':
      return [...(current as string[]), raw];
    default:
      return raw;
  }
}

/** `-a, --all` or `--no-trunc`: how pflag names a flag in its messages. */
export function flagLabel(name: string, spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${name}` : `--${name}`;
}
