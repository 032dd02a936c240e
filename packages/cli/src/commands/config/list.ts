/** `gantry config ls`: the swarm's configs, sorted by name. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, quietFlag } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { listSwarmData } from '../../swarm-data.ts';

export const definition = defineCommand({
  summary: 'List configs',
  usage: '[OPTIONS]',
  flags: { filter: filterFlag, format: formatFlag, quiet: quietFlag('Only display IDs') },
  args: {},
});

export type ConfigListOptions = OptionsOf<typeof definition>;

export function run(opts: ConfigListOptions, io: CommandIO): Promise<number> {
  return listSwarmData('config', opts, io);
}
