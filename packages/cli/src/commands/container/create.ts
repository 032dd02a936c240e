/** `gantry create` / `container create`: a new container from an image (pulled when missing), its id on stdout. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { createContainer } from '../../container-create.ts';
import { createFlags, pullPolicy, toCreateRequest } from '../../container-create-flags.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Create a new container',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  flags: createFlags,
  args: { image: { required: true }, command: { variadic: true } },
  interspersed: false,
});

export type CreateOptions = OptionsOf<typeof definition>;

export async function run(opts: CreateOptions, io: CommandIO): Promise<number> {
  const pull = pullPolicy(opts, 'create');
  const request = toCreateRequest(opts, opts.image, opts.command, { command: 'create', env: io.env });
  const docker = await io.client();
  const id = await createContainer(docker, request, { pull, quiet: opts.quiet, cidfile: opts.cidfile }, io);
  io.stdout.write(`${id}\n`);
  return 0;
}
