/** `gantry service ls`: services by name with their mode, running/desired replicas, image and ports. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, quietFlag, toFilters } from '../../flags.ts';
import { SERVICE_HEADERS, SERVICE_TABLE, serviceRow } from '../../formatters/swarm.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { naturalSort } from '../../output/natural-sort.ts';

export const definition = defineCommand({
  summary: 'List services',
  usage: '[OPTIONS]',
  flags: { filter: filterFlag, format: formatFlag, quiet: quietFlag('Only display IDs') },
  args: {},
});

export type ServiceListOptions = OptionsOf<typeof definition>;

export async function run(opts: ServiceListOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const services = await docker.services.list({
    filters: toFilters(opts.filter),
    status: true,
    signal: io.signal,
  });
  const rows = naturalSort(services, (service) => service.Spec?.Name ?? '').map(serviceRow);
  const format = opts.format ?? '';
  const chosen = format === '' || format === 'table' ? (opts.quiet ? '{{.ID}}' : SERVICE_TABLE) : format;
  io.stdout.write(renderRows(chosen, rows, headerContext(SERVICE_HEADERS)));
  return 0;
}
