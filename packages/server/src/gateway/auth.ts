/**
 * Who calls the gateway: a console API token (`Authorization: Bearer gty_...`, what the docker CLI
 * and docker-py send from `HttpHeaders` in config.json and dockerode from its `headers` option) or a
 * client certificate signed by `--gateway-client-ca` and mapped to an API token. Session cookies are
 * never accepted here: a browser page must not drive the Engine API with the user's cookie.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Principal } from '../auth/principal.ts';
import type { ConsoleServices } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { sha256Hex } from '../security/tokens.ts';
import { fingerprintOf } from './certificate.ts';

/** `settings` key prefix of the client certificate -> API token mappings (value: the token's bearer secret, sealed). */
export const CLIENT_CERT_SETTING = 'gateway.client-cert.';

/**
 * Principals resolved in the last second, by the SHA-256 of the Authorization header: a client's
 * request burst costs one token lookup (four database reads) instead of one each. The price: a
 * revoked token, a disabled owner or a changed role takes effect at the gateway within PRINCIPAL_TTL_MS.
 */
const PRINCIPAL_TTL_MS = 1_000;
const MAX_REMEMBERED = 1_000;
type Remembered = Map<string, { principal: Principal; until: number }>;
/** One cache per console (tests run several in one process). */
const caches = new WeakMap<ConsoleServices, Remembered>();

function principalCache(services: ConsoleServices): Remembered {
  let cache = caches.get(services);
  if (!cache) {
    cache = new Map();
    caches.set(services, cache);
  }
  return cache;
}

function remember(recentPrincipals: Remembered, key: string, principal: Principal): void {
  if (recentPrincipals.size >= MAX_REMEMBERED) {
    const now = Date.now();
    for (const [stale, entry] of recentPrincipals) if (entry.until <= now) recentPrincipals.delete(stale);
    if (recentPrincipals.size >= MAX_REMEMBERED) recentPrincipals.clear();
  }
  recentPrincipals.set(key, { principal, until: Date.now() + PRINCIPAL_TTL_MS });
}

/** A refusal to authenticate: always 401, the message says what to send. */
export class GatewayAuthError extends Error {}

/**
 * The principal for `request`, or throws {@link GatewayAuthError}. A presented but bad credential
 * is refused even when another one would have worked: the caller meant that one.
 */
export async function authenticateGatewayRequest(
  services: ConsoleServices,
  request: IncomingMessage,
): Promise<Principal> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const key = sha256Hex(authorization);
    const recentPrincipals = principalCache(services);
    const cached = recentPrincipals.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const headers = new Headers({ authorization });
    try {
      const principal = await services.authenticator.authenticate(
        new Request('http://gateway.invalid/', { headers }),
      );
      if (principal) {
        remember(recentPrincipals, key, principal);
        return principal;
      }
    } catch (error) {
      if (error instanceof HttpError) throw new GatewayAuthError(error.message);
      throw error;
    }
  }
  const socket = request.socket as Partial<TLSSocket>;
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(true) : undefined;
  if (peer?.raw) {
    if (!socket.authorized) {
      throw new GatewayAuthError(
        `the client certificate is not signed by the gateway's client CA (${socket.authorizationError ?? 'unknown'})`,
      );
    }
    const principal = await fromClientCertificate(services, fingerprintOf(peer.raw));
    if (principal) return principal;
    throw new GatewayAuthError(
      'the client certificate is not mapped to an API token of the console, or that token is expired or revoked',
    );
  }
  throw new GatewayAuthError(
    'authentication required: send a console API token as "Authorization: Bearer gty_..." (docker CLI: HttpHeaders in config.json) or a mapped client certificate',
  );
}

/** The token a certificate fingerprint is mapped to, resolved as if its secret had been sent. */
async function fromClientCertificate(
  services: ConsoleServices,
  fingerprint: string,
): Promise<Principal | undefined> {
  const row = await services.db.get<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
    `${CLIENT_CERT_SETTING}${fingerprint}`,
  ]);
  if (!row) return undefined;
  const secret = services.secretBox.open(row.value);
  const headers = new Headers({ authorization: `Bearer ${secret}` });
  return services.authenticator
    .authenticate(new Request('http://gateway.invalid/', { headers }))
    .catch(() => undefined);
}

/**
 * Maps a client certificate (PEM) to an API token: its requests then run as that token, with the
 * token's role, engines, expiry and revocation. The token's secret is stored sealed.
 */
export async function mapClientCertificate(
  services: ConsoleServices,
  certificatePem: string | Buffer,
  tokenSecret: string,
): Promise<string> {
  let fingerprint: string;
  try {
    fingerprint = fingerprintOf(certificatePem);
  } catch {
    throw new HttpError(
      400,
      'VALIDATION',
      'certificate: not a PEM X.509 certificate (-----BEGIN CERTIFICATE-----)',
    );
  }
  if (!(await services.identity.tokens.resolve(tokenSecret)))
    throw new HttpError(
      400,
      'VALIDATION',
      'token: not a live API token of this console (unknown, expired or revoked)',
    );
  const key = `${CLIENT_CERT_SETTING}${fingerprint}`;
  const sealed = services.secretBox.seal(tokenSecret);
  await services.db.run(
    'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2',
    [key, sealed],
  );
  return fingerprint;
}

/** One mapping as the console shows it: never the token's secret, only which token it is and whether it still works. */
export interface ClientCertificateMapping {
  readonly fingerprint: string;
  readonly token: { readonly id: string; readonly name: string; readonly live: boolean } | null;
}

/** Every client certificate mapping, oldest key first. */
export async function listClientCertificates(services: ConsoleServices): Promise<ClientCertificateMapping[]> {
  const rows = await services.db.all<{ key: string; value: string }>(
    'SELECT key, value FROM settings WHERE key LIKE $1 ORDER BY key',
    [`${CLIENT_CERT_SETTING}%`],
  );
  const now = Date.now();
  return Promise.all(
    rows.map(async (row) => {
      const hash = sha256Hex(services.secretBox.open(row.value));
      const token = await services.db.get<{
        id: string;
        name: string;
        revoked_at: number | null;
        expires_at: number | null;
      }>('SELECT id, name, revoked_at, expires_at FROM api_tokens WHERE token_hash = $1', [hash]);
      return {
        fingerprint: row.key.slice(CLIENT_CERT_SETTING.length),
        token: token
          ? {
              id: token.id,
              name: token.name,
              live:
                token.revoked_at === null && (token.expires_at === null || Number(token.expires_at) > now),
            }
          : null,
      };
    }),
  );
}

/** Removes a mapping; false when there was none. */
export async function unmapClientCertificate(
  services: ConsoleServices,
  fingerprint: string,
): Promise<boolean> {
  const removed = await services.db.run('DELETE FROM settings WHERE key = $1', [
    `${CLIENT_CERT_SETTING}${fingerprint}`,
  ]);
  return removed.changes > 0;
}
