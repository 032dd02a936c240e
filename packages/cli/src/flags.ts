/**
 * Flags many commands share, with docker's help text, so every command says the same thing:
 * `--format` (list and inspect flavours), `--filter`, `-q`, `--no-trunc`.
 */
import type { Filters } from '@gantry/engine';
import type { FlagSpec } from './command.ts';

const FORMAT_TAIL =
  "'json':             Print in JSON format\n" +
  "'TEMPLATE':         Print output using the given Go template.\n" +
  'Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates';

/** `--format` of list commands: `table`, `table TEMPLATE`, `json`, `TEMPLATE`. */
export const formatFlag = {
  type: 'string',
  description:
    'Format output using a custom template:\n' +
    "'table':            Print output in table format with column headers (default)\n" +
    "'table TEMPLATE':   Print output in table format using the given Go template\n" +
    FORMAT_TAIL,
} as const satisfies FlagSpec;

/** `-f, --format` of inspect-like commands: `json` or `TEMPLATE`. */
export const inspectFormatFlag = {
  type: 'string',
  short: 'f',
  description: `Format output using a custom template:\n${FORMAT_TAIL}`,
} as const satisfies FlagSpec;

/** `-f, --filter key=value`, repeatable; turn the values into the API's filters with {@link toFilters}. */
export const filterFlag = {
  type: 'list',
  short: 'f',
  placeholder: 'filter',
  description: 'Filter output based on conditions provided',
  validate: (value: string) => {
    if (!value.includes('=')) throw new Error('bad format of filter (expected name=value)');
  },
} as const satisfies FlagSpec;

export const noTruncFlag = {
  type: 'boolean',
  description: "Don't truncate output",
} as const satisfies FlagSpec;

/** `-q, --quiet` with the command's own description. */
export function quietFlag(description: string) {
  return { type: 'boolean', short: 'q', description } as const satisfies FlagSpec;
}

/**
 * docker's filter flag values -> the API's `filters`: `name=value` split at the first `=`, the name
 * lower-cased, both trimmed; repeated names collect their values.
 */
export function toFilters(values: readonly string[]): Filters {
  const filters: Record<string, string[]> = {};
  for (const entry of values) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim().toLowerCase();
    const value = entry.slice(at + 1).trim();
    filters[name] = [...(filters[name] ?? []), value];
  }
  return filters;
}
