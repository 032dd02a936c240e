/**
 * API tokens (`Authorization: Bearer gty_...`): shown once at creation, stored as SHA-256, with a
 * role, an engine scope and an optional expiry; revocable. A token never exceeds its owner: the
 * authenticator intersects its role and engines with the owner's, and a disabled or deleted owner
 * disables it.
 */
import type { Database } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import { API_TOKEN_PREFIX, newApiToken, newId, sha256Hex } from '../security/tokens.ts';
import type { RoleStore } from './roles.ts';
import {
  decodeEngines,
  type EngineGrant,
  encodeEngines,
  type User,
  type UserRow,
  userFromRow,
} from './users.ts';

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly userId: string;
  readonly role: string;
  readonly engines: EngineGrant;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

export interface NewApiToken {
  readonly name: string;
  /** Default: the owner's role. */
  readonly role?: string | undefined;
  /** Default: `'*'`, i.e. every engine the owner has. */
  readonly engines?: EngineGrant | undefined;
  /** ms since the epoch; undefined: never expires. */
  readonly expiresAt?: number | undefined;
}

export interface TokenStore {
  /** The new token's secret (returned this once, never again) and its description. */
  create(owner: User, input: NewApiToken): Promise<{ token: string; info: ApiToken }>;
  /** Newest first; one user's tokens, or everyone's. */
  list(userId?: string): Promise<ApiToken[]>;
  get(id: string): Promise<ApiToken | undefined>;
  revoke(id: string): Promise<ApiToken>;
  /** The live token and its owner for a bearer value, or undefined (unknown, revoked, expired, owner disabled). */
  resolve(bearer: string): Promise<{ token: ApiToken; owner: User } | undefined>;
}

type TokenRow = {
  id: string;
  name: string;
  token_hash: string;
  user_id: string;
  role: string;
  engines: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
};

/** `last_used_at` is written at most this often (ms). */
const TOUCH_INTERVAL_MS = 60_000;
const optionalNumber = (value: number | null) => (value === null ? null : Number(value));

const fromRow = (row: TokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  userId: row.user_id,
  role: row.role,
  engines: decodeEngines(row.engines),
  createdAt: Number(row.created_at),
  expiresAt: optionalNumber(row.expires_at),
  lastUsedAt: optionalNumber(row.last_used_at),
  revokedAt: optionalNumber(row.revoked_at),
});

const notFound = (id: string) =>
  new HttpError(404, 'TOKEN_NOT_FOUND', `there is no API token with id "${id}"`);

export function createTokenStore(db: Database, roles: RoleStore): TokenStore {
  const get = async (id: string) => {
    const row = await db.get<TokenRow>('SELECT * FROM api_tokens WHERE id = $1', [id]);
    return row ? fromRow(row) : undefined;
  };
  return {
    async create(owner, input) {
      const name = input.name.trim();
      if (name === '' || name.length > 100) {
        throw new HttpError(
          400,
          'INVALID_TOKEN_NAME',
          'a token name has 1 to 100 characters, e.g. "ci deploy"',
        );
      }
      const role = input.role ?? owner.role;
      await roles.assertExists(role);
      if (input.expiresAt !== undefined && input.expiresAt <= Date.now()) {
        throw new HttpError(400, 'INVALID_EXPIRY', 'expiresAt must be in the future (ms since the epoch)');
      }
      const token = newApiToken();
      const id = newId();
      await db.run(
        `INSERT INTO api_tokens (id, name, token_hash, user_id, role, engines, created_at, expires_at, last_used_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)`,
        [
          id,
          name,
          sha256Hex(token),
          owner.id,
          role,
          encodeEngines(input.engines ?? '*'),
          Date.now(),
          input.expiresAt ?? null,
        ],
      );
      return { token, info: (await get(id)) as ApiToken };
    },
    async list(userId) {
      const rows =
        userId === undefined
          ? await db.all<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at DESC')
          : await db.all<TokenRow>('SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC', [
              userId,
            ]);
      return rows.map(fromRow);
    },
    get,
    async revoke(id) {
      const { changes } = await db.run(
        'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [Date.now(), id],
      );
      const token = await get(id);
      if (!token) throw notFound(id);
      if (changes === 0)
        throw new HttpError(409, 'TOKEN_REVOKED', `API token "${token.name}" is already revoked`);
      return token;
    },
    async resolve(bearer) {
      if (!bearer.startsWith(API_TOKEN_PREFIX)) return undefined;
      const row = await db.get<TokenRow>('SELECT * FROM api_tokens WHERE token_hash = $1', [
        sha256Hex(bearer),
      ]);
      if (!row) return undefined;
      const token = fromRow(row);
      const now = Date.now();
      if (token.revokedAt !== null || (token.expiresAt !== null && now >= token.expiresAt)) return undefined;
      const ownerRow = await db.get<UserRow>('SELECT * FROM users WHERE id = $1', [token.userId]);
      if (!ownerRow) return undefined;
      const owner = userFromRow(ownerRow);
      if (owner.disabled) return undefined;
      if (token.lastUsedAt === null || now - token.lastUsedAt >= TOUCH_INTERVAL_MS) {
        await db.run('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [now, token.id]);
      }
      return { token: { ...token, lastUsedAt: now }, owner };
    },
  };
}
