/**
 * The raw-socket baseline: the least work a correct client can do to talk to the engine. One
 * hand-written HTTP/1.1 keep-alive connection per {@link RawConnection} (no pool, no pipelining,
 * no header objects beyond the few fields the framing needs), response bodies framed by
 * Content-Length, chunked encoding or connection close, and hijacked (`Upgrade: tcp`) connections
 * for exec. Every raw case of the bench runs on this, and the bench's own setup and cleanup
 * (containers, image checks) do too, so they do not depend on the SDK under test.
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

/** Where the engine listens, read from the environment as the docker CLI reads it. */
export type RawEndpoint =
  | { readonly kind: 'unix'; readonly path: string; readonly url: string }
  | {
      readonly kind: 'tcp';
      readonly host: string;
      readonly port: number;
      readonly url: string;
      readonly tls?: {
        readonly ca: Buffer;
        readonly cert: Buffer;
        readonly key: Buffer;
        readonly verify: boolean;
      };
    };

/** `DOCKER_HOST` (unix:// or tcp://, with `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`), else the default socket. */
export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): RawEndpoint {
  const host = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return { kind: 'unix', path: host.slice('unix://'.length), url: host };
  if (host.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    const verify = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';
    const certPath = env.DOCKER_CERT_PATH;
    const tls =
      verify || certPath
        ? {
            ca: readFileSync(join(certPath ?? '', 'ca.pem')),
            cert: readFileSync(join(certPath ?? '', 'cert.pem')),
            key: readFileSync(join(certPath ?? '', 'key.pem')),
            verify,
          }
        : undefined;
    const port = Number(url.port || (tls ? 2376 : 2375));
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    return tls
      ? { kind: 'tcp', host: hostname, port, url: host, tls }
      : { kind: 'tcp', host: hostname, port, url: host };
  }
  throw new Error(`bench: DOCKER_HOST=${host} is not supported by the raw baseline (unix:// or tcp:// only)`);
}

