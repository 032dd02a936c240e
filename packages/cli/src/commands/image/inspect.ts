/** `gantry image inspect`: images' configuration, layers and metadata, as the engine reports them. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more images',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  flags: { format: inspectFormatFlag },
  args: { images: { required: true, variadic: true } },
});

export type ImageInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: ImageInspectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return printInspect(
    opts.images,
    (name) => docker.images.inspect(name, { signal: io.signal }),
    opts.format,
    io,
  );
}
