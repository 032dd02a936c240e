/** `gantry context inspect`: contexts (the current one when none is named) as docker prints them. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { currentContextName, readContext } from '../../context-store.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more contexts',
  usage: '[OPTIONS] [CONTEXT] [CONTEXT...]',
  flags: { format: inspectFormatFlag },
  args: { names: { variadic: true } },
});

export type ContextInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: ContextInspectOptions, io: CommandIO): Promise<number> {
  const names = opts.names.length > 0 ? opts.names : [currentContextName(io)];
  const lookup = async (name: string) => readContext(io.env, name, io.connection?.hosts);
  // docker marshals contexts itself, so Go's escaping of <, > and & applies ("\u003cIN MEMORY\u003e").
  return printInspect(names, lookup, opts.format, io, { escapeHtml: true });
}
