/** `gantry rename` / `container rename`. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { describeError, StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Rename a container',
  usage: 'CONTAINER NEW_NAME',
  flags: {},
  args: { container: { required: true }, newName: { required: true } },
});

export type RenameOptions = OptionsOf<typeof definition>;

export async function run(opts: RenameOptions, io: CommandIO): Promise<number> {
  const oldName = opts.container.trim();
  const newName = opts.newName.trim();
  if (oldName === '' || newName === '')
    throw new StatusError(1, 'Error: Neither old nor new names may be empty');
  const docker = await io.client();
  try {
    await docker.containers.rename(oldName, { name: newName, signal: io.signal });
  } catch (err) {
    const { isAbort } = await import('@gantry/engine');
    if (isAbort(err)) throw err;
    // docker prints the daemon's reason, then its own line.
    io.stderr.write(`${(await describeError(err, io.debug)).text}\n`);
    throw new StatusError(1, `Error: failed to rename container named ${oldName}`, { cause: err });
  }
  return 0;
}
