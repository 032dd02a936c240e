/** `gantry container prune`: remove stopped containers, after docker's confirmation prompt. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { toFilters } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { confirm, deletedSection, pruneFilterFlag, reclaimedLine } from '../../objects.ts';

export const CONTAINER_PRUNE_WARNING = 'WARNING! This will remove all stopped containers.';

export const definition = defineCommand({
  summary: 'Remove all stopped containers',
  usage: '[OPTIONS]',
  flags: {
    filter: pruneFilterFlag('Provide filter values (e.g. "until=<timestamp>")'),
    force: { type: 'boolean', short: 'f', description: 'Do not prompt for confirmation' },
  },
  args: {},
});

export type ContainerPruneOptions = OptionsOf<typeof definition>;

export async function run(opts: ContainerPruneOptions, io: CommandIO): Promise<number> {
  if (!opts.force && !(await confirm(io, CONTAINER_PRUNE_WARNING))) return 0;
  const docker = await io.client();
  const result = await docker.containers.prune({ filters: toFilters(opts.filter), signal: io.signal });
  io.stdout.write(deletedSection('Deleted Containers:', result.ContainersDeleted));
  io.stdout.write(reclaimedLine(result.SpaceReclaimed ?? 0));
  return 0;
}
