/**
 * The task table's columns, shared by the swarm's Tasks tab and a service's page. Tasks name their
 * service and node by id only, so the callers pass lookups from id to name.
 */
import type { Task } from '@gantry/engine';
import { Link } from '../../router.tsx';
import { StateBadge, shortId } from '../../ui/controls.tsx';
import type { Column } from '../../ui/virtual-table.tsx';
import { dateOf } from '../objects/details.tsx';

export interface Names {
  readonly services: ReadonlyMap<string, string>;
  readonly nodes: ReadonlyMap<string, string>;
}

export function taskColumns(names: Names, withService = true): Column<Task>[] {
  const columns: Column<Task>[] = [
    {
      id: 'service',
      header: 'Service',
      sortKey: 'service',
      width: 'minmax(7rem, 2fr)',
      render: (task) => (
        <Link href={`/swarm/services/${encodeURIComponent(task.ServiceID ?? '')}`}>
          {names.services.get(task.ServiceID ?? '') ?? shortId(task.ServiceID)}
        </Link>
      ),
    },
    { id: 'slot', header: 'Slot', sortKey: 'name', width: '4rem', render: (task) => task.Slot ?? '—' },
    {
      id: 'node',
      header: 'Node',
      sortKey: 'node',
      width: 'minmax(6rem, 1fr)',
      wideOnly: true,
      render: (task) => names.nodes.get(task.NodeID ?? '') ?? (shortId(task.NodeID) || '—'),
    },
    { id: 'desired', header: 'Desired', width: '6rem', wideOnly: true, render: (task) => task.DesiredState },
    {
      id: 'state',
      header: 'State',
      sortKey: 'state',
      width: '7rem',
      render: (task) => <StateBadge state={task.Status?.State} />,
    },
    {
      id: 'message',
      header: 'Error / message',
      width: 'minmax(8rem, 2fr)',
      wideOnly: true,
      render: (task) => (
        <span title={task.Status?.Err ?? task.Status?.Message}>
          {task.Status?.Err || task.Status?.Message}
        </span>
      ),
    },
    {
      id: 'updated',
      header: 'Updated',
      sortKey: 'updated',
      width: '11rem',
      wideOnly: true,
      render: (task) => dateOf(task.UpdatedAt),
    },
  ];
  return withService ? columns : columns.filter((column) => column.id !== 'service');
}
