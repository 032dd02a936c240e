/** `gantry volume inspect`: volumes as the engine reports them. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more volumes',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  flags: { format: inspectFormatFlag },
  args: { volumes: { required: true, variadic: true } },
});

export type VolumeInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: VolumeInspectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return printInspect(
    opts.volumes,
    (name) => docker.volumes.inspect(name, { signal: io.signal }),
    opts.format,
    io,
  );
}
