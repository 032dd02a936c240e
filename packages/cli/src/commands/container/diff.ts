/** `gantry diff` / `container diff`: `C`hanged, `A`dded and `D`eleted paths of the container's filesystem. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: "Inspect changes to files or directories on a container's filesystem",
  usage: 'CONTAINER',
  flags: {},
  args: { container: { required: true } },
});

export type DiffOptions = OptionsOf<typeof definition>;

/** The API's `Kind`: 0 modified, 1 added, 2 deleted. */
const KINDS = ['C', 'A', 'D'];

export async function run(opts: DiffOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const changes = await docker.containers.changes(opts.container, { signal: io.signal });
  io.stdout.write(changes.map(({ Kind, Path }) => `${KINDS[Kind] ?? '?'} ${Path}\n`).join(''));
  return 0;
}
