/**
 * Request-target canonicalization: one spelling per request before anything is judged.
 *
 * The daemon's router (gorilla/mux, no SkipClean, no UseEncodedPath, no StrictSlash) percent-decodes
 * the path once, answers 301 to any decoded path that `path.Clean` would change (`//`, `.`, `..`;
 * a trailing `/` is kept), then matches methods exactly and paths case-sensitively. Here every such
 * form is refused instead (never redirected), and so is anything the daemon might read another way:
 * encoded `/`, double encoding, characters outside a small set, trailing slashes, version spellings
 * other than `v1.NN`, `;` in the query (Go's query parser rejects it, older ones split on it), and
 * repeated query keys the daemon would read only the first of.
 */
import { lookupRoute, operationServes } from './routes.ts';
import type { CanonicalRequest, Denial } from './types.ts';

/** A `Headers` object or Node's `IncomingHttpHeaders` (lower-case names). */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * One header's value; repeated headers come back joined with `, ` (as `Headers.get` does).
 *
 * @example
 * ```ts
 * headerValue({ 'content-type': 'application/json' }, 'Content-Type'); // 'application/json'
 * ```
 */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers.get as (n: string) => string | null)(name) ?? undefined;
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[
    name.toLowerCase()
  ];
  return Array.isArray(value) ? value.join(', ') : (value as string | undefined);
}

export const MIN_API_VERSION = '1.41';
export const MAX_API_VERSION = '1.55';
/** `v1.41`..`v1.55` exactly: no leading zeros, no third part (the daemon would accept `v1.041`). */
const VERSION_SEGMENT = /^v1\.(4[1-9]|5[0-5])$/;
/** A first segment the daemon's `/v{version:[0-9.]+}` matcher (or a typo of it) would take. */
const VERSION_LIKE = /^v[0-9.]*$/;
const ENGINE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Methods the Engine API has; anything else (lower case included) is refused. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']);
/** Decoded path characters allowed: enough for ids, names, image and plugin references. */
const PATH_CHARACTERS = /^[A-Za-z0-9._~:@/+-]*$/;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
/** Headers some frameworks read as the real method; the daemon ignores them, so must everyone. */
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override'];

const deny = (status: Denial['status'], rule: string, message: string): { denial: Denial } => ({
  denial: { status, rule: `canonical.${rule}`, message },
});

export type CanonicalResult =
  | { readonly request: Omit<CanonicalRequest, 'body' | 'rawBody'> }
  | { readonly denial: Denial };

/**
 * Turns a raw request line and headers into the operation the daemon would run, or a Denial.
 *
 * @example
 * ```ts
 * const result = canonicalize('POST', '/engines/local/v1.47/containers/abc/start', headers);
 * // { request: { apiVersion: '1.47', engineId: 'local', path: '/containers/abc/start', ... } }
 * ```
 */
