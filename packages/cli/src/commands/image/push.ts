/**
 * `gantry push` / `image push`: uploads an image (or, with `-a`, every tag of a repository) with
 * docker's per-layer progress; `-q` prints only the reference. Credentials come from the docker
 * config (`gantry login`).
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { quietFlag } from '../../flags.ts';
import { DEFAULT_TAG, normalizeReference, referenceString } from '../../image-reference.ts';
import type { CommandIO } from '../../io.ts';
import { followProgress } from '../../registry-progress.ts';

export const definition = defineCommand({
  summary: 'Upload an image to a registry',
  usage: '[OPTIONS] NAME[:TAG]',
  flags: {
    'all-tags': { type: 'boolean', short: 'a', description: 'Push all tags of an image to the repository' },
    'disable-content-trust': { type: 'boolean', description: 'Skip image signing', default: true },
    quiet: quietFlag('Suppress verbose output'),
  },
  args: { image: { required: true } },
});

export type PushOptions = OptionsOf<typeof definition>;

export async function run(opts: PushOptions, io: CommandIO): Promise<number> {
  let reference = await normalizeReference(opts.image).catch((err: Error) => {
    throw new StatusError(1, err.message);
  });
  if (reference.digest !== undefined) throw new StatusError(1, 'cannot push a digest reference');
  if (opts.allTags && reference.tag !== undefined) {
    throw new StatusError(1, "tag can't be used with --all-tags/-a");
  }
  if (!opts.allTags && reference.tag === undefined) {
    if (!opts.quiet) io.stdout.write(`Using default tag: ${DEFAULT_TAG}\n`);
    reference = { ...reference, tag: DEFAULT_TAG };
  }
  const docker = await io.client();
  const stream = docker.images.push(referenceString(reference), {
    allTags: opts.allTags,
    signal: io.signal,
  });
  await followProgress(stream, io, opts.quiet);
  if (opts.quiet) io.stdout.write(`${referenceString(reference)}\n`);
  return 0;
}
