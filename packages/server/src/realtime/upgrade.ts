/**
 * WebSocket upgrades: the node HTTP server's `upgrade` event lands here, never in Hono. A request is
 * upgraded only after the same checks a REST route makes — authentication (session cookie, or an API
 * token as `Authorization: Bearer` or as the subprotocol `gantry.bearer.<token>`), the channel's
 * requirement on the engine its path names — plus an Origin check, since browsers send cookies with
 * WebSocket handshakes from any page: the Origin must be the console's own (`http(s)://<Host>`) or
 * listed in `config.allowedOrigins`; a handshake without Origin (not a browser) must use a token.
 * Refusals are plain HTTP answers (401 / 403 / 404 / 400) with the JSON error body; no upgrade.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal.ts';
import type { ConsoleServices } from '../context.ts';
import {
  assertGuardable,
  auditActor,
  authorize,
  ENGINE_PARAM,
  identify,
  originAllowed,
  originRefused,
  remoteAddress,
  resolveEngine,
} from '../http/access.ts';
import { errorResponse, HttpError, validationError } from '../http/errors.ts';
import { SECURITY_HEADERS } from '../http/middleware.ts';
import { describe, queryObject } from '../http/router.ts';
import type { ChannelDefinition } from './channel.ts';

/** The subprotocol a client offers to get one chosen back (browsers fail a handshake that offered some and got none). */
export const CHANNEL_PROTOCOL = 'gantry.v1';
/** `Sec-WebSocket-Protocol: gantry.v1, gantry.bearer.<token>`: how a client that cannot set headers sends a token. */
export const BEARER_PROTOCOL_PREFIX = 'gantry.bearer.';

/** Close codes: 1000 done, 1001 the console is shutting down, 1011 the channel failed. */
const CLOSE_DONE = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_ERROR = 1011;

export interface ChannelServer {
  /** For `server.on('upgrade', ...)`. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Sockets open now. */
  readonly size: number;
  /** Closes every socket (1001) and waits for the channels to finish. */
  close(): Promise<void>;
}

interface Match {
  readonly channel: ChannelDefinition;
  readonly params: Record<string, string>;
}

/** Matches `/api/engines/:engine/containers/:id/logs` against a path, segment by segment. */
export function channelMatcher(channels: readonly ChannelDefinition[]) {
  const compiled = channels.map((channel) => ({ channel, segments: channel.path.split('/') }));
  return (pathname: string): Match | undefined => {
    const parts = pathname.split('/');
    for (const { channel, segments } of compiled) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matched = segments.every((segment, index) => {
        const part = parts[index] as string;
        if (!segment.startsWith(':')) return segment === part;
        if (part === '') return false;
        try {
          params[segment.slice(1)] = decodeURIComponent(part);
          return true;
        } catch {
          return false;
        }
      });
      if (matched) return { channel, params };
    }
    return undefined;
  };
}

