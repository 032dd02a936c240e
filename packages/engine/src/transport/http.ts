import { Readable } from 'node:stream';
import { type Dispatcher, Pool } from 'undici';
import { abortError, EngineApiError, EngineConnectionError, EngineError } from '../errors.ts';
import type { Endpoint } from './endpoint.ts';
import { diagnoseConnectError, openSocket, probeTlsRejection } from './socket.ts';

/** Connection timeouts in milliseconds. Neither limits how long a stream may stay open. */
export interface Timeouts {
  /** Time allowed to open a connection (default 10 000; 0 = none). */
  readonly connect?: number;
  /**
   * Longest silence allowed while waiting for a non-streaming response's headers or between its
   * body chunks (default 0 = none: stop, wait and pull legitimately take minutes).
   * Streams (logs, events, stats, progress, attach) are never cut by it.
   */
  readonly idle?: number;
}

export type RequestBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array> | null | undefined;

/** One HTTP exchange with the daemon, already versioned and encoded. */
export interface HttpRequest {
  readonly method: string;
  /** Path with the `/vX.Y` prefix and the query string. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly signal?: AbortSignal | undefined;
  /** A streaming response: no idle timeout on the body. */
  readonly streaming?: boolean;
  /** Engine API operationId, for error messages. */
  readonly operation: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The response body as a Node readable; destroy it to close the request early. */
  readonly body: Readable;
}

/** Error bodies larger than this are cut: a daemon message is a sentence, not a megabyte. */
const MAX_ERROR_BODY = 1 << 20;

/**
 * The SDK's one request primitive: a keep-alive pool of connections (undici) whose sockets come
 * from {@link openSocket}. Maps every failure into the error taxonomy; a status >= 400 becomes an
 * {@link EngineApiError} carrying the daemon's message.
 */
export class HttpTransport {
  readonly endpoint: Endpoint;
  readonly #pool: Pool;
  readonly #idleMs: number;
  readonly #connectMs: number;

  constructor(endpoint: Endpoint, timeouts: Timeouts = {}) {
    this.endpoint = endpoint;
    const connectMs = timeouts.connect ?? 10_000;
    this.#idleMs = timeouts.idle ?? 0;
    this.#connectMs = connectMs;
    const origin = endpoint.kind === 'unix' ? 'http://localhost' : `http://${hostHeader(endpoint)}`;
    this.#pool = new Pool(origin, {
      // Sockets come from the shared factory: TLS and unix sockets are made there, not by undici.
      connect: (_options, callback) => {
        openSocket(endpoint, connectMs).then(
          (socket) => callback(null, socket),
          (err: Error) => callback(err, null),
        );
      },
      connections: 64,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** Sends a request; resolves once the response headers arrived with a status < 400. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (req.signal?.aborted) throw abortError(req.signal);
    const idle = req.streaming ? 0 : this.#idleMs;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#pool.request({
        method: req.method as 'GET',
        path: req.path,
        headers: req.headers,
        body: toUndiciBody(req.body),
        signal: req.signal,
        headersTimeout: idle,
        bodyTimeout: idle,
      });
    } catch (err) {
      throw await this.#explainClosedTls(this.#mapError(err, req.signal), err);
    }
    const body = response.body as unknown as Readable;
    if (response.statusCode >= 400) {
      const text = await readCapped(body, MAX_ERROR_BODY).catch(() => '');
      throw new EngineApiError(response.statusCode, daemonMessage(text), {
        method: req.method,
        path: req.path.split('?')[0] ?? req.path,
        operation: req.operation,
      });
    }
    return { status: response.statusCode, headers: response.headers, body };
  }

  /** Closes every pooled connection; requests in flight are aborted. */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  /** A TLS socket closed before any byte of answer: find out whether the daemon refused us. */
  async #explainClosedTls(mapped: Error, original: unknown): Promise<Error> {
    const error = original as { code?: string; socket?: { bytesRead?: number } };
    if (error.code !== 'UND_ERR_SOCKET' || error.socket?.bytesRead !== 0) return mapped;
    return (await probeTlsRejection(this.endpoint, this.#connectMs)) ?? mapped;
  }

  #mapError(err: unknown, signal: AbortSignal | undefined): Error {
    if (err instanceof EngineError) return err;
    if (signal?.aborted) return abortError(signal);
    const error = err as Error & { code?: string; cause?: unknown };
    if (error.code === 'UND_ERR_HEADERS_TIMEOUT' || error.code === 'UND_ERR_BODY_TIMEOUT') {
      return new EngineConnectionError(
        'ENGINE_TIMEOUT',
        this.endpoint.url,
        `no answer for ${this.#idleMs} ms`,
        'the daemon may be overloaded; raise timeouts.idle if this operation is slow by nature',
        { cause: err },
      );
    }
    const mapped = diagnoseConnectError(this.endpoint, error);
    if (mapped !== error) return mapped;
    if (error.cause instanceof Error) {
      const fromCause = diagnoseConnectError(this.endpoint, error.cause);
      if (fromCause !== error.cause) return fromCause;
    }
    return new EngineConnectionError(
      'ENGINE_UNREACHABLE',
      this.endpoint.url,
      error.message,
      'check that the daemon is running and reachable',
      { cause: err },
    );
  }
}

/** undici takes strings, bytes and Node readables; other async iterables are wrapped, not buffered. */
function toUndiciBody(body: RequestBody): string | Uint8Array | Readable | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof Readable) return body;
  return Readable.from(body, { objectMode: false });
}

/** Reads a whole (small) body as UTF-8, stopping after `limit` bytes. */
export async function readCapped(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    chunks.push(buf);
    size += buf.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** The daemon sends `{"message": "..."}`; older paths send plain text. */
function daemonMessage(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // fall through to the raw text
    }
  }
  return trimmed;
}

function hostHeader(endpoint: Extract<Endpoint, { kind: 'tcp' }>): string {
  const host = endpoint.hostname.includes(':') ? `[${endpoint.hostname}]` : endpoint.hostname;
  return `${host}:${endpoint.port}`;
}
