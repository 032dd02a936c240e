/** Every task of the swarm: service, slot, node, desired and current state, error. */
import type { Task } from '@gantry/engine';
import { ObjectTable, useObjectList } from '../objects/object-table.tsx';
import { useSwarmNames } from './swarm-names.ts';
import { taskColumns } from './task-columns.tsx';

const TASK_STATES = [
  'new',
  'pending',
  'assigned',
  'preparing',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'orphaned',
];

export function TasksTab() {
  const tasks = useObjectList<Task>('tasks', { prefix: 'tasks.', defaultSort: 'service' });
  const names = useSwarmNames();
  return (
    <ObjectTable
      list={tasks}
      noun="tasks"
      columns={taskColumns(names)}
      rowKey={(task) => task.ID ?? ''}
      states={TASK_STATES}
      empty="The swarm runs no tasks."
    />
  );
}
