/**
 * Registers the route table on the Hono app. Every request to a route goes through the same steps,
 * in this order: authenticate -> requirement (401 / 403, before anything is validated) -> CSRF for
 * cookie sessions -> the engine the path names -> params / query / body validation -> handler ->
 * JSON, 204 or the handler's own Response. Non-GET routes and every denial write one audit row,
 * committed before the response leaves; every request gives one log line and two metrics.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { SELF_AUDITED_OPERATIONS } from '../audit/audit-log.ts';
import type { Principal } from '../auth/principal.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import type { AuditEntry, ConsoleServices } from '../context.ts';
import {
  assertGuardable,
  auditActor,
  authorize,
  checkCsrf,
  ENGINE_PARAM,
  identify,
  remoteAddress,
  resolveEngine,
} from './access.ts';
import { errorResponse, HttpError, validationError } from './errors.ts';
import type { RouteContext, RouteDefinition } from './route.ts';

/** What the console's Hono app carries: Node's request objects, and the id the middleware gave. */
export interface ConsoleEnv {
  Bindings: Partial<HttpBindings>;
  Variables: { requestId: string };
}

export type ConsoleApp = Hono<ConsoleEnv>;

/** Registers every route; throws at start-up when a route could never be guarded correctly. */
export function registerRoutes(
  app: ConsoleApp,
  routes: readonly RouteDefinition[],
  services: ConsoleServices,
) {
  for (const route of routes) {
    assertGuardable('route', route.path, route.requirement);
    app.on(route.method, route.path, (c) => handle(c, route, services));
  }
}

type Audit = RouteContext<unknown, unknown, unknown>['audit'];

/** Whether the request carries any credential: an Authorization header or the session cookie. */
const presentsCredential = (request: Request) =>
  request.headers.has('authorization') ||
  (request.headers.get('cookie') ?? '')
    .split(';')
    .some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));

async function handle(c: Context<ConsoleEnv>, route: RouteDefinition, services: ConsoleServices) {
  const started = performance.now();
  const request = c.req.raw;
  const requestId = c.get('requestId');
  const ip = remoteAddress(c.env?.incoming);
  const engineId = c.req.param(ENGINE_PARAM);
  const audit: Audit = {};
  let principal: Principal | undefined;
  let stage: 'access' | 'work' | 'handler' = 'access';
  let response: Response;
  try {
    principal = await identify(services, request, route.requirement);
    authorize(principal, route.requirement, engineId);
    if (route.requirement !== 'public') checkCsrf(principal, request, services.config.allowedOrigins);
    stage = 'work';
    const engine = resolveEngine(services, engineId);
    const input = await parseInput(c, route, services.config.bodyLimitBytes);
    const context: RouteContext<unknown, unknown, unknown> = {
      ...input,
      principal,
      engine,
      request,
      requestId,
      ip,
      signal: request.signal,
      services,
      audit,
    };
    stage = 'handler';
    response = toResponse(await route.handler(context));
  } catch (error) {
    const { status, body, internal } = errorResponse(error);
    if (internal)
      services.log.error('route failed', { requestId, route: route.path, error: describe(error) });
    response = Response.json(body, { status });
  }
  // A signed-out browser asking "who am I" (or any `authenticated` read) with no credential at all
  // attempted nothing: not a denial worth a row per page load. A wrong cookie or token still is.
  const signedOutProbe =
    response.status === 401 &&
    route.method === 'GET' &&
    route.requirement === 'authenticated' &&
    !presentsCredential(request);
  const denied =
    stage === 'access' && (response.status === 401 || response.status === 403) && !signedOutProbe;
  // Login, logout, setup ... write their own row once their handler ran (it knows the username);
  // streamed transfers write theirs when the stream's outcome is known.
  const auditedByHandler =
    (stage === 'handler' && SELF_AUDITED_OPERATIONS.has(route.operation)) ||
    (audit.recordsItself === true && response.status < 400);
  if (denied || (route.method !== 'GET' && !auditedByHandler)) {
    const entry = auditEntry(route, principal, audit, engineId, response.status, denied, ip, requestId);
    try {
      await services.audit.append(entry);
    } catch (error) {
      // Not recorded means not acknowledged: the caller must not believe the action is on record.
      services.log.error('audit append failed', {
        requestId,
        operation: route.operation,
        error: describe(error),
      });
      await response.body?.cancel().catch(() => undefined);
      response = Response.json(
        { error: { code: 'AUDIT_FAILED', message: 'the action could not be recorded in the audit log' } },
        { status: 500 },
      );
    }
  }
  const ms = observe(services, route, response.status, started, requestId, principal);
  // Time spent in the console until the answer's head (streams go on after it), in ms.
  try {
    response.headers.set('Server-Timing', `app;dur=${ms.toFixed(2)}`);
  } catch {
    // a Response with immutable headers goes out without it
  }
  return response;
}

