/** `gantry restart` / `container restart`: stop (as `stop`), then start again. */
import { defineCommand } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';
import { type StopOptions, stopFlags, stopOptions } from './stop.ts';

export const definition = defineCommand({
  summary: 'Restart one or more containers',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: stopFlags,
  args: { containers: { required: true, variadic: true } },
});

export async function run(opts: StopOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const options = stopOptions(opts, io.signal);
  return removeEach(opts.containers, (name) => docker.containers.restart(name, options), io);
}
