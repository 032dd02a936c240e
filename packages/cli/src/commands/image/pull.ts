/**
 * `gantry pull` / `image pull`: downloads an image, drawing docker's per-layer progress (redrawn in
 * place on a terminal, status lines otherwise), then prints the reference pulled; `-q` prints only
 * that. Credentials come from the docker config (`gantry login`).
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { quietFlag } from '../../flags.ts';
import { DEFAULT_TAG, normalizeReference, referenceString } from '../../image-reference.ts';
import type { CommandIO } from '../../io.ts';
import { followProgress } from '../../registry-progress.ts';

export const definition = defineCommand({
  summary: 'Download an image from a registry',
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  flags: {
    'all-tags': { type: 'boolean', short: 'a', description: 'Download all tagged images in the repository' },
    'disable-content-trust': { type: 'boolean', description: 'Skip image verification', default: true },
    platform: { type: 'string', description: 'Set platform if server is multi-platform capable' },
    quiet: quietFlag('Suppress verbose output'),
  },
  args: { image: { required: true } },
});

export type PullOptions = OptionsOf<typeof definition>;

export async function run(opts: PullOptions, io: CommandIO): Promise<number> {
  let reference = await normalizeReference(opts.image).catch((err: Error) => {
    throw new StatusError(1, err.message);
  });
  const named = reference.tag !== undefined || reference.digest !== undefined;
  if (opts.allTags && named) throw new StatusError(1, "tag can't be used with --all-tags/-a");
  if (!opts.allTags && !named) {
    if (!opts.quiet) io.stdout.write(`Using default tag: ${DEFAULT_TAG}\n`);
    reference = { ...reference, tag: DEFAULT_TAG };
  }
  const platform = opts.platform || io.env.DOCKER_DEFAULT_PLATFORM || undefined;
  const docker = await io.client();
  const stream = opts.allTags
    ? docker.images.pull(opts.image, { allTags: true, platform, signal: io.signal })
    : docker.images.pull(referenceString(reference), { platform, signal: io.signal });
  await followProgress<unknown>(stream, io, opts.quiet);
  io.stdout.write(`${referenceString(reference)}\n`);
  return 0;
}
