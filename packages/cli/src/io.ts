/**
 * Everything a command touches outside its arguments, injected so commands stay pure and testable:
 * output streams, stdin, the environment, the terminal, the clock, cancellation and the engine client.
 * main.ts builds the real one (process-io.ts); tests build a fake (test/support.ts).
 */
import type { DockerClient } from '@gantry/engine';

export interface Output {
  /** Writes text (UTF-8) or bytes, in order with the other writes to this output. */
  write(chunk: string | Uint8Array): void;
  /** Whether this output is a terminal (progress bars redraw in place only then). */
  readonly isTTY: boolean;
  /** The stream itself, for piping bulk data with backpressure (`logs -f`, `export`, `save`). */
  readonly stream: NodeJS.WritableStream;
}

export interface Input extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
}

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export interface CommandIO {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: Input;
  /** The environment the command sees (`DOCKER_*`, `HOME`, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C (SIGINT): pass it to every SDK call so the request is closed. */
  readonly signal: AbortSignal;
  /** `-D` was given: print extra detail (main adds error codes and causes itself). */
  readonly debug: boolean;
  /**
   * The global connection flags as given (`--context`, `-H`); the `context` commands decide the
   * current context by them, as docker does (`--context` first, `-H` means `default`).
   */
  readonly connection?: { readonly context: string | undefined; readonly hosts: readonly string[] };
  /** The terminal's size, or undefined when stdout is not a terminal. */
  terminalSize(): TerminalSize | undefined;
  /**
   * Routes the signals a user sends the CLI (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2, SIGTSTP) to
   * `handler` until the returned function is called — docker's `--sig-proxy` (run, attach, start -a)
   * forwards them to the container. While routed, Ctrl-C no longer aborts `signal`.
   */
  trapSignals(handler: (signal: NodeJS.Signals) => void): () => void;
  /**
   * The engine client, from the global flags and `DOCKER_*` environment. Created — and the SDK
   * loaded — on the first call, so commands that never talk to the engine start faster; main
   * closes it after the command.
   */
  client(): Promise<DockerClient>;
  /** Milliseconds since the epoch ("2 minutes ago" columns use it; tests pin it). */
  now(): number;
}