/** Params, query and body, each validated by the route's schema (or passed as read). */
async function parseInput(c: Context<ConsoleEnv>, route: RouteDefinition, bodyLimitBytes: number) {
  const params = validate(route.params, c.req.param(), 'params');
  const query = validate(route.query, queryObject(new URL(c.req.url).searchParams), 'query');
  const body = route.body
    ? validate(route.body, await readJsonBody(c.req.raw, bodyLimitBytes), 'body')
    : undefined;
  return { params, query, body };
}

function validate(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/** `?a=1&b=2&b=3` -> `{ a: '1', b: ['2', '3'] }`: a key given once is a string, repeated an array. */
export function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}

/**
 * The JSON body, read with a size limit (413 past it, checked on Content-Length first and while
 * reading for chunked bodies). An empty body is `undefined` (the schema decides whether that is
 * fine); a non-empty one must be `application/json` (415 otherwise).
 */
export async function readJsonBody(request: Request, limitBytes: number): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  if (!request.body || declared === '0') return undefined;
  const type = request.headers.get('content-type') ?? '';
  const bytes = await readLimited(request.body, limitBytes);
  if (bytes.length === 0) return undefined;
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'send the body as JSON with Content-Type: application/json',
    );
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new HttpError(400, 'VALIDATION', 'the body is not valid JSON', { fields: [{ field: 'body' }] });
  }
}

async function readLimited(stream: ReadableStream<Uint8Array>, limitBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
}

const tooLarge = (limitBytes: number) =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `the request body exceeds the limit of ${limitBytes} bytes`);

/** A handler's result as a response: Response as is (headers made writable), undefined 204, else JSON. */
function toResponse(result: unknown): Response {
  if (result instanceof Response) return new Response(result.body, result);
  if (result === undefined) return new Response(null, { status: 204 });
  return Response.json(result);
}

function auditEntry(
  route: RouteDefinition,
  principal: Principal | undefined,
  audit: Audit,
  engineId: string | undefined,
  status: number,
  denied: boolean,
  ip: string,
  requestId: string,
): AuditEntry {
  return {
    ...auditActor(principal, audit.actor),
    engineId,
    operation: route.operation,
    target: audit.target,
    params: audit.params,
    outcome: denied ? 'denied' : status < 400 ? 'success' : 'failure',
    status,
    ip,
    requestId,
  };
}

function observe(
  services: ConsoleServices,
  route: RouteDefinition,
  status: number,
  started: number,
  requestId: string,
  principal: Principal | undefined,
): number {
  const ms = performance.now() - started;
  services.metrics.increment('http_requests_total', {
    route: route.path,
    method: route.method,
    status: String(status),
  });
  services.metrics.observe('http_request_duration_seconds', ms / 1000, {
    route: route.path,
    method: route.method,
  });
  services.log.info('request', {
    method: route.method,
    route: route.path,
    status,
    ms: Math.round(ms * 10) / 10,
    requestId,
    actor: principal?.name ?? 'anonymous',
  });
  return ms;
}

/** An error for the log: name, message and stack (messages from our code and the SDK carry no secrets). */
export function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
