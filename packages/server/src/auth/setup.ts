/**
 * First start without default credentials: when there is no user, a one-time setup token is made,
 * its SHA-256 kept in settings `setup_token_hash`, and the token printed once. `POST /api/setup`
 * with it creates the first admin and deletes the token in one transaction (under the users lock),
 * so of two racing requests only one wins; once a user exists setup answers 410 forever.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import { hashPassword } from '../security/passwords.ts';
import { newSetupToken, sha256Hex } from '../security/tokens.ts';
import { checkPassword, checkUsername, insertUser, USERS_LOCK, type User } from './users.ts';

const SETUP_TOKEN_KEY = 'setup_token_hash';

export interface SetupService {
  /**
   * At start: a new setup token to print once when the console has no user yet (replacing an
   * earlier one), else undefined.
   */
  prepare(): Promise<string | undefined>;
  /** Whether the console still waits for its first admin. */
  required(): Promise<boolean>;
  /** Creates the first admin; 410 `SETUP_DONE` once done, 403 `INVALID_SETUP_TOKEN` for a wrong token. */
  complete(input: { token: string; username: string; password: string }): Promise<User>;
}

export const setupDone = () =>
  new HttpError(410, 'SETUP_DONE', 'the console is set up already: sign in at POST /api/auth/login');

const sameHash = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

export function createSetupService(db: Database): SetupService {
  const hasUsers = async () => (await db.get('SELECT id FROM users LIMIT 1')) !== undefined;
  return {
    async prepare() {
      return db.transaction(
        async (tx) => {
          if (await tx.get('SELECT id FROM users LIMIT 1')) {
            await tx.run('DELETE FROM settings WHERE key = $1', [SETUP_TOKEN_KEY]);
            return undefined;
          }
          const token = newSetupToken();
          await tx.run(
            'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
            [SETUP_TOKEN_KEY, sha256Hex(token)],
          );
          return token;
        },
        { lock: USERS_LOCK },
      );
    },
    async required() {
      return !(await hasUsers());
    },
    async complete(input) {
      if (await hasUsers()) throw setupDone();
      checkUsername(input.username);
      checkPassword(input.password);
      // Hashing takes a while: done before the transaction so it holds the lock briefly.
      const passwordHash = await hashPassword(input.password);
      return db.transaction(
        async (tx) => {
          if (await tx.get('SELECT id FROM users LIMIT 1')) throw setupDone();
          const stored = await tx.get<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
            SETUP_TOKEN_KEY,
          ]);
          if (!stored || !sameHash(stored.value, sha256Hex(input.token))) {
            throw new HttpError(
              403,
              'INVALID_SETUP_TOKEN',
              'the setup token is wrong: use the one the console printed at its last start (restart it for a new one)',
            );
          }
          await tx.run('DELETE FROM settings WHERE key = $1', [SETUP_TOKEN_KEY]);
          return insertUser(tx, { username: input.username, passwordHash, role: 'admin', engines: '*' });
        },
        { lock: USERS_LOCK },
      );
    },
  };
}
