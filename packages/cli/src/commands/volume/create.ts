/** `gantry volume create`: a named (or anonymous) volume; its name goes to stdout. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { keyValues } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Create a volume',
  usage: '[OPTIONS] [VOLUME]',
  flags: {
    driver: { type: 'string', short: 'd', default: 'local', description: 'Specify volume driver name' },
    label: { type: 'list', description: 'Set metadata for a volume', defaultText: '' },
    name: { type: 'string', description: 'Specify volume name', hidden: true },
    opt: {
      type: 'list',
      short: 'o',
      placeholder: 'map',
      defaultText: 'map[]',
      description: 'Set driver specific options',
    },
  },
  args: { volume: {} },
});

export type VolumeCreateOptions = OptionsOf<typeof definition>;

export async function run(opts: VolumeCreateOptions, io: CommandIO): Promise<number> {
  if (opts.volume !== undefined && opts.name !== undefined && opts.volume !== opts.name)
    throw new StatusError(
      1,
      `conflicting options: cannot specify a volume-name through both --name and as a positional arg`,
    );
  const name = opts.volume ?? opts.name;
  const docker = await io.client();
  const volume = await docker.volumes.create({
    ...(name !== undefined ? { Name: name } : {}),
    Driver: opts.driver,
    DriverOpts: keyValues(opts.opt),
    Labels: keyValues(opts.label),
    signal: io.signal,
  });
  io.stdout.write(`${volume.Name}\n`);
  return 0;
}
