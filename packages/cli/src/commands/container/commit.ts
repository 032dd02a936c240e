/**
 * `gantry commit` / `container commit`: a new image from a container's filesystem changes, named
 * `REPOSITORY[:TAG]` when given, with `--change` Dockerfile instructions applied. Prints the new
 * image's ID (`sha256:…`), as docker does.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { normalizeReference } from '../../image-reference.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: "Create a new image from a container's changes",
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  flags: {
    author: {
      type: 'string',
      short: 'a',
      description: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")',
    },
    change: { type: 'list', short: 'c', description: 'Apply Dockerfile instruction to the created image' },
    message: { type: 'string', short: 'm', description: 'Commit message' },
    pause: { type: 'boolean', short: 'p', default: true, description: 'Pause container during commit' },
  },
  args: { container: { required: true }, reference: {} },
});

export type CommitCommandOptions = OptionsOf<typeof definition>;

export async function run(opts: CommitCommandOptions, io: CommandIO): Promise<number> {
  // The daemon takes the name and the tag apart; a digest cannot be committed to.
  const reference =
    opts.reference === undefined
      ? undefined
      : await normalizeReference(opts.reference).catch((err: Error) => {
          throw new StatusError(1, err.message);
        });
  if (reference?.digest !== undefined)
    throw new StatusError(1, 'refusing to create a tag with a digest reference');
  const docker = await io.client();
  const { Id } = await docker.images.commit({
    container: opts.container,
    repo: reference?.name,
    tag: reference?.tag,
    author: opts.author,
    comment: opts.message,
    pause: opts.pause,
    changes: opts.change.length > 0 ? [...opts.change] : undefined,
    signal: io.signal,
  });
  io.stdout.write(`${Id}\n`);
  return 0;
}
