/**
 * One attach or exec session between the user's terminal and a process in a container, as docker's
 * hijacked-stream code runs it: output frames to stdout / stderr (a TTY's single stream to stdout),
 * stdin to the process — in raw mode when the process has a TTY and stdin is a terminal, watched for
 * the detach keys — and stdin's end passed on as a half-close, so the process reads EOF while its
 * output goes on. The session ends when the output does, or when the user detaches.
 */
import type { LogFrame } from '@gantry/engine';
import { StatusError } from '../errors.ts';
import type { CommandIO, Input, Output } from '../io.ts';
import { DetachKeyMatcher } from './detach-keys.ts';

/** The parts of the SDK's attach / exec sessions used here. */
export interface SessionStreams {
  readonly output: AsyncIterable<LogFrame>;
  readonly stdin: NodeJS.WritableStream & { readonly writable: boolean };
  close(): void;
}

export interface PipeOptions {
  /** The process has a TTY: one raw stream, raw-mode terminal, detach keys. */
  readonly tty: boolean;
  /** Forward stdin (`-i`); otherwise stdin is not touched. */
  readonly stdin: boolean;
  /** The detach sequence (watched only with `tty` and `stdin`, as docker does). */
  readonly detachKeys: Uint8Array;
}

/** How a session ended: the process's output ended, or the user typed the detach keys. */
export type SessionEnd = 'ended' | 'detached';

/** docker's message when `-it` meets a stdin that is not a terminal (exit 1). */
export const NOT_A_TTY = 'the input device is not a TTY';

/** Refuses `-i -t` when stdin is not a terminal, before anything is created. */
export function requireTerminalInput(io: CommandIO, attachStdin: boolean, tty: boolean): void {
  if (attachStdin && tty && io.stdin.isTTY !== true) throw new StatusError(1, NOT_A_TTY);
}

/**
 * Runs the session until the output ends (`'ended'`) or the detach keys are typed (`'detached'`: the
 * connection is closed, the process keeps running). Output read errors after a detach are expected
 * and ignored; others reject. The terminal is back in its own mode when this settles.
 */
export async function pipeSession(
  session: SessionStreams,
  io: CommandIO,
  options: PipeOptions,
): Promise<SessionEnd> {
  const restoreTerminal = options.stdin && options.tty ? rawTerminal(io) : () => undefined;
  let detach!: () => void;
  const detached = new Promise<'detached'>((resolve) => {
    detach = () => resolve('detached');
  });
  const stopInput = options.stdin
    ? forwardInput(
        io.stdin,
        session.stdin,
        options.tty ? new DetachKeyMatcher(options.detachKeys) : undefined,
        () => {
          session.close();
          detach();
        },
      )
    : () => undefined;
  const ended = copyOutput(session.output, io).then(() => 'ended' as const);
  try {
    const outcome = await Promise.race([ended, detached]);
    if (outcome === 'detached') ended.catch(() => undefined);
    return outcome;
  } finally {
    stopInput();
    restoreTerminal();
  }
}

/**
 * Raw mode on a terminal stdin (keys go to the process as typed: Ctrl-C is a byte, not SIGINT),
 * unless `NORAW` is set (docker's escape hatch). Returns the function that restores it.
 */
function rawTerminal(io: CommandIO): () => void {
  const input = io.stdin;
  if (input.isTTY !== true || !input.setRawMode || io.env.NORAW) return () => undefined;
  input.setRawMode(true);
  return () => input.setRawMode?.(false);
}

/**
 * Copies `input` to the process's stdin with backpressure; input's end half-closes the connection.
 * With a matcher, the detach sequence calls `onDetach` and nothing after it is sent. Returns the
 * function that stops reading (input is paused, not closed: it is the user's stdin).
 */
function forwardInput(
  input: Input,
  target: SessionStreams['stdin'],
  matcher: DetachKeyMatcher | undefined,
  onDetach: () => void,
): () => void {
  const send = (bytes: Uint8Array) => {
    if (bytes.length === 0 || !target.writable) return;
    if (!target.write(bytes)) {
      input.pause();
      target.once('drain', () => input.resume());
    }
  };
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!matcher) return send(bytes);
    const scan = matcher.scan(bytes);
    send(scan.forward);
    if (scan.detached) {
      stop();
      onDetach();
    }
  };
  const onEnd = () => {
    if (matcher) send(matcher.flush());
    if (target.writable) target.end();
  };
  // A write racing the connection's close must not crash the CLI; the output side reports failures.
  const ignore = () => undefined;
  const stop = () => {
    input.off('data', onData);
    input.off('end', onEnd);
    target.off('error', ignore);
    input.pause();
  };
  target.on('error', ignore);
  input.on('data', onData);
  input.once('end', onEnd);
  input.resume();
  return stop;
}

/** Writes each frame where it belongs, waiting for a full output to drain (`run … | slow-reader`). */
async function copyOutput(output: AsyncIterable<LogFrame>, io: CommandIO): Promise<void> {
  for await (const frame of output) {
    const target = frame.stream === 'stderr' ? io.stderr : io.stdout;
    target.write(frame.data);
    await drained(target);
  }
}

function drained(output: Output): Promise<void> {
  const stream = output.stream as NodeJS.WritableStream & { writableNeedDrain?: boolean };
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/**
 * Keeps the process's TTY the size of the user's terminal: now (retried ten times over ~0.5 s, as
 * docker does — the process may not be running yet — then `failed to resize tty, using default
 * size`) and on every window change (SIGWINCH: the terminal stream's `resize` event). With `nudge`,
 * the first size sent is one row and column larger, then the real one follows — docker's way to make
 * a shell redraw its prompt on a second attach. Returns the function that stops following.
 */
export function followTerminalSize(
  io: CommandIO,
  resize: (size: { h: number; w: number }) => Promise<unknown>,
  options: { nudge?: boolean } = {},
): () => void {
  const send = (extra = 0) => {
    const size = io.terminalSize();
    return size ? resize({ h: size.rows + extra, w: size.columns + extra }) : Promise.resolve();
  };
  let stopped = false;
  const initial = async () => {
    if (options.nudge) await send(1).catch(() => undefined);
    for (let attempt = 0; attempt <= 10 && !stopped; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, attempt * 10).unref());
      try {
        await send();
        return;
      } catch {
        // Not running yet, or gone: try again.
      }
    }
    if (!stopped) io.stderr.write('failed to resize tty, using default size\n');
  };
  void initial();
  const onResize = () => void send().catch(() => undefined);
  io.stdout.stream.on('resize', onResize);
  return () => {
    stopped = true;
    io.stdout.stream.off('resize', onResize);
  };
}

/**
 * docker's `--sig-proxy`: every signal the CLI receives goes to the container (`kill -s`) instead of
 * ending the CLI. Returns the function that stops forwarding.
 */
export function proxySignals(io: CommandIO, kill: (signal: NodeJS.Signals) => Promise<unknown>): () => void {
  return io.trapSignals((signal) => void kill(signal).catch(() => undefined));
}
