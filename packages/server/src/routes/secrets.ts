/** Swarm secret routes beyond the list (inventory). Their content is never answered, logged or audited. */
import type { RouteDefinition } from '../http/route.ts';
import { swarmDataRoutes } from './swarm-data.ts';

export const secretRoutes: RouteDefinition[] = swarmDataRoutes('secrets', {
  read: 'secrets.read',
  manage: 'secrets.manage',
  hideData: true,
});
