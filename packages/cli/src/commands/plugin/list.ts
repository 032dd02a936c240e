/** `gantry plugin ls`: installed plugins, enabled or not. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, noTruncFlag, quietFlag, toFilters } from '../../flags.ts';
import { PLUGIN_HEADERS, PLUGIN_TABLE, pluginRow } from '../../formatters/plugin.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { naturalSort } from '../../output/natural-sort.ts';

export const definition = defineCommand({
  summary: 'List plugins',
  usage: '[OPTIONS]',
  flags: {
    filter: { ...filterFlag, description: 'Provide filter values (e.g. "enabled=true")' },
    format: formatFlag,
    'no-trunc': noTruncFlag,
    quiet: quietFlag('Only display plugin IDs'),
  },
  args: {},
});

export type PluginListOptions = OptionsOf<typeof definition>;

export async function run(opts: PluginListOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const plugins = await docker.plugins.list({ filters: toFilters(opts.filter), signal: io.signal });
  const rows = naturalSort(plugins, (plugin) => plugin.Name).map((plugin) =>
    pluginRow(plugin, !opts.noTrunc),
  );
  const format = opts.format ?? '';
  const chosen = format === '' || format === 'table' ? (opts.quiet ? '{{.ID}}' : PLUGIN_TABLE) : format;
  io.stdout.write(renderRows(chosen, rows, headerContext(PLUGIN_HEADERS)));
  return 0;
}
