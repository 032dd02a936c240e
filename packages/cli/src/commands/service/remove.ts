/** `gantry service rm`: each service in turn, its name printed once removed. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Remove one or more services',
  usage: 'SERVICE [SERVICE...]',
  flags: {},
  args: { services: { required: true, variadic: true } },
});

export type ServiceRemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: ServiceRemoveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return removeEach(opts.services, (name) => docker.services.remove(name, { signal: io.signal }), io);
}
