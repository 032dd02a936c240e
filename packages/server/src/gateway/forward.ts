/**
 * Sends an allowed, canonical request to an engine and streams the answer back. Ordinary requests
 * go through the engine client's own transport (`DockerClient.passthrough`: its keep-alive pool,
 * any status passed on, the body streaming with backpressure — logs, events, stats, progress,
 * tar), which reaches unix, tcp / TLS and ssh engines alike; hijacks (attach, exec start) over a
 * dedicated socket to the resolved endpoint that is piped both ways once the daemon answered `101`
 * or the raw `200`, each direction ending on its own (half-close). Redirects are never followed.
 */
import type { ServerResponse } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { DockerClient, Endpoint, HttpResponse } from '@gantry/engine';

/** One request as the engine gets it: path already versioned and encoded. */
export interface UpstreamRequest {
  readonly method: string;
  /** `/v1.47/containers/json?all=1`. */
  readonly path: string;
  /** Only what the gateway chose to pass (never the client's Authorization). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

/** The daemon's answer to a hijack request: the raw socket once it switched, or a normal response. */
export type HijackResult =
  | {
      readonly kind: 'switched';
      readonly status: number;
      readonly head: string;
      readonly socket: Socket;
      readonly rest: Buffer;
    }
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: Buffer;
    };

export class UnsupportedEngineError extends Error {}

