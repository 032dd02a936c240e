import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallOptions, EngineCore } from '../core.ts';
import { abortError, EngineError } from '../errors.ts';
import type * as G from '../generated/operations.ts';
import { hijackedSession, type StdioSession } from '../stdio.ts';
import type { LogFrame } from '../streams/demux.ts';

/**
 * Options of {@link Exec.start}.
 *
 * @example
 * ```ts
 * // attached, on a 24-row × 80-column terminal, with a writable stdin
 * const session = await docker.exec.start(execId, { Tty: true, ConsoleSize: [24, 80], stdin: true });
 * // detached: resolves once the process has started
 * await docker.exec.start(otherExecId, { Detach: true });
 * ```
 */
export type ExecStartOptions = {
  /** Start without attaching: resolves as soon as the process was started. */
  readonly Detach?: boolean;
  /**
   * Whether the output comes as one raw `console` stream (true) or as separate `stdout` /
   * `stderr` frames (false). The daemon frames the output by this value, not by the exec's own
   * `Tty`, so give the value used at `exec.create`; when omitted it is read from the exec first
   * (one inspect).
   */
  readonly Tty?: boolean;
  /** Initial terminal size `[height, width]` of a TTY exec (API 1.42+). */
  readonly ConsoleSize?: [number, number];
  /**
   * Keep the process's stdin open for writing (the exec needs `AttachStdin`). When false (the
   * default) stdin is half-closed at once, so a process that reads stdin sees EOF instead of
   * waiting forever; writing to `session.stdin` then fails.
   */
  readonly stdin?: boolean;
} & CallOptions;

/**
 * A running exec's stdio, plus its terminal size and exit code.
 *
 * @example
 * ```ts
 * const session: ExecSession = await docker.exec.start(execId, { Tty: true });
 * await session.resize({ h: process.stdout.rows, w: process.stdout.columns });
 * for await (const frame of session.output) process.stdout.write(frame.data);
 * console.log(await session.exitCode()); // 0
 * ```
 */
export type ExecSession = StdioSession & {
  /** Sets the TTY size of the exec, in characters. */
  resize(size: { h: number; w: number }): Promise<void>;
  /**
   * The process's exit code, once its output has ended (then the exec is inspected, briefly
   * polled while the daemon still reports it running). Works whether or not `output` was read:
   * if nobody reads it, the output is drained (and discarded) to reach the end; if the caller
   * stopped reading part-way, the exec is checked once a second. Rejects with `STREAM_ERROR` when
   * the session was closed and the process still runs 5 s later.
   */
  exitCode(options?: CallOptions): Promise<number>;
};

/** How long {@link ExecSession.exitCode} waits for the daemon to mark a finished exec as not running. */
const RUNNING_GRACE_MS = 5_000;

/**
 * Exec: run commands in running containers (`docker exec`).
 *
 * @example
 * ```ts
 * const { Id } = await docker.exec.create('web', { Cmd: ['nginx', '-t'], AttachStdout: true, AttachStderr: true });
 * const session = await docker.exec.start(Id, { Tty: false });
 * for await (const frame of session.output) process.stdout.write(frame.data);
 * console.log('exit code', await session.exitCode());
 * ```
 */
export class Exec {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Creates an exec instance in a running container; start it with {@link Exec.start}.
   * Attach the streams you want to read (`AttachStdout`, `AttachStderr`) or write (`AttachStdin`).
   *
   * @example
   * ```ts
   * const { Id } = await docker.exec.create('web', {
   *   Cmd: ['sh', '-c', 'id -u'], User: 'nobody', AttachStdout: true, AttachStderr: true,
   * });
   * ```
   */
  create(containerId: string, options: G.ContainerExecBody & CallOptions): Promise<G.ContainerExecResult> {
    const { signal, ...body } = options;
    return this.#core.json('ContainerExec', { params: { id: containerId }, body, signal });
  }

  /**
   * Inspects an exec instance: `Running`, `ExitCode` (null while running), `ProcessConfig`, `Pid`.
   *
   * @example
   * ```ts
   * const { Running, ExitCode } = await docker.exec.inspect(execId);
   * ```
   */
  inspect(id: string, options: CallOptions = {}): Promise<G.ExecInspectResult> {
    return this.#core.json('ExecInspect', { params: { id }, signal: options.signal });
  }

