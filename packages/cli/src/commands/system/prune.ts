/**
 * `gantry system prune`: stopped containers, unused networks, dangling (with `-a`: unused) images
 * and build cache, and with `--volumes` anonymous volumes — after docker's confirmation prompt,
 * listing what went and the space reclaimed.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { toFilters } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { confirm, deletedSection, pruneFilterFlag, reclaimedLine } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Remove unused data',
  usage: '[OPTIONS]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'Remove all unused images not just dangling ones' },
    filter: pruneFilterFlag('Provide filter values (e.g. "label=<key>=<value>")'),
    force: { type: 'boolean', short: 'f', description: 'Do not prompt for confirmation' },
    volumes: { type: 'boolean', description: 'Prune anonymous volumes' },
  },
  args: {},
});

export type SystemPruneOptions = OptionsOf<typeof definition>;

/** docker's warning: what will go, one line each. */
export function systemPruneWarning(all: boolean, volumes: boolean): string {
  const items = [
    'all stopped containers',
    'all networks not used by at least one container',
    ...(volumes ? ['all anonymous volumes not used by at least one container'] : []),
    all ? 'all images without at least one container associated to them' : 'all dangling images',
    all ? 'all build cache' : 'unused build cache',
  ];
  return `WARNING! This will remove:\n${items.map((item) => `  - ${item}\n`).join('')}`;
}

export async function run(opts: SystemPruneOptions, io: CommandIO): Promise<number> {
  if (!opts.force && !(await confirm(io, systemPruneWarning(opts.all, opts.volumes)))) return 0;
  const docker = await io.client();
  const filters = toFilters(opts.filter);
  const signal = io.signal;
  let reclaimed = 0;
  const containers = await docker.containers.prune({ filters, signal });
  reclaimed += containers.SpaceReclaimed ?? 0;
  io.stdout.write(deletedSection('Deleted Containers:', containers.ContainersDeleted));
  const networks = await docker.networks.prune({ filters, signal });
  io.stdout.write(deletedSection('Deleted Networks:', networks.NetworksDeleted));
  if (opts.volumes) {
    const volumes = await docker.volumes.prune({ filters, signal });
    reclaimed += volumes.SpaceReclaimed ?? 0;
    io.stdout.write(deletedSection('Deleted Volumes:', volumes.VolumesDeleted));
  }
  const images = await docker.images.prune({
    filters: { ...filters, dangling: [opts.all ? 'false' : 'true'] },
    signal,
  });
  reclaimed += images.SpaceReclaimed ?? 0;
  const imageLines = (images.ImagesDeleted ?? []).flatMap((item) => [
    ...(item.Untagged ? [`untagged: ${item.Untagged}`] : []),
    ...(item.Deleted ? [`deleted: ${item.Deleted}`] : []),
  ]);
  io.stdout.write(deletedSection('Deleted Images:', imageLines));
  const cache = await docker.images.pruneBuildCache({ all: opts.all, filters, signal });
  reclaimed += cache.SpaceReclaimed ?? 0;
  io.stdout.write(deletedSection('Deleted build cache objects:', cache.CachesDeleted));
  io.stdout.write(reclaimedLine(reclaimed));
  return 0;
}
