/** `gantry secret create`: a secret from a file, or from stdin with `-`; its id goes to stdout. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { keyValues } from '../../objects.ts';
import { readData } from '../../swarm-data.ts';

export const definition = defineCommand({
  summary: 'Create a secret from a file or STDIN as content',
  usage: '[OPTIONS] SECRET [file|-]',
  flags: {
    driver: { type: 'string', short: 'd', description: 'Secret driver' },
    label: { type: 'list', short: 'l', description: 'Secret labels', defaultText: '' },
    'template-driver': { type: 'string', description: 'Template driver' },
  },
  args: { name: { required: true }, file: {} },
});

export type SecretCreateOptions = OptionsOf<typeof definition>;

export async function run(opts: SecretCreateOptions, io: CommandIO): Promise<number> {
  if (opts.driver === undefined && opts.file === undefined) {
    const { StatusError } = await import('../../errors.ts');
    throw new StatusError(1, 'Error: a secret file or a secret driver is required');
  }
  const data = opts.file === undefined ? undefined : await readData(opts.file, io);
  const docker = await io.client();
  const created = await docker.secrets.create({
    Name: opts.name,
    Labels: keyValues(opts.label),
    ...(data !== undefined ? { Data: data.toString('base64') } : {}),
    ...(opts.driver ? { Driver: { Name: opts.driver } } : {}),
    ...(opts.templateDriver ? { Templating: { Name: opts.templateDriver } } : {}),
    signal: io.signal,
  });
  io.stdout.write(`${created.Id}\n`);
  return 0;
}
