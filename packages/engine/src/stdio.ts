import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { abortError } from './errors.ts';
import { demuxFrames, type LogFrame } from './streams/demux.ts';
import type { HijackedConnection } from './transport/hijack.ts';
import type { HttpResponse } from './transport/http.ts';
import { compareVersions } from './version.ts';

/** Docker's media types for stdio streams (sent by daemons for API >= 1.42). */
const RAW_STREAM = 'application/vnd.docker.raw-stream';
const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

/** The first API version whose stdio Content-Type tells the stream format. */
const CONTENT_TYPE_SINCE = '1.42';

/** The TTY setting that decides the format when the Content-Type cannot: a value or a lookup. */
export type TtyHint = boolean | (() => Promise<boolean>);

/**
 * Picks the stream format: from the response Content-Type for API >= 1.42, otherwise from the TTY
 * setting (a TTY stream is raw, a non-TTY one multiplexed). Below 1.42 the header means nothing:
 * Docker 20.10 sends none on logs and labels every attach / exec stream raw, multiplexed or not.
 */
export function stdioFormat(
  contentType: string | undefined,
  apiVersion: string,
  tty: TtyHint,
): Promise<'raw' | 'multiplexed'> {
  const meaningful = compareVersions(apiVersion, CONTENT_TYPE_SINCE) >= 0;
  const type = meaningful ? contentType?.split(';')[0]?.trim().toLowerCase() : undefined;
  if (type === RAW_STREAM) return Promise.resolve('raw');
  if (type === MULTIPLEXED_STREAM) return Promise.resolve('multiplexed');
  if (typeof tty === 'boolean') return Promise.resolve(tty ? 'raw' : 'multiplexed');
  return tty().then((isTty) => (isTty ? 'raw' : 'multiplexed'));
}

/**
 * The frames of a logs-style response, requested when iteration starts. Breaking out of the loop,
 * or an error, destroys the response body, which closes the request (a `follow` stream stops
 * there); aborting the request's signal surfaces as `ABORTED` (the transport fails the body so).
 *
 * @example
 * ```ts
 * const frames = stdioFrames(() => core.send('ContainerLogs', input), () => core.apiVersion(), false);
 * ```
 */
export function stdioFrames(
  send: () => Promise<HttpResponse>,
  apiVersion: () => Promise<string>,
  tty: TtyHint,
  signal?: AbortSignal,
): AsyncIterable<LogFrame> {
  return lazyIterable(async () => {
    const response = await send();
    try {
      const contentType = headerValue(response.headers['content-type']);
      return demuxFrames(response.body, await stdioFormat(contentType, await apiVersion(), tty), signal);
    } catch (err) {
      response.body.destroy();
      throw err;
    }
  });
}

/**
 * An iterable whose source is opened by the first `next()` and then used directly: no generator in
 * between, because a log read passes millions of frames through here.
 *
 * @example
 * ```ts
 * const numbers = lazyIterable(async () => [1, 2, 3].values() as unknown as AsyncIterable<number>);
 * ```
 */
export function lazyIterable<T>(open: () => Promise<AsyncIterable<T>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let inner: AsyncIterator<T> | undefined;
      let opening: Promise<AsyncIterator<T>> | undefined;
      const start = () => {
        opening ??= open().then((iterable) => {
          inner = iterable[Symbol.asyncIterator]();
          return inner;
        });
        return opening;
      };
      return {
        next: () => (inner ? inner.next() : start().then((iterator) => iterator.next())),
        return: async () => {
          const iterator = inner ?? (opening ? await opening.catch(() => undefined) : undefined);
          await iterator?.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
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

/**
 * Wraps a hijacked connection into a {@link StdioSession}. Aborting `signal` closes the session in
 * both directions; reading its output then fails with `ABORTED`. On failure the connection is closed.
 */
export async function hijackedSession(
  connection: HijackedConnection,
  apiVersion: string,
  tty: TtyHint,
  signal?: AbortSignal,
): Promise<StdioSession> {
  const socket = connection.socket;
  let format: 'raw' | 'multiplexed';
  try {
    format = await stdioFormat(connection.headers['content-type'], apiVersion, tty);
  } catch (err) {
    socket.destroy();
    throw err;
  }
  closeOnAbort(socket, signal);
  return {
    output: abortMapped(demuxFrames(socketBytes(socket, connection.head), format), signal),
    stdin: socket,
    close: () => socket.destroy(),
  };
}

function closeOnAbort(socket: Socket, signal: AbortSignal | undefined): void {
  if (!signal) return;
  if (signal.aborted) {
    socket.destroy(abortError(signal));
    return;
  }
  const onAbort = () => socket.destroy(abortError(signal));
  signal.addEventListener('abort', onAbort, { once: true });
  socket.once('close', () => signal.removeEventListener('abort', onAbort));
}

/** Re-throws a failure caused by the caller's signal as the SDK's `ABORTED` error. */
export async function* abortMapped<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, undefined> {
  try {
    yield* source;
  } catch (err) {
    throw signal?.aborted ? abortError(signal) : err;
  }
}

/**
 * The socket's bytes, starting with those read together with the response head. The socket stays
 * paused until the caller reads, so output that arrives before then is buffered, not lost.
 */
function socketBytes(socket: Socket, head: Buffer): AsyncIterable<Uint8Array> {
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
