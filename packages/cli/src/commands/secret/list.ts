/** `gantry secret ls`: the swarm's secrets, sorted by name. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, quietFlag } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { listSwarmData } from '../../swarm-data.ts';

export const definition = defineCommand({
  summary: 'List secrets',
  usage: '[OPTIONS]',
  flags: { filter: filterFlag, format: formatFlag, quiet: quietFlag('Only display IDs') },
  args: {},
});

export type SecretListOptions = OptionsOf<typeof definition>;

export function run(opts: SecretListOptions, io: CommandIO): Promise<number> {
  return listSwarmData('secret', opts, io);
}
