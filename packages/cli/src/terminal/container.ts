/**
 * What `run`, `start -a` and `attach` share once they hold an attach session: the TTY follows the
 * terminal's size, signals go to the container (`--sig-proxy`, without a TTY), the session runs until
 * the output ends or the user detaches, and the container's exit status is read from a wait the
 * command registered beforehand.
 */
import type { AttachSession, DockerClient, PendingWait } from '@gantry/engine';
import type { CommandIO } from '../io.ts';
import { followTerminalSize, pipeSession, proxySignals, type SessionEnd } from './session.ts';

export interface ContainerSessionOptions {
  /** The container's own TTY setting (`Config.Tty`). */
  readonly tty: boolean;
  /** stdin is attached (`-i`). */
  readonly stdin: boolean;
  readonly detachKeys: Uint8Array;
  /** Keep the TTY's size in step with the terminal (docker: when stdout is a terminal). */
  readonly resize: boolean;
  /** Resize one size up first, so a shell attached a second time redraws its prompt (`attach`). */
  readonly nudge?: boolean;
}

/** Runs the session of container `id` to its end or a detach. */
export async function streamContainer(
  docker: DockerClient,
  id: string,
  session: AttachSession,
  io: CommandIO,
  options: ContainerSessionOptions,
): Promise<SessionEnd> {
  const stopResizing = options.resize
    ? followTerminalSize(io, (size) => docker.containers.resize(id, { ...size, signal: io.signal }), {
        nudge: options.nudge === true,
      })
    : () => undefined;
  try {
    // Nothing will be written without stdin attached: half-close at once, as docker does.
    if (!options.stdin && session.stdin.writable) session.stdin.end();
    return await pipeSession(session, io, options);
  } finally {
    stopResizing();
  }
}

/**
 * `--sig-proxy` for a container without a TTY (with one, keys reach it through the terminal
 * instead): from now until the returned function is called.
 */
export function containerSignalProxy(
  docker: DockerClient,
  id: string,
  io: CommandIO,
  enabled: boolean,
): () => void {
  if (!enabled) return () => undefined;
  return proxySignals(io, (signal) => docker.containers.kill(id, { killSignal: signal }));
}

/** A wait the engine has registered, and how to drop it when its outcome is no longer wanted. */
export interface RegisteredWait {
  readonly pending: PendingWait;
  /** Closes the wait request (detached, or the command failed before the container ran). */
  cancel(): void;
}

/**
 * Registers a wait for `condition` before anything can make the container stop (`next-exit` before
 * a start, `removed` for `--rm`), so an instant exit is never missed.
 */
export async function registerWait(
  docker: DockerClient,
  id: string,
  condition: 'not-running' | 'next-exit' | 'removed',
  io: CommandIO,
): Promise<RegisteredWait> {
  const own = new AbortController();
  const pending = await docker.containers.beginWait(id, {
    condition,
    signal: AbortSignal.any([io.signal, own.signal]),
  });
  return { pending, cancel: () => own.abort() };
}

/**
 * The exit status a registered wait reports; when the engine could not wait, docker's
 * `Error waiting for container: …` on stderr and 125.
 */
export async function exitStatus(wait: RegisteredWait, io: CommandIO): Promise<number> {
  try {
    const result = await wait.pending.result;
    if (result.Error?.Message) {
      io.stderr.write(`Error waiting for container: ${result.Error.Message}\n`);
      return 125;
    }
    return result.StatusCode;
  } catch (err) {
    const { isAbort } = await import('@gantry/engine');
    if (isAbort(err)) throw err;
    io.stderr.write(`error waiting for container: ${(err as Error).message}\n`);
    return 125;
  }
}
