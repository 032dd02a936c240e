/** Volume routes beyond the list (inventory): inspect, create, remove, prune, and cluster-volume update. */
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, filtersQuery, flag, labels, objectRef } from './resource-kit.ts';

const BASE = '/api/engines/:engine/volumes';
const params = z.object({ name: objectRef('volume') });

type CreateOptions = Parameters<DockerClient['volumes']['create']>[0];
type UpdateOptions = Parameters<DockerClient['volumes']['update']>[1];

export const volumeRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'POST',
    path: BASE,
    requirement: 'volumes.manage',
    operation: 'volumes.create',
    summary: 'Create a volume (no Name: the engine picks one); answers the volume',
    body: z
      .object({
        Name: objectRef('volume').optional(),
        Driver: z.string().min(1).optional(),
        DriverOpts: z.record(z.string(), z.string()).optional(),
        Labels: labels.optional(),
        ClusterVolumeSpec: z.looseObject({}).optional(),
      })
      // No body at all: every field has its default.
      .default({}),
    handler: async (context) => {
      const { Name, Driver, Labels } = context.body;
      context.audit.target = Name;
      // DriverOpts can carry credentials (a CIFS password): only their keys are kept.
      context.audit.params = {
        driver: Driver,
        labels: Labels,
        driverOpts: Object.keys(context.body.DriverOpts ?? {}),
      };
      const volume = await clientOf(context).volumes.create({
        ...(context.body as CreateOptions),
        signal: context.signal,
      });
      context.audit.target = volume.Name;
      return volume;
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/prune`,
    requirement: 'volumes.manage',
    operation: 'volumes.prune',
    summary: 'Remove unused volumes matching ?filters= (label; all=true for named ones too, API 1.42+)',
    query: z.object({ filters: filtersQuery }),
    handler: (context) => {
      context.audit.params = { filters: context.query.filters };
      return clientOf(context).volumes.prune({ filters: context.query.filters, signal: context.signal });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:name`,
    requirement: 'volumes.read',
    operation: 'volumes.inspect',
    summary: 'Inspect a volume',
    params,
    handler: (context) => clientOf(context).volumes.inspect(context.params.name, { signal: context.signal }),
  }),
  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:name`,
    requirement: 'volumes.manage',
    operation: 'volumes.remove',
    summary: 'Remove a volume (?force=true)',
    params,
    query: z.object({ force: flag() }),
    handler: async (context) => {
      context.audit.target = context.params.name;
      context.audit.params = { force: context.query.force };
      await clientOf(context).volumes.remove(context.params.name, {
        force: context.query.force,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:name/update`,
    requirement: 'volumes.manage',
    operation: 'volumes.update',
    summary: "Change a cluster volume's availability and spec (swarm, API 1.42+; ?version= from inspect)",
    params,
    query: z.object({ version: z.coerce.number().int().nonnegative() }),
    body: z.object({
      Spec: z.looseObject({ Availability: z.enum(['active', 'pause', 'drain']).optional() }),
    }),
    handler: async (context) => {
      context.audit.target = context.params.name;
      context.audit.params = { version: context.query.version, availability: context.body.Spec.Availability };
      await clientOf(context).volumes.update(context.params.name, {
        version: context.query.version,
        Spec: context.body.Spec as UpdateOptions['Spec'],
        signal: context.signal,
      });
    },
  }),
];