export function canonicalize(method: string, rawTarget: string, headers: HeaderSource): CanonicalResult {
  if (!METHODS.has(method)) {
    return deny(400, 'method', `method ${JSON.stringify(method)} is not an Engine API method (upper case)`);
  }
  const override = METHOD_OVERRIDES.find((name) => headerValue(headers, name) !== undefined);
  if (override)
    return deny(400, 'method-override', `remove the ${override} header: methods are not overridden`);
  const framing = checkFraming(headers);
  if (framing) return framing;
  if (!rawTarget.startsWith('/') || rawTarget.startsWith('//')) {
    return deny(400, 'target-form', 'send the request target in origin form: a path starting with one /');
  }
  if (/[^\x21-\x7e]|[#\\]/.test(rawTarget)) {
    return deny(
      400,
      'target-character',
      'the request target holds a space, control, non-ASCII, # or \\ character',
    );
  }
  const queryAt = rawTarget.indexOf('?');
  const rawPath = queryAt < 0 ? rawTarget : rawTarget.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : rawTarget.slice(queryAt + 1);

  const decoded = decodePath(rawPath);
  if ('denial' in decoded) return decoded;
  const shape = checkPathShape(decoded.path);
  if (shape) return shape;

  const segments = decoded.path.split('/').slice(1);
  let engineId: string | undefined;
  if (segments[0] === 'engines') {
    engineId = segments[1];
    if (engineId === undefined || !ENGINE_ID.test(engineId) || segments.length < 3) {
      return deny(
        400,
        'engine-prefix',
        'use /engines/<engine id>/<API path>; the engine id is letters, digits, _ . -',
      );
    }
    segments.splice(0, 2);
  }
  let apiVersion: string | undefined;
  const first = segments[0] ?? '';
  if (VERSION_LIKE.test(first)) {
    if (!VERSION_SEGMENT.test(first)) {
      return deny(
        400,
        'version',
        `API version /${first} is not served here: use /v${MIN_API_VERSION} to /v${MAX_API_VERSION}, or no version prefix`,
      );
    }
    apiVersion = first.slice(1);
    segments.shift();
    if (VERSION_LIKE.test(segments[0] ?? '')) return deny(400, 'version', 'send one version prefix, not two');
  }
  const path = `/${segments.join('/')}`;

  const found = lookupRoute(method, path);
  if (found.kind === 'ambiguous') {
    const ids = found.operations.map((operation) => operation.id).join(', ');
    return deny(
      400,
      'ambiguous-route',
      `${method} ${path} could name ${ids}; the gateway routes only one reading`,
    );
  }
  if (found.kind === 'slash-in-param') {
    return deny(400, 'slash-in-param', `${found.operation.id}: an id or name in ${path} holds a '/'`);
  }
  if (found.kind === 'wrong-method') {
    return deny(405, 'method-not-allowed', `${path} takes ${found.allowed.join(', ')}, not ${method}`);
  }
  if (found.kind === 'none')
    return deny(404, 'unknown-operation', `${method} ${path} is no Engine API operation`);
  const { operation, params } = found.match;
  if (apiVersion !== undefined && !operationServes(operation, apiVersion)) {
    const range = `${operation.minVersion}${operation.maxVersion ? `..${operation.maxVersion}` : '+'}`;
    return deny(404, 'version-range', `${operation.id} needs API ${range}, not ${apiVersion}`);
  }

  const query = parseQuery(rawQuery, operation.query);
  if ('denial' in query) return query;
  return {
    request: { method, apiVersion, path, engineId, operation, params, query: query.query },
  };
}

/**
 * Percent-decodes the path once, refusing what would decode differently elsewhere: bad escapes,
 * `%2F` (the daemon routes on the decoded `/`), a `%` left after decoding (double encoding), and
 * any character outside PATH_CHARACTERS (so the canonical path is safe on the wire as it is).
 */
function decodePath(rawPath: string): { path: string } | { denial: Denial } {
  if (/%(?![0-9A-Fa-f]{2})/.test(rawPath))
    return deny(400, 'bad-escape', 'a % in the path starts no %XX escape');
  const escapes = rawPath.match(PERCENT_ESCAPE) ?? [];
  if (escapes.some((sequence) => /^%2f$/i.test(sequence))) {
    return deny(400, 'encoded-slash', 'send / in the path as it is, not as %2F');
  }
  const path = rawPath.replace(PERCENT_ESCAPE, (sequence) =>
    String.fromCharCode(Number.parseInt(sequence.slice(1), 16)),
  );
  if (path.includes('%')) return deny(400, 'double-encoding', 'the path is percent-encoded twice (%25)');
  if (!PATH_CHARACTERS.test(path)) {
    return deny(400, 'path-character', 'the decoded path may hold only letters, digits and . _ ~ : @ / + -');
  }
  return { path };
}

/** The forms gorilla/mux redirects (path.Clean differs) plus trailing slashes: never routed here. */
function checkPathShape(path: string): { denial: Denial } | undefined {
  const segments = path.split('/').slice(1);
  if (path.length > 1 && path.endsWith('/'))
    return deny(400, 'trailing-slash', 'remove the trailing / from the path');
  if (segments.some((segment) => segment === ''))
    return deny(400, 'empty-segment', 'the path holds // (an empty segment)');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    return deny(400, 'dot-segment', 'the path holds a . or .. segment (decoded %2E included)');
  }
  return undefined;
}

/** Request framing the gateway will not guess at (request smuggling, partly read bodies). */
function checkFraming(headers: HeaderSource): { denial: Denial } | undefined {
  const encoding = headerValue(headers, 'transfer-encoding');
  const length = headerValue(headers, 'content-length');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'chunked') {
    return deny(400, 'framing', `Transfer-Encoding ${JSON.stringify(encoding)}: only chunked is accepted`);
  }
  if (encoding !== undefined && length !== undefined) {
    return deny(400, 'framing', 'send Content-Length or Transfer-Encoding: chunked, not both');
  }
  if (length !== undefined && !/^\d{1,15}$/.test(length)) {
    return deny(400, 'framing', `Content-Length ${JSON.stringify(length)} is not one decimal number`);
  }
  return undefined;
}

/**
 * Parses the query once. Refused: `;` (Go's parser rejects it, older ones split on it, WHATWG
 * keeps it), bad `%` escapes (Go drops such pairs), and a repeated key the daemon reads only the
 * first value of (the gateway would judge one value and the daemon might act on another). Keys the
 * operation does not have may repeat (dockerode repeats create-body fields in the query): the
 * daemon reads none of them, and the gateway forwards only the operation's own keys.
 */
function parseQuery(
  rawQuery: string,
  known: Readonly<Record<string, 'one' | 'all'>>,
): { query: URLSearchParams } | { denial: Denial } {
  if (rawQuery.includes(';')) return deny(400, 'query-semicolon', 'separate query parameters with &, not ;');
  if (/%(?![0-9A-Fa-f]{2})/.test(rawQuery))
    return deny(400, 'bad-escape', 'a % in the query starts no %XX escape');
  const query = new URLSearchParams(rawQuery);
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (seen.has(name) && known[name] === 'one') {
      return deny(400, 'duplicate-query', `query parameter ${JSON.stringify(name)} is given more than once`);
    }
    seen.add(name);
  }
  return { query };
}
