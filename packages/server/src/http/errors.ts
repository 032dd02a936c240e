/**
 * HTTP errors of the console and how any thrown value becomes a response: one body shape for every
 * error, `{ error: { code, message, details? } }`, and a status a client can act on.
 */
import { EngineError } from '@gantry/engine';
import { z } from 'zod';

/** An error with the status and stable code the client gets; thrown by routes, channels and services. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

export interface MappedError {
  readonly status: number;
  readonly body: ErrorBody;
  /** Whether the error is the console's own fault (500): logged with its stack, shown generically. */
  readonly internal: boolean;
}

/**
 * Engine error code -> console status and code. The daemon's message is kept (it names the object
 * and the problem, and the SDK keeps secrets out of it).
 * - A registry refusing credentials is the caller's problem with a third party, not a console
 *   authentication failure: 424 Failed Dependency, so a client never mistakes it for "log in again".
 * - API_UNAUTHORIZED from the daemon itself (an authorization plugin) is likewise 424: the console's
 *   caller did authenticate; the engine behind it refused.
 * - API_NOT_MODIFIED (start of a started container, stop of a stopped one) is answered 304 by the
 *   daemon; a 304 must not carry a body, so the console answers 409 `NOT_MODIFIED` with the message.
 */
const ENGINE_STATUS: Partial<Record<EngineError['code'], { status: number; code?: string }>> = {
  API_NOT_FOUND: { status: 404 },
  API_CONFLICT: { status: 409 },
  API_BAD_REQUEST: { status: 400 },
  INVALID_ARGUMENT: { status: 400 },
  API_FORBIDDEN: { status: 403 },
  API_NOT_MODIFIED: { status: 409, code: 'NOT_MODIFIED' },
  API_UNAUTHORIZED: { status: 424 },
  REGISTRY_UNAUTHORIZED: { status: 424 },
  ENGINE_SOCKET_MISSING: { status: 502, code: 'ENGINE_UNREACHABLE' },
  ENGINE_PERMISSION_DENIED: { status: 502, code: 'ENGINE_UNREACHABLE' },
  ENGINE_UNREACHABLE: { status: 502, code: 'ENGINE_UNREACHABLE' },
  ENGINE_TLS: { status: 502, code: 'ENGINE_UNREACHABLE' },
  ENGINE_SSH: { status: 502, code: 'ENGINE_UNREACHABLE' },
  ENGINE_TIMEOUT: { status: 504 },
  VERSION_UNSUPPORTED: { status: 501 },
  API_SERVER: { status: 502, code: 'ENGINE_ERROR' },
  API_ERROR: { status: 502, code: 'ENGINE_ERROR' },
  STREAM_ERROR: { status: 502, code: 'ENGINE_ERROR' },
  STREAM_PROTOCOL: { status: 502, code: 'ENGINE_ERROR' },
  // The client went away (its signal aborted the SDK call): nobody reads this answer.
  ABORTED: { status: 499, code: 'ABORTED' },
};

const INTERNAL_MESSAGE = 'internal error; the server log has the details (look for this request id)';

/** `a.b[0].c` from a zod issue path; `(body)` for the root. */
const fieldPath = (path: readonly PropertyKey[]) =>
  path.length === 0
    ? '(root)'
    : path
        .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`))
        .join('');

/**
 * A 400 `VALIDATION` naming each field that failed, prefixed with where it came from (`body`,
 * `query`, `params`): `body.name: expected string, received undefined`.
 */
export function validationError(error: z.ZodError, where: string): HttpError {
  const fields = error.issues.map((issue) => ({
    field: `${where}.${fieldPath(issue.path)}`.replace(/\.\(root\)$/, ''),
    message: issue.message,
  }));
  const message = fields.map((field) => `${field.field}: ${field.message}`).join('; ');
  return new HttpError(400, 'VALIDATION', `invalid request — ${message}`, { fields });
}

/** Any thrown value -> status and body. Unknown errors become a generic 500 (log the original). */
export function errorResponse(error: unknown): MappedError {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...detailsOf(error.details) } },
      internal: false,
    };
  }
  if (error instanceof z.ZodError) return errorResponse(validationError(error, 'request'));
  if (error instanceof EngineError) {
    const mapped = ENGINE_STATUS[error.code];
    if (mapped) {
      return {
        status: mapped.status,
        body: { error: { code: mapped.code ?? error.code, message: error.message } },
        internal: false,
      };
    }
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } }, internal: true };
}

const detailsOf = (details: unknown) => (details === undefined ? {} : { details });

/** The JSON response for an error (status, body, content type). */
export function errorToResponse(error: unknown): Response {
  const { status, body } = errorResponse(error);
  return Response.json(body, { status });
}
