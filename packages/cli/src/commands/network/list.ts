/** `gantry network ls`: networks sorted by name, in docker's table, as JSON lines or through a template. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, quietFlag, toFilters } from '../../flags.ts';
import { NETWORK_HEADERS, networkFormat, networkRow } from '../../formatters/network.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { naturalSort } from '../../output/natural-sort.ts';

export const definition = defineCommand({
  summary: 'List networks',
  usage: '[OPTIONS]',
  flags: {
    filter: { ...filterFlag, description: 'Provide filter values (e.g. "driver=bridge")' },
    format: formatFlag,
    'no-trunc': { type: 'boolean', description: 'Do not truncate the output' },
    quiet: quietFlag('Only display network IDs'),
  },
  args: {},
});

export type NetworkListOptions = OptionsOf<typeof definition>;

export async function run(opts: NetworkListOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const networks = await docker.networks.list({ filters: toFilters(opts.filter), signal: io.signal });
  const rows = naturalSort(networks, (network) => network.Name ?? '').map((network) =>
    networkRow(network, !opts.noTrunc),
  );
  io.stdout.write(
    renderRows(networkFormat(opts.format ?? '', opts.quiet), rows, headerContext(NETWORK_HEADERS)),
  );
  return 0;
}
