/** Engine-wide routes: info, version, disk usage, ping, and `docker system prune`. */
import { type Filters, isNotFound } from '@gantry/engine';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, filtersQuery, flag } from './resource-kit.ts';

const BASE = '/api/engines/:engine/system';

const dfTypes = z.enum(['container', 'image', 'volume', 'build-cache']);

export const systemRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: `${BASE}/info`,
    requirement: 'system.read',
    operation: 'system.info',
    summary: 'Engine information (docker info)',
    handler: (context) => clientOf(context).system.info({ signal: context.signal }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/version`,
    requirement: 'system.read',
    operation: 'system.version',
    summary: 'Engine and component versions (docker version)',
    handler: (context) => clientOf(context).system.version({ signal: context.signal }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/ping`,
    requirement: 'system.read',
    operation: 'system.ping',
    summary: 'Whether the engine answers, with its API version, OS type, builder and swarm state',
    handler: (context) => clientOf(context).system.ping({ signal: context.signal }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/df`,
    requirement: 'system.read',
    operation: 'system.df',
    summary: 'Disk usage by images, containers, volumes and build cache (?type=image,volume, API 1.42+)',
    query: z.object({
      type: z
        .string()
        .transform((text) => text.split(','))
        .pipe(z.array(dfTypes))
        .optional(),
    }),
    handler: (context) => clientOf(context).system.df({ type: context.query.type, signal: context.signal }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/prune`,
    requirement: 'system.prune',
    operation: 'system.prune',
    summary:
      'docker system prune: stopped containers, unused networks, dangling images (every unused one with ?all=true), build cache, and with ?volumes=true unused volumes; ?filters= applies to each',
    query: z.object({ filters: filtersQuery, all: flag(), volumes: flag() }),
    handler: async (context) => {
      const { filters, all, volumes } = context.query;
      context.audit.params = { filters, all, volumes };
      const docker = clientOf(context);
      const signal = context.signal;
      // One after the other, as docker does: removing containers frees networks, volumes and images.
      const containers = await docker.containers.prune({ filters, signal });
      const networks = await docker.networks.prune({ filters, signal });
      const volumesPruned = volumes ? await docker.volumes.prune({ filters, signal }) : undefined;
      const imageFilters: Filters | undefined = all ? { ...filters, dangling: ['false'] } : filters;
      const images = await docker.images.prune({ filters: imageFilters, signal });
      // An engine without a build-cache API (Podman 4) answers 404: it has no cache to prune.
      const buildCache = await docker.images
        .pruneBuildCache({ all, filters, signal })
        .catch((error: unknown) => {
          if (isNotFound(error)) return { CachesDeleted: [], SpaceReclaimed: 0 };
          throw error;
        });
      const reclaimed = [containers, volumesPruned, images, buildCache].reduce(
        (sum, result) => sum + (result?.SpaceReclaimed ?? 0),
        0,
      );
      return {
        containersDeleted: containers.ContainersDeleted ?? [],
        networksDeleted: networks.NetworksDeleted ?? [],
        volumesDeleted: volumesPruned?.VolumesDeleted ?? [],
        imagesDeleted: images.ImagesDeleted ?? [],
        cachesDeleted: buildCache.CachesDeleted ?? [],
        spaceReclaimed: reclaimed,
      };
    },
  }),
];
