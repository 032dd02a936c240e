/**
 * Secrets and configs are the same kind of object to the engine — a name, labels and content —
 * so their routes are made by one function: inspect, create, update labels, remove.
 */
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import type { Permission } from '../auth/permissions.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, idParams, labels, objectRef } from './resource-kit.ts';

/**
 * The body creating one: its content as base64 (`Data`, as the engine takes it) or as UTF-8 text
 * (`text`), exactly one of them, unless an external driver holds it (`Driver`, secrets only).
 */
const createBody = z
  .object({
    Name: objectRef('object'),
    Labels: labels.optional(),
    Data: z.base64('Data is the content, base64-encoded').optional(),
    text: z.string().optional(),
    Driver: z.looseObject({ Name: z.string().min(1) }).optional(),
    Templating: z.looseObject({ Name: z.string().min(1) }).optional(),
  })
  .refine((body) => !(body.Data !== undefined && body.text !== undefined), {
    message: 'give the content once: Data (base64) or text, not both',
    path: ['text'],
  })
  .refine((body) => body.Driver !== undefined || body.Data !== undefined || body.text !== undefined, {
    message: 'the content is required: Data (base64) or text',
    path: ['Data'],
  });

type Kind = 'secrets' | 'configs';

interface Options {
  readonly read: Permission;
  readonly manage: Permission;
  /** Secrets: the content is never answered (the engine leaves it out; this makes sure). */
  readonly hideData: boolean;
}

/** The SDK namespace of `kind`, narrowed to what both share. */
const api = (docker: DockerClient, kind: Kind) => docker[kind] as DockerClient['configs'];

export function swarmDataRoutes(kind: Kind, options: Options): RouteDefinition[] {
  const one = kind.slice(0, -1);
  const base = `/api/engines/:engine/${kind}`;
  const params = idParams(one);
  return [
    defineRoute({
      method: 'POST',
      path: base,
      requirement: options.manage,
      operation: `${kind}.create`,
      summary: `Create a ${one} from Data (base64) or text: { Id }`,
      body: createBody,
      handler: (context) => {
        const { text, ...spec } = context.body;
        // The content goes to the engine and nowhere else: not into the audit row, not into a log.
        context.audit.target = spec.Name;
        context.audit.params = { labels: spec.Labels, driver: spec.Driver?.Name };
        const Data = text === undefined ? spec.Data : Buffer.from(text, 'utf8').toString('base64');
        return api(clientOf(context), kind).create({ ...spec, Data, signal: context.signal });
      },
    }),
    defineRoute({
      method: 'GET',
      path: `${base}/:id`,
      requirement: options.read,
      operation: `${kind}.inspect`,
      summary: options.hideData
        ? `Inspect a ${one} (its metadata; the content is never answered)`
        : `Inspect a ${one} (Spec.Data is the content, base64)`,
      params,
      handler: async (context) => {
        const found = await api(clientOf(context), kind).inspect(context.params.id, {
          signal: context.signal,
        });
        if (options.hideData && found.Spec) delete found.Spec.Data;
        return found;
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${base}/:id/update`,
      requirement: options.manage,
      operation: `${kind}.update`,
      summary: `Replace a ${one}'s labels, the only thing the engine lets change (?version= from inspect)`,
      params,
      query: z.object({ version: z.coerce.number().int().nonnegative() }),
      body: z.object({ Labels: labels }),
      handler: async (context) => {
        context.audit.target = context.params.id;
        context.audit.params = { version: context.query.version, labels: context.body.Labels };
        const objects = api(clientOf(context), kind);
        // The engine wants the name unchanged alongside; the content may be left out.
        const { Spec } = await objects.inspect(context.params.id, { signal: context.signal });
        await objects.update(context.params.id, {
          Name: Spec?.Name,
          Labels: context.body.Labels,
          version: context.query.version,
          signal: context.signal,
        });
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${base}/:id`,
      requirement: options.manage,
      operation: `${kind}.remove`,
      summary: `Remove a ${one} (refused while a service uses it)`,
      params,
      handler: async (context) => {
        context.audit.target = context.params.id;
        await api(clientOf(context), kind).remove(context.params.id, { signal: context.signal });
      },
    }),
  ];
}
