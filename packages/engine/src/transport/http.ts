import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import {
  abortError,
  EngineApiError,
  EngineConnectionError,
  EngineError,
  EngineStreamError,
} from '../errors.ts';
import type { Endpoint } from './endpoint.ts';
import { type ResponseHead, ResponseParser, type ResponseSink } from './http1.ts';
import { type Lease, SocketPool } from './pool.ts';
import { type Dialer, diagnoseConnectError } from './socket.ts';

/**
 * Connection timeouts in milliseconds. Neither limits how long a stream may stay open.
 *
 * @example
 * ```ts
 * const docker = connect({ timeouts: { connect: 3_000, idle: 60_000 } });
 * ```
 */
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
  /**
   * A proxy's request: every status resolves with the body streaming (none becomes an error), and
   * only `Host` is added to `headers` (not the client-wide ones): what is sent is what was given.
   */
  readonly passthrough?: boolean;
  /** A streamed body's buffer before the connection pauses (bytes; default the stream default, 64 KiB). */
  readonly bodyBufferBytes?: number;
}

/**
 * A live response: status, headers (lower-case names) and the body as it streams.
 *
 * @example
 * ```ts
 * const { status, headers, body } = await docker.passthrough({ method: 'GET', path: '/v1.41/version' });
 * console.log(status, headers['content-type']);
 * for await (const chunk of body) process.stdout.write(chunk);
 * ```
 */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The response body as a Node readable; destroy it to close the request early. */
  readonly body: Readable;
}

/** A response read whole: for the small JSON answers most operations give. */
export interface BufferedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** Error bodies larger than this are cut: a daemon message is a sentence, not a megabyte. */
const MAX_ERROR_BODY = 1 << 20;

/** A reused keep-alive connection the daemon had already closed: safe to retry on a fresh one. */
class StaleConnection extends Error {}

/**
 * The SDK's one request primitive: HTTP/1.1 over keep-alive connections from the client's
 * {@link Dialer} (through {@link SocketPool}). Written for this one peer rather than taken
 * from a general client: measured against undici on the same engine (bench/), the general client
 * spent most of a `_ping` round trip in its own machinery. Maps every failure into the error
 * taxonomy; a status >= 400 becomes an {@link EngineApiError} carrying the daemon's message.
 */
export class HttpTransport {
  readonly endpoint: Endpoint;
  readonly #dialer: Dialer;
  readonly #pool: SocketPool;
  readonly #idleMs: number;
  readonly #connectMs: number;
  /** `Host` and the client-wide headers, serialized and checked once. */
  readonly #baseHead: string;
  /** `Host` alone, for passthrough requests. */
  readonly #hostHead: string;

  /** @param headers sent with every request (e.g. `User-Agent`, a gateway's `Authorization`). */
  constructor(dialer: Dialer, timeouts: Timeouts = {}, headers: Readonly<Record<string, string>> = {}) {
    const endpoint = dialer.endpoint;
    this.endpoint = endpoint;
    this.#dialer = dialer;
    this.#connectMs = timeouts.connect ?? 10_000;
    this.#idleMs = timeouts.idle ?? 0;
    const host = endpoint.kind === 'tcp' ? hostHeader(endpoint) : 'docker';
    this.#baseHead = headerLines({ Host: host, ...headers });
    this.#hostHead = headerLines({ Host: host });
    this.#pool = new SocketPool(dialer, { connectMs: this.#connectMs });
  }

  /** Sends a request; resolves once the head arrived with a status < 400, the body still streaming. */
  request(req: HttpRequest): Promise<HttpResponse> {
    return this.#exchange(req, false) as Promise<HttpResponse>;
  }

  /** Sends a request and reads the whole answer (status < 400) into memory. */
  requestBuffered(req: HttpRequest): Promise<BufferedResponse> {
    return this.#exchange(req, true) as Promise<BufferedResponse>;
  }

