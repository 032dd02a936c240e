import type { Socket } from 'node:net';
import { abortError, EngineApiError, EngineStreamError } from '../errors.ts';
import type { Endpoint } from './endpoint.ts';
import { parseHead } from './http1.ts';
import type { Dialer } from './socket.ts';

/** A connection the daemon has handed over to raw stdio after the HTTP exchange. */
export interface HijackedConnection {
  readonly socket: Socket;
  /** Bytes of the stream that arrived in the same read as the response head. */
  readonly head: Buffer;
  readonly status: number;
  /** Lower-cased response headers. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HijackRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal | undefined;
  readonly operation: string;
  /** The `Upgrade` protocol: `tcp` for attach / exec, `h2c` for `/session`. */
  readonly protocol?: 'tcp' | 'h2c';
}

/** The connection ended before the daemon sent a response head. */
class ClosedBeforeHead extends EngineStreamError {
  constructor() {
    super('STREAM_PROTOCOL', 'connection closed before the response head');
  }
}

/** The longest response head accepted before the stream starts. */
const MAX_HEAD = 64 * 1024;

/**
 * Sends one request with `Upgrade: tcp` on a connection of its own and returns the socket once the
 * daemon answered `101 UPGRADED` or the older bare `200` followed by the raw stream. The connection
 * is an idle keep-alive one when `takeIdle` has one (no new TLS handshake or ssh channel per exec),
 * else a new one; a reused connection that ends or fails before any answer — the daemon closed it
 * while idle — is replaced by a new one once. Hijacked connections never go back to the pool.
 */
export async function hijack(
  dialer: Dialer,
  connectTimeoutMs: number,
  req: HijackRequest,
  takeIdle?: () => Socket | undefined,
): Promise<HijackedConnection> {
  const idle = takeIdle?.();
  if (idle) {
    let answered = false;
    try {
      return await over(idle, dialer, connectTimeoutMs, req, true, () => {
        answered = true;
      });
    } catch (err) {
      if (answered || req.signal?.aborted || err instanceof EngineApiError) throw err;
    }
  }
  const socket = await dialer.open(connectTimeoutMs, req.signal).catch((err: unknown) => {
    throw req.signal?.aborted ? abortError(req.signal) : err;
  });
  return over(socket, dialer, connectTimeoutMs, req, false);
}

/**
 * The exchange on one connection; `onAnswer` is told when the first byte of an answer arrived. A
 * `reused` connection's silent close is not explained (the caller retries on a new one).
 */
async function over(
  socket: Socket,
  dialer: Dialer,
  connectTimeoutMs: number,
  req: HijackRequest,
  reused: boolean,
  onAnswer?: () => void,
): Promise<HijackedConnection> {
  const endpoint = dialer.endpoint;
  const onAbort = () => socket.destroy(abortError(req.signal));
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    socket.write(serializeRequest(endpoint, req));
    const { status, headers, rest } = await readHead(socket, onAnswer);
    if (status >= 400) {
      const text = await readErrorBody(socket, rest, headers);
      throw new EngineApiError(status, text, {
        method: req.method,
        path: req.path.split('?')[0] ?? '',
        operation: req.operation,
      });
    }
    if (status !== 101 && status !== 200) {
      throw new EngineStreamError('STREAM_PROTOCOL', `unexpected status ${status} when attaching`);
    }
    return { socket, head: rest, status, headers };
  } catch (err) {
    socket.destroy();
    if (req.signal?.aborted) throw abortError(req.signal);
    // Closed before any answer: the dialer may know why (a TLS alert, a failed ssh channel).
    if (err instanceof ClosedBeforeHead && !reused)
      throw (await dialer.explainSilentClose(socket, connectTimeoutMs)) ?? err;
    throw err;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
}

function serializeRequest(endpoint: Endpoint, req: HijackRequest): string {
  const host = endpoint.kind === 'tcp' ? `${endpoint.hostname}:${endpoint.port}` : 'localhost';
  const body = req.body ?? '';
  const lines = [
    `${req.method} ${req.path} HTTP/1.1`,
    `Host: ${host}`,
    'Connection: Upgrade',
    `Upgrade: ${req.protocol ?? 'tcp'}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  if (body) lines.push('Content-Type: application/json');
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value))
      throw new EngineStreamError('STREAM_PROTOCOL', `header ${name} holds a line break`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

function readHead(
  socket: Socket,
  onAnswer?: () => void,
): Promise<{ status: number; headers: Record<string, string>; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      if (buffered.length === 0) onAnswer?.();
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_HEAD)
          fail(new EngineStreamError('STREAM_PROTOCOL', 'response head too large'));
        return;
      }
      cleanup();
      socket.pause();
      try {
        const { status, headers } = parseHead(buffered.toString('latin1', 0, end));
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(headers)) {
          flat[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
        }
        resolve({ status, headers: flat, rest: buffered.subarray(end + 4) });
      } catch (err) {
        reject(err);
      }
    };
    const onEnd = () => fail(new ClosedBeforeHead());
    const onError = (err: Error) => fail(err);
    function cleanup() {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
    }
    function fail(err: Error) {
      cleanup();
      reject(err);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
  });
}

async function readErrorBody(socket: Socket, rest: Buffer, headers: Record<string, string>): Promise<string> {
  const length = Number(headers['content-length'] ?? Number.NaN);
  const chunks = [rest];
  let size = rest.length;
  socket.resume();
  if (!(size >= length)) {
    for await (const chunk of socket) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= length || size > MAX_HEAD) break;
    }
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : text;
  } catch {
    return text;
  }
}
