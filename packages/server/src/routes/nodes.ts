/** Swarm node routes beyond the list (inventory): inspect, update (availability, role, labels), remove. */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, flag, idParams, labels } from './resource-kit.ts';

const BASE = '/api/engines/:engine/nodes';
const params = idParams('node');

export const nodeRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id`,
    requirement: 'swarm.read',
    operation: 'nodes.inspect',
    summary: 'Inspect a node (by id or hostname)',
    params,
    handler: (context) => clientOf(context).nodes.inspect(context.params.id, { signal: context.signal }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/update`,
    requirement: 'swarm.manage',
    operation: 'nodes.update',
    summary: "Replace a node's spec: Availability, Role, Labels, Name (?version= from inspect)",
    params,
    query: z.object({ version: z.coerce.number().int().nonnegative() }),
    body: z.object({
      Name: z.string().optional(),
      Labels: labels.optional(),
      Role: z.enum(['worker', 'manager']),
      Availability: z.enum(['active', 'pause', 'drain']),
    }),
    handler: async (context) => {
      context.audit.target = context.params.id;
      context.audit.params = { version: context.query.version, ...context.body };
      await clientOf(context).nodes.update(context.params.id, {
        ...context.body,
        version: context.query.version,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:id`,
    requirement: 'swarm.manage',
    operation: 'nodes.remove',
    summary: 'Remove a node from the swarm (?force=true for one still up)',
    params,
    query: z.object({ force: flag() }),
    handler: async (context) => {
      context.audit.target = context.params.id;
      context.audit.params = { force: context.query.force };
      await clientOf(context).nodes.remove(context.params.id, {
        force: context.query.force,
        signal: context.signal,
      });
    },
  }),
];