  /**
   * Sets the TTY size of an exec created with `Tty: true`, in characters.
   *
   * @example
   * ```ts
   * await docker.exec.resize(execId, { h: 40, w: 120 });
   * ```
   */
  resize(id: string, options: G.ExecResizeQuery & CallOptions): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('ExecResize', { params: { id }, query, signal });
  }

  /**
   * Starts an exec. With `Detach: true`, resolves once it has started. Otherwise attaches over a
   * hijacked connection and resolves with the session: `output` frames (`stdout` / `stderr`, or
   * `console` with a TTY), `stdin` (with `stdin: true`), `resize()`, and `exitCode()`. Aborting the
   * signal closes the session.
   *
   * @example
   * ```ts
   * const { Id } = await docker.exec.create('web', { Cmd: ['cat'], AttachStdin: true, AttachStdout: true });
   * const session = await docker.exec.start(Id, { stdin: true, Tty: false });
   * session.stdin.end('hello\n');
   * for await (const frame of session.output) process.stdout.write(frame.data); // hello
   * console.log(await session.exitCode()); // 0
   * ```
   */
  start(id: string, options: ExecStartOptions & { Detach: true }): Promise<void>;
  start(id: string, options?: ExecStartOptions & { Detach?: false }): Promise<ExecSession>;
  // biome-ignore lint/suspicious/noConfusingVoidType: the implementation of the Promise<void> overload
  async start(id: string, options: ExecStartOptions = {}): Promise<ExecSession | void> {
    const { signal, Detach, ConsoleSize, stdin } = options;
    if (Detach) {
      const body: G.ExecStartBody = { Detach: true, Tty: options.Tty, ConsoleSize };
      await this.#core.void('ExecStart', { params: { id }, body, signal });
      return;
    }
    // The daemon frames the output by the Tty of THIS request, not the exec's own setting: a TTY
    // exec started with Tty false comes multiplexed. So send the exec's setting when not given.
    const Tty = options.Tty ?? (await this.inspect(id, { signal })).ProcessConfig?.tty === true;
    const body: G.ExecStartBody = { Detach: false, Tty, ConsoleSize };
    const connection = await this.#core.hijack('ExecStart', { params: { id }, body, signal });
    const version = await this.#core.apiVersion();
    const session = await hijackedSession(connection, version, Tty, signal);
    if (!stdin) session.stdin.end();

    const { socket } = connection;
    const closed = new Promise<void>((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    });
    let claimed = false;
    const output: AsyncIterable<LogFrame> = {
      [Symbol.asyncIterator]() {
        claimed = true;
        return session.output[Symbol.asyncIterator]();
      },
    };

    return {
      output,
      stdin: session.stdin,
      close: () => session.close(),
      resize: (size) => this.resize(id, size),
      exitCode: async (exitOptions: CallOptions = {}) => {
        const waitSignal = exitOptions.signal;
        if (!claimed) {
          // Nobody reads the output: drain it so the stream can reach its end.
          claimed = true;
          try {
            for await (const _frame of session.output) {
              if (waitSignal?.aborted) throw abortError(waitSignal);
            }
          } catch {
            if (waitSignal?.aborted) throw abortError(waitSignal);
            // Otherwise the connection failed or was closed: the daemon still knows the exit code.
          }
        }
        return this.#exitCodeOf(id, socket, closed, waitSignal);
      },
    };
  }

  /**
   * Polls the exec until the daemon reports it finished. While the connection is open, checks once
   * a second (and at once when it closes): a caller may have stopped reading an output that has
   * in fact ended. Once it has closed, polls fast, for at most {@link RUNNING_GRACE_MS}: the daemon
   * can still report `Running` for a few ms after the stream closed.
   */
  async #exitCodeOf(
    id: string,
    socket: Socket,
    closed: Promise<void>,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    let closedAt: number | undefined;
    let delay = 10;
    for (;;) {
      if (closedAt === undefined && !socket.destroyed) {
        await abortableWait(Promise.race([closed, sleep(1_000, undefined, { ref: false })]), signal);
      }
      if (closedAt === undefined && socket.destroyed) closedAt = Date.now();
      const info = await this.inspect(id, { signal });
      if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode;
      if (closedAt === undefined) continue;
      if (Date.now() - closedAt >= RUNNING_GRACE_MS) {
        throw new EngineError(
          'STREAM_ERROR',
          `exec ${id} is still running ${RUNNING_GRACE_MS} ms after its output ended — the session was probably closed before the process exited`,
        );
      }
      await abortableWait(sleep(delay), signal);
      delay = Math.min(delay * 2, 250);
    }
  }
}

function abortableWait(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