  /**
   * Hands an idle keep-alive connection over for good — to a hijack (attach, exec start), which then
   * skips dialing (a TLS handshake, an ssh channel) — or `undefined` when none is idle. It leaves the
   * pool and its limit, and a replacement is dialed in the background for the requests that follow.
   * The daemon may have closed it meanwhile: a caller retries on a fresh connection when it ends
   * before any answer.
   */
  takeIdleConnection(): Socket | undefined {
    const socket = this.#pool.takeIdle() as PooledSocket | undefined;
    if (!socket) return undefined;
    this.#pool.forget(socket);
    socket.gantryDetach?.();
    this.#pool.openSpare();
    return socket;
  }

  /** Closes every connection; requests in flight fail and open streams end. The dialer stays open. */
  async close(): Promise<void> {
    this.#pool.close();
  }

  async #exchange(req: HttpRequest, buffered: boolean): Promise<HttpResponse | BufferedResponse> {
    if (req.signal?.aborted) throw abortError(req.signal);
    const head = serializeHead(req, req.passthrough ? this.#hostHead : this.#baseHead);
    for (let attempt = 0; ; attempt++) {
      const idle = attempt === 0 ? this.#pool.takeIdle() : undefined;
      let lease: Lease;
      try {
        lease = idle ? { socket: idle, reused: true } : await this.#pool.acquire(req.signal, attempt > 0);
      } catch (err) {
        throw req.signal?.aborted ? abortError(req.signal) : err;
      }
      try {
        return await this.#over(lease.socket, head, req, buffered);
      } catch (err) {
        if (err instanceof StaleConnection && lease.reused && attempt === 0 && isReplayable(req.body))
          continue;
        throw await this.#explain(err, req, lease.socket);
      }
    }
  }

  /** One request and its response on one connection. */
  #over(
    socket: Socket,
    head: string,
    req: HttpRequest,
    buffered: boolean,
  ): Promise<HttpResponse | BufferedResponse> {
    return new Promise((resolve, reject) => {
      const idle = req.streaming ? 0 : this.#idleMs;
      const exchange = new Exchange(socket, req, buffered, this.#pool, idle, resolve, reject, this);
      exchange.start(head);
    });
  }

  /** Turns a failure into the taxonomy, asking the dialer why a connection closed silently. */
  async #explain(err: unknown, req: HttpRequest, socket: Socket): Promise<Error> {
    if (req.signal?.aborted) return abortError(req.signal);
    if (err instanceof EngineError) return err;
    if (err instanceof StaleConnection) {
      // TLS 1.3 daemons refuse a client certificate after the handshake, by closing; an ssh
      // channel closes when the remote command fails: the dialer knows why.
      const explained = await this.#dialer.explainSilentClose(socket, this.#connectMs);
      if (explained) return explained;
      const cause = err.cause instanceof Error ? diagnoseConnectError(this.endpoint, err.cause) : undefined;
      if (cause instanceof EngineError) return cause;
      return new EngineConnectionError(
        'ENGINE_UNREACHABLE',
        this.endpoint.url,
        `the daemon closed the connection without answering (${err.message})`,
        'check that the daemon is running and that this is its API address',
        { cause: err },
      );
    }
    const error = err as Error;
    const mapped = diagnoseConnectError(this.endpoint, error);
    if (mapped !== error) return mapped;
    return new EngineConnectionError(
      'ENGINE_UNREACHABLE',
      this.endpoint.url,
      error.message,
      'check that the daemon is running and reachable',
      { cause: err },
    );
  }

  /** The error for a request that got no answer for `ms` milliseconds. */
  timeoutError(ms: number): EngineConnectionError {
    return new EngineConnectionError(
      'ENGINE_TIMEOUT',
      this.endpoint.url,
      `no answer for ${ms} ms`,
      'the daemon may be overloaded; raise timeouts.idle if this operation is slow by nature',
    );
  }
}

/**
 * A pooled connection: its listeners are attached once and dispatch to the exchange in progress,
 * if any (a property on the socket rather than a map lookup: this runs on every read).
 */
type PooledSocket = Socket & {
  gantryExchange?: Exchange | undefined;
  /** Removes the listeners attachListeners added; set while they are attached. */
  gantryDetach?: (() => void) | undefined;
};

