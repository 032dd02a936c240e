/**
 * Swarm service routes beyond the list (inventory): inspect, create, update, scale, remove, and
 * logs read to their end (the logs channel follows them).
 */
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, collectLogs, envNames, flag, idParams, labels, swarmLogsQuery } from './resource-kit.ts';

const BASE = '/api/engines/:engine/services';
const params = idParams('service');

type CreateOptions = Parameters<DockerClient['services']['create']>[0];
type UpdateSpec = Omit<Parameters<DockerClient['services']['update']>[1], 'version'>;

/** The service spec's fields that matter most, typed; the rest passes to the engine as given. */
const serviceSpec = z.looseObject({
  Name: z
    .string()
    .regex(
      /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]*[a-zA-Z0-9])?$/,
      'a service name is letters, digits, "_", "." and "-"',
    )
    .max(63)
    .optional(),
  Labels: labels.optional(),
  TaskTemplate: z.looseObject({
    ContainerSpec: z.looseObject({
      Image: z.string().min(1, 'TaskTemplate.ContainerSpec.Image is required: the image the tasks run'),
      Command: z.array(z.string()).optional(),
      Args: z.array(z.string()).optional(),
      Env: z.array(z.string()).optional(),
      Labels: labels.optional(),
    }),
  }),
  Mode: z
    .looseObject({
      Replicated: z.object({ Replicas: z.number().int().nonnegative().optional() }).optional(),
      Global: z.object({}).optional(),
    })
    .optional(),
  EndpointSpec: z
    .looseObject({
      Mode: z.enum(['vip', 'dnsrr']).optional(),
      Ports: z
        .array(
          z.looseObject({
            Protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
            TargetPort: z.number().int().min(1).max(65535),
            PublishedPort: z.number().int().min(0).max(65535).optional(),
            PublishMode: z.enum(['ingress', 'host']).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

type Spec = z.output<typeof serviceSpec>;

/** What an audit row keeps of a spec: no environment values, no secret or config contents (there are none in a spec). */
const specSummary = (spec: Spec) => ({
  image: spec.TaskTemplate.ContainerSpec.Image,
  envNames: envNames(spec.TaskTemplate.ContainerSpec.Env),
  replicas: spec.Mode?.Replicated?.Replicas,
  global: spec.Mode?.Global !== undefined || undefined,
  ports: spec.EndpointSpec?.Ports?.map((port) => `${port.PublishedPort ?? ''}:${port.TargetPort}`),
  labels: spec.Labels,
});

export const serviceRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'POST',
    path: BASE,
    requirement: 'services.manage',
    operation: 'services.create',
    summary: 'Create a service from its spec: { ID, Warnings }',
    body: serviceSpec,
    handler: async (context) => {
      context.audit.target = context.body.Name;
      context.audit.params = specSummary(context.body);
      const created = await clientOf(context).services.create({
        ...(context.body as CreateOptions),
        signal: context.signal,
      });
      context.audit.target = context.body.Name ?? created.ID;
      return created;
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id`,
    requirement: 'swarm.read',
    operation: 'services.inspect',
    summary: 'Inspect a service (?insertDefaults=true fills in the defaults)',
    params,
    query: z.object({ insertDefaults: flag() }),
    handler: (context) =>
      clientOf(context).services.inspect(context.params.id, {
        insertDefaults: context.query.insertDefaults,
        signal: context.signal,
      }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/update`,
    requirement: 'services.manage',
    operation: 'services.update',
    summary: "Replace a service's spec (?version= from inspect; ?rollback=previous rolls back)",
    params,
    query: z.object({
      version: z.coerce.number().int().nonnegative(),
      rollback: z.literal('previous').optional(),
      registryAuthFrom: z.enum(['spec', 'previous-spec']).optional(),
    }),
    body: serviceSpec,
    handler: (context) => {
      context.audit.target = context.params.id;
      context.audit.params = {
        version: context.query.version,
        rollback: context.query.rollback,
        ...specSummary(context.body),
      };
      return clientOf(context).services.update(context.params.id, {
        ...(context.body as UpdateSpec),
        ...context.query,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/scale`,
    requirement: 'services.manage',
    operation: 'services.scale',
    summary: 'Set the replica count of a replicated service ({ replicas })',
    params,
    body: z.object({ replicas: z.number().int().min(0).max(10_000) }),
    handler: async (context) => {
      const { replicas } = context.body;
      context.audit.target = context.params.id;
      context.audit.params = { replicas };
      const docker = clientOf(context);
      const service = await docker.services.inspect(context.params.id, { signal: context.signal });
      const spec = service.Spec;
      if (!spec?.Mode?.Replicated) {
        throw new HttpError(
          409,
          'NOT_REPLICATED',
          `service ${context.params.id} is not in replicated mode (global services run one task per node): it cannot be scaled`,
        );
      }
      return docker.services.update(context.params.id, {
        ...spec,
        Mode: { ...spec.Mode, Replicated: { ...spec.Mode.Replicated, Replicas: replicas } },
        version: service.Version?.Index ?? 0,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:id`,
    requirement: 'services.manage',
    operation: 'services.remove',
    summary: 'Remove a service (its tasks stop)',
    params,
    handler: async (context) => {
      context.audit.target = context.params.id;
      await clientOf(context).services.remove(context.params.id, { signal: context.signal });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/logs`,
    requirement: 'logs.read',
    operation: 'services.logs',
    summary:
      "The service's logs so far (?tail=1000|all, ?since=, ?timestamps=): { frames, truncated }, up to 8 MiB",
    params,
    query: swarmLogsQuery,
    handler: (context) =>
      collectLogs(
        clientOf(context).services.logs(context.params.id, { ...context.query, signal: context.signal }),
      ),
  }),
];
