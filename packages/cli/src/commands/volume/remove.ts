/** `gantry volume rm`: each volume in turn, its name printed once removed. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Remove one or more volumes',
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes. You cannot remove a volume that is in use by a container.',
  flags: { force: { type: 'boolean', short: 'f', description: 'Force the removal of one or more volumes' } },
  args: { volumes: { required: true, variadic: true } },
});

export type VolumeRemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: VolumeRemoveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const remove = (name: string) => docker.volumes.remove(name, { force: opts.force, signal: io.signal });
  return removeEach(opts.volumes, remove, io, opts.force ? { ignoreMissing: 'print' } : {});
}
