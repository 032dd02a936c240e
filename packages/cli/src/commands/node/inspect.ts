/** `gantry node inspect`: nodes as the engine reports them; `self` is this engine's node. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { prettyNode } from '../../formatters/node-pretty.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more nodes',
  usage: '[OPTIONS] self|NODE [NODE...]',
  flags: {
    format: inspectFormatFlag,
    pretty: { type: 'boolean', description: 'Print the information in a human friendly format' },
  },
  args: { nodes: { required: true, variadic: true } },
});

export type NodeInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: NodeInspectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const lookup = async (name: string) => {
    const id =
      name === 'self' ? ((await docker.system.info({ signal: io.signal })).Swarm?.NodeID ?? name) : name;
    return docker.nodes.inspect(id, { signal: io.signal });
  };
  if (opts.pretty) {
    // As docker: every node is looked up before anything is printed; the first failure ends it.
    const nodes = [];
    for (const name of opts.nodes) nodes.push(await lookup(name));
    io.stdout.write(nodes.map(prettyNode).join(''));
    return 0;
  }
  return printInspect(opts.nodes, lookup, opts.format, io);
}
