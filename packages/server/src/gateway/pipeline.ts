/**
 * One gateway request, in the order of gateway-design.md: authenticate -> canonicalize -> engine
 * and permission -> body -> policy -> owner scope (objects resolved to full ids) -> forward. Nothing
 * reaches an engine before the last step; every decision, allowed or denied, is appended to the
 * audit log (operation `gateway.<operationId>`, the rule in params) before the client hears back.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { allows, type Principal } from '../auth/principal.ts';
import type { AuditEntry, ConsoleServices, EngineHandle } from '../context.ts';
import { LOCAL_ENGINE } from '../engines/manager.ts';
import { authenticateGatewayRequest, GatewayAuthError } from './auth.ts';
import {
  type EngineUpstream,
  relayStream,
  responseHeaders,
  splice,
  UnsupportedEngineError,
  type UpstreamRequest,
} from './forward.ts';
import { permissionFor } from './permissions.ts';
import { operationServes } from './routes.ts';
import { type OwnedKind, ownerAllows, ownerTargets, scopeListQuery, stampOwner } from './scope.ts';
import type { GatewayStages } from './stages.ts';
import type { CanonicalRequest, Denial } from './types.ts';

/** Where the answer goes: a normal response, or the raw socket of an `Upgrade` request. */
export type ClientChannel =
  | { readonly kind: 'http'; readonly res: ServerResponse }
  | { readonly kind: 'upgrade'; readonly socket: Duplex; head: Buffer };

export interface GatewayContext {
  readonly services: ConsoleServices;
  readonly stages: GatewayStages;
  /** Largest JSON body (bytes); tar bodies get `tarLimitBytes`. */
  readonly bodyLimitBytes: number;
  /** Open hijacked connections, closed with the gateway. */
  readonly tunnels: Set<Duplex>;
  upstream(engine: EngineHandle): EngineUpstream;
}

/** A refusal the pipeline answers itself: status, Docker-style message, and the rule for the audit row. */
class Refusal extends Error {
  readonly status: number;
  readonly rule: string;

  constructor(status: number, rule: string, message: string) {
    super(message);
    this.status = status;
    this.rule = rule;
  }
}

/** Methods whose allowed requests are audited without waiting for the commit. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

const refuse = (denial: Denial) => new Refusal(denial.status, denial.rule, denial.message);
const isDenial = (value: unknown): value is Denial =>
  typeof value === 'object' &&
  value !== null &&
  'rule' in value &&
  'status' in value &&
  !('operation' in value);

/** What the audit row knows so far about one request. */
interface Trail {
  readonly requestId: string;
  readonly ip: string | undefined;
  principal?: Principal;
  operationId?: string;
  engineId?: string;
  target?: string;
  params: Record<string, unknown>;
}

