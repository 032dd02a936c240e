/** `gantry network inspect`: networks as the engine reports them (`-v` adds the swarm's service details). */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more networks',
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  flags: {
    format: inspectFormatFlag,
    verbose: { type: 'boolean', short: 'v', description: 'Verbose output for diagnostics' },
  },
  args: { networks: { required: true, variadic: true } },
});

export type NetworkInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: NetworkInspectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const lookup = (name: string) =>
    docker.networks.inspect(name, { ...(opts.verbose ? { verbose: true } : {}), signal: io.signal });
  return printInspect(opts.networks, lookup, opts.format, io);
}
