/**
 * The one way the UI talks to the console: same-origin fetch with the session cookie, the CSRF
 * header on every mutation, and every refusal turned into an ApiError carrying the server's code and
 * message (which already say what to do).
 */
import type { ApiErrorBody } from '@gantry/server/api-types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The session's CSRF token (from login or /api/auth/me); mutations send it as X-CSRF-Token. */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Listeners told when any call answers 401 (the session ended): the app shows the login page. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export interface RequestOptions {
  readonly query?: Query;
  /** JSON-encoded unless a Blob / ArrayBuffer / FormData (sent as is with `contentType`). */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

/** `/api/engines/<engine>/<segments…>`, each segment percent-encoded (an image ref is one segment). */
export function enginePath(engine: string, ...segments: string[]): string {
  return ['/api/engines', engine, ...segments]
    .map((part, index) => (index ? encodeURIComponent(part) : part))
    .join('/');
}

export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, item);
    else search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** One request; resolves with the Response when it is 2xx, else throws ApiError. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    const raw =
      options.body instanceof Blob || options.body instanceof ArrayBuffer || options.body instanceof FormData;
    body = raw ? (options.body as BodyInit) : JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? (raw ? 'application/octet-stream' : 'application/json');
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'the console did not answer — check that it is running and reload');
  }
  if (response.ok) return response;
  const parsed = (await response.json().catch(() => undefined)) as ApiErrorBody | undefined;
  const error = parsed?.error;
  if (response.status === 401 && !path.startsWith('/api/auth/login'))
    for (const listener of signedOutListeners) listener();
  throw new ApiError(
    response.status,
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? `the console answered ${response.status} ${response.statusText}`,
    error?.details,
  );
}

/** A JSON call: the parsed answer (undefined for 204). */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * The lines of an `application/x-ndjson` answer (pull, push, build progress), parsed as they arrive.
 *
 * @example
 * ```ts
 * for await (const frame of ndjson<ProgressFrame>(await send('POST', path, { body }))) render(frame);
 * ```
 */
export async function* ndjson<T>(response: Response): AsyncIterable<T> {
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) return;
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
      newline = pending.indexOf('\n');
    }
  }
  if (pending.trim()) yield JSON.parse(pending) as T;
}

/** The ws:// or wss:// URL of a realtime channel path on this console. */
export function socketUrl(path: string, query?: Query): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${withQuery(path, query)}`;
}

/** What to show for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
