/** `gantry node ls`: the swarm's nodes by hostname, this engine's own marked `*`. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, quietFlag, toFilters } from '../../flags.ts';
import { NODE_HEADERS, NODE_TABLE, nodeRow } from '../../formatters/swarm.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { naturalSort } from '../../output/natural-sort.ts';

export const definition = defineCommand({
  summary: 'List nodes in the swarm',
  usage: '[OPTIONS]',
  flags: { filter: filterFlag, format: formatFlag, quiet: quietFlag('Only display IDs') },
  args: {},
});

export type NodeListOptions = OptionsOf<typeof definition>;

export async function run(opts: NodeListOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const nodes = await docker.nodes.list({ filters: toFilters(opts.filter), signal: io.signal });
  const info = await docker.system.info({ signal: io.signal });
  const context = {
    selfId: info.Swarm?.NodeID,
    trustRoot: info.Swarm?.Cluster?.TLSInfo?.TrustRoot,
  };
  const rows = naturalSort(nodes, (node) => node.Description?.Hostname ?? '').map((node) =>
    nodeRow(node, context),
  );
  const format = opts.format ?? '';
  const chosen = format === '' || format === 'table' ? (opts.quiet ? '{{.ID}}' : NODE_TABLE) : format;
  io.stdout.write(renderRows(chosen, rows, headerContext(NODE_HEADERS)));
  return 0;
}
