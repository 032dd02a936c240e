/**
 * One error taxonomy for the whole SDK. Every error thrown by `@gantry/engine` is an
 * {@link EngineError} with a stable `code`; callers branch on `code` (or the guards below),
 * never on message text.
 *
 * @example
 * ```ts
 * import { connect, isNotFound } from '@gantry/engine';
 * const docker = connect();
 * try {
 *   await docker.containers.inspect('missing');
 * } catch (err) {
 *   if (isNotFound(err)) console.log('no such container');
 *   else throw err;
 * }
 * ```
 */

/**
 * Stable error codes. New codes may be added; existing ones never change meaning.
 *
 * @example
 * ```ts
 * import { EngineError, type EngineErrorCode } from '@gantry/engine';
 * const transient: EngineErrorCode[] = ['ENGINE_UNREACHABLE', 'ENGINE_TIMEOUT', 'API_SERVER'];
 * const retryable = (err: unknown) => err instanceof EngineError && transient.includes(err.code);
 * ```
 */
export type EngineErrorCode =
  | 'ENGINE_SOCKET_MISSING'
  | 'ENGINE_PERMISSION_DENIED'
  | 'ENGINE_UNREACHABLE'
  | 'ENGINE_TLS'
  | 'ENGINE_TIMEOUT'
  | 'ENGINE_SSH'
  | 'API_BAD_REQUEST'
  | 'API_UNAUTHORIZED'
  | 'API_FORBIDDEN'
  | 'API_NOT_FOUND'
  | 'API_CONFLICT'
  | 'API_NOT_MODIFIED'
  | 'API_SERVER'
  | 'API_ERROR'
  | 'STREAM_ERROR'
  | 'STREAM_PROTOCOL'
  | 'VERSION_UNSUPPORTED'
  | 'ABORTED'
  | 'INVALID_ARGUMENT'
  | 'CONFIG'
  | 'REGISTRY_UNAUTHORIZED';

/**
 * Base class of every error the SDK throws.
 *
 * @example
 * ```ts
 * import { EngineError } from '@gantry/engine';
 * try { await docker.system.ping(); } catch (err) {
 *   if (err instanceof EngineError) console.error(err.code, err.message);
 * }
 * ```
 */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(redactSecrets(message), options);
    this.name = 'EngineError';
    this.code = code;
  }
}

/**
 * The engine could not be reached: socket missing, permission denied, refused, TLS failure or
 * connect timeout. `message` names the endpoint and what to do about it.
 *
 * @example
 * ```ts
 * import { connect, EngineConnectionError } from '@gantry/engine';
 * try { await connect({ host: 'unix:///nope.sock' }).system.ping(); }
 * catch (err) { if (err instanceof EngineConnectionError) console.error(err.endpoint, err.hint); }
 * ```
 */
export class EngineConnectionError extends EngineError {
  /** The endpoint as a URL-like string, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** What to do about it, one sentence. */
  readonly hint: string;
  constructor(
    code: EngineErrorCode,
    endpoint: string,
    problem: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(code, `cannot reach the engine at ${endpoint}: ${problem} — ${hint}`, options);
    this.name = 'EngineConnectionError';
    this.endpoint = endpoint;
    this.hint = hint;
  }
}

/**
 * The daemon answered with an error status. `message` is the daemon's own message.
 *
 * @example
 * ```ts
 * import { EngineApiError } from '@gantry/engine';
 * try { await docker.images.inspect('nope'); }
 * catch (err) { if (err instanceof EngineApiError) console.error(err.status, err.operation); }
 * ```
 */
export class EngineApiError extends EngineError {
  readonly status: number;
  readonly method: string;
  /** The request path without query string (query strings may carry credentials). */
  readonly path: string;
  /** The Engine API operationId, e.g. `ContainerInspect`. */
  readonly operation: string;
  constructor(status: number, message: string, request: { method: string; path: string; operation: string }) {
    super(codeForStatus(status), message || `HTTP ${status}`);
    this.name = 'EngineApiError';
    this.status = status;
    this.method = request.method;
    this.path = request.path;
    this.operation = request.operation;
  }
}

/**
 * An error reported inside a stream (progress `error` message, stderr system frame, malformed data).
 *
 * @example
 * ```ts
 * import { EngineStreamError } from '@gantry/engine';
 * try { await docker.images.pull('nope:latest').wait(); }
 * catch (err) { if (err instanceof EngineStreamError) console.error(err.message); }
 * ```
 */
export class EngineStreamError extends EngineError {
  /** The in-stream error detail as sent by the daemon, when there was one. */
  readonly detail: unknown;
  constructor(code: 'STREAM_ERROR' | 'STREAM_PROTOCOL', message: string, detail?: unknown) {
    super(code, message);
    this.name = 'EngineStreamError';
    this.detail = detail;
  }
}

