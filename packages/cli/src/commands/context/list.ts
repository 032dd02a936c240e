/** `gantry context ls`: the contexts in the docker CLI's store and `default`, the current one marked `*`. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { currentContextName, listContexts } from '../../context-store.ts';
import { formatFlag } from '../../flags.ts';
import { CONTEXT_HEADERS, CONTEXT_TABLE, contextRow } from '../../formatters/context.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { naturalSort } from '../../output/natural-sort.ts';

export const definition = defineCommand({
  summary: 'List contexts',
  usage: '[OPTIONS]',
  flags: {
    format: formatFlag,
    quiet: { type: 'boolean', short: 'q', description: 'Only show context names' },
  },
  args: {},
});

export type ContextListOptions = OptionsOf<typeof definition>;

export async function run(opts: ContextListOptions, io: CommandIO): Promise<number> {
  const current = currentContextName(io);
  if (io.env.DOCKER_HOST) {
    io.stderr.write(
      'Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.\n',
    );
  }
  const contexts = naturalSort(listContexts(io.env, io.connection?.hosts), (context) => context.Name);
  const rows = contexts.map((context) => contextRow(context, context.Name === current));
  const format = opts.format ?? '';
  const chosen = opts.quiet ? '{{.Name}}' : format === '' || format === 'table' ? CONTEXT_TABLE : format;
  io.stdout.write(renderRows(chosen, rows, headerContext(CONTEXT_HEADERS)));
  return 0;
}
