/**
 * Local users: username, scrypt password hash, role, engine grants, disabled flag and the lockout
 * counters the login limiter keeps. The console always keeps one enabled admin: the last one
 * cannot be removed, disabled or given another role (409).
 */
import type { Database, Queryable } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import { hashPassword, passwordProblem } from '../security/passwords.ts';
import { newId } from '../security/tokens.ts';
import type { RoleStore } from './roles.ts';

/** Engine ids granted, or `'*'` for every engine, present and future. */
export type EngineGrant = '*' | readonly string[];

export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: string;
  readonly engines: EngineGrant;
  readonly disabled: boolean;
  readonly failedLogins: number;
  /** ms since the epoch until which logins are refused, or null. */
  readonly lockedUntil: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: string;
  readonly engines?: EngineGrant | undefined;
}

export interface UserChanges {
  readonly role?: string | undefined;
  readonly engines?: EngineGrant | undefined;
  readonly disabled?: boolean | undefined;
}

export interface UserStore {
  list(): Promise<User[]>;
  get(id: string): Promise<User | undefined>;
  /** The user and its password hash, for the login (usernames compare case-insensitively). */
  findForLogin(username: string): Promise<{ user: User; passwordHash: string } | undefined>;
  create(input: NewUser): Promise<User>;
  update(id: string, changes: UserChanges): Promise<User>;
  /** Sets a new password (policy checked) and clears the lockout. */
  setPassword(id: string, password: string): Promise<void>;
  /** Re-hashes a password just verified at login with the current scrypt cost (no policy check). */
  rehash(id: string, password: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** Clears failed logins and the lock. */
  unlock(id: string): Promise<User>;
  /** Whether any user exists (no user: the console waits for setup). */
  any(): Promise<boolean>;
}

export type UserRow = {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  engines: string;
  disabled: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
};

/** Starts with a letter or digit; letters, digits, `.`, `_`, `@`, `-`; up to 64 characters. */
const USERNAME = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/;
/** Users and their roles change under this lock, so two requests cannot each remove "the other" last admin. */
export const USERS_LOCK = 'gantry.users';

export const encodeEngines = (engines: EngineGrant): string =>
  JSON.stringify(engines === '*' ? ['*'] : [...new Set(engines)]);
export const decodeEngines = (text: string): EngineGrant => {
  const ids = JSON.parse(text) as string[];
  return ids.includes('*') ? '*' : ids;
};

export const userFromRow = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  role: row.role,
  engines: decodeEngines(row.engines),
  disabled: Number(row.disabled) === 1,
  failedLogins: Number(row.failed_logins),
  lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** 400 naming the problem with the password. */
export function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new HttpError(400, 'WEAK_PASSWORD', problem);
}

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new HttpError(
      400,
      'INVALID_USERNAME',
      'a username has 1 to 64 letters, digits, ".", "_", "@" or "-" and starts with a letter or digit',
    );
  }
}

/**
 * Inserts a user whose password is already hashed, inside `tx` (setup uses it in its own
 * transaction). 409 when the username is taken, whatever its case.
 */
export async function insertUser(
  tx: Queryable,
  input: { username: string; passwordHash: string; role: string; engines: EngineGrant },
): Promise<User> {
  const taken = await tx.get('SELECT id FROM users WHERE LOWER(username) = LOWER($1)', [input.username]);
  if (taken) throw new HttpError(409, 'USERNAME_TAKEN', `the username "${input.username}" is taken`);
  const now = Date.now();
  const id = newId();
  await tx.run(
    `INSERT INTO users (id, username, password_hash, role, engines, disabled, failed_logins, locked_until, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 0, 0, NULL, $6, $6)`,
    [id, input.username, input.passwordHash, input.role, encodeEngines(input.engines), now],
  );
  return userFromRow((await tx.get<UserRow>('SELECT * FROM users WHERE id = $1', [id])) as UserRow);
}

const notFound = (id: string) => new HttpError(404, 'USER_NOT_FOUND', `there is no user with id "${id}"`);

