/** Swarm config routes beyond the list (inventory). Their content is answered by inspect, never audited. */
import type { RouteDefinition } from '../http/route.ts';
import { swarmDataRoutes } from './swarm-data.ts';

export const configRoutes: RouteDefinition[] = swarmDataRoutes('configs', {
  read: 'configs.read',
  manage: 'configs.manage',
  hideData: false,
});
