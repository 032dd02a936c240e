/** `gantry plugin disable`: stop a plugin (`-f` even while in use); prints its name. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Disable a plugin',
  usage: '[OPTIONS] PLUGIN',
  flags: { force: { type: 'boolean', short: 'f', description: 'Force the disable of an active plugin' } },
  args: { plugin: { required: true } },
});

export type PluginDisableOptions = OptionsOf<typeof definition>;

export async function run(opts: PluginDisableOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  await docker.plugins.disable(opts.plugin, { force: opts.force, signal: io.signal });
  io.stdout.write(`${opts.plugin}\n`);
  return 0;
}