function attachListeners(socket: PooledSocket): void {
  const onData = (chunk: Buffer) => socket.gantryExchange?.onData(chunk);
  const onEnd = () => socket.gantryExchange?.onEnd();
  const onClose = () => socket.gantryExchange?.onClose();
  const onError = (err: Error) => socket.gantryExchange?.onError(err);
  const onTimeout = () => socket.gantryExchange?.onTimeout();
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onClose);
  socket.on('error', onError);
  socket.on('timeout', onTimeout);
  socket.gantryDetach = () => {
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onClose);
    socket.off('error', onError);
    socket.off('timeout', onTimeout);
    socket.gantryDetach = undefined;
  };
}

/**
 * One request and its response: writes the request, feeds the socket's bytes to the parser and
 * settles the caller's promise — with the whole body (buffered) or a streaming `Readable` — or
 * fails it. A plain object per request rather than a bundle of closures: this is the hot path.
 */
class Exchange implements ResponseSink {
  readonly #socket: PooledSocket;
  readonly #req: HttpRequest;
  readonly #buffered: boolean;
  readonly #pool: SocketPool;
  readonly #idleMs: number;
  readonly #resolve: (value: HttpResponse | BufferedResponse) => void;
  readonly #reject: (err: unknown) => void;
  readonly #transport: HttpTransport;
  readonly #parser: ResponseParser;
  #settled = false;
  #finished = false;
  #receivedBytes = false;
  #head: ResponseHead | undefined;
  #body: Readable | undefined;
  #errorBody: Buffer[] | undefined;
  #errorSize = 0;
  #chunks: Buffer[] = [];
  #onAbort: (() => void) | undefined;

  constructor(
    socket: Socket,
    req: HttpRequest,
    buffered: boolean,
    pool: SocketPool,
    idleMs: number,
    resolve: (value: HttpResponse | BufferedResponse) => void,
    reject: (err: unknown) => void,
    transport: HttpTransport,
  ) {
    this.#socket = socket;
    this.#req = req;
    this.#buffered = buffered;
    this.#pool = pool;
    this.#idleMs = idleMs;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#transport = transport;
    this.#parser = new ResponseParser(this, req.method !== 'HEAD');
  }

