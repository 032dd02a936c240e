/**
 * The OpenAPI 3.1 description of the console's REST API, generated from the route table (and the
 * channel table, as `GET` operations marked `x-gantry-websocket`), so it cannot drift from what is
 * served. Each operation names what it requires in `x-gantry-permission`.
 */
import { z } from 'zod';
import type { ChannelDefinition } from '../realtime/channel.ts';
import type { RouteDefinition } from './route.ts';

type JsonSchema = Record<string, unknown>;

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

/** A zod schema as JSON Schema (what a client sends); parts JSON Schema cannot express become `{}`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  try {
    const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
    return rest;
  } catch {
    return {};
  }
}

/** `/api/engines/:engine/containers/:id` -> `/api/engines/{engine}/containers/{id}` (Hono regex parts dropped). */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}');

const pathParameterNames = (path: string) =>
  [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] as string);

function parameters(path: string, params?: z.ZodType, query?: z.ZodType) {
  const paramSchema = params ? jsonSchema(params, 'input') : {};
  const paramProperties = (paramSchema.properties ?? {}) as Record<string, JsonSchema>;
  const result: JsonSchema[] = pathParameterNames(path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: paramProperties[name] ?? { type: 'string' },
  }));
  if (query) {
    const querySchema = jsonSchema(query, 'input');
    const required = new Set((querySchema.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(
      (querySchema.properties ?? {}) as Record<string, JsonSchema>,
    )) {
      result.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  return result;
}

function responses(route: Pick<RouteDefinition, 'response' | 'requirement' | 'method'>) {
  const error = { description: 'error', content: { 'application/json': { schema: ERROR_SCHEMA } } };
  const ok = route.response
    ? {
        description: 'success',
        content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
      }
    : { description: 'success' };
  return {
    '200': ok,
    ...(route.method === 'GET' ? {} : { '204': { description: 'done, no content' } }),
    ...(route.requirement === 'public' ? {} : { '401': error, '403': error }),
    '400': error,
    default: error,
  };
}

/** The OpenAPI 3.1 document for these routes and channels. */
export function openApiDocument(
  routes: readonly RouteDefinition[],
  channels: readonly ChannelDefinition[],
  info: { version: string } = { version: '0.1.0' },
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const operation = (path: string, method: string, value: JsonSchema) => {
    const key = openApiPath(path);
    paths[key] ??= {};
    (paths[key] as Record<string, JsonSchema>)[method] = value;
  };
  for (const route of routes) {
    operation(route.path, route.method.toLowerCase(), {
      operationId: `${route.operation}:${route.method.toLowerCase()}:${openApiPath(route.path)}`,
      summary: route.summary,
      tags: [route.operation.split('.')[0]],
      'x-gantry-permission': route.requirement,
      'x-gantry-operation': route.operation,
      parameters: parameters(route.path, route.params, route.query),
      ...(route.body
        ? {
            requestBody: {
              required: !route.body.safeParse(undefined).success,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      ...(route.requirement === 'public' ? { security: [] } : {}),
      responses: responses(route),
    });
  }
  for (const channel of channels) {
    operation(channel.path, 'get', {
      operationId: `${channel.operation}:websocket:${openApiPath(channel.path)}`,
      summary: `${channel.summary} (WebSocket)`,
      tags: [channel.operation.split('.')[0]],
      'x-gantry-permission': channel.requirement,
      'x-gantry-operation': channel.operation,
      'x-gantry-websocket': true,
      parameters: parameters(channel.path, channel.params, channel.query),
      responses: {
        '101': { description: 'switching to the WebSocket protocol; messages are JSON text frames' },
        '401': { description: 'not authenticated' },
        '403': { description: 'forbidden, or an Origin that is not allowed' },
      },
    });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gantry console API',
      version: info.version,
      description:
        'REST and WebSocket API of the Gantry console. Sign in (POST /api/auth/login: session cookie + ' +
        'X-CSRF-Token on changes) or send an API token as Authorization: Bearer. x-gantry-permission names ' +
        'what each operation requires.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'gantry_session' },
        token: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ session: [] }, { token: [] }],
    paths,
  };
}
