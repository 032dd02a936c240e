import { EngineStreamError } from '../errors.ts';

/** A parsed HTTP/1.x response head. Header names are lower-cased; repeated headers become arrays. */
export interface ResponseHead {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** HTTP/1.1 without `Connection: close`: the connection can carry the next request. */
  readonly keepAlive: boolean;
}

/** Where a {@link ResponseParser} delivers what it decodes. */
export interface ResponseSink {
  head(head: ResponseHead): void;
  /** A piece of the body, de-chunked; a view into the socket's buffer (no copy). */
  data(chunk: Buffer): void;
  /** The body is complete; `reusable` says whether the connection may carry another request. */
  end(reusable: boolean): void;
}

/** The longest response head accepted: Docker's heads are a few hundred bytes. */
export const MAX_HEAD_BYTES = 64 * 1024;
const CRLF_CRLF = Buffer.from('\r\n\r\n');

type State =
  | 'head'
  | 'length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailers'
  | 'until-close'
  | 'done';

/**
 * An incremental HTTP/1.1 response parser, fed socket chunks in order. Body framing follows
 * RFC 9112: no body for HEAD / 204 / 304, else chunked, else Content-Length, else until the
 * connection closes. Body bytes are handed on as views of the input, never copied; only a head or
 * a chunk-size line split across reads is assembled.
 */
export class ResponseParser {
  readonly #sink: ResponseSink;
  readonly #bodyAllowed: boolean;
  #state: State = 'head';
  #headParts: Buffer[] = [];
  #headBytes = 0;
  #remaining = 0;
  #pendingLine: Buffer | undefined;
  #keepAlive = false;

