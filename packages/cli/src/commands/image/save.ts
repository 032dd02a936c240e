/**
 * `gantry save` / `image save`: one or more images (their tags, layers and config) as a tar archive,
 * to `-o FILE` (written whole or not at all) or to stdout — never to a terminal.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { writeFileAtomically } from '../../output/atomic-file.ts';

export const definition = defineCommand({
  summary: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  flags: { output: { type: 'string', short: 'o', description: 'Write to a file, instead of STDOUT' } },
  args: { images: { required: true, variadic: true } },
});

export type SaveOptions = OptionsOf<typeof definition>;

export async function run(opts: SaveOptions, io: CommandIO): Promise<number> {
  if (opts.output === undefined && io.stdout.isTTY)
    throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const docker = await io.client();
  const tar = await docker.images.saveAll([...opts.images], { signal: io.signal });
  if (opts.output === undefined) {
    const { pipeline } = await import('node:stream/promises');
    await pipeline(tar, io.stdout.stream, { end: false });
    return 0;
  }
  await writeFileAtomically(opts.output, tar, 'failed to save image');
  return 0;
}
