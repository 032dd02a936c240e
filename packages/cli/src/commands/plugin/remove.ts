/** `gantry plugin rm`: each plugin in turn (`-f` even when enabled), its name printed once removed. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Remove one or more plugins',
  usage: '[OPTIONS] PLUGIN [PLUGIN...]',
  flags: { force: { type: 'boolean', short: 'f', description: 'Force the removal of an active plugin' } },
  args: { plugins: { required: true, variadic: true } },
});

export type PluginRemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: PluginRemoveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return removeEach(
    opts.plugins,
    (name) => docker.plugins.remove(name, { force: opts.force, signal: io.signal }),
    io,
  );
}
