/** `gantry network rm`: each network in turn, its name printed once removed. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Remove one or more networks',
  usage: 'NETWORK [NETWORK...]',
  flags: {
    force: { type: 'boolean', short: 'f', description: 'Do not error if the network does not exist' },
  },
  args: { networks: { required: true, variadic: true } },
});

export type NetworkRemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: NetworkRemoveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const status = await removeEach(
    opts.networks,
    (name) => docker.networks.remove(name, { signal: io.signal }),
    io,
    {
      ...(opts.force ? { ignoreMissing: 'quiet' as const } : {}),
    },
  );
  // docker 28 ends a failed `network rm` with its bare status error, which prints as this line.
  if (status !== 0) throw new StatusError(status, `exit status ${status}`);
  return 0;
}
