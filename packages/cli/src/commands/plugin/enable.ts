/** `gantry plugin enable`: start an installed plugin; prints its name. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Enable a plugin',
  usage: '[OPTIONS] PLUGIN',
  flags: { timeout: { type: 'number', default: 30, description: 'HTTP client timeout (in seconds)' } },
  args: { plugin: { required: true } },
});

export type PluginEnableOptions = OptionsOf<typeof definition>;

export async function run(opts: PluginEnableOptions, io: CommandIO): Promise<number> {
  if (opts.timeout < 0) throw new StatusError(1, `negative timeout ${opts.timeout} is invalid`);
  const docker = await io.client();
  await docker.plugins.enable(opts.plugin, { timeout: opts.timeout, signal: io.signal });
  io.stdout.write(`${opts.plugin}\n`);
  return 0;
}
