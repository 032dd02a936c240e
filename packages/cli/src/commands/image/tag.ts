/** `gantry tag` / `image tag`: gives an image another name, `TARGET_IMAGE[:TAG]` (default tag `latest`). */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { DEFAULT_TAG, normalizeReference } from '../../image-reference.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  flags: {},
  args: { source: { required: true }, target: { required: true } },
});

export type TagOptions = OptionsOf<typeof definition>;

export async function run(opts: TagOptions, io: CommandIO): Promise<number> {
  const target = await normalizeReference(opts.target).catch((err: Error) => {
    throw new StatusError(
      1,
      `Error parsing reference: ${JSON.stringify(opts.target)} is not a valid repository/tag: ${err.message}`,
    );
  });
  if (target.digest !== undefined)
    throw new StatusError(1, 'refusing to create a tag with a digest reference');
  const docker = await io.client();
  await docker.images.tag(opts.source, {
    repo: target.fullName,
    tag: target.tag ?? DEFAULT_TAG,
    signal: io.signal,
  });
  return 0;
}
