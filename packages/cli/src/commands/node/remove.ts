/** `gantry node rm`: remove nodes from the swarm (`-f` even when they are not down). */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Remove one or more nodes from the swarm',
  usage: '[OPTIONS] NODE [NODE...]',
  flags: { force: { type: 'boolean', short: 'f', description: 'Force remove a node from the swarm' } },
  args: { nodes: { required: true, variadic: true } },
});

export type NodeRemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: NodeRemoveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  return removeEach(
    opts.nodes,
    (name) => docker.nodes.remove(name, { force: opts.force, signal: io.signal }),
    io,
  );
}
