/** `gantry config create`: a config from a file, or from stdin with `-`; its id goes to stdout. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { keyValues } from '../../objects.ts';
import { readData } from '../../swarm-data.ts';

export const definition = defineCommand({
  summary: 'Create a config from a file or STDIN',
  usage: '[OPTIONS] CONFIG file|-',
  flags: {
    label: { type: 'list', short: 'l', description: 'Config labels', defaultText: '' },
    'template-driver': { type: 'string', description: 'Template driver' },
  },
  args: { name: { required: true }, file: { required: true } },
});

export type ConfigCreateOptions = OptionsOf<typeof definition>;

export async function run(opts: ConfigCreateOptions, io: CommandIO): Promise<number> {
  const data = await readData(opts.file, io);
  const docker = await io.client();
  const created = await docker.configs.create({
    Name: opts.name,
    Labels: keyValues(opts.label),
    Data: data.toString('base64'),
    ...(opts.templateDriver ? { Templating: { Name: opts.templateDriver } } : {}),
    signal: io.signal,
  });
  io.stdout.write(`${created.Id}\n`);
  return 0;
}
