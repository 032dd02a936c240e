/** `gantry network prune`: remove networks no container uses, after docker's confirmation prompt. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { toFilters } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { confirm, deletedSection, pruneFilterFlag } from '../../objects.ts';

export const NETWORK_PRUNE_WARNING =
  'WARNING! This will remove all custom networks not used by at least one container.';

export const definition = defineCommand({
  summary: 'Remove all unused networks',
  usage: '[OPTIONS]',
  flags: {
    filter: pruneFilterFlag('Provide filter values (e.g. "until=<timestamp>")'),
    force: { type: 'boolean', short: 'f', description: 'Do not prompt for confirmation' },
  },
  args: {},
});

export type NetworkPruneOptions = OptionsOf<typeof definition>;

export async function run(opts: NetworkPruneOptions, io: CommandIO): Promise<number> {
  if (!opts.force && !(await confirm(io, NETWORK_PRUNE_WARNING))) return 0;
  const docker = await io.client();
  const result = await docker.networks.prune({ filters: toFilters(opts.filter), signal: io.signal });
  io.stdout.write(deletedSection('Deleted Networks:', result.NetworksDeleted));
  return 0;
}
