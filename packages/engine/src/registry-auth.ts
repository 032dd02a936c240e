/**
 * Registry credentials as the Engine API takes them: a base64url-encoded JSON object in the
 * `X-Registry-Auth` header (pull, push, plugin install, distribution inspect) and a map of them in
 * `X-Registry-Config` (build). The encodings here are byte-for-byte those of the Go client
 * (`registry.EncodeAuthConfig`), so a daemon — or a proxy that inspects the header — sees exactly
 * what the docker CLI would send.
 *
 * Credentials never go into an error message: nothing in this module or its callers puts an auth
 * object into text, and `redactSecrets` scrubs the forms the daemon might echo back.
 *
 * @example
 * ```ts
 * import { encodeRegistryAuth } from '@gantry/engine';
 * const header = encodeRegistryAuth({ username: 'ci', password: process.env.REGISTRY_TOKEN, serveraddress: 'registry.example' });
 * ```
 */

/**
 * Credentials for one registry (moby `registry.AuthConfig`). Give either `username` + `password`,
 * or an `identitytoken` (an OAuth refresh token from `system.auth`), or a `registrytoken` (a bearer
 * token sent to the registry as is).
 *
 * @example
 * ```ts
 * const auth: RegistryAuth = { username: 'ci', password: 's3cret', serveraddress: '127.0.0.1:5000' };
 * await docker.images.pull('127.0.0.1:5000/team/app:1.2', { auth }).wait();
 * ```
 */
export interface RegistryAuth {
  username?: string;
  password?: string;
  /** Registry host (`registry.example:5000`, or `https://index.docker.io/v1/` for Docker Hub). */
  serveraddress?: string;
  /** OAuth refresh token, as returned by `system.auth`; replaces username/password. */
  identitytoken?: string;
  /** Bearer token for the registry itself; replaces username/password. */
  registrytoken?: string;
  /** Deprecated by the daemon; still sent when set. */
  email?: string;
}

/** Go's `AuthConfig` field order; every field is `omitempty`, so empty strings are left out too. */
const FIELDS = ['username', 'password', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const;

/** The JSON object Go's `json.Marshal(AuthConfig)` produces: fields in struct order, empty ones omitted. */
function authJson(auth: RegistryAuth): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = auth[field];
    if (typeof value === 'string' && value !== '') out[field] = value;
  }
  return out;
}

/**
 * `JSON.stringify` as Go's `json.Marshal` writes it: Go also escapes `<`, `>`, `&` and the line
 * separators U+2028/U+2029 (as `\u003c` ...), so a password holding them encodes identically.
 */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Go's `base64.URLEncoding`: the URL-safe alphabet, WITH `=` padding (Node's `base64url` drops it). */
function base64UrlPadded(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * The `X-Registry-Auth` header value for `auth`: base64url (padded) of its JSON, exactly as the
 * docker CLI sends it. `{}` (no credentials) encodes as `e30=`, which is what `docker push` sends
 * for an anonymous push — the daemon requires the header there.
 *
 * @example
 * ```ts
 * const header = encodeRegistryAuth({ username: 'ci', password: 's3cret' });
 * // JSON.parse(Buffer.from(header, 'base64url').toString()) -> { username: 'ci', password: 's3cret' }
 * encodeRegistryAuth({}); // 'e30='
 * ```
 */
export function encodeRegistryAuth(auth: RegistryAuth): string {
  return base64UrlPadded(goJson(authJson(auth)));
}

/**
 * The `X-Registry-Config` header value for a build: a map of registry host to credentials, for
 * every registry the build may pull base images from. Keys are sorted as Go's `json.Marshal` sorts
 * map keys, so the value is the CLI's byte for byte.
 *
 * @example
 * ```ts
 * const header = encodeRegistryConfig({
 *   'registry.example': { username: 'ci', password: 's3cret' },
 *   'https://index.docker.io/v1/': { identitytoken: token },
 * });
 * ```
 */
export function encodeRegistryConfig(config: Readonly<Record<string, RegistryAuth>>): string {
  const sorted: Record<string, Record<string, string>> = {};
  for (const key of Object.keys(config).sort()) {
    const auth = config[key];
    if (auth) sorted[key] = authJson(auth);
  }
  return base64UrlPadded(goJson(sorted));
}
