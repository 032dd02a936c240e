/**
 * How a command ends badly. Commands throw (or return a non-zero code); only main.ts turns that into
 * an exit. Exit codes follow the docker CLI: 1 for a failed operation or bad arguments, 125 for a bad
 * flag (and for `run`'s own failures), 126 / 127 when the container command cannot be invoked / is not
 * found, else the container's own code.
 */

/** Ends the command with `status`; a non-empty message goes to stderr as it is. */
export class StatusError extends Error {
  readonly status: number;
  constructor(status: number, message = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StatusError';
    this.status = status;
  }
}

/**
 * A command line the command cannot use. Printed as docker does: the problem, the usage line, and a
 * pointer to `--help`. Flag problems exit 125, argument problems 1 (docker's codes).
 */
export class UsageError extends StatusError {
  /** The command path as typed for help, e.g. `gantry container ls`. */
  readonly commandPath: string;
  /** The usage line (`gantry ps [OPTIONS]`), when there is one to show. */
  readonly usage: string | undefined;
  /** Arguments and unknown-command errors are prefixed `gantry: ` (docker's `docker: `); flag errors are not. */
  readonly prefixed: boolean;
  /** docker says "See '… --help'" for too few arguments and "Run '… --help'" everywhere else. */
  readonly hint: 'Run' | 'See';
  constructor(
    message: string,
    context: {
      commandPath: string;
      usage?: string | undefined;
      kind: 'flag' | 'args' | 'command';
      hint?: 'Run' | 'See';
    },
  ) {
    super(context.kind === 'flag' ? 125 : 1, message);
    this.name = 'UsageError';
    this.commandPath = context.commandPath;
    this.usage = context.usage;
    this.prefixed = context.kind !== 'flag';
    this.hint = context.hint ?? 'Run';
  }
}

/** What main prints for an error, and the exit code. */
export interface ErrorReport {
  readonly text: string;
  readonly status: number;
}

/** Ctrl-C: the shell's convention, 128 + SIGINT. */
const INTERRUPTED = 130;

/**
 * The one-line message (plus, with `debug`, the error code, request and cause chain) and exit code
 * for anything a command threw. SDK errors are recognised by their stable `code`; the SDK module is
 * imported only here, when an error that is not the CLI's own reaches main (it is loaded already when
 * the error came from it).
 */
export async function describeError(err: unknown, debug: boolean): Promise<ErrorReport> {
  if (err instanceof UsageError) return { text: usageText(err), status: err.status };
  if (err instanceof StatusError) return { text: withDetail(err.message, err, debug), status: err.status };
  const engine = await import('@gantry/engine');
  if (engine.isAbort(err)) return { text: '', status: INTERRUPTED };
  if (err instanceof engine.EngineApiError) {
    const detail = debug
      ? [`error code: ${err.code} (HTTP ${err.status} on ${err.method} ${err.path}, ${err.operation})`]
      : [];
    // docker's wording, so scripts that match on it keep working.
    return { text: [`Error response from daemon: ${err.message}`, ...detail].join('\n'), status: 1 };
  }
  if (err instanceof engine.EngineError) {
    return { text: withDetail(err.message, err, debug, `error code: ${err.code}`), status: 1 };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { text: withDetail(message, err, debug), status: 1 };
}

function usageText(err: UsageError): string {
  const lines = [err.prefixed ? `gantry: ${err.message}` : err.message];
  if (err.usage) lines.push('', `Usage:  ${err.usage}`);
  lines.push('', `${err.hint} '${err.commandPath} --help' for more information`);
  return lines.join('\n');
}

/** The message, then with `debug` the code line, each cause in turn and the stack of a non-CLI error. */
function withDetail(message: string, err: unknown, debug: boolean, codeLine?: string): string {
  if (!debug) return message;
  const lines = [message];
  if (codeLine) lines.push(codeLine);
  let cause = err instanceof Error ? err.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 8; depth++) {
    const code = (cause as { code?: unknown }).code;
    const text = cause instanceof Error ? cause.message : String(cause);
    lines.push(`caused by: ${text}${typeof code === 'string' ? ` (${code})` : ''}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (err instanceof Error && !(err instanceof StatusError) && err.stack) lines.push(err.stack);
  return lines.join('\n');
}
