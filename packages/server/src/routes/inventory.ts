/**
 * The list routes of every engine object, answered from the engine's in-memory inventory (kept by
 * its one events stream) with paging, filtering, sorting and grouping by compose project — the
 * daemon is never asked per request.
 */
import { z } from 'zod';
import type { Permission } from '../auth/permissions.ts';
import type { EngineHandle } from '../context.ts';
import { INVENTORY_RESOURCES, type InventoryResource } from '../engines/inventory.ts';
import { listCache, MAX_PAGE_SIZE, sortFields } from '../engines/query.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

const LIST_PERMISSION: Record<InventoryResource, Permission> = {
  containers: 'containers.read',
  images: 'images.read',
  networks: 'networks.read',
  volumes: 'volumes.read',
  plugins: 'plugins.read',
  services: 'swarm.read',
  tasks: 'swarm.read',
  nodes: 'swarm.read',
  secrets: 'secrets.read',
  configs: 'configs.read',
};

export const listQuery = z.object({
  page: z.coerce.number().int().min(1, 'page starts at 1').optional(),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE, `pageSize is at most ${MAX_PAGE_SIZE}`)
    .optional(),
  sort: z.string().max(64).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  filter: z.string().max(256, 'filter is at most 256 characters').optional(),
  state: z.string().max(256).optional(),
  project: z.string().max(256).optional(),
  label: z.union([z.string().max(512), z.array(z.string().max(512)).max(20)]).optional(),
  group: z.enum(['project']).optional(),
  service: z.string().max(128).optional(),
  node: z.string().max(128).optional(),
  ancestor: z.string().max(512).optional(),
});

function inventoryOf(engine: EngineHandle | undefined) {
  if (!engine) throw new HttpError(404, 'ENGINE_NOT_FOUND', 'no such engine');
  return engine.inventory;
}

const listRoute = (type: InventoryResource) =>
  defineRoute({
    method: 'GET',
    path: `/api/engines/:engine/${type}`,
    requirement: LIST_PERMISSION[type],
    operation: `${type}.list`,
    summary: `List ${type} from the live inventory (page, pageSize ≤ ${MAX_PAGE_SIZE}, sort: ${sortFields(type).join('|')}, order, filter, state, project, label=k=v, group=project${type === 'tasks' ? ', service, node' : type === 'containers' ? ', ancestor' : ''})`,
    query: listQuery,
    handler: ({ engine, query }) => listCache.query(inventoryOf(engine), type, query),
  });

export const inventoryRoutes = [
  ...INVENTORY_RESOURCES.map(listRoute),
  defineRoute({
    method: 'GET',
    path: '/api/engines/:engine/inventory/status',
    requirement: 'system.read',
    operation: 'inventory.status',
    summary: "The inventory's state, counts, events applied and the last resync's report",
    handler: ({ engine }) => {
      const inventory = inventoryOf(engine);
      return { ...inventory.status(), stats: inventory.stats(), engine: engine?.status() };
    },
  }),
];
