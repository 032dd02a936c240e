/** `gantry pause` / `container pause`: freezes every process of each container. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Pause all processes within one or more containers',
  usage: 'CONTAINER [CONTAINER...]',
  flags: {},
  args: { containers: { required: true, variadic: true } },
});

export type PauseOptions = OptionsOf<typeof definition>;

export async function run(opts: PauseOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return removeEach(opts.containers, (name) => docker.containers.pause(name, { signal: io.signal }), io);
}