/** Hop-by-hop and framing headers that describe one connection, not the message (a Content-Length still fits the body passed on as is). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

/** Response headers worth passing on (everything but hop-by-hop and framing). */
export function responseHeaders(headers: HttpResponse['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** One engine as the gateway reaches it. */
export class EngineUpstream {
  readonly #client: DockerClient;

  constructor(client: DockerClient) {
    this.#client = client;
  }

  /**
   * Sends `req`; resolves with the response head (body still streaming). Never follows redirects.
   * `batched`: the body goes to {@link relayStream}.
   */
  request(req: UpstreamRequest, signal: AbortSignal, batched = false): Promise<HttpResponse> {
    // The transport writes Host and Content-Length itself.
    const { Host: _host, ...headers } = req.headers;
    return this.#client.passthrough({
      method: req.method,
      path: req.path,
      headers,
      body: req.body,
      signal,
      // relayStream reads once per batch; in between, the engine's bytes wait in the kernel.
      ...(batched ? { bodyBufferBytes: 1 } : {}),
    });
  }

  /**
   * Opens a dedicated connection for attach / exec start and sends `req` as is (with `Upgrade: tcp`
   * when the client asked for it). Resolves once the daemon switched to the raw stream (`101`, or
   * `200` with the raw-stream media type), or with the whole answer when it refused.
   */
  async hijack(req: UpstreamRequest, signal: AbortSignal): Promise<HijackResult> {
    const socket = await this.#open(signal);
    const onAbort = () => socket.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const lines = [`${req.method} ${req.path} HTTP/1.1`];
      for (const [name, value] of Object.entries(withLength(req))) lines.push(`${name}: ${value}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (req.body?.length) socket.write(req.body);
      const { status, head, headers, rest } = await readHead(socket);
      const switched =
        status === 101 ||
        (status === 200 &&
          /^application\/vnd\.docker\.(raw|multiplexed)-stream/i.test(headers['content-type'] ?? ''));
      if (switched) return { kind: 'switched', status, head, socket, rest };
      const body = await readBody(socket, rest, headers);
      socket.destroy();
      return { kind: 'response', status, headers, body };
    } catch (error) {
      socket.destroy();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  #open(signal: AbortSignal): Promise<Socket> {
    const endpoint = this.#client.endpoint;
    if (endpoint.kind === 'ssh') {
      return Promise.reject(
        new UnsupportedEngineError(
          `attach and exec through the gateway need a unix or tcp engine; ${endpoint.url} is reached over ssh — add the engine by its tcp or unix address`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const tcp = () =>
        netConnect({
          host: (endpoint as { hostname: string }).hostname,
          port: (endpoint as { port: number }).port,
          allowHalfOpen: true,
        });
      const socket: Socket =
        endpoint.kind === 'unix'
          ? netConnect({ path: endpoint.socketPath, allowHalfOpen: true })
          : endpoint.tls
            ? tlsConnect({ socket: tcp(), ...tlsOptions(endpoint), ALPNProtocols: ['http/1.1'] })
            : tcp();
      const ready = endpoint.kind === 'tcp' && endpoint.tls ? 'secureConnect' : 'connect';
      const fail = (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(error);
      };
      const onAbort = () => fail(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.once(ready, () => {
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
        socket.setNoDelay(true);
        resolve(socket);
      });
    });
  }
}

function tlsOptions(endpoint: Extract<Endpoint, { kind: 'tcp' }>) {
  const tls = endpoint.tls;
  return {
    ca: tls?.ca,
    cert: tls?.cert,
    key: tls?.key,
    rejectUnauthorized: tls?.verify ?? true,
    servername:
      /^[\d.]+$/.test(endpoint.hostname) || endpoint.hostname.includes(':') ? undefined : endpoint.hostname,
  };
}

function withLength(req: UpstreamRequest): Record<string, string> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined || !['GET', 'HEAD'].includes(req.method)) {
    headers['Content-Length'] = String(req.body?.length ?? 0);
  }
  return headers;
}

/** The longest response head accepted before a hijacked stream starts. */
const MAX_HEAD = 64 * 1024;
/** An error answer larger than this is cut: a daemon message is a sentence. */
const MAX_ERROR_BODY = 1 << 20;

function readHead(
  socket: Socket,
): Promise<{ status: number; head: string; headers: Record<string, string>; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buffered.length > MAX_HEAD) fail(new Error('the engine sent a response head over 64 KiB'));
        return;
      }
      cleanup();
      socket.pause();
      const head = buffered.toString('latin1', 0, end);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      if (!Number.isInteger(status)) return reject(new Error('the engine sent a malformed response head'));
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status, head, headers, rest: buffered.subarray(end + 4) });
    };
    const onEnd = () => fail(new Error('the engine closed the connection before answering'));
    const onError = (error: Error) => fail(error);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
  });
}

async function readBody(socket: Socket, rest: Buffer, headers: Record<string, string>): Promise<Buffer> {
  const length = Number(headers['content-length'] ?? Number.NaN);
  const chunks = [rest];
  let size = rest.length;
  socket.resume();
  if (!(size >= length)) {
    for await (const chunk of socket) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= length || size > MAX_ERROR_BODY) break;
    }
  }
  const body = Buffer.concat(chunks);
  return headers['transfer-encoding']?.toLowerCase() === 'chunked' ? dechunk(body) : body;
}

/** A complete chunked body (an error answer) as its bytes. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.toString('latin1', at, lineEnd), 16);
    if (!(size > 0)) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * How long a streamed answer's bytes may wait to be sent with the ones after them (ms). The daemon
 * writes each log line, event or progress message on its own; sent one by one to a TLS client
 * that is a record and a syscall per line, and a 64 MiB log through the gateway cost more CPU
 * than the daemon decoding it. Batched for 1 ms, the same log leaves in ~10 KiB records.
 */
const STREAM_BATCH_MS = 1;
/** A batch this large leaves at once (bytes). */
const STREAM_BATCH_BYTES = 64 * 1024;

/**
 * Sends a streamed answer (logs, events, stats, progress, tar) to the client in batches: what the
 * engine sent within {@link STREAM_BATCH_MS} leaves as one write. Backpressure both ways: while the
 * client is slow nothing is read, so the engine connection pauses once the body buffer is full.
 */
export function relayStream(body: Readable, res: ServerResponse): void {
  let timer: NodeJS.Timeout | undefined;
  let draining = false;
  const send = () => {
    timer = undefined;
    const batch = body.read() as Buffer | null;
    if (batch !== null && !res.write(batch)) {
      draining = true;
      res.once('drain', () => {
        draining = false;
        // Also when nothing is buffered: the read that finds the body ended lets it emit 'end'.
        send();
      });
    }
  };
  body.on('readable', () => {
    if (draining) return;
    if (body.readableLength >= STREAM_BATCH_BYTES) {
      clearTimeout(timer);
      send();
    } else {
      timer ??= setTimeout(send, STREAM_BATCH_MS);
    }
  });
  body.once('end', () => {
    clearTimeout(timer);
    res.end();
  });
  body.once('error', () => {
    clearTimeout(timer);
    res.destroy();
  });
  res.once('close', () => clearTimeout(timer));
}

/**
 * Pipes two raw sockets both ways. Each direction ends on its own (an EOF becomes a half-close on
 * the other side); an error or a full close on either side closes both.
 */
export function splice(client: Socket, upstream: Socket, onClosed: () => void): void {
  let closed = false;
  const close = () => {
    client.destroy();
    upstream.destroy();
    if (!closed) {
      closed = true;
      onClosed();
    }
  };
  for (const socket of [client, upstream]) {
    socket.on('error', close);
    socket.on('close', close);
  }
  client.pipe(upstream);
  upstream.pipe(client);
}