export function createUserStore(db: Database, roles: RoleStore): UserStore {
  const row = (id: string, from: Queryable = db) =>
    from.get<UserRow>('SELECT * FROM users WHERE id = $1', [id]);

  /** 409 when `user` is the last enabled admin and `after` would no longer be one. */
  const keepAnAdmin = async (
    tx: Queryable,
    user: User,
    after: { role: string; disabled: boolean } | undefined,
  ) => {
    const isAdmin = user.role === 'admin' && !user.disabled;
    const staysAdmin = after !== undefined && after.role === 'admin' && !after.disabled;
    if (!isAdmin || staysAdmin) return;
    const others = await tx.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND id <> $1",
      [user.id],
    );
    if (Number(others?.n ?? 0) === 0) {
      throw new HttpError(
        409,
        'LAST_ADMIN',
        `"${user.username}" is the last enabled admin: make another user admin first`,
      );
    }
  };

  return {
    async list() {
      return (await db.all<UserRow>('SELECT * FROM users ORDER BY username')).map(userFromRow);
    },
    async get(id) {
      const found = await row(id);
      return found ? userFromRow(found) : undefined;
    },
    async findForLogin(username) {
      const found = await db.get<UserRow>('SELECT * FROM users WHERE LOWER(username) = LOWER($1)', [
        username,
      ]);
      return found ? { user: userFromRow(found), passwordHash: found.password_hash } : undefined;
    },
    async create(input) {
      checkUsername(input.username);
      checkPassword(input.password);
      await roles.assertExists(input.role);
      const passwordHash = await hashPassword(input.password);
      return db.transaction(
        (tx) =>
          insertUser(tx, {
            username: input.username,
            passwordHash,
            role: input.role,
            engines: input.engines ?? [],
          }),
        { lock: USERS_LOCK },
      );
    },
    async update(id, changes) {
      if (changes.role !== undefined) await roles.assertExists(changes.role);
      return db.transaction(
        async (tx) => {
          const found = await row(id, tx);
          if (!found) throw notFound(id);
          const user = userFromRow(found);
          const role = changes.role ?? user.role;
          const disabled = changes.disabled ?? user.disabled;
          await keepAnAdmin(tx, user, { role, disabled });
          await tx.run(
            'UPDATE users SET role = $1, engines = $2, disabled = $3, updated_at = $4 WHERE id = $5',
            [role, encodeEngines(changes.engines ?? user.engines), disabled ? 1 : 0, Date.now(), id],
          );
          // A disabled user is signed out everywhere at once (its tokens stop working through the authenticator).
          if (disabled) await tx.run('DELETE FROM sessions WHERE user_id = $1', [id]);
          return userFromRow((await row(id, tx)) as UserRow);
        },
        { lock: USERS_LOCK },
      );
    },
    async setPassword(id, password) {
      checkPassword(password);
      const passwordHash = await hashPassword(password);
      const { changes } = await db.run(
        'UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3',
        [passwordHash, Date.now(), id],
      );
      if (changes === 0) throw notFound(id);
    },
    async rehash(id, password) {
      await db.run('UPDATE users SET password_hash = $1 WHERE id = $2', [await hashPassword(password), id]);
    },
    async remove(id) {
      await db.transaction(
        async (tx) => {
          const found = await row(id, tx);
          if (!found) throw notFound(id);
          await keepAnAdmin(tx, userFromRow(found), undefined);
          // Sessions and tokens go with the user (ON DELETE CASCADE, deleted explicitly for SQLite files
          // opened without foreign keys).
          await tx.run('DELETE FROM sessions WHERE user_id = $1', [id]);
          await tx.run('DELETE FROM api_tokens WHERE user_id = $1', [id]);
          await tx.run('DELETE FROM users WHERE id = $1', [id]);
        },
        { lock: USERS_LOCK },
      );
    },
    async unlock(id) {
      const { changes } = await db.run(
        'UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE id = $2',
        [Date.now(), id],
      );
      if (changes === 0) throw notFound(id);
      return userFromRow((await row(id)) as UserRow);
    },
    async any() {
      return (await db.get('SELECT id FROM users LIMIT 1')) !== undefined;
    },
  };
}
