/**
 * Browser sessions: a random id in the `gantry_session` cookie (HttpOnly, SameSite=Strict), stored
 * only as its SHA-256, with a CSRF token that cookie-authenticated mutations must echo. A session
 * ends after `sessionIdleMs` without use and 30 days after login at the latest.
 */
import type { Database } from '../db/database.ts';
import { newCsrfToken, newSessionId, sha256Hex } from '../security/tokens.ts';

export const SESSION_COOKIE = 'gantry_session';
/** Absolute session lifetime: 30 days after login. */
export const SESSION_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often (ms), not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface Session {
  /** SHA-256 of the cookie value: the row's key, safe to log or compare. */
  readonly idHash: string;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
}

export interface SessionStore {
  /** A new session; `cookieValue` goes into the cookie and is not kept. */
  create(
    userId: string,
    client: { ip?: string; userAgent?: string | null },
  ): Promise<{ cookieValue: string; session: Session }>;
  /** The live session for a cookie value, or undefined (unknown, idle too long or past its 30 days). */
  resolve(cookieValue: string): Promise<Session | undefined>;
  remove(idHash: string): Promise<void>;
  /** Ends every session of `userId` except `keepIdHash`; returns how many ended. Tokens are untouched. */
  removeAllForUser(userId: string, keepIdHash?: string): Promise<number>;
}

type SessionRow = {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
};

const fromRow = (row: SessionRow): Session => ({
  idHash: row.id_hash,
  userId: row.user_id,
  csrfToken: row.csrf_token,
  createdAt: Number(row.created_at),
  lastSeenAt: Number(row.last_seen_at),
  expiresAt: Number(row.expires_at),
});

export function createSessionStore(db: Database, options: { idleMs: number }): SessionStore {
  const { idleMs } = options;
  return {
    async create(userId, client) {
      const cookieValue = newSessionId();
      const now = Date.now();
      const row: SessionRow = {
        id_hash: sha256Hex(cookieValue),
        user_id: userId,
        csrf_token: newCsrfToken(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + SESSION_MAX_AGE_MS,
      };
      // Expired sessions are swept here, when someone logs in, rather than by a timer.
      await db.run('DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2', [now, now - idleMs]);
      await db.run(
        `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          row.id_hash,
          row.user_id,
          row.csrf_token,
          now,
          now,
          row.expires_at,
          client.ip ?? null,
          client.userAgent?.slice(0, 512) ?? null,
        ],
      );
      return { cookieValue, session: fromRow(row) };
    },
    async resolve(cookieValue) {
      const idHash = sha256Hex(cookieValue);
      const row = await db.get<SessionRow>('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
      if (!row) return undefined;
      const session = fromRow(row);
      const now = Date.now();
      if (now >= session.expiresAt || now - session.lastSeenAt >= idleMs) {
        await db.run('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
        return undefined;
      }
      if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
        await db.run('UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2', [now, idHash]);
        return { ...session, lastSeenAt: now };
      }
      return session;
    },
    async remove(idHash) {
      await db.run('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
    },
    async removeAllForUser(userId, keepIdHash) {
      const { changes } = await db.run('DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2', [
        userId,
        keepIdHash ?? '',
      ]);
      return changes;
    },
  };
}

/** Whether the request reached the console over https (the cookie is then `Secure`). */
const isHttps = (request: Request) => new URL(request.url).protocol === 'https:';

/** `Set-Cookie` value carrying a new session. */
export const sessionCookie = (request: Request, cookieValue: string): string =>
  [
    `${SESSION_COOKIE}=${cookieValue}`,
    'HttpOnly',
    'SameSite=Strict',
    'Path=/',
    `Max-Age=${SESSION_MAX_AGE_MS / 1000}`,
    ...(isHttps(request) ? ['Secure'] : []),
  ].join('; ');

/** `Set-Cookie` value that makes the browser drop the session cookie. */
export const clearedSessionCookie = (request: Request): string =>
  [
    `${SESSION_COOKIE}=`,
    'HttpOnly',
    'SameSite=Strict',
    'Path=/',
    'Max-Age=0',
    ...(isHttps(request) ? ['Secure'] : []),
  ].join('; ');

/** The session cookie's value in `request`, or undefined. */
export function readSessionCookie(request: Request): string | undefined {
  const header = request.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === SESSION_COOKIE) {
      const value = part.slice(separator + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
