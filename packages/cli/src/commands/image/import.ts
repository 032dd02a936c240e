/**
 * `gantry import` / `image import`: a root filesystem tarball (a file, a URL the daemon downloads,
 * or `-` for stdin) as a new image, optionally named `REPOSITORY[:TAG]`, with `--change` Dockerfile
 * instructions (`CMD`, `ENV`, `ENTRYPOINT`, `LABEL`, …) and a `--message` in its history. Prints the
 * new image's ID.
 */
import type { BinaryInput } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { normalizeReference } from '../../image-reference.ts';
import { openInputFile } from '../../input-file.ts';
import type { CommandIO } from '../../io.ts';
import { displayProgress } from '../../output/progress.ts';

export const definition = defineCommand({
  summary: 'Import the contents from a tarball to create a filesystem image',
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  flags: {
    change: { type: 'list', short: 'c', description: 'Apply Dockerfile instruction to the created image' },
    message: { type: 'string', short: 'm', description: 'Set commit message for imported image' },
    platform: { type: 'string', description: 'Set platform if server is multi-platform capable' },
  },
  args: { source: { required: true }, reference: {} },
});

export type ImportCommandOptions = OptionsOf<typeof definition>;

export async function run(opts: ImportCommandOptions, io: CommandIO): Promise<number> {
  if (opts.reference !== undefined) {
    await normalizeReference(opts.reference).catch((err: Error) => {
      throw new StatusError(1, err.message);
    });
  }
  const source: BinaryInput | string =
    opts.source === '-'
      ? (io.stdin as AsyncIterable<Uint8Array>)
      : /^https?:\/\//.test(opts.source)
        ? opts.source
        : await openInputFile(opts.source);
  const docker = await io.client();
  const imported = docker.images.import(source, {
    repo: opts.reference,
    changes: opts.change.length > 0 ? [...opts.change] : undefined,
    message: opts.message,
    platform: opts.platform || io.env.DOCKER_DEFAULT_PLATFORM || undefined,
    signal: io.signal,
  });
  await displayProgress(imported.messages(), io.stdout, { width: io.terminalSize()?.columns });
  await imported.wait();
  return 0;
}
