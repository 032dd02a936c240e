/** `gantry secret rm`: each secret in turn, its name printed once removed. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeSwarmData } from '../../swarm-data.ts';

export const definition = defineCommand({
  summary: 'Remove one or more secrets',
  usage: 'SECRET [SECRET...]',
  flags: {},
  args: { names: { required: true, variadic: true } },
});

export type SecretRemoveOptions = OptionsOf<typeof definition>;

export function run(opts: SecretRemoveOptions, io: CommandIO): Promise<number> {
  return removeSwarmData('secret', opts.names, io);
}
