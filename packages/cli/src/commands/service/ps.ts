/**
 * `gantry service ps`: the tasks of services — one line per task, earlier tasks of a slot under the
 * current one (` \_ web.1`), nodes by hostname unless `--no-resolve`.
 */
import type { Task } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, quietFlag, toFilters } from '../../flags.ts';
import { TASK_HEADERS, TASK_TABLE, taskRow } from '../../formatters/swarm.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';

export const definition = defineCommand({
  summary: 'List the tasks of one or more services',
  usage: '[OPTIONS] SERVICE [SERVICE...]',
  flags: {
    filter: filterFlag,
    format: { type: 'string', description: 'Pretty-print tasks using a Go template' },
    'no-resolve': { type: 'boolean', description: 'Do not map IDs to Names' },
    'no-trunc': { type: 'boolean', description: 'Do not truncate output' },
    quiet: quietFlag('Only display task IDs'),
  },
  args: { services: { required: true, variadic: true } },
});

export type ServicePsOptions = OptionsOf<typeof definition>;

export async function run(opts: ServicePsOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const services = [];
  for (const name of opts.services) services.push(await docker.services.inspect(name, { signal: io.signal }));
  const names = new Map(services.map((service) => [service.ID ?? '', service.Spec?.Name ?? '']));
  const tasks = await docker.tasks.list({
    filters: { ...toFilters(opts.filter), service: services.map((service) => service.ID ?? '') },
    signal: io.signal,
  });
  const hostnames = new Map<string, string>();
  if (!opts.noResolve) {
    for (const node of await docker.nodes.list({ signal: io.signal }))
      hostnames.set(node.ID ?? '', node.Description?.Hostname ?? '');
  }
  const now = io.now();
  let previous = '';
  const rows = sortTasks(tasks, names).map((task) => {
    const serviceName = opts.noResolve ? (task.ServiceID ?? '') : (names.get(task.ServiceID ?? '') ?? '');
    const name = `${serviceName}.${task.Slot ? task.Slot : (task.NodeID ?? '')}`;
    const shown = name === previous ? ` \\_ ${name}` : name;
    previous = name;
    const node = opts.noResolve
      ? (task.NodeID ?? '')
      : (hostnames.get(task.NodeID ?? '') ?? task.NodeID ?? '');
    return taskRow(task, { trunc: !opts.noTrunc, now, name: shown, node });
  });
  const format = opts.format ?? '';
  const chosen = format === '' || format === 'table' ? (opts.quiet ? '{{.ID}}' : TASK_TABLE) : format;
  io.stdout.write(renderRows(chosen, rows, headerContext(TASK_HEADERS)));
  return 0;
}

/** By service name, then slot (or node, for global services), newest task first within a slot. */
function sortTasks(tasks: readonly Task[], names: ReadonlyMap<string, string>): Task[] {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...tasks].sort(
    (a, b) =>
      text(names.get(a.ServiceID ?? '') ?? '', names.get(b.ServiceID ?? '') ?? '') ||
      (a.Slot ?? 0) - (b.Slot ?? 0) ||
      text(a.NodeID ?? '', b.NodeID ?? '') ||
      text(b.CreatedAt ?? '', a.CreatedAt ?? ''),
  );
}
