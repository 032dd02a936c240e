/** `gantry container inspect`: containers' full configuration and state, as the engine reports it. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more containers',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: {
    format: inspectFormatFlag,
    size: { type: 'boolean', short: 's', description: 'Display total file sizes' },
  },
  args: { containers: { required: true, variadic: true } },
});

export type ContainerInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: ContainerInspectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const lookup = (name: string) => docker.containers.inspect(name, { size: opts.size, signal: io.signal });
  return printInspect(opts.containers, lookup, opts.format, io);
}