  start(head: string): void {
    const socket = this.#socket;
    if (!socket.gantryDetach) attachListeners(socket);
    socket.gantryExchange = this;
    const signal = this.#req.signal;
    if (signal) {
      this.#onAbort = () => this.#fail(abortError(signal));
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    if (this.#idleMs > 0) socket.setTimeout(this.#idleMs);
    socket.resume();
    writeRequest(socket, head, this.#req.body).catch((err: unknown) => this.#fail(err));
  }

  // ResponseSink: called by the parser.
  head(parsed: ResponseHead): void {
    this.#head = parsed;
    if (parsed.status >= 400 && !this.#req.passthrough) {
      this.#errorBody = [];
    } else if (!this.#buffered) {
      this.#body = this.#streamBody();
      this.#settle({ status: parsed.status, headers: parsed.headers, body: this.#body });
    }
  }

  data(chunk: Buffer): void {
    if (this.#errorBody) {
      if (this.#errorSize < MAX_ERROR_BODY) this.#errorBody.push(chunk);
      this.#errorSize += chunk.length;
    } else {
      // Streaming or not, pieces are collected: a streamed body is pushed once per socket read.
      this.#chunks.push(chunk);
    }
  }

  end(reusable: boolean): void {
    this.#finished = true;
    this.#detach();
    this.#pool.release(this.#socket, reusable);
    const status = this.#head?.status ?? 0;
    if (this.#errorBody) {
      const text = Buffer.concat(this.#errorBody).subarray(0, MAX_ERROR_BODY).toString('utf8');
      const { method, path, operation } = this.#req;
      this.#settled = true;
      this.#reject(
        new EngineApiError(status, daemonMessage(text), {
          method,
          path: path.split('?')[0] ?? path,
          operation,
        }),
      );
    } else if (this.#body) {
      this.#flushBody();
      this.#body.push(null);
    } else {
      const chunks = this.#chunks;
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      this.#settle({ status, headers: this.#head?.headers ?? {}, body: bytes });
    }
  }

  // Socket events, dispatched by attachListeners.
  onData(chunk: Buffer): void {
    this.#receivedBytes = true;
    try {
      this.#parser.feed(chunk);
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (this.#body && !this.#finished) this.#flushBody();
  }

  /**
   * Hands the body pieces of one socket read to the stream as one chunk. A chunked response (logs,
   * events) arrives as many tiny HTTP chunks per read — one per daemon write — and pushing each
   * through the stream cost more than copying them together once.
   */
  #flushBody(): void {
    const chunks = this.#chunks;
    if (chunks.length === 0 || !this.#body) return;
    const merged = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    this.#chunks = [];
    if (!this.#body.push(merged)) this.#socket.pause();
  }

  onEnd(): void {
    try {
      this.#parser.close();
    } catch (err) {
      this.#fail(this.#receivedBytes ? err : new StaleConnection('closed before answering'));
    }
  }

  onClose(): void {
    if (!this.#finished) {
      this.#fail(this.#receivedBytes ? closedMidResponse() : new StaleConnection('closed before answering'));
    }
  }

  onError(err: Error): void {
    this.#fail(this.#receivedBytes ? err : new StaleConnection(err.message, { cause: err }));
  }

  onTimeout(): void {
    this.#fail(this.#transport.timeoutError(this.#idleMs));
  }

  #streamBody(): Readable {
    return new Readable({
      ...(this.#req.bodyBufferBytes ? { highWaterMark: this.#req.bodyBufferBytes } : {}),
      read: () => this.#socket.resume(),
      destroy: (err, callback) => {
        // The consumer stopped early: the rest of the response cannot be skipped cheaply.
        if (!this.#finished) {
          this.#finished = true;
          this.#detach();
          this.#socket.destroy();
        }
        callback(err);
      },
    });
  }

  #settle(value: HttpResponse | BufferedResponse): void {
    this.#settled = true;
    this.#resolve(value);
  }

  #detach(): void {
    this.#socket.gantryExchange = undefined;
    if (this.#idleMs > 0) this.#socket.setTimeout(0);
    if (this.#onAbort) this.#req.signal?.removeEventListener('abort', this.#onAbort);
  }

  #fail(err: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#detach();
    this.#socket.destroy();
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(err);
    } else {
      this.#body?.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

function closedMidResponse(): EngineStreamError {
  return new EngineStreamError('STREAM_PROTOCOL', 'the daemon closed the connection mid-response');
}

/** `Name: value` lines. Names or values with line breaks are refused (no header injection). */
function headerLines(headers: Readonly<Record<string, string>>): string {
  let lines = '';
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
      throw new EngineError('INVALID_ARGUMENT', `header ${JSON.stringify(name)} contains a line break`);
    }
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

/** The request line and headers: the pre-built base, then the request's own. */
function serializeHead(req: HttpRequest, baseHead: string): string {
  let head = `${req.method} ${req.path} HTTP/1.1\r\n${baseHead}`;
  if (req.headers) head += headerLines(req.headers);
  const body = req.body;
  if (body === undefined || body === null) {
    if (req.method === 'POST' || req.method === 'PUT') head += 'Content-Length: 0\r\n';
  } else if (typeof body === 'string') {
    head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  } else if (body instanceof Uint8Array) {
    head += `Content-Length: ${body.byteLength}\r\n`;
  } else {
    head += 'Transfer-Encoding: chunked\r\n';
  }
  return `${head}\r\n`;
}

function isReplayable(body: RequestBody): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
}

/** Writes head and body; a streamed body goes out chunked, honouring the socket's backpressure. */
async function writeRequest(socket: Socket, head: string, body: RequestBody): Promise<void> {
  if (body === undefined || body === null) {
    socket.write(head);
    return;
  }
  if (typeof body === 'string') {
    socket.write(head + body);
    return;
  }
  if (body instanceof Uint8Array) {
    socket.cork();
    socket.write(head);
    socket.write(body);
    socket.uncork();
    return;
  }
  socket.write(head);
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (bytes.length === 0) continue;
    if (socket.destroyed) return;
    socket.cork();
    socket.write(`${bytes.length.toString(16)}\r\n`);
    socket.write(bytes);
    const more = socket.write('\r\n');
    socket.uncork();
    if (!more) await drained(socket);
  }
  if (!socket.destroyed) socket.write('0\r\n\r\n');
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}

/** The daemon sends `{"message": "..."}`; older paths send plain text. */
export function daemonMessage(text: string): string {
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
