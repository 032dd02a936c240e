/**
 * Every REST route of the console, one table: the router registers it, the OpenAPI document is
 * generated from it and the permission test walks it. Each route module adds ONE import and ONE
 * spread line here. (The console's own /healthz, /metrics and /api/openapi.json are added by app.ts,
 * since the OpenAPI document is made from this table.)
 */
import type { RouteDefinition } from '../http/route.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { configRoutes } from './configs.ts';
import { containerRoutes } from './containers.ts';
import { engineRoutes } from './engines.ts';
import { gatewayRoutes } from './gateway.ts';
import { imageRoutes } from './images.ts';
import { inventoryRoutes } from './inventory.ts';
import { networkRoutes } from './networks.ts';
import { nodeRoutes } from './nodes.ts';
import { pluginRoutes } from './plugins.ts';
import { registryRoutes } from './registries.ts';
import { roleRoutes } from './roles.ts';
import { secretRoutes } from './secrets.ts';
import { serviceRoutes } from './services.ts';
import { settingsRoutes } from './settings.ts';
import { setupRoutes } from './setup.ts';
import { swarmRoutes } from './swarm.ts';
import { systemRoutes } from './system.ts';
import { taskRoutes } from './tasks.ts';
import { tokenRoutes } from './tokens.ts';
import { transferRoutes } from './transfers.ts';
import { userRoutes } from './users.ts';
import { volumeFileRoutes } from './volume-files.ts';
import { volumeRoutes } from './volumes.ts';

export const allRoutes: readonly RouteDefinition[] = [
  ...setupRoutes,
  ...authRoutes,
  ...userRoutes,
  ...roleRoutes,
  ...tokenRoutes,
  ...auditRoutes,
  ...settingsRoutes,
  ...gatewayRoutes,
  ...containerRoutes,
  ...imageRoutes,
  ...networkRoutes,
  ...volumeRoutes,
  ...volumeFileRoutes,
  ...systemRoutes,
  ...swarmRoutes,
  ...nodeRoutes,
  ...serviceRoutes,
  ...taskRoutes,
  ...secretRoutes,
  ...configRoutes,
  ...pluginRoutes,
  ...engineRoutes,
  ...inventoryRoutes,
  ...transferRoutes,
  ...registryRoutes,
];
