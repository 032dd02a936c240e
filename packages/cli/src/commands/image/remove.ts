/**
 * `gantry rmi` / `image rm`: removes images or tags, printing docker's `Untagged:` / `Deleted:` line
 * for each thing the daemon removed; failures are printed together at the end (exit 1). With `-f`
 * a missing image is reported but does not fail the command, as with docker.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { describeError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Remove one or more images',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  flags: {
    force: { type: 'boolean', short: 'f', description: 'Force removal of the image' },
    'no-prune': { type: 'boolean', description: 'Do not delete untagged parents' },
  },
  args: { images: { required: true, variadic: true } },
});

export type ImageRemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: ImageRemoveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const { isAbort, isNotFound } = await import('@gantry/engine');
  const errors: string[] = [];
  let failed = false;
  for (const image of opts.images) {
    try {
      const removed = await docker.images.remove(image, {
        force: opts.force,
        noprune: opts.noPrune,
        signal: io.signal,
      });
      for (const item of removed) {
        io.stdout.write(item.Deleted ? `Deleted: ${item.Deleted}\n` : `Untagged: ${item.Untagged}\n`);
      }
    } catch (err) {
      if (isAbort(err)) throw err;
      errors.push((await describeError(err, io.debug)).text);
      if (!(opts.force && isNotFound(err))) failed = true;
    }
  }
  if (errors.length > 0) io.stderr.write(`${errors.join('\n')}\n`);
  return failed ? 1 : 0;
}
