/**
 * The shape of a command module (see README.md "Adding a command"): a `definition` — flags, positional
 * arguments and help text — and a pure `run(opts, io)` that returns the exit code. The options type is
 * derived from the definition, so a flag exists in exactly one place.
 */
import type { CommandIO } from './io.ts';

/** How a flag's value is read: docker's `bool`, `string`, `int` and repeatable `list` flags. */
export type FlagType = 'boolean' | 'string' | 'number' | 'list';

export interface FlagSpec {
  readonly type: FlagType;
  /** One-letter alias: `short: 'a'` makes `-a` (and `-aq` combined with other booleans). */
  readonly short?: string;
  readonly description: string;
  /** Value when the flag is absent. Booleans default to false, lists to [], strings to undefined. */
  readonly default?: boolean | string | number;
  /** The value's name in help (`--filter filter`); defaults to the type's: string, int, list. */
  readonly placeholder?: string;
  /** Replaces the `(default …)` text of help, e.g. `[]` where docker prints one. */
  readonly defaultText?: string;
  /** Accepted but left out of help (docker's hidden flags). */
  readonly hidden?: boolean;
  /** Accepted with a warning on stderr: `Flag --x has been deprecated, <this>`. */
  readonly deprecated?: string;
  /**
   * Checks one raw value as it is parsed (docker's option validators); throw an Error whose message
   * says what is wrong — it becomes `invalid argument "v" for "-f, --filter" flag: <message>`, exit 125.
   */
  readonly validate?: (value: string) => void;
}

export interface ArgSpec {
  /** At least one value (for `variadic`) or exactly one. */
  readonly required?: boolean;
  /** Takes every remaining positional argument; only the last argument may be variadic. */
  readonly variadic?: boolean;
}

export interface CommandDefinition {
  /** One line, shown in group listings and under the usage line. */
  readonly summary: string;
  /** What follows the command path in `Usage:`, e.g. `[OPTIONS] NAME|ID [NAME|ID...]`. */
  readonly usage: string;
  /** Long flag name (kebab-case, as typed after `--`) -> spec. The option key is its camelCase form. */
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Positional arguments in order; keys become option keys. */
  readonly args: Readonly<Record<string, ArgSpec>>;
  /** false: flags end at the first positional (`run IMAGE sh -c x` passes `-c` on). Default true. */
  readonly interspersed?: boolean;
  /** Extra help text printed after the summary. */
  readonly description?: string;
}

/** `no-trunc` -> `noTrunc`. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

type FlagValue<F extends FlagSpec> = F['type'] extends 'boolean'
  ? boolean
  : F['type'] extends 'number'
    ? number
    : F['type'] extends 'list'
      ? readonly string[]
      : F extends { readonly default: string }
        ? string
        : string | undefined;

type ArgValue<A extends ArgSpec> = A extends { readonly variadic: true }
  ? readonly string[]
  : A extends { readonly required: true }
    ? string
    : string | undefined;

/** What `run` receives: one key per flag (camelCase) and per positional argument. */
export type OptionsOf<D extends CommandDefinition> = {
  readonly [K in keyof D['flags'] & string as CamelCase<K>]: FlagValue<D['flags'][K]>;
} & {
  readonly [K in keyof D['args'] & string]: ArgValue<D['args'][K]>;
} & {
  /** Long names of the flags given on the command line (cobra's `Changed`), e.g. `size` for `--size=false`. */
  readonly changed: ReadonlySet<string>;
};

/**
 * Declares a command; the `const` type parameter keeps the literal flag names so {@link OptionsOf}
 * can derive the options type.
 */
export function defineCommand<const D extends CommandDefinition>(definition: D): D {
  return definition;
}

/** What every command module exports. */
export interface CommandModule<D extends CommandDefinition = CommandDefinition> {
  readonly definition: D;
  run(opts: OptionsOf<D>, io: CommandIO): Promise<number>;
}

/** `gantry ps [OPTIONS]`: the usage line of help and of usage errors. */
export function usageLine(path: string, definition: CommandDefinition): string {
  return `gantry ${path} ${definition.usage}`.trimEnd();
}

/** `no-trunc` -> `noTrunc` at run time (the parser builds option keys with it). */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
