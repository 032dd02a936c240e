/** `gantry plugin inspect`: plugins as the engine reports them. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more plugins',
  usage: '[OPTIONS] PLUGIN [PLUGIN...]',
  flags: { format: inspectFormatFlag },
  args: { plugins: { required: true, variadic: true } },
});

export type PluginInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: PluginInspectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return printInspect(
    opts.plugins,
    (name) => docker.plugins.inspect(name, { signal: io.signal }),
    opts.format,
    io,
  );
}
