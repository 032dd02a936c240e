/** `gantry volume ls`: volumes sorted by name, in docker's table, as JSON lines or through a template. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, quietFlag, toFilters } from '../../flags.ts';
import { VOLUME_HEADERS, volumeFormat, volumeRow } from '../../formatters/volume.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { naturalSort } from '../../output/natural-sort.ts';

export const definition = defineCommand({
  summary: 'List volumes',
  usage: '[OPTIONS]',
  flags: {
    filter: { ...filterFlag, description: 'Provide filter values (e.g. "dangling=true")' },
    format: formatFlag,
    quiet: quietFlag('Only display volume names'),
  },
  args: {},
});

export type VolumeListOptions = OptionsOf<typeof definition>;

export async function run(opts: VolumeListOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const { Volumes, Warnings } = await docker.volumes.list({
    filters: toFilters(opts.filter),
    signal: io.signal,
  });
  const rows = naturalSort(Volumes ?? [], (volume) => volume.Name).map(volumeRow);
  io.stdout.write(
    renderRows(volumeFormat(opts.format ?? '', opts.quiet), rows, headerContext(VOLUME_HEADERS)),
  );
  for (const warning of Warnings ?? []) io.stderr.write(`${warning}\n`);
  return 0;
}
