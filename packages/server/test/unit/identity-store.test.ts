/** Users, roles, sessions, tokens, the login limiter and setup against a real database, both dialects. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { createIdentity, type IdentityServices } from '../../src/auth/identity.ts';
import { createLoginLimiter } from '../../src/auth/login-limiter.ts';
import type { User } from '../../src/auth/users.ts';
import type { Database } from '../../src/db/database.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { HttpError } from '../../src/http/errors.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { DIALECTS, freshDatabase, skipDialect } from '../databases.ts';

const PASSWORD = 'a passphrase of four words';

/** Rejects with an HttpError of `status` and `code`. */
const refused = (status: number, code: string, message?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof HttpError, String(error));
  assert.equal(error.status, status, error.message);
  assert.equal(error.code, code);
  if (message) assert.match(error.message, message);
  return true;
};

function identityOn(db: Database, sessionIdleMs = 60 * 60 * 1000): IdentityServices {
  const audit = createAuditLog(db, createSecretBox(randomBytes(32)));
  return createIdentity({ db, config: { sessionIdleMs, auditRetentionDays: undefined }, audit });
}

for (const dialect of DIALECTS) {
  describe(`identity stores (${dialect})`, { skip: skipDialect(dialect) }, () => {
    const withIdentity =
      (
        work: (
          identity: IdentityServices,
          db: Database,
          second?: () => Promise<IdentityServices>,
        ) => Promise<void>,
        idleMs?: number,
      ) =>
      async () => {
        const { db, drop, url } = await freshDatabase(dialect);
        const others: Database[] = [];
        // PostgreSQL: a second connection pool on the same database, like a second console process.
        const second = url
          ? async () => {
              const other = await openPostgres(url);
              others.push(other);
              return identityOn(other);
            }
          : undefined;
        try {
          await work(identityOn(db, idleMs), db, second);
        } finally {
          for (const other of others) await other.close();
          await drop();
        }
      };

    test(
      'setup: one token, two racing requests, exactly one admin, 410 afterwards',
      withIdentity(async (identity, db, second) => {
        assert.equal(await identity.setup.required(), true);
        const stale = await identity.setup.prepare();
        const token = await identity.setup.prepare();
        assert.match(token ?? '', /^gst_/);
        await assert.rejects(
          identity.setup.complete({ token: stale ?? '', username: 'root', password: PASSWORD }),
          refused(403, 'INVALID_SETUP_TOKEN'),
        );
        const other = second ? await second() : identity;
        const results = await Promise.allSettled([
          identity.setup.complete({ token: token ?? '', username: 'alice', password: PASSWORD }),
          other.setup.complete({ token: token ?? '', username: 'bob', password: PASSWORD }),
        ]);
        const won = results.filter((result) => result.status === 'fulfilled');
        const lost = results.filter((result) => result.status === 'rejected');
        assert.equal(won.length, 1);
        assert.equal(lost.length, 1);
        assert.ok(refused(410, 'SETUP_DONE')(lost[0]?.reason));
        assert.equal((await identity.users.list()).length, 1);
        assert.equal((await identity.users.list())[0]?.role, 'admin');
        assert.equal(await identity.setup.required(), false);
        assert.equal(await identity.setup.prepare(), undefined, 'no token once a user exists');
        assert.equal(await db.get("SELECT value FROM settings WHERE key = 'setup_token_hash'"), undefined);
      }),
    );

    test(
      'users: policy, unique names whatever the case, the last admin stays',
      withIdentity(async ({ users }) => {
        await assert.rejects(
          users.create({ username: 'ann', password: 'short', role: 'viewer' }),
          refused(400, 'WEAK_PASSWORD', /at least 12/),
        );
        await assert.rejects(
          users.create({ username: 'ann', password: PASSWORD, role: 'nobody' }),
          refused(400, 'UNKNOWN_ROLE', /"nobody"/),
        );
        const admin = await users.create({
          username: 'Admin',
          password: PASSWORD,
          role: 'admin',
          engines: '*',
        });
        await assert.rejects(
          users.create({ username: 'admin', password: PASSWORD, role: 'viewer' }),
          refused(409, 'USERNAME_TAKEN'),
        );
        for (const attempt of [
          () => users.remove(admin.id),
          () => users.update(admin.id, { role: 'operator' }),
          () => users.update(admin.id, { disabled: true }),
        ]) {
          await assert.rejects(attempt(), refused(409, 'LAST_ADMIN'));
        }
        const second = await users.create({
          username: 'second',
          password: PASSWORD,
          role: 'admin',
          engines: ['e1'],
        });
        assert.deepEqual(second.engines, ['e1']);
        const demoted = await users.update(admin.id, { role: 'operator' });
        assert.equal(demoted.role, 'operator');
        await assert.rejects(users.remove(second.id), refused(409, 'LAST_ADMIN'));
        await users.remove(admin.id);
        assert.equal(await users.get(admin.id), undefined);
      }),
    );

    test(
      'roles: known permissions only, built-ins read-only, in use cannot be removed',
      withIdentity(async ({ roles, users, tokens }) => {
        await assert.rejects(
          roles.create({ name: 'deployer', permissions: ['images.pull', 'containers.teleport'] }),
          refused(400, 'UNKNOWN_PERMISSION', /"containers\.teleport"/),
        );
        await assert.rejects(roles.create({ name: 'viewer', permissions: [] }), refused(409, 'BUILTIN_ROLE'));
        await assert.rejects(roles.remove('admin'), refused(409, 'BUILTIN_ROLE'));
        const role = await roles.create({
          name: 'deployer',
          permissions: ['images.pull', 'images.pull', 'logs.read'],
        });
        assert.deepEqual(role.permissions, ['images.pull', 'logs.read']);
        const names = (await roles.list()).map((listed) => listed.name);
        assert.deepEqual(names, ['admin', 'operator', 'viewer', 'deployer']);
        const user = await users.create({ username: 'dee', password: PASSWORD, role: 'deployer' });
        await assert.rejects(roles.remove('deployer'), refused(409, 'ROLE_IN_USE', /1 user/));
        await users.update(user.id, { role: 'viewer' });
        const { info } = await tokens.create((await users.get(user.id)) as User, {
          name: 'ci',
          role: 'deployer',
        });
        await assert.rejects(roles.remove('deployer'), refused(409, 'ROLE_IN_USE', /1 token/));
        await tokens.revoke(info.id);
        await roles.remove('deployer');
        assert.equal(await roles.get('deployer'), undefined);
      }),
    );

    test(
      'sessions: cookie value stored hashed, idle expiry, logout everywhere keeps tokens',
      withIdentity(async ({ sessions, users, tokens, authenticator }, db) => {
        const user = await users.create({
          username: 'sam',
          password: PASSWORD,
          role: 'operator',
          engines: '*',
        });
        const first = await sessions.create(user.id, { ip: '127.0.0.1', userAgent: 'test' });
        const second = await sessions.create(user.id, {});
        const stored = await db.all<{ id_hash: string }>('SELECT id_hash FROM sessions');
        assert.ok(stored.every((row) => row.id_hash !== first.cookieValue && row.id_hash.length === 64));
        const cookie = (value: string) =>
          new Request('http://console/', { headers: { Cookie: `other=1; gantry_session=${value}` } });
        const principal = await authenticator.authenticate(cookie(first.cookieValue));
        assert.equal(principal?.name, 'sam');
        assert.equal(principal?.csrfToken, first.session.csrfToken);
        const { token } = await tokens.create(user, { name: 'ci' });

        assert.equal(await sessions.removeAllForUser(user.id, first.session.idHash), 1);
        assert.equal(await sessions.resolve(second.cookieValue), undefined);
        assert.ok(await sessions.resolve(first.cookieValue));
        assert.equal(await sessions.removeAllForUser(user.id), 1);
        await assert.rejects(
          authenticator.authenticate(cookie(first.cookieValue)),
          refused(401, 'UNAUTHENTICATED'),
        );
        const viaToken = await authenticator.authenticate(
          new Request('http://console/', { headers: { Authorization: `Bearer ${token}` } }),
        );
        assert.equal(viaToken?.kind, 'token', 'logout everywhere revokes no token');

        const old = await sessions.create(user.id, {});
        await db.run('UPDATE sessions SET expires_at = $1 WHERE id_hash = $2', [
          Date.now() - 1,
          old.session.idHash,
        ]);
        assert.equal(await sessions.resolve(old.cookieValue), undefined, 'past its 30 days');
      }),
    );

    test(
      'sessions end after the idle time',
      withIdentity(async ({ sessions, users }) => {
        const user = await users.create({ username: 'idle', password: PASSWORD, role: 'viewer' });
        const { cookieValue } = await sessions.create(user.id, {});
        assert.ok(await sessions.resolve(cookieValue));
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(await sessions.resolve(cookieValue), undefined);
      }, 200),
    );

    test(
      'tokens: stored hashed, revocable, expiring, dead with a disabled owner',
      withIdentity(async ({ tokens, users, authenticator }, db) => {
        await users.create({ username: 'keeper', password: PASSWORD, role: 'admin', engines: '*' });
        const owner = await users.create({
          username: 'tina',
          password: PASSWORD,
          role: 'operator',
          engines: ['e1'],
        });
        const bearer = (value: string) =>
          authenticator.authenticate(
            new Request('http://console/', { headers: { Authorization: `Bearer ${value}` } }),
          );
        const { token, info } = await tokens.create(owner, { name: 'deploy', role: 'admin', engines: '*' });
        assert.match(token, /^gty_/);
        assert.equal(await db.get('SELECT id FROM api_tokens WHERE token_hash = $1', [token]), undefined);
        const principal = await bearer(token);
        assert.equal(principal?.permissions.has('users.manage'), false);
        assert.deepEqual(principal?.engines === '*' ? '*' : [...(principal?.engines ?? [])], ['e1']);
        assert.ok((await tokens.get(info.id))?.lastUsedAt);

        await users.update(owner.id, { disabled: true });
        await assert.rejects(bearer(token), refused(401, 'UNAUTHENTICATED'));
        await users.update(owner.id, { disabled: false });
        assert.ok(await bearer(token));
        await tokens.revoke(info.id);
        await assert.rejects(bearer(token), refused(401, 'UNAUTHENTICATED'));
        await assert.rejects(tokens.revoke(info.id), refused(409, 'TOKEN_REVOKED'));

        await assert.rejects(
          tokens.create(owner, { name: 'past', expiresAt: Date.now() - 1000 }),
          refused(400, 'INVALID_EXPIRY'),
        );
        const soon = await tokens.create(owner, { name: 'soon', expiresAt: Date.now() + 60_000 });
        assert.ok(await bearer(soon.token));
        await db.run('UPDATE api_tokens SET expires_at = $1 WHERE id = $2', [Date.now() - 1, soon.info.id]);
        await assert.rejects(bearer(soon.token), refused(401, 'UNAUTHENTICATED'));
        await users.remove(owner.id);
        assert.deepEqual(await tokens.list(owner.id), [], "a removed user's tokens go with them");
      }),
    );

    test(
      'login limiter: 5 consecutive failures lock for 15 minutes, kept in the database',
      withIdentity(async ({ limiter, users }, db, second) => {
        const user = await users.create({ username: 'lee', password: PASSWORD, role: 'viewer' });
        const other = second ? (await second()).limiter : limiter;
        const locks = [];
        for (let attempt = 0; attempt < 5; attempt++) {
          locks.push(await (attempt % 2 ? other : limiter).recordUserFailure(user.id));
        }
        assert.deepEqual(locks, [false, false, false, false, true]);
        const locked = (await users.get(user.id)) as User;
        assert.ok(limiter.isLocked(locked));
        assert.ok((locked.lockedUntil ?? 0) - Date.now() > 14 * 60 * 1000);
        const unlocked = await users.unlock(user.id);
        assert.equal(limiter.isLocked(unlocked), false);
        await limiter.recordUserFailure(user.id);
        await limiter.recordUserSuccess(user.id);
        const row = await db.get<{ failed_logins: number }>('SELECT failed_logins FROM users WHERE id = $1', [
          user.id,
        ]);
        assert.equal(Number(row?.failed_logins), 0, 'a success resets the count');
      }),
    );
  });
}

test('login limiter: 20 failures from one address within 5 minutes ask it to wait', async () => {
  const { db, drop } = await freshDatabase('sqlite');
  try {
    let now = 1_000_000;
    const limiter = createLoginLimiter(db, () => now);
    for (let i = 0; i < 19; i++) limiter.recordIpFailure('10.0.0.1');
    assert.equal(limiter.ipRetryAfterSeconds('10.0.0.1'), undefined);
    limiter.recordIpFailure('10.0.0.1');
    assert.equal(limiter.ipRetryAfterSeconds('10.0.0.1'), 300);
    assert.equal(limiter.ipRetryAfterSeconds('10.0.0.2'), undefined, 'other addresses are not affected');
    now += 299_000;
    assert.equal(limiter.ipRetryAfterSeconds('10.0.0.1'), 1);
    now += 1_000;
    assert.equal(limiter.ipRetryAfterSeconds('10.0.0.1'), undefined);
  } finally {
    await drop();
  }
});
