/** `gantry config rm`: each config in turn, its name printed once removed. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeSwarmData } from '../../swarm-data.ts';

export const definition = defineCommand({
  summary: 'Remove one or more configs',
  usage: 'CONFIG [CONFIG...]',
  flags: {},
  args: { names: { required: true, variadic: true } },
});

export type ConfigRemoveOptions = OptionsOf<typeof definition>;

export function run(opts: ConfigRemoveOptions, io: CommandIO): Promise<number> {
  return removeSwarmData('config', opts.names, io);
}