/**
 * A build step failed (`STREAM_ERROR`): `message` is the daemon's (`The command '/bin/sh -c make'
 * returned a non-zero code: 2`), and `log` the build output that came before it — the step lines
 * and the failing command's own output — so `wait()` alone is enough to show what went wrong.
 *
 * @example
 * ```ts
 * import { EngineBuildError } from '@gantry/engine';
 * try { await docker.images.build({ directory: './app' }).wait(); }
 * catch (err) { if (err instanceof EngineBuildError) console.error(`${err.log}\n${err.message}`); }
 * ```
 */
export class EngineBuildError extends EngineStreamError {
  /** The build output before the failure (its last 64 KiB for a longer log), credentials in URLs masked. */
  readonly log: string;
  constructor(message: string, detail: unknown, log: string) {
    super('STREAM_ERROR', message, detail);
    this.name = 'EngineBuildError';
    // Build output may print URLs with credentials (`git clone https://user:token@…`).
    this.log = redactSecrets(log);
  }
}

/**
 * A parameter or operation needs a newer API version than the one in use. Thrown before any
 * request is sent.
 *
 * @example
 * ```ts
 * import { EngineVersionError } from '@gantry/engine';
 * try { await docker.volumes.update('v', { version: 1 }); }
 * catch (err) { if (err instanceof EngineVersionError) console.error(err.required, err.negotiated); }
 * ```
 */
export class EngineVersionError extends EngineError {
  readonly required: string;
  readonly negotiated: string;
  constructor(what: string, required: string, negotiated: string) {
    super(
      'VERSION_UNSUPPORTED',
      `${what} requires API version ${required}, but this connection uses ${negotiated} — upgrade the engine or pin a newer apiVersion only if the engine supports it`,
    );
    this.name = 'EngineVersionError';
    this.required = required;
    this.negotiated = negotiated;
  }
}

/**
 * A registry refused a pull or push for want of valid credentials — whether the daemon said so
 * with a status (401; Docker 20.10 sends a 500) or inside the progress stream ("unauthorized",
 * "no basic auth credentials", "authentication required"). Configured credentials were looked up
 * again and retried once before this is thrown. `cause` is the daemon's error as it arrived.
 *
 * @example
 * ```ts
 * import { RegistryAuthError } from '@gantry/engine';
 * try { await docker.images.push('registry.example/team/app:1').wait(); }
 * catch (err) {
 *   if (err instanceof RegistryAuthError) console.error(`log in to ${err.registry} (credentials: ${err.credentials})`);
 * }
 * ```
 */
export class RegistryAuthError extends EngineError {
  /** The registry, as its credentials are keyed: `registry.example:5000`, `https://index.docker.io/v1/`. */
  readonly registry: string;
  /** What was sent: `auth` given to the call, credentials from the client's credential source, or none. */
  readonly credentials: 'explicit' | 'configured' | 'none';
  constructor(
    registry: string,
    credentials: 'explicit' | 'configured' | 'none',
    message: string,
    options?: { cause?: unknown },
  ) {
    super('REGISTRY_UNAUTHORIZED', message, options);
    this.name = 'RegistryAuthError';
    this.registry = registry;
    this.credentials = credentials;
  }
}

function codeForStatus(status: number): EngineErrorCode {
  if (status === 304) return 'API_NOT_MODIFIED';
  if (status === 400) return 'API_BAD_REQUEST';
  if (status === 401) return 'API_UNAUTHORIZED';
  if (status === 403) return 'API_FORBIDDEN';
  if (status === 404) return 'API_NOT_FOUND';
  if (status === 409) return 'API_CONFLICT';
  if (status >= 500) return 'API_SERVER';
  return 'API_ERROR';
}

/**
 * Strips credentials from text: basic-auth userinfo in URLs, `X-Registry-Auth` / `X-Registry-Config`
 * values, bearer tokens and `password`/`identitytoken` JSON fields.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***@')
    .replace(/(X-Registry-(?:Auth|Config)\s*[:=]\s*)[^\s,;"]+/gi, '$1***')
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1***')
    .replace(/("(?:password|identitytoken|registrytoken|auth)"\s*:\s*")[^"]*"/gi, '$1***"');
}

/** @example `if (isNotFound(err)) return null;` */
export const isNotFound = (err: unknown): err is EngineApiError =>
  err instanceof EngineError && err.code === 'API_NOT_FOUND';
/** @example `if (isConflict(err)) console.log('name in use');` */
export const isConflict = (err: unknown): err is EngineApiError =>
  err instanceof EngineError && err.code === 'API_CONFLICT';
/** @example `if (isConnectionError(err)) console.error(err.hint);` */
export const isConnectionError = (err: unknown): err is EngineConnectionError =>
  err instanceof EngineConnectionError;
/** @example `if (isAbort(err)) return;` */
export const isAbort = (err: unknown): boolean =>
  (err instanceof EngineError && err.code === 'ABORTED') ||
  (err instanceof Error && err.name === 'AbortError');

/** The error thrown when a caller's AbortSignal fires. */
export function abortError(signal?: AbortSignal): EngineError {
  const reason = signal?.reason;
  const why =
    reason instanceof Error ? reason.message : reason ? String(reason) : 'the operation was aborted';
  return new EngineError('ABORTED', why, { cause: reason });
}
