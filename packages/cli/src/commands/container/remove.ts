/** `gantry rm` / `container rm`: removes each container; the daemon's error per failed one, exit 1. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Remove one or more containers',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: {
    force: {
      type: 'boolean',
      short: 'f',
      description: 'Force the removal of a running container (uses SIGKILL)',
    },
    link: { type: 'boolean', short: 'l', description: 'Remove the specified link' },
    volumes: {
      type: 'boolean',
      short: 'v',
      description: 'Remove anonymous volumes associated with the container',
    },
  },
  args: { containers: { required: true, variadic: true } },
});

export type RemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: RemoveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const options = { force: opts.force, v: opts.volumes, link: opts.link, signal: io.signal };
  return removeEach(opts.containers, (name) => docker.containers.remove(name, options), io);
}
