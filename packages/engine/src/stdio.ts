import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { demuxFrames, type LogFrame } from './streams/demux.ts';
import type { HijackedConnection } from './transport/hijack.ts';
import type { HttpResponse } from './transport/http.ts';

/** Docker's media types for stdio streams (sent by daemons for API >= 1.42). */
const RAW_STREAM = 'application/vnd.docker.raw-stream';
const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

/**
 * Picks the stream format: from the response Content-Type when the daemon sent one of Docker's
 * stdio media types (API >= 1.42), otherwise from the container's TTY setting — the only thing an
 * older daemon's answer can be decided by (a TTY stream is raw, a non-TTY one multiplexed).
 */
export function stdioFormat(
  contentType: string | undefined,
  tty: boolean | (() => Promise<boolean>),
): Promise<'raw' | 'multiplexed'> {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === RAW_STREAM) return Promise.resolve('raw');
  if (type === MULTIPLEXED_STREAM) return Promise.resolve('multiplexed');
  if (typeof tty === 'boolean') return Promise.resolve(tty ? 'raw' : 'multiplexed');
  return tty().then((isTty) => (isTty ? 'raw' : 'multiplexed'));
}

/**
 * Frames of a logs response. Breaking out of the loop destroys the response body, which closes
 * the request (a `follow` stream stops there).
 */
export async function* responseFrames(
  response: HttpResponse,
  tty: boolean | (() => Promise<boolean>),
): AsyncGenerator<LogFrame, void, undefined> {
  try {
    const format = await stdioFormat(headerValue(response.headers['content-type']), tty);
    yield* demuxFrames(response.body, format);
  } finally {
    response.body.destroy();
  }
}

/**
 * A live attach or exec session over a hijacked connection.
 *
 * @example
 * ```ts
 * const session = await docker.exec.start(execId, { stdin: true });
 * session.stdin.end('hello\n');          // the process sees EOF after this
 * for await (const frame of session.output) process.stdout.write(frame.data);
 * ```
 */
export interface StdioSession {
  /** Output frames; `console` for a TTY, `stdout` / `stderr` otherwise. Ends when the process does. */
  readonly output: AsyncIterable<LogFrame>;
  /** The process's stdin. `end()` half-closes the connection: the process reads EOF, output goes on. */
  readonly stdin: Writable;
  /** Closes the connection in both directions. */
  close(): void;
}

/** Wraps a hijacked connection into a {@link StdioSession}. */
export async function hijackedSession(
  connection: HijackedConnection,
  tty: boolean | (() => Promise<boolean>),
): Promise<StdioSession> {
  const format = await stdioFormat(connection.headers['content-type'], tty);
  const socket = connection.socket;
  return {
    output: demuxFrames(socketBytes(socket, connection.head), format),
    stdin: socket,
    close: () => socket.destroy(),
  };
}

/** The socket's bytes, starting with those read together with the response head. */
function socketBytes(socket: Socket, head: Buffer): AsyncIterable<Uint8Array> {
  socket.resume();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        if (head.length > 0) yield head;
        for await (const chunk of socket as AsyncIterable<Buffer>) yield chunk;
      } finally {
        // The process's output ended or the consumer stopped reading: the session is over.
        socket.destroy();
      }
    },
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
