/** `gantry kill` / `container kill`: a signal (default SIGKILL) to each container. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Kill one or more running containers',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: { signal: { type: 'string', short: 's', description: 'Signal to send to the container' } },
  args: { containers: { required: true, variadic: true } },
});

export type KillOptions = OptionsOf<typeof definition>;

export async function run(opts: KillOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const options = { ...(opts.signal ? { killSignal: opts.signal } : {}), signal: io.signal };
  return removeEach(opts.containers, (name) => docker.containers.kill(name, options), io);
}
