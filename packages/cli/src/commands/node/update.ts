/** `gantry node update`: change a node's availability, role or labels. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { keyValues } from '../../objects.ts';

export const definition = defineCommand({
  summary: 'Update a node',
  usage: '[OPTIONS] NODE',
  flags: {
    availability: { type: 'string', description: 'Availability of the node ("active", "pause", "drain")' },
    'label-add': { type: 'list', description: 'Add or update a node label ("key=value")', defaultText: '' },
    'label-rm': { type: 'list', description: 'Remove a node label if exists', defaultText: '' },
    role: { type: 'string', description: 'Role of the node ("worker", "manager")' },
  },
  args: { node: { required: true } },
});

export type NodeUpdateOptions = OptionsOf<typeof definition>;

const AVAILABILITIES = ['active', 'pause', 'drain'] as const;
const ROLES = ['worker', 'manager'] as const;

export async function run(opts: NodeUpdateOptions, io: CommandIO): Promise<number> {
  const availability = opts.availability?.toLowerCase();
  if (availability !== undefined && !(AVAILABILITIES as readonly string[]).includes(availability))
    throw new StatusError(1, `invalid availability: ${opts.availability} — use active, pause or drain`);
  const role = opts.role?.toLowerCase();
  if (role !== undefined && !(ROLES as readonly string[]).includes(role))
    throw new StatusError(1, `invalid role ${opts.role}, only worker and manager are supported`);
  const docker = await io.client();
  const node = await docker.nodes.inspect(opts.node, { signal: io.signal });
  const labels = { ...(node.Spec?.Labels ?? {}), ...keyValues(opts.labelAdd) };
  for (const key of opts.labelRm) delete labels[key];
  await docker.nodes.update(node.ID ?? opts.node, {
    ...node.Spec,
    Labels: labels,
    ...(availability !== undefined ? { Availability: availability as (typeof AVAILABILITIES)[number] } : {}),
    ...(role !== undefined ? { Role: role as (typeof ROLES)[number] } : {}),
    version: node.Version?.Index ?? 0,
    signal: io.signal,
  });
  io.stdout.write(`${opts.node}\n`);
  return 0;
}
