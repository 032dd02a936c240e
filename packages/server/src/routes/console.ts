/**
 * The console's own public routes: health, Prometheus metrics and the OpenAPI document. They are
 * made by app.ts from the final table (the document describes it), not listed in routes/index.ts.
 *
 * /metrics is public like /healthz: it holds counts per route pattern and status, no object names,
 * ids or secrets, and the console listens on 127.0.0.1 by default. When it listens elsewhere, put it
 * behind a proxy that restricts /metrics if the request counts are not for everyone.
 */
import { z } from 'zod';
import { openApiDocument } from '../http/openapi.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ChannelDefinition } from '../realtime/channel.ts';

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';
export const OPENAPI_PATH = '/api/openapi.json';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'failing']),
  database: z.enum(['up', 'down']),
  engines: z.object({ up: z.number(), total: z.number() }),
});

export function consoleRoutes(table: {
  routes: readonly RouteDefinition[];
  channels: readonly ChannelDefinition[];
}): RouteDefinition[] {
  let document: unknown;
  const own: RouteDefinition[] = [
    defineRoute({
      method: 'GET',
      path: HEALTH_PATH,
      requirement: 'public',
      operation: 'console.health',
      summary: 'Health: the database answers (else 503), and how many engines are up',
      response: healthSchema,
      handler: async ({ services }) => {
        const database = await services.db
          .get('SELECT 1 AS ok')
          .then(() => 'up' as const)
          .catch(() => 'down' as const);
        const engines = services.engines.list();
        const up = engines.filter((engine) => engine.status().state === 'up').length;
        const status = database === 'down' ? 'failing' : up < engines.length ? 'degraded' : 'ok';
        return Response.json(
          { status, database, engines: { up, total: engines.length } },
          { status: database === 'down' ? 503 : 200 },
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: METRICS_PATH,
      requirement: 'public',
      operation: 'console.metrics',
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      handler: ({ services }) =>
        new Response(services.metrics.render(), {
          headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
        }),
    }),
    defineRoute({
      method: 'GET',
      path: OPENAPI_PATH,
      requirement: 'public',
      operation: 'console.openapi',
      summary: 'This API described as OpenAPI 3.1',
      handler: () => {
        document ??= openApiDocument([...table.routes, ...own], table.channels);
        return document;
      },
    }),
  ];
  return own;
}
