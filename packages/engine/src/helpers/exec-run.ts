/**
 * `execRun`: docker-py's `Container.exec_run` — create an exec, start it, and hand back what the
 * chosen mode promises — with the exit code available in every mode (docker-py returns `None`
 * when streaming) and a result type that follows the mode.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallOptions } from '../core.ts';
import { abortError, EngineError } from '../errors.ts';
import type { Exec, ExecSession } from '../resources/exec.ts';
import type { LogFrame } from '../streams/demux.ts';
import { type Command, type Environment, formatEnvironment, toArgv } from './command.ts';

/**
 * Options of {@link ExecRun}: docker-py's `exec_run` parameters, same names and defaults. At most
 * one of `detach`, `socket`, `stream` may be set; without any, the output is collected.
 *
 * @example
 * ```ts
 * const options: ExecRunOptions = {
 *   user: 'nobody', workdir: '/tmp', environment: { MODE: 'check' }, demux: true,
 *   signal: AbortSignal.timeout(30_000),
 * };
 * const { exitCode, output } = await docker.execRun('web', 'sh -c "id -u; pwd"', options);
 * ```
 */
export interface ExecRunOptions extends CallOptions {
  /** Attach the process's stdout (default `true`). */
  readonly stdout?: boolean;
  /** Attach the process's stderr (default `true`). */
  readonly stderr?: boolean;
  /**
   * Attach the process's stdin (default `false`). Writable only with `socket: true`; in the other
   * modes the process reads EOF at once.
   */
  readonly stdin?: boolean;
  /** Run on a pseudo-terminal: the output is one `console` stream, with `\r\n` line ends. */
  readonly tty?: boolean;
  /** Run with extended privileges (all capabilities, no seccomp/AppArmor confinement). */
  readonly privileged?: boolean;
  /** `user`, `user:group`, `uid` or `uid:gid` to run as (default: the container's user). */
  readonly user?: string;
  /** Start and return at once with the exec's id; get the exit code later from the result. */
  readonly detach?: boolean;
  /** Return the output as an async iterable as it arrives, with the exit code after its end. */
  readonly stream?: boolean;
  /** Return the live session: output, writable stdin with half-close, resize, exit code. */
  readonly socket?: boolean;
  /** Extra environment variables, as an object or `KEY=value` list. */
  readonly environment?: Environment;
  /** Working directory of the process (default: the container's). */
  readonly workdir?: string;
  /**
   * Keep stdout and stderr apart: `{ stdout, stderr }` buffers (collected), or tagged frames
   * (`stream: true`). A TTY's single stream counts as stdout.
   */
  readonly demux?: boolean;
  /** Initial terminal size `[height, width]` of a TTY exec (API 1.42+). */
  readonly consoleSize?: readonly [number, number];
}

/**
 * The collected outcome of an exec: exit code and output. A non-zero exit code is data, not an error.
 *
 * @example
 * ```ts
 * const { exitCode, output }: ExecRunResult = await docker.execRun('web', 'cat /etc/hostname');
 * if (exitCode === 0) console.log(output.toString('utf8').trim());
 * ```
 */
export interface ExecRunResult<Output = Buffer> {
  readonly execId: string;
  readonly exitCode: number;
  /** All output in arrival order, or — with `demux` — `{ stdout, stderr }`. */
  readonly output: Output;
}

/**
 * The output of a `demux` exec, each stream collected on its own (empty when it wrote nothing).
 *
 * @example
 * ```ts
 * const { output }: ExecRunResult<DemuxedOutput> = await docker.execRun('web', 'ls /nope', { demux: true });
 * console.error(output.stderr.toString('utf8'));
 * ```
 */
