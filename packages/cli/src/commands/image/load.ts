/**
 * `gantry load` / `image load`: images from a `save` archive, read from `-i FILE` or stdin. On a
 * terminal the daemon's per-layer progress is drawn; otherwise (or with `-q`) only the
 * `Loaded image: …` lines are printed.
 */
import type { BinaryInput } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { quietFlag } from '../../flags.ts';
import { openInputFile } from '../../input-file.ts';
import type { CommandIO } from '../../io.ts';
import { displayProgress } from '../../output/progress.ts';

export const definition = defineCommand({
  summary: 'Load an image from a tar archive or STDIN',
  usage: '[OPTIONS]',
  flags: {
    input: { type: 'string', short: 'i', description: 'Read from tar archive file, instead of STDIN' },
    quiet: quietFlag('Suppress the load output'),
  },
  args: {},
});

export type LoadOptions = OptionsOf<typeof definition>;

export async function run(opts: LoadOptions, io: CommandIO): Promise<number> {
  // A terminal on stdin means nobody piped an archive in: waiting for one would hang.
  if (opts.input === undefined && io.stdin.isTTY)
    throw new StatusError(1, 'requested load from stdin, but stdin is empty');
  const archive: BinaryInput =
    opts.input === undefined ? (io.stdin as AsyncIterable<Uint8Array>) : await openInputFile(opts.input);
  const docker = await io.client();
  // As docker: progress bars only for a terminal; the daemon then sends them.
  const quiet = opts.quiet || !io.stdout.isTTY;
  const load = docker.images.load(archive, { quiet, signal: io.signal });
  await displayProgress(load.messages(), io.stdout, { width: io.terminalSize()?.columns });
  await load.wait();
  return 0;
}