export function createChannelServer(
  channels: readonly ChannelDefinition[],
  services: ConsoleServices,
): ChannelServer {
  for (const channel of channels) assertGuardable('channel', channel.path, channel.requirement);
  const match = channelMatcher(channels);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: services.config.bodyLimitBytes,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(CHANNEL_PROTOCOL) ? CHANNEL_PROTOCOL : false),
  });
  const running = new Set<Promise<void>>();
  const sockets = new Set<WebSocket>();
  services.metrics.gauge('websocket_connections', 'WebSocket connections open now', () => sockets.size);

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    const started = performance.now();
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    const given = request.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    const ip = remoteAddress(request);
    const found = match(url.pathname);
    if (!found) {
      refuse(socket, new HttpError(404, 'NOT_FOUND', `no WebSocket channel at ${url.pathname}`), requestId);
      return;
    }
    const { channel, params } = found;
    const engineId = params[ENGINE_PARAM];
    let principal: Principal | undefined;
    const record = (status: number, outcome: 'success' | 'denied') =>
      services.audit.append({
        ...auditActor(principal),
        engineId,
        operation: channel.operation,
        outcome,
        status,
        ip,
        requestId,
      });
    const log = (status: number) =>
      services.log.info('websocket', {
        channel: channel.path,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        requestId,
        actor: principal?.name ?? 'anonymous',
      });
    let stage: 'access' | 'work' = 'access';
    try {
      principal = await identify(services, fetchRequest(request, url), channel.requirement);
      checkOrigin(request, principal, services.config.allowedOrigins);
      authorize(principal, channel.requirement, engineId);
      stage = 'work';
      const engine = resolveEngine(services, engineId);
      const parsedParams = parse(channel.params, params, 'params');
      const query = parse(channel.query, queryObject(url.searchParams), 'query');
      if (channel.audited) await record(101, 'success');
      services.metrics.increment('websocket_upgrades_total', { channel: channel.path, status: '101' });
      log(101);
      wss.handleUpgrade(request, socket, head, (ws) => {
        const done = serve(ws, channel, {
          params: parsedParams,
          query,
          principal: principal as Principal,
          engine,
          requestId,
          ip,
        });
        running.add(done);
        void done.finally(() => running.delete(done));
      });
    } catch (error) {
      const { status } = errorResponse(error);
      if (stage === 'access' && (status === 401 || status === 403)) {
        await record(status, 'denied').catch((auditError) =>
          services.log.error('audit append failed', { requestId, error: describe(auditError) }),
        );
      }
      services.metrics.increment('websocket_upgrades_total', {
        channel: channel.path,
        status: String(status),
      });
      log(status);
      refuse(socket, error, requestId);
    }
  }

  async function serve(
    ws: WebSocket,
    channel: ChannelDefinition,
    context: Omit<Parameters<ChannelDefinition['open']>[0], 'socket' | 'signal' | 'services'>,
  ) {
    sockets.add(ws);
    const closed = new AbortController();
    ws.on('close', () => {
      sockets.delete(ws);
      closed.abort(new Error('the WebSocket closed'));
    });
    ws.on('error', () => ws.terminate());
    try {
      await channel.open({ ...context, socket: ws, signal: closed.signal, services });
      if (ws.readyState === ws.OPEN) ws.close(CLOSE_DONE);
    } catch (error) {
      if (closed.signal.aborted) return;
      const { body, internal } = errorResponse(error);
      if (internal) {
        services.log.error('channel failed', {
          requestId: context.requestId,
          channel: channel.path,
          error: describe(error),
        });
      }
      if (ws.readyState === ws.OPEN) {
        ws.send(JSON.stringify({ type: 'error', ...body.error }));
        ws.close(CLOSE_ERROR, body.error.code.slice(0, 100));
      }
    }
  }

  return {
    handleUpgrade(request, socket, head) {
      upgrade(request, socket, head).catch((error) => {
        services.log.error('upgrade failed', { error: describe(error) });
        socket.destroy();
      });
    },
    get size() {
      return sockets.size;
    },
    async close() {
      // Each socket gets its close frame and the client's answer (a clean 1001, not a 1006) unless
      // it takes longer than the deadline; then whatever is left is cut.
      const answered = [...sockets].map((ws) => new Promise((resolve) => ws.once('close', resolve)));
      for (const ws of sockets) ws.close(CLOSE_GOING_AWAY, 'the console is shutting down');
      const deadline = new Promise((resolve) => setTimeout(resolve, 2000).unref());
      await Promise.race([Promise.allSettled([...running, ...answered]), deadline]);
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

function parse(schema: ChannelDefinition['params'], value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/**
 * The handshake as a fetch Request for the authenticator: its headers, plus an `Authorization:
 * Bearer` made from a `gantry.bearer.<token>` subprotocol when no Authorization header was sent.
 */
function fetchRequest(request: IncomingMessage, url: URL): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    try {
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    } catch {
      // A header the Fetch API refuses (none the authenticator reads).
    }
  }
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
  const bearer = offered.find((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
  if (bearer && !headers.has('authorization')) {
    headers.set('authorization', `Bearer ${bearer.slice(BEARER_PROTOCOL_PREFIX.length)}`);
  }
  return new Request(url, { method: 'GET', headers });
}

/**
 * Browsers attach cookies to a WebSocket handshake from any page, so the Origin decides (see
 * originAllowed). No Origin means not a browser: then only a token may authenticate, never a cookie.
 */
function checkOrigin(
  request: IncomingMessage,
  principal: Principal | undefined,
  allowedOrigins: readonly string[],
): void {
  const origin = request.headers.origin;
  if (origin === undefined) {
    if (principal?.kind === 'user') {
      throw new HttpError(
        403,
        'ORIGIN',
        'a WebSocket signed in with a cookie must come from a page (Origin missing)',
      );
    }
    return;
  }
  if (!originAllowed(origin, request.headers.host, allowedOrigins)) throw originRefused(origin);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** Answers the handshake with an HTTP error (the JSON body every error has) and closes the socket. */
function refuse(socket: Duplex, error: unknown, requestId: string): void {
  const { status, body } = errorResponse(error);
  const text = JSON.stringify(body);
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    ...SECURITY_HEADERS,
    Connection: 'close',
  };
  const head = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (socket.writable) socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
  else socket.destroy();
}