/** Opens a connected socket (no delay, half-open allowed for hijacked streams). */
export function openSocket(endpoint: RawEndpoint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    let ready = 'connect';
    if (endpoint.kind === 'unix') socket = netConnect({ path: endpoint.path });
    else if (!endpoint.tls) socket = netConnect({ host: endpoint.host, port: endpoint.port });
    else {
      ready = 'secureConnect';
      socket = tlsConnect({
        host: endpoint.host,
        port: endpoint.port,
        ca: endpoint.tls.ca,
        cert: endpoint.tls.cert,
        key: endpoint.tls.key,
        rejectUnauthorized: endpoint.tls.verify,
        servername: /^[\d.]+$|:/.test(endpoint.host) ? undefined : endpoint.host,
      });
    }
    const onError = (err: Error) =>
      reject(new Error(`bench: cannot connect to ${endpoint.url}: ${err.message}`));
    socket.once('error', onError);
    socket.once(ready, () => {
      socket.off('error', onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** The response head: status and lower-cased headers. */
export interface RawHead {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RawResponse extends RawHead {
  readonly body: Buffer;
}

const CR = 0x0d;
const LF = 0x0a;
const EMPTY: Buffer = Buffer.alloc(0);

/** Parses `HTTP/1.1 200 OK\r\nName: value\r\n...` (without the blank line). */
function parseHead(text: string): RawHead {
  const lines = text.split('\r\n');
  const statusLine = lines[0] ?? '';
  const status = statusLine.startsWith('HTTP/1.') ? Number(statusLine.slice(9, 12)) : Number.NaN;
  if (!(status >= 100 && status < 600)) throw new Error(`bench: bad status line "${statusLine}"`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers };
}

type BodyMode = 'length' | 'chunked' | 'close' | 'none';
type ChunkState = 'size' | 'data' | 'data-crlf' | 'trailer';

/**
 * Incremental HTTP/1.1 response parser for one response at a time: head, then the body framed by
 * Content-Length, chunked encoding (extensions and trailers skipped) or connection close. Body
 * bytes are handed out as zero-copy slices of the socket's chunks.
 */
class ResponseParser {
  #headBuf: Buffer = EMPTY;
  #head: RawHead | undefined;
  #mode: BodyMode = 'none';
  #remaining = 0;
  #chunkState: ChunkState = 'size';
  #line = '';
  #done = false;
  /** A response to HEAD has no body whatever its headers say. */
  readonly #headOnly: boolean;
  readonly #onHead: (head: RawHead) => void;
  readonly #onBody: (chunk: Buffer) => void;
  readonly #onEnd: () => void;

  constructor(
    onHead: (head: RawHead) => void,
    onBody: (chunk: Buffer) => void,
    onEnd: () => void,
    isHead = false,
  ) {
    this.#onHead = onHead;
    this.#onBody = onBody;
    this.#onEnd = onEnd;
    this.#headOnly = isHead;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Feeds socket bytes; throws on a protocol error, or on bytes after the end of the response. */
  push(chunk: Buffer): void {
    let pos = 0;
    if (!this.#head) {
      const buf = this.#headBuf.length ? Buffer.concat([this.#headBuf, chunk]) : chunk;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 64 * 1024) throw new Error('bench: response head larger than 64 KiB');
        this.#headBuf = buf;
        return;
      }
      this.#headBuf = EMPTY;
      const head = parseHead(buf.toString('latin1', 0, end));
      if (head.status === 100) {
        // An interim response: the real one follows.
        const rest = buf.subarray(end + 4);
        if (rest.length) this.push(rest);
        return;
      }
      this.#head = head;
      const te = head.headers['transfer-encoding'];
      const cl = head.headers['content-length'];
      if (this.#headOnly || head.status === 204 || head.status === 304) this.#mode = 'none';
      else if (te && /chunked/i.test(te)) this.#mode = 'chunked';
      else if (cl !== undefined) {
        this.#mode = 'length';
        this.#remaining = Number(cl);
        if (!Number.isSafeInteger(this.#remaining) || this.#remaining < 0)
          throw new Error(`bench: bad Content-Length ${cl}`);
      } else this.#mode = 'close';
      this.#onHead(head);
      chunk = buf;
      pos = end + 4;
      if (this.#mode === 'none' || (this.#mode === 'length' && this.#remaining === 0)) {
        this.#finish(chunk, pos);
        return;
      }
    }
    if (this.#done) {
      if (pos < chunk.length) throw new Error('bench: bytes after the end of the response');
      return;
    }
    switch (this.#mode) {
      case 'length': {
        const take = Math.min(this.#remaining, chunk.length - pos);
        if (take > 0)
          this.#onBody(pos === 0 && take === chunk.length ? chunk : chunk.subarray(pos, pos + take));
        this.#remaining -= take;
        if (this.#remaining === 0) this.#finish(chunk, pos + take);
        return;
      }
      case 'close':
        if (pos < chunk.length) this.#onBody(pos === 0 ? chunk : chunk.subarray(pos));
        return;
      case 'chunked':
        this.#chunked(chunk, pos);
        return;
      default:
        return;
    }
  }

  /** The connection closed: the end of a close-delimited body, an error otherwise. */
  close(): void {
    if (this.#done) return;
    if (this.#head && this.#mode === 'close') {
      this.#done = true;
      this.#onEnd();
      return;
    }
    throw new Error('bench: connection closed before the end of the response');
  }

  #finish(chunk: Buffer, pos: number): void {
    this.#done = true;
    if (pos < chunk.length) throw new Error('bench: bytes after the end of the response');
    this.#onEnd();
  }

  #chunked(chunk: Buffer, start: number): void {
    let pos = start;
    const len = chunk.length;
    while (pos < len) {
      switch (this.#chunkState) {
        case 'data': {
          const take = Math.min(this.#remaining, len - pos);
          this.#onBody(chunk.subarray(pos, pos + take));
          pos += take;
          this.#remaining -= take;
          if (this.#remaining === 0) {
            this.#chunkState = 'data-crlf';
            this.#remaining = 2;
          }
          break;
        }
        case 'data-crlf': {
          // Two bytes, \r\n, possibly split across reads.
          const byte = chunk[pos++];
          if (byte !== (this.#remaining === 2 ? CR : LF)) throw new Error('bench: bad chunk terminator');
          if (--this.#remaining === 0) this.#chunkState = 'size';
          break;
        }
        case 'size':
        case 'trailer': {
          const nl = chunk.indexOf(LF, pos);
          if (nl < 0) {
            this.#line += chunk.toString('latin1', pos);
            if (this.#line.length > 4096) throw new Error('bench: chunk line too long');
            return;
          }
          let line = this.#line + chunk.toString('latin1', pos, nl);
          this.#line = '';
          pos = nl + 1;
          if (line.endsWith('\r')) line = line.slice(0, -1);
          if (this.#chunkState === 'trailer') {
            if (line === '') {
              this.#finish(chunk, pos);
              return;
            }
            break;
          }
          const semi = line.indexOf(';');
          const size = Number.parseInt(semi < 0 ? line : line.slice(0, semi), 16);
          if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bench: bad chunk size "${line}"`);
          if (size === 0) this.#chunkState = 'trailer';
          else {
            this.#chunkState = 'data';
            this.#remaining = size;
          }
          break;
        }
      }
    }
  }
}

function serialize(method: string, path: string, body: string | undefined, extra: string): string {
  let head = `${method} ${path} HTTP/1.1\r\nHost: docker\r\n${extra}`;
  if (body !== undefined) {
    head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  } else if (method === 'POST' || method === 'PUT') head += 'Content-Length: 0\r\n\r\n';
  else head += '\r\n';
  return head;
}

/**
 * One persistent HTTP/1.1 keep-alive connection, one request at a time. Reconnects lazily when the
 * daemon closed it (or answered `Connection: close`).
 */
export class RawConnection {
  readonly endpoint: RawEndpoint;
  #socket: Socket | undefined;
  #connecting: Promise<Socket> | undefined;
  #parser: ResponseParser | undefined;
  #fail: ((err: Error) => void) | undefined;
  #busy = false;

  constructor(endpoint: RawEndpoint) {
    this.endpoint = endpoint;
  }

  /** Sends a request and buffers the whole response body. */
  async request(method: string, path: string, body?: unknown): Promise<RawResponse> {
    const chunks: Buffer[] = [];
    let size = 0;
    const head = await this.stream(method, path, body, (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
    });
    const buf = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
    return { status: head.status, headers: head.headers, body: buf };
  }

  /** Sends a request and buffers the body; a status >= 400 rejects with the daemon's message. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    if (res.status >= 400)
      throw new Error(`bench: ${method} ${path} -> ${res.status} ${res.body.toString('utf8').trim()}`);
    return (res.body.length ? JSON.parse(res.body.toString('utf8')) : undefined) as T;
  }

  /**
   * Sends a request; body bytes go to `onBody` as they arrive (zero-copy slices). Resolves with the
   * head once the whole response was read.
   */
  async stream(
    method: string,
    path: string,
    body: unknown,
    onBody: (chunk: Buffer) => void,
  ): Promise<RawHead> {
    if (this.#busy) throw new Error('bench: RawConnection is not pipelined — one request at a time');
    this.#busy = true;
    try {
      const socket = this.#socket ?? (await this.#connect());
      return await new Promise<RawHead>((resolve, reject) => {
        let head: RawHead | undefined;
        this.#fail = reject;
        this.#parser = new ResponseParser(
          (h) => {
            head = h;
          },
          onBody,
          () => {
            this.#parser = undefined;
            this.#fail = undefined;
            const h = head as RawHead;
            if (h.headers.connection?.toLowerCase() === 'close') this.#drop();
            resolve(h);
          },
          method === 'HEAD',
        );
        const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        socket.write(serialize(method, path, text, ''));
      });
    } finally {
      this.#busy = false;
    }
  }

  /** A new, independent connection to the same endpoint. */
  fork(): RawConnection {
    return new RawConnection(this.endpoint);
  }

  close(): void {
    this.#drop();
  }

  #connect(): Promise<Socket> {
    this.#connecting ??= openSocket(this.endpoint).then((socket) => {
      this.#connecting = undefined;
      this.#socket = socket;
      socket.on('data', (chunk: Buffer) => {
        const parser = this.#parser;
        if (!parser) {
          this.#error(socket, new Error('bench: unexpected bytes on an idle connection'));
          return;
        }
        try {
          parser.push(chunk);
        } catch (err) {
          this.#error(socket, err as Error);
        }
      });
      socket.on('error', (err) => this.#error(socket, err));
      socket.on('close', () => {
        if (this.#socket === socket) this.#socket = undefined;
        const parser = this.#parser;
        if (!parser) return;
        try {
          parser.close();
        } catch (err) {
          this.#error(socket, err as Error);
        }
      });
      return socket;
    });
    return this.#connecting;
  }

  #error(socket: Socket, err: Error): void {
    const fail = this.#fail;
    this.#parser = undefined;
    this.#fail = undefined;
    if (this.#socket === socket) this.#socket = undefined;
    socket.destroy();
    fail?.(err);
  }

  #drop(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
  }
}

/** A connection the daemon handed over to raw stdio (`101 UPGRADED`). */
export interface RawHijacked extends RawHead {
  readonly socket: Socket;
  /** Stream bytes that arrived with the response head. */
  readonly rest: Buffer;
}

/** Opens a dedicated connection, sends the request with `Upgrade: tcp` and waits for the head. */
export async function hijack(
  endpoint: RawEndpoint,
  method: string,
  path: string,
  body?: unknown,
): Promise<RawHijacked> {
  const socket = await openSocket(endpoint);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<RawHijacked>((resolve, reject) => {
    let buf = EMPTY;
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.pause();
      try {
        const head = parseHead(buf.toString('latin1', 0, end));
        if (head.status !== 101 && head.status !== 200) {
          socket.destroy();
          reject(
            new Error(`bench: ${method} ${path} -> ${head.status} ${buf.toString('utf8', end + 4).trim()}`),
          );
          return;
        }
        resolve({ ...head, socket, rest: buf.subarray(end + 4) });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    };
    const onError = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    const onEnd = () => onError(new Error('bench: connection closed before the response head'));
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('end', onEnd);
    socket.write(serialize(method, path, text, 'Connection: Upgrade\r\nUpgrade: tcp\r\n'));
  });
}

/** Reads a hijacked connection to its end, feeding every byte (head leftovers first) to `onData`. */
export function readToEnd(conn: RawHijacked, onData: (chunk: Buffer) => void): Promise<void> {
  const { socket, rest } = conn;
  return new Promise<void>((resolve, reject) => {
    if (rest.length) onData(rest);
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('end', () => {
      socket.destroy();
      resolve();
    });
    socket.resume();
  });
}

/**
 * Counts the payload bytes of Docker's multiplexed stdio stream (8-byte header: stream type, three
 * zero bytes, big-endian payload size) without copying payloads. Headers split across reads are
 * assembled in an 8-byte scratch buffer.
 */
export class DemuxCounter {
  stdout = 0;
  stderr = 0;
  frames = 0;
  readonly #header = Buffer.alloc(8);
  #headerFill = 0;
  #payload = 0;
  #stream = 0;

  /** Feeds bytes of the stream; throws on a stream type other than 0, 1 or 2. */
  push = (chunk: Buffer): void => {
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (this.#payload > 0) {
        const take = Math.min(this.#payload, len - pos);
        if (this.#stream === 2) this.stderr += take;
        else this.stdout += take;
        this.#payload -= take;
        pos += take;
        continue;
      }
      let stream: number;
      let size: number;
      if (this.#headerFill === 0 && len - pos >= 8) {
        stream = chunk[pos] as number;
        size = chunk.readUInt32BE(pos + 4);
        pos += 8;
      } else {
        const take = Math.min(8 - this.#headerFill, len - pos);
        chunk.copy(this.#header, this.#headerFill, pos, pos + take);
        this.#headerFill += take;
        pos += take;
        if (this.#headerFill < 8) return;
        this.#headerFill = 0;
        stream = this.#header[0] as number;
        size = this.#header.readUInt32BE(4);
      }
      if (stream > 2) throw new Error(`bench: bad stdio frame header (stream type ${stream})`);
      this.frames++;
      this.#stream = stream;
      this.#payload = size;
    }
  };

  /** True when the stream ended on a frame boundary. */
  get complete(): boolean {
    return this.#payload === 0 && this.#headerFill === 0;
  }
}
