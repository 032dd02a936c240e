/** Swarm task routes beyond the list (inventory): inspect, and logs read to their end. */
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, collectLogs, idParams, swarmLogsQuery } from './resource-kit.ts';

const BASE = '/api/engines/:engine/tasks';
const params = idParams('task');

export const taskRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id`,
    requirement: 'swarm.read',
    operation: 'tasks.inspect',
    summary: 'Inspect a task',
    params,
    handler: (context) => clientOf(context).tasks.inspect(context.params.id, { signal: context.signal }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/logs`,
    requirement: 'logs.read',
    operation: 'tasks.logs',
    summary:
      "The task's logs so far (?tail=1000|all, ?since=, ?timestamps=): { frames, truncated }, up to 8 MiB",
    params,
    query: swarmLogsQuery,
    handler: (context) =>
      collectLogs(
        clientOf(context).tasks.logs(context.params.id, { ...context.query, signal: context.signal }),
      ),
  }),
];
