/** Network routes beyond the list (inventory): inspect, create, remove, connect, disconnect, prune. */
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, filtersQuery, flag, idParams, labels, objectRef } from './resource-kit.ts';

const BASE = '/api/engines/:engine/networks';
const params = idParams('network');

type CreateOptions = Parameters<DockerClient['networks']['create']>[0];
type ConnectOptions = Parameters<DockerClient['networks']['connect']>[1];

const ipamConfig = z.looseObject({
  Subnet: z.string().optional(),
  IPRange: z.string().optional(),
  Gateway: z.string().optional(),
  AuxiliaryAddresses: z.record(z.string(), z.string()).optional(),
});

const createBody = z.object({
  Name: objectRef('network'),
  Driver: z.string().min(1).optional(),
  Scope: z.enum(['local', 'swarm', 'global']).optional(),
  Internal: z.boolean().optional(),
  Attachable: z.boolean().optional(),
  Ingress: z.boolean().optional(),
  ConfigOnly: z.boolean().optional(),
  ConfigFrom: z.object({ Network: z.string().min(1) }).optional(),
  IPAM: z
    .object({
      Driver: z.string().optional(),
      Config: z.array(ipamConfig).optional(),
      Options: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  EnableIPv4: z.boolean().optional(),
  EnableIPv6: z.boolean().optional(),
  Options: z.record(z.string(), z.string()).optional(),
  Labels: labels.optional(),
});

const endpointConfig = z.looseObject({
  Aliases: z.array(z.string()).optional(),
  IPAMConfig: z
    .object({
      IPv4Address: z.string().optional(),
      IPv6Address: z.string().optional(),
      LinkLocalIPs: z.array(z.string()).optional(),
    })
    .nullable()
    .optional(),
  Links: z.array(z.string()).optional(),
  MacAddress: z.string().optional(),
  DriverOpts: z.record(z.string(), z.string()).nullable().optional(),
  GwPriority: z.number().int().optional(),
});

export const networkRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'POST',
    path: BASE,
    requirement: 'networks.manage',
    operation: 'networks.create',
    summary: 'Create a network: { Id, Warning }',
    body: createBody,
    handler: async (context) => {
      const { Name, Driver, Internal, Attachable, IPAM, Labels } = context.body;
      context.audit.target = Name;
      context.audit.params = {
        driver: Driver,
        internal: Internal,
        attachable: Attachable,
        ipam: IPAM?.Config,
        labels: Labels,
      };
      return clientOf(context).networks.create({
        ...(context.body as CreateOptions),
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/prune`,
    requirement: 'networks.manage',
    operation: 'networks.prune',
    summary: 'Remove unused networks matching ?filters= (label, until)',
    query: z.object({ filters: filtersQuery }),
    handler: (context) => {
      context.audit.params = { filters: context.query.filters };
      return clientOf(context).networks.prune({ filters: context.query.filters, signal: context.signal });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id`,
    requirement: 'networks.read',
    operation: 'networks.inspect',
    summary: 'Inspect a network (?verbose=true for swarm networks across nodes, ?scope=)',
    params,
    query: z.object({ verbose: flag(), scope: z.enum(['local', 'swarm', 'global']).optional() }),
    handler: (context) =>
      clientOf(context).networks.inspect(context.params.id, { ...context.query, signal: context.signal }),
  }),
  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:id`,
    requirement: 'networks.manage',
    operation: 'networks.remove',
    summary: 'Remove a network',
    params,
    handler: async (context) => {
      context.audit.target = context.params.id;
      await clientOf(context).networks.remove(context.params.id, { signal: context.signal });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/connect`,
    requirement: 'networks.manage',
    operation: 'networks.connect',
    summary: 'Connect a container to the network ({ Container, EndpointConfig? })',
    params,
    body: z.object({
      Container: objectRef('container'),
      EndpointConfig: endpointConfig.nullable().optional(),
    }),
    handler: async (context) => {
      context.audit.target = context.params.id;
      context.audit.params = {
        container: context.body.Container,
        aliases: context.body.EndpointConfig?.Aliases,
        ipv4: context.body.EndpointConfig?.IPAMConfig?.IPv4Address,
      };
      await clientOf(context).networks.connect(context.params.id, {
        ...(context.body as ConnectOptions),
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/disconnect`,
    requirement: 'networks.manage',
    operation: 'networks.disconnect',
    summary: 'Disconnect a container from the network ({ Container, Force? })',
    params,
    body: z.object({ Container: objectRef('container'), Force: z.boolean().optional() }),
    handler: async (context) => {
      context.audit.target = context.params.id;
      context.audit.params = { container: context.body.Container, force: context.body.Force };
      await clientOf(context).networks.disconnect(context.params.id, {
        ...context.body,
        signal: context.signal,
      });
    },
  }),
];