export interface DemuxedOutput {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/**
 * A streamed exec: its output as it arrives, then its exit code.
 *
 * @example
 * ```ts
 * const run: ExecRunStream = await docker.execRun('web', 'tail -n 3 /var/log/app.log', { stream: true });
 * for await (const chunk of run.output) process.stdout.write(chunk);
 * console.log('exit code', await run.exitCode());
 * ```
 */
export interface ExecRunStream<Chunk = Buffer> {
  readonly execId: string;
  /**
   * Output chunks (`Buffer`s, or `LogFrame`s tagged `stdout` / `stderr` / `console` with
   * `demux`). Iterate it once; leaving the loop early closes the connection.
   */
  readonly output: AsyncIterable<Chunk>;
  /**
   * Resolves with the process's exit code once its output has ended — reading the rest of the
   * output (and dropping it) when nobody iterates `output`.
   */
  exitCode(options?: CallOptions): Promise<number>;
  /** Closes the connection; the process may go on running. */
  close(): void;
}

/**
 * The live session of an exec started with `socket: true`: write to `stdin`, `stdin.end()` to
 * half-close (the process reads EOF), read `output`, `resize()`, then `exitCode()`.
 *
 * @example
 * ```ts
 * const session: ExecRunSocket = await docker.execRun('web', 'cat', { socket: true, stdin: true });
 * session.stdin.end('ping\n');
 * for await (const frame of session.output) process.stdout.write(frame.data); // ping
 * console.log(await session.exitCode()); // 0
 * ```
 */
export type ExecRunSocket = ExecSession & { readonly execId: string };

/**
 * A detached exec: its id, and its exit code once it has finished.
 *
 * @example
 * ```ts
 * const job: ExecRunDetached = await docker.execRun('web', 'sh -c "sleep 2; exit 3"', { detach: true });
 * console.log(await job.exitCode()); // 3, about 2 s later
 * ```
 */
export interface ExecRunDetached {
  readonly execId: string;
  /** Polls the exec (every 10 ms at first, then up to every 500 ms) until it has finished. */
  exitCode(options?: CallOptions): Promise<number>;
}

/**
 * Runs a command in a running container (`docker exec`; docker-py `exec_run`) — the result type
 * follows the mode: collected `{ exitCode, output }` (the default), `stream`, `socket` or `detach`.
 * `cmd` is an argv list or one string split like a shell would (`'sh -c "echo hi"'`). Rejects with
 * `API_NOT_FOUND` for an unknown container, `API_CONFLICT` for a stopped one, and
 * `INVALID_ARGUMENT` for conflicting modes. A non-zero exit code is never an error.
 *
 * @example
 * ```ts
 * const { exitCode, output } = await docker.execRun('web', 'nginx -t');
 * const split = await docker.execRun('web', ['sh', '-c', 'echo out; echo err >&2'], { demux: true });
 * const live = await docker.execRun('web', 'ping -c 3 db', { stream: true });
 * for await (const chunk of live.output) process.stdout.write(chunk);
 * console.log(await live.exitCode());
 * ```
 */
export interface ExecRun {
  (container: string, cmd: Command, options: ExecRunOptions & { detach: true }): Promise<ExecRunDetached>;
  (container: string, cmd: Command, options: ExecRunOptions & { socket: true }): Promise<ExecRunSocket>;
  (
    container: string,
    cmd: Command,
    options: ExecRunOptions & { stream: true; demux: true },
  ): Promise<ExecRunStream<LogFrame>>;
  (
    container: string,
    cmd: Command,
    options: ExecRunOptions & { stream: true; demux?: false },
  ): Promise<ExecRunStream<Buffer>>;
  (
    container: string,
    cmd: Command,
    options: ExecRunOptions & { demux: true; detach?: false; socket?: false; stream?: false },
  ): Promise<ExecRunResult<DemuxedOutput>>;
  (
    container: string,
    cmd: Command,
    options?: ExecRunOptions & { demux?: false; detach?: false; socket?: false; stream?: false },
  ): Promise<ExecRunResult<Buffer>>;
  /** Any mode, chosen at run time: the result is one of the above. */
  (container: string, cmd: Command, options?: ExecRunOptions): Promise<ExecRunAnyResult>;
}

/**
 * Any of {@link ExecRun}'s results, for options whose mode is only known at run time.
 *
 * @example
 * ```ts
 * const result: ExecRunAnyResult = await docker.execRun('web', 'true', { stream: wantStream });
 * if ('exitCode' in result && typeof result.exitCode === 'number') console.log(result.exitCode);
 * ```
 */
export type ExecRunAnyResult =
  | ExecRunResult<Buffer>
  | ExecRunResult<DemuxedOutput>
  | ExecRunStream<Buffer>
  | ExecRunStream<LogFrame>
  | ExecRunSocket
  | ExecRunDetached;

/** Slowest poll of a detached exec's state, in ms. */
const DETACHED_POLL_MAX_MS = 500;

/**
 * {@link ExecRun} over an `Exec` resource (what `DockerClient.execRun` is).
 *
 * @internal
 * @example
 * ```ts
 * const execRun = execRunWith(docker.exec);
 * ```
 */
export function execRunWith(exec: Exec): ExecRun {
  return ((container: string, cmd: Command, options: ExecRunOptions = {}) =>
    execRun(exec, container, cmd, options)) as ExecRun;
}

async function execRun(
  exec: Exec,
  container: string,
  cmd: Command,
  options: ExecRunOptions,
): Promise<ExecRunAnyResult> {
  const { signal, detach = false, socket = false, stream = false, demux = false, tty = false } = options;
  const modes = [detach && 'detach', socket && 'socket', stream && 'stream'].filter(Boolean);
  if (modes.length > 1) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `execRun: choose one of ${modes.join(', ')} — they are exclusive`,
    );
  }
  if (demux && (detach || socket)) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `execRun: demux applies to the collected and stream modes, not to ${detach ? 'detach' : 'socket'} (a socket session's frames are already tagged)`,
    );
  }
  const Cmd = toArgv(cmd, 'execRun: cmd');
  const Env =
    options.environment === undefined
      ? undefined
      : formatEnvironment(options.environment, 'execRun: environment');
  const ConsoleSize = options.consoleSize ? [...options.consoleSize] : undefined;
  // Detached, nobody reads the output: attach nothing, as `docker exec -d` does.
  const { Id } = await exec.create(container, {
    Cmd,
    Env,
    AttachStdin: !detach && options.stdin === true,
    AttachStdout: !detach && options.stdout !== false,
    AttachStderr: !detach && options.stderr !== false,
    Tty: tty,
    Privileged: options.privileged,
    User: options.user || undefined,
    WorkingDir: options.workdir,
    ConsoleSize,
    signal,
  });

  if (detach) {
    await exec.start(Id, { Detach: true, Tty: tty, ConsoleSize: ConsoleSize as [number, number], signal });
    return { execId: Id, exitCode: (waitOptions) => pollExitCode(exec, Id, waitOptions?.signal) };
  }
  const session = await exec.start(Id, {
    Tty: tty,
    ConsoleSize: ConsoleSize as [number, number] | undefined,
    stdin: socket && options.stdin === true,
    signal,
  });
  if (socket) return { ...session, execId: Id };
  if (stream) {
    return {
      execId: Id,
      output: demux ? session.output : frameData(session.output),
      exitCode: (exitOptions) => session.exitCode(exitOptions),
      close: () => session.close(),
    };
  }

  const all: Buffer[] = [];
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  for await (const frame of session.output) {
    if (!demux) all.push(frame.data);
    else (frame.stream === 'stderr' ? stderr : stdout).push(frame.data);
  }
  const exitCode = await session.exitCode({ signal });
  // Buffer.concat copies: the frames may be views into network buffers.
  if (!demux) return { execId: Id, exitCode, output: Buffer.concat(all) };
  return { execId: Id, exitCode, output: { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) } };
}

/** The frames' payloads; iterating claims the frames lazily, so an unread output stays unclaimed. */
function frameData(frames: AsyncIterable<LogFrame>): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Buffer> {
      const inner = frames[Symbol.asyncIterator]();
      return {
        next: async () => {
          const step = await inner.next();
          return step.done ? { done: true, value: undefined } : { done: false, value: step.value.data };
        },
        return: async () => {
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** Inspects a detached exec until the daemon reports it finished, backing off from 10 ms. */
async function pollExitCode(exec: Exec, id: string, signal: AbortSignal | undefined): Promise<number> {
  let delay = 10;
  for (;;) {
    const info = await exec.inspect(id, { signal });
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode;
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      throw abortError(signal);
    }
    delay = Math.min(delay * 2, DETACHED_POLL_MAX_MS);
  }
}
