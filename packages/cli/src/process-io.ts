/**
 * The CLI's environment in a real process: process streams, `process.env`, the terminal, the clock,
 * and an engine client from `@gantry/engine`, imported only when a command first needs it.
 */
import type { CliEnvironment } from './cli.ts';
import type { Input, Output } from './io.ts';

export function processEnvironment(signal: AbortSignal): CliEnvironment {
  return {
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    // Touching process.stdin opens it; only commands that read it (run -i, exec -i, load, …) do.
    get stdin(): Input {
      return process.stdin;
    },
    env: process.env,
    signal,
    terminalSize: () =>
      process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined,
    trapSignals,
    now: () => Date.now(),
    connect: async (options) => (await import('@gantry/engine')).connect(options),
  };
}

/** The signals `--sig-proxy` forwards (SIGUSR1 is Node's debugger's; SIGKILL and SIGSTOP cannot be caught). */
const TRAPPABLE_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR2',
  'SIGTSTP',
];

const signalTraps = new Set<(signal: NodeJS.Signals) => void>();

/** Whether a command took the process's signals: main's Ctrl-C handling then stands aside. */
export function signalsTrapped(): boolean {
  return signalTraps.size > 0;
}

function trapSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  const trap = (signal: NodeJS.Signals) => handler(signal);
  signalTraps.add(trap);
  for (const signal of TRAPPABLE_SIGNALS) process.on(signal, trap);
  return () => {
    signalTraps.delete(trap);
    for (const signal of TRAPPABLE_SIGNALS) process.off(signal, trap);
  };
}

function output(stream: NodeJS.WriteStream): Output {
  // A closed pipe (`gantry ps | head -1`) is not an error worth a stack trace: stop writing quietly.
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  return {
    write: (chunk) => {
      if (!closed) stream.write(chunk);
    },
    isTTY: stream.isTTY === true,
    stream,
  };
}

/** Resolves once everything written to `stream` has been handed to the OS (before process.exit). */
export function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
}