export async function handleGatewayRequest(
  context: GatewayContext,
  request: IncomingMessage,
  channel: ClientChannel,
): Promise<void> {
  const trail: Trail = {
    // randomUUID draws from a cached pool; randomBytes(8) was 6 % of the gateway's CPU per _ping.
    requestId: randomUUID(),
    ip: request.socket.remoteAddress,
    params: { method: request.method, path: (request.url ?? '').split('?')[0] },
  };
  try {
    await decideAndForward(context, request, channel, trail);
  } catch (error) {
    if (error instanceof Refusal) {
      const audited = await record(context, trail, {
        outcome: 'denied',
        status: error.status,
        rule: error.rule,
      });
      if (!audited)
        return reply(channel, 500, 'the gateway could not write its audit log; nothing was forwarded');
      return reply(channel, error.status, error.message);
    }
    context.services.log.error('gateway request failed', {
      requestId: trail.requestId,
      error: error instanceof Error ? error.message : String(error),
    });
    await record(context, trail, { outcome: 'failure', status: 502, rule: 'engine.unreachable' });
    reply(
      channel,
      502,
      `the engine did not answer: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function decideAndForward(
  context: GatewayContext,
  request: IncomingMessage,
  channel: ClientChannel,
  trail: Trail,
): Promise<void> {
  const { services, stages } = context;
  // A browser page (DNS rebinding, a form post) sends an Origin; Docker clients never do.
  if (request.headers.origin !== undefined) {
    throw new Refusal(
      403,
      'gateway.origin',
      'requests from web pages (with an Origin header) are refused by the gateway',
    );
  }
  try {
    trail.principal = await authenticateGatewayRequest(services, request);
  } catch (error) {
    if (error instanceof GatewayAuthError) throw new Refusal(401, 'gateway.authentication', error.message);
    throw error;
  }
  const principal = trail.principal;

  const canonical = stages.canonicalize(request.method ?? '', request.url ?? '', request.headers);
  if (isDenial(canonical)) throw refuse(canonical);
  const operation = canonical.operation;
  trail.operationId = operation.id;
  trail.params = { ...trail.params, path: canonical.path, query: Object.fromEntries(canonical.query) };
  trail.target = targetOf(canonical.params);
  if (channel.kind === 'upgrade' && operation.stream !== 'hijack') {
    throw new Refusal(
      400,
      'gateway.upgrade-not-hijack',
      `${operation.id} does not switch protocols: send it without an Upgrade header`,
    );
  }
  // attach / exec switch to raw tcp; only the BuildKit session speaks h2c.
  const protocol = operation.id === 'Session' ? 'h2c' : 'tcp';
  if (channel.kind === 'upgrade' && String(request.headers.upgrade ?? '').toLowerCase() !== protocol) {
    throw new Refusal(400, 'gateway.upgrade-protocol', `${operation.id} upgrades to ${protocol} only`);
  }

  const engineId = canonical.engineId ?? soleEngine(principal) ?? LOCAL_ENGINE;
  trail.engineId = engineId;
  const permission = permissionFor(operation.id, canonical.query);
  if (!permission) {
    throw new Refusal(
      403,
      'gateway.unmapped-operation',
      `${operation.id} is not available through the gateway`,
    );
  }
  if (!allows(principal, permission, engineId)) {
    throw new Refusal(
      403,
      'permission',
      `permission '${permission}' on engine '${engineId}' is required for ${operation.id}: ask an administrator for a role or token that has it`,
    );
  }
  const engine = services.engines.get(engineId);
  if (!engine)
    throw new Refusal(
      404,
      'gateway.engine-not-found',
      `no engine with id '${engineId}' (use /engines/<id>/... with an id from the console)`,
    );

  // Unversioned requests run at the engine's negotiated version: judged and forwarded as such.
  const apiVersion = canonical.apiVersion ?? engine.status().apiVersion ?? (await engine.client.apiVersion());
  if (!operationServes(operation, apiVersion)) {
    throw new Refusal(404, 'canonical.version-range', `${operation.id} is not served at API ${apiVersion}`);
  }
  const upgrade = channel.kind === 'upgrade' ? channel : undefined;
  const pinned = await stages.readBody(
    { ...canonical, apiVersion },
    request,
    upgrade,
    context.bodyLimitBytes,
  );
  if (isDenial(pinned)) throw refuse(pinned);
  const verdict = stages.evaluate(pinned, principal, engineId);
  if (verdict.verdict === 'deny') throw new Refusal(verdict.status, verdict.rule, verdict.message);
  trail.params = { ...trail.params, rule: 'allow', scope: verdict.scope };

  const scoped = await scope(pinned, principal, engine, verdict.scope);
  const upstreamRequest: UpstreamRequest = {
    method: pinned.method,
    path: `/v${apiVersion}${encodePath(scoped.path)}${scoped.query.size > 0 ? `?${scoped.query}` : ''}`,
    headers: forwardedHeaders(request.headers, scoped, channel.kind === 'upgrade' ? protocol : undefined),
    body: scoped.body,
  };
  trail.target = scoped.target ?? trail.target;

  const upstream = context.upstream(engine);
  if (operation.stream === 'hijack') return forwardHijack(context, upstream, upstreamRequest, channel, trail);
  if (channel.kind !== 'http') throw new Refusal(400, 'gateway.upgrade-not-hijack', 'unexpected Upgrade');
  const abort = new AbortController();
  // Only a client gone before its answer was sent cancels the upstream request; aborting after a
  // finished answer would cost an AbortError (a DOMException, with its stack) per request.
  channel.res.once('close', () => {
    if (!channel.res.writableFinished) abort.abort();
  });
  const response = await upstream.request(upstreamRequest, abort.signal, operation.stream === 'stream');
  const status = response.status;
  const outcome = { outcome: status < 400 ? ('success' as const) : ('failure' as const), status };
  // An allowed read changes nothing: its row goes into the next group commit (milliseconds) without
  // holding the answer. Denials and every other method are committed before the client hears back.
  if (READ_METHODS.has(pinned.method)) void record(context, trail, outcome, 'later');
  else if (!(await record(context, trail, outcome))) {
    response.body.destroy();
    return reply(channel, 500, 'the gateway could not write its audit log');
  }
  channel.res.writeHead(status, responseHeaders(response.headers));
  // A stream's head goes out at once (`logs -f` waits on it); a short answer leaves with its body.
  if (operation.stream) channel.res.flushHeaders();
  if (operation.stream) return relayStream(response.body, channel.res);
  response.body.pipe(channel.res);
  response.body.once('error', () => channel.res.destroy());
}

/** attach / exec start: the opening request was judged; from the daemon's switch on, bytes flow both ways. */
async function forwardHijack(
  context: GatewayContext,
  upstream: EngineUpstream,
  upstreamRequest: UpstreamRequest,
  channel: ClientChannel,
  trail: Trail,
): Promise<void> {
  // The raw-200 form (no Upgrade from the client): the connection turns raw after the answer too,
  // so the socket is taken from Node's HTTP parser now, before stdin bytes could reach it.
  const raw: Extract<ClientChannel, { kind: 'upgrade' }> =
    channel.kind === 'upgrade'
      ? channel
      : { kind: 'upgrade', socket: takeOver(channel.res), head: Buffer.alloc(0) };
  const client = raw.socket;
  const abort = new AbortController();
  const onClose = () => abort.abort();
  client.once('close', onClose);
  const result = await upstream.hijack(upstreamRequest, abort.signal);
  client.off('close', onClose);
  const status = result.status;
  if (!(await record(context, trail, { outcome: status < 400 ? 'success' : 'failure', status }))) {
    if (result.kind === 'switched') result.socket.destroy();
    return reply(raw, 500, 'the gateway could not write its audit log');
  }
  if (result.kind === 'response') return reply(raw, status, messageOf(result.body));
  client.write(`${result.head}\r\n\r\n`);
  if (result.rest.length > 0) client.write(result.rest);
  if (raw.head.length > 0) result.socket.write(raw.head);
  context.tunnels.add(client);
  result.socket.resume();
  splice(client as Socket, result.socket, () => context.tunnels.delete(client));
}

/**
 * Takes a request's socket away from Node's HTTP server, as its 'upgrade' path does: adding a
 * 'data' listener makes the server stop parsing in C++ (unconsume), then its own data / end /
 * drain listeners are removed, so later bytes are stream data, not a next request.
 */
function takeOver(res: ServerResponse): Socket {
  const socket = res.socket as Socket;
  res.detachSocket(socket);
  socket.on('data', () => {});
  for (const event of ['data', 'end', 'drain'] as const) socket.removeAllListeners(event);
  socket.pause();
  socket.allowHalfOpen = true;
  return socket;
}

/** The owner label value of a principal: a token owns what it created, a user what their sessions created. */
export const ownerOf = (principal: Principal) =>
  principal.kind === 'token' ? `token:${principal.id}` : `user:${principal.userId}`;

/**
 * Owner scope (scope.ts) for callers limited to their own objects: lists and events filtered, the
 * owner label stamped on what they create, and every object the request addresses or references
 * resolved through the engine and checked — the addressed one then forwarded by its full id, so a
 * name reused between the check and the request cannot redirect it. Then the bytes to forward.
 */
async function scope(
  canonical: CanonicalRequest,
  principal: Principal,
  engine: EngineHandle,
  ownerScope: 'owner' | 'all',
): Promise<{ path: string; query: URLSearchParams; body: Buffer | undefined; target?: string }> {
  const { operation } = canonical;
  let query = canonical.query;
  let body = canonical.body;
  let path = canonical.path;
  let target: string | undefined;
  if (ownerScope === 'owner') {
    const owner = ownerOf(principal);
    const listed = scopeListQuery(operation, query, owner);
    if (!listed.ok) throw new Refusal(listed.status, listed.rule, listed.message);
    ({ body, query } = stampOwner(operation, { body, query: listed.query }, owner));
    const params: Record<string, string> = { ...canonical.params };
    for (const ref of ownerTargets(canonical)) {
      const found = ref.id === '' ? undefined : await resolveObject(engine, ref.kind, ref.id);
      if (!found && ref.mayNotExist) continue;
      if (!found || !ownerAllows(found.labels, owner)) {
        throw new Refusal(404, 'scope.not-owned', `No such ${ref.kind}: ${ref.id} (${ref.where})`);
      }
      const [from, key = ''] = ref.where.split(' ');
      if (from === 'param' && key in params) {
        params[key] = found.id;
        target = found.id;
      } else if (from === 'query') {
        query = new URLSearchParams(query);
        query.set(key, found.id);
      }
    }
    path = operation.pattern.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');
  }
  // Only parameters the operation has in the spec pass: the daemon ignores others, so nothing is lost.
  const known = new URLSearchParams([...query].filter(([key]) => Object.hasOwn(operation.query, key)));
  const bytes =
    operation.body === 'json'
      ? body === undefined
        ? undefined
        : Buffer.from(JSON.stringify(body))
      : operation.body === 'none'
        ? undefined
        : canonical.rawBody;
  return { path, query: known, body: bytes, ...(target ? { target } : {}) };
}

/** The object a request names, with its full id and labels; undefined when the engine does not know it. */
async function resolveObject(
  engine: EngineHandle,
  kind: OwnedKind,
  id: string,
): Promise<{ id: string; labels: Record<string, string> } | undefined> {
  const client = engine.client;
  const owned = { kind, id };
  try {
    switch (owned.kind) {
      case 'container': {
        const found = await client.containers.inspect(owned.id);
        return { id: found.Id ?? owned.id, labels: found.Config?.Labels ?? {} };
      }
      case 'exec': {
        const exec = await client.exec.inspect(owned.id);
        const container = await client.containers.inspect(exec.ContainerID ?? '');
        return { id: exec.ID ?? owned.id, labels: container.Config?.Labels ?? {} };
      }
      case 'network': {
        const found = await client.networks.inspect(owned.id);
        return { id: found.Id ?? owned.id, labels: found.Labels ?? {} };
      }
      case 'volume': {
        const found = await client.volumes.inspect(owned.id);
        return { id: found.Name, labels: found.Labels ?? {} };
      }
      case 'service': {
        const found = await client.services.inspect(owned.id);
        return { id: found.ID ?? owned.id, labels: found.Spec?.Labels ?? {} };
      }
      case 'secret': {
        const found = await client.secrets.inspect(owned.id);
        return { id: found.ID ?? owned.id, labels: found.Spec?.Labels ?? {} };
      }
      case 'config': {
        const found = await client.configs.inspect(owned.id);
        return { id: found.ID ?? owned.id, labels: found.Spec?.Labels ?? {} };
      }
      case 'task': {
        const found = await client.tasks.inspect(owned.id);
        return { id: found.ID ?? owned.id, labels: found.Labels ?? {} };
      }
    }
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/**
 * The canonical (decoded) path as the engine gets it: everything but unreserved characters and the
 * `/ : @` an image reference keeps is percent-encoded, so `?`, `#` and `%` stay inside their segment.
 */
export const encodePath = (path: string) =>
  path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu, (char) => encodeURIComponent(char));

/** The engine a credential is limited to, when it is exactly one. */
function soleEngine(principal: Principal): string | undefined {
  if (principal.engines === '*' || principal.engines.size !== 1) return undefined;
  return [...principal.engines][0];
}

function targetOf(params: Readonly<Record<string, string>>): string | undefined {
  return params.id ?? params.name ?? Object.values(params)[0];
}

/**
 * Headers the engine gets: the canonical body's type and length (set by forward.ts), registry
 * credentials the operation needs, the client's User-Agent, and the protocol switch for hijacks.
 * Nothing else passes: the bearer token stays here, and method-override or hop-by-hop tricks
 * never reach the daemon.
 */
function forwardedHeaders(
  headers: IncomingHttpHeaders,
  scoped: { body: Buffer | undefined },
  upgrade: 'tcp' | 'h2c' | undefined,
): Record<string, string> {
  const out: Record<string, string> = { Host: 'docker' };
  const userAgent = headers['user-agent'];
  out['User-Agent'] = userAgent ? `${userAgent} (via gantry-gateway)` : 'gantry-gateway';
  for (const [name, sent] of [
    ['x-registry-auth', 'X-Registry-Auth'],
    ['x-registry-config', 'X-Registry-Config'],
  ] as const) {
    const value = headers[name];
    if (typeof value === 'string') out[sent] = value;
  }
  if (scoped.body !== undefined) {
    const type = headers['content-type'];
    out['Content-Type'] = typeof type === 'string' && !/json/i.test(type) ? type : 'application/json';
  }
  if (upgrade) {
    out.Connection = 'Upgrade';
    out.Upgrade = upgrade;
  }
  if (upgrade === 'h2c') {
    // The BuildKit session describes itself in these (its id, name, shared key, gRPC methods).
    for (const [name, value] of Object.entries(headers)) {
      if (name.startsWith('x-docker-expose-session-') && value !== undefined) out[name] = String(value);
    }
  }
  return out;
}

function messageOf(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {}
  return text;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** A Docker-style error answer (`{"message": ...}`: the docker CLI prints `message`). */
export function reply(channel: ClientChannel, status: number, message: string): void {
  const body = `${JSON.stringify({ message })}\n`;
  if (channel.kind === 'http') {
    if (channel.res.headersSent) return void channel.res.destroy();
    channel.res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      ...(status === 401 ? { 'WWW-Authenticate': 'Bearer realm="gantry-gateway"' } : {}),
    });
    channel.res.end(body);
    return;
  }
  const socket = channel.socket;
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Appends the decision; false when the audit log could not take it. */
async function record(
  context: GatewayContext,
  trail: Trail,
  outcome: { outcome: AuditEntry['outcome']; status: number; rule?: string },
  when: 'now' | 'later' = 'now',
): Promise<boolean> {
  const principal = trail.principal;
  const audit = context.services.audit;
  try {
    const entry: AuditEntry = {
      actor: principal?.name ?? 'anonymous',
      actorKind: principal?.kind ?? 'anonymous',
      engineId: trail.engineId,
      operation: `gateway.${trail.operationId ?? 'request'}`,
      target: trail.target,
      params: outcome.rule ? { ...trail.params, rule: outcome.rule } : trail.params,
      outcome: outcome.outcome,
      status: outcome.status,
      ip: trail.ip,
      requestId: trail.requestId,
    };
    await (when === 'now' ? audit.append(entry) : audit.appendLater(entry));
    return true;
  } catch (error) {
    context.services.metrics.increment('gateway_audit_failures_total');
    context.services.log.error('gateway audit append failed', {
      requestId: trail.requestId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

export { UnsupportedEngineError };