  /** @param bodyAllowed false for a HEAD request, whose response never has a body. */
  constructor(sink: ResponseSink, bodyAllowed: boolean) {
    this.#sink = sink;
    this.#bodyAllowed = bodyAllowed;
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  /** True once the head has been parsed. */
  get headParsed(): boolean {
    return this.#state !== 'head';
  }

  /** Feeds the next socket chunk. Returns bytes past the end of the response (a hijacked stream's start). */
  feed(chunk: Buffer): Buffer | undefined {
    let input = chunk;
    while (input.length > 0) {
      switch (this.#state) {
        case 'head':
          input = this.#feedHead(input);
          break;
        case 'length': {
          const take = Math.min(this.#remaining, input.length);
          this.#remaining -= take;
          this.#sink.data(input.subarray(0, take));
          input = input.subarray(take);
          if (this.#remaining === 0) this.#finish();
          break;
        }
        case 'chunk-size':
        case 'trailers':
          input = this.#feedLine(input);
          break;
        case 'chunk-data': {
          const take = Math.min(this.#remaining, input.length);
          this.#remaining -= take;
          this.#sink.data(input.subarray(0, take));
          input = input.subarray(take);
          if (this.#remaining === 0) {
            this.#state = 'chunk-crlf';
            this.#remaining = 2;
          }
          break;
        }
        case 'chunk-crlf': {
          const take = Math.min(this.#remaining, input.length);
          this.#remaining -= take;
          input = input.subarray(take);
          if (this.#remaining === 0) this.#state = 'chunk-size';
          break;
        }
        case 'until-close':
          this.#sink.data(input);
          return undefined;
        case 'done':
          return input;
      }
    }
    return undefined;
  }

  /** The connection ended. Completes an until-close body; anything else unfinished is an error. */
  close(): void {
    if (this.#state === 'until-close') {
      this.#state = 'done';
      this.#sink.end(false);
      return;
    }
    if (this.#state !== 'done') {
      throw new EngineStreamError(
        'STREAM_PROTOCOL',
        `the daemon closed the connection mid-response (${this.#state})`,
      );
    }
  }

  #feedHead(input: Buffer): Buffer {
    // The head usually arrives whole in the first read; split heads are joined (bounded by MAX_HEAD_BYTES).
    const joined = this.#headParts.length === 0 ? input : Buffer.concat([...this.#headParts, input]);
    const end = joined.indexOf(CRLF_CRLF);
    if (end < 0) {
      this.#headParts = [joined];
      this.#headBytes = joined.length;
      if (this.#headBytes > MAX_HEAD_BYTES)
        throw new EngineStreamError('STREAM_PROTOCOL', 'response head too large');
      return Buffer.alloc(0);
    }
    this.#headParts = [];
    const head = parseHead(joined.toString('latin1', 0, end));
    this.#keepAlive = head.keepAlive;
    this.#sink.head(head);
    this.#state = this.#bodyState(head);
    if (this.#state === 'done') this.#finish();
    return joined.subarray(end + 4);
  }

  #bodyState(head: ResponseHead): State {
    const { status, headers } = head;
    if (status === 101) return 'done';
    if (!this.#bodyAllowed || status === 204 || status === 304 || (status >= 100 && status < 200))
      return 'done';
    const encoding = String(headers['transfer-encoding'] ?? '').toLowerCase();
    if (encoding.includes('chunked')) return 'chunk-size';
    const length = headers['content-length'];
    if (length !== undefined) {
      this.#remaining = Number(length);
      if (!Number.isSafeInteger(this.#remaining) || this.#remaining < 0) {
        throw new EngineStreamError('STREAM_PROTOCOL', `invalid Content-Length "${String(length)}"`);
      }
      return this.#remaining === 0 ? 'done' : 'length';
    }
    return 'until-close';
  }

  /**
   * Chunk-size lines and trailer lines. A line inside one read (the usual case: the daemon flushes
   * one chunk per write) is parsed straight from the bytes; only a line split across reads is kept.
   */
  #feedLine(input: Buffer): Buffer {
    const newline = input.indexOf(10);
    if (newline < 0) {
      this.#pendingLine = this.#pendingLine ? Buffer.concat([this.#pendingLine, input]) : Buffer.from(input);
      if (this.#pendingLine.length > 4096)
        throw new EngineStreamError('STREAM_PROTOCOL', 'chunk header too long');
      return input.subarray(input.length);
    }
    const rest = input.subarray(newline + 1);
    const line = this.#pendingLine ? Buffer.concat([this.#pendingLine, input.subarray(0, newline)]) : input;
    const end = this.#pendingLine ? line.length : newline;
    this.#pendingLine = undefined;
    const contentEnd = end > 0 && line[end - 1] === 13 ? end - 1 : end;
    if (this.#state === 'trailers') {
      if (contentEnd === 0) this.#finish();
      return rest;
    }
    const size = parseChunkSize(line, contentEnd);
    if (size === 0) {
      this.#state = 'trailers';
    } else {
      this.#state = 'chunk-data';
      this.#remaining = size;
    }
    return rest;
  }

  #finish(): void {
    this.#state = 'done';
    this.#sink.end(this.#keepAlive);
  }
}

/** The hex size at the start of a chunk-size line (extensions after `;` ignored). */
function parseChunkSize(line: Buffer, end: number): number {
  let size = 0;
  let digits = 0;
  let i = 0;
  for (; i < end; i++) {
    const c = line[i] as number;
    const value =
      c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (value < 0) break;
    size = size * 16 + value;
    digits++;
  }
  const next = line[i];
  // 13 hex digits would pass 2^52: no real chunk is that large, and the arithmetic stays exact below.
  if (digits === 0 || digits > 12 || (i < end && next !== 59 && next !== 32 && next !== 9)) {
    const text = line.toString('latin1', 0, Math.min(end, 40));
    throw new EngineStreamError('STREAM_PROTOCOL', `invalid chunk size "${text}"`);
  }
  return size;
}

/** Parses a status line and header lines (without the final blank line). */
export function parseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const statusLine = lines[0] ?? '';
  const match = /^HTTP\/1\.([01]) (\d{3})/.exec(statusLine);
  if (!match) throw new EngineStreamError('STREAM_PROTOCOL', `bad status line "${statusLine.slice(0, 80)}"`);
  const headers: Record<string, string | string[] | undefined> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const existing = headers[name];
    headers[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const connection = String(headers.connection ?? '').toLowerCase();
  const keepAlive = match[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  return { status: Number(match[2]), headers, keepAlive };
}
