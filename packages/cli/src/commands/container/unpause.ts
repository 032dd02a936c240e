/** `gantry unpause` / `container unpause`: thaws the processes `pause` froze. */
import { defineCommand } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';
import type { PauseOptions } from './pause.ts';

export const definition = defineCommand({
  summary: 'Unpause all processes within one or more containers',
  usage: 'CONTAINER [CONTAINER...]',
  flags: {},
  args: { containers: { required: true, variadic: true } },
});

export async function run(opts: PauseOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return removeEach(opts.containers, (name) => docker.containers.unpause(name, { signal: io.signal }), io);
}
