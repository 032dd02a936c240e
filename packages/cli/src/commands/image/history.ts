/** `gantry history` / `image history`: an image's layers, newest first, as docker lays them out. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { formatFlag, noTruncFlag, quietFlag } from '../../flags.ts';
import { HISTORY_HEADERS, historyFormat, historyRow } from '../../formatters/history.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';

export const definition = defineCommand({
  summary: 'Show the history of an image',
  usage: '[OPTIONS] IMAGE',
  flags: {
    format: formatFlag,
    human: {
      type: 'boolean',
      short: 'H',
      description: 'Print sizes and dates in human readable format',
      default: true,
    },
    'no-trunc': noTruncFlag,
    quiet: quietFlag('Only show image IDs'),
  },
  args: { image: { required: true } },
});

export type HistoryOptions = OptionsOf<typeof definition>;

export async function run(opts: HistoryOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const layers = await docker.images.history(opts.image, { signal: io.signal });
  const format = historyFormat(opts.format || 'table', opts.quiet, opts.human);
  const rowOptions = { trunc: !opts.noTrunc, human: opts.human, now: io.now() };
  const rows = layers.map((layer) => historyRow(layer, rowOptions));
  io.stdout.write(renderRows(format, rows, headerContext(HISTORY_HEADERS)));
  return 0;
}
