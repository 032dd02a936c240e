/** `gantry network disconnect`: detach a container from a network. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Disconnect a container from a network',
  usage: '[OPTIONS] NETWORK CONTAINER',
  flags: {
    force: { type: 'boolean', short: 'f', description: 'Force the container to disconnect from a network' },
  },
  args: { network: { required: true }, container: { required: true } },
});

export type NetworkDisconnectOptions = OptionsOf<typeof definition>;

export async function run(opts: NetworkDisconnectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  await docker.networks.disconnect(opts.network, {
    Container: opts.container,
    Force: opts.force,
    signal: io.signal,
  });
  return 0;
}
