/** Setup, login, sessions, users, roles, tokens, audit and settings through the console's HTTP API. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ADMIN_USERNAME, skipDialect, startTestConsole, TEST_PASSWORD } from '../support.ts';

describe('identity routes', async () => {
  const console = await startTestConsole({ setup: false });
  const { anonymous } = console;

  test('setup: required until the first admin, wrong token refused, then 410 forever', async () => {
    assert.deepEqual((await anonymous.get('/api/setup')).body, { required: true });
    const token = console.running.setupToken;
    assert.match(token ?? '', /^gst_/);
    assert.ok(console.printed.join('').includes(token ?? '-'), 'the token is printed once at start');
    const wrong = await anonymous.post('/api/setup', {
      token: 'gst_wrong',
      username: ADMIN_USERNAME,
      password: TEST_PASSWORD,
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'INVALID_SETUP_TOKEN');
    const weak = await anonymous.post('/api/setup', { token, username: ADMIN_USERNAME, password: 'short' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error.code, 'WEAK_PASSWORD');
    const created = await anonymous.post('/api/setup', {
      token,
      username: ADMIN_USERNAME,
      password: TEST_PASSWORD,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.user.role, 'admin');
    const again = await anonymous.post('/api/setup', { token, username: 'other', password: TEST_PASSWORD });
    assert.equal(again.status, 410);
    assert.equal(again.body.error.code, 'SETUP_DONE');
    assert.deepEqual((await anonymous.get('/api/setup')).body, { required: false });
  });

  test('login: HttpOnly SameSite=Strict cookie, CSRF on mutations, one message for every failure', async () => {
    const login = await anonymous.post('/api/auth/login', {
      username: ADMIN_USERNAME,
      password: TEST_PASSWORD,
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^gantry_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\//);
    assert.equal(login.body.user.username, ADMIN_USERNAME);
    assert.equal(login.body.user.password_hash, undefined);
    const session = console.client({ cookie: cookie.split(';')[0], csrfToken: login.body.csrfToken });
    const me = await session.get('/api/auth/me');
    assert.equal(me.body.kind, 'user');
    assert.equal(me.body.csrfToken, login.body.csrfToken);
    assert.ok(me.body.permissions.includes('users.manage'));
    assert.equal(me.body.engines, '*');
    const noCsrf = console.client({ cookie: cookie.split(';')[0] });
    assert.equal((await noCsrf.post('/api/roles', { name: 'x', permissions: [] })).body.error.code, 'CSRF');

    const wrong = await anonymous.post('/api/auth/login', {
      username: ADMIN_USERNAME,
      password: 'not the password',
    });
    const unknown = await anonymous.post('/api/auth/login', {
      username: 'nobody-here',
      password: 'not the password',
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown.body, wrong.body, 'the answer does not tell whether the user exists');
    // A stale cookie does not stop anyone from signing in again.
    const stale = console.client({ cookie: 'gantry_session=stale' });
    assert.equal(
      (await stale.post('/api/auth/login', { username: ADMIN_USERNAME, password: TEST_PASSWORD })).status,
      200,
    );
  });

  test('5 wrong passwords lock the account; an admin unlocks it', async () => {
    const user = await console.createUser('viewer', '*');
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal(
        (await anonymous.post('/api/auth/login', { username: user.username, password: 'wrong password!' }))
          .status,
        401,
      );
    }
    const locked = await anonymous.post('/api/auth/login', {
      username: user.username,
      password: TEST_PASSWORD,
    });
    assert.equal(locked.status, 401, 'the right password does not help while locked');
    const admin = await console.asAdmin();
    const listed = (await admin.get(`/api/users?filter=${user.username}`)).body.items[0];
    assert.ok(listed.lockedUntil > Date.now());
    assert.equal((await admin.post(`/api/users/${listed.id}/unlock`)).status, 200);
    assert.equal(
      (await anonymous.post('/api/auth/login', { username: user.username, password: TEST_PASSWORD })).status,
      200,
    );
  });

  test('password change ends the other sessions; logout and logout-all end sessions, not tokens', async () => {
    const first = await console.createUser('operator', '*');
    const second = await console.loginAs(first.username);
    const tokenBody = (await first.post('/api/tokens', { name: 'mine' })).body;
    assert.match(tokenBody.token, /^gty_/);
    const bearer = console.client({ token: tokenBody.token });
    assert.equal((await bearer.post('/api/tokens', { name: 'child' })).body.error.code, 'SESSION_REQUIRED');

    const newPassword = 'an entirely new passphrase';
    const wrong = await first.post('/api/auth/password', { currentPassword: 'nope nope nope', newPassword });
    assert.equal(wrong.status, 403);
    assert.equal(
      (await first.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword })).status,
      204,
    );
    assert.equal((await second.get('/api/auth/me')).status, 401);
    assert.equal((await first.get('/api/auth/me')).status, 200);
    await assert.rejects(console.loginAs(first.username), /401/);
    const third = await console.loginAs(first.username, newPassword);

    const ended = await third.post('/api/auth/logout-all');
    assert.equal(ended.body.sessionsEnded, 2);
    assert.equal((await first.get('/api/auth/me')).status, 401);
    assert.equal((await bearer.get('/api/auth/me')).body.kind, 'token', 'tokens survive logout everywhere');
    const fourth = await console.loginAs(first.username, newPassword);
    const out = await fourth.post('/api/auth/logout');
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal((await fourth.get('/api/auth/me')).status, 401);
  });

  test('users, roles and permissions: who may do what, last admin kept, unknown permission named', async () => {
    const admin = await console.asAdmin();
    const operator = await console.createUser('operator', '*');
    assert.equal((await operator.get('/api/users')).status, 403);
    assert.equal((await operator.get('/api/roles')).status, 200);
    const roles = (await admin.get('/api/roles')).body;
    assert.deepEqual(
      roles.items.slice(0, 3).map((role: { name: string; builtin: boolean }) => [role.name, role.builtin]),
      [
        ['admin', true],
        ['operator', true],
        ['viewer', true],
      ],
    );
    const table = (await admin.get('/api/permissions')).body;
    assert.ok(
      table.items.some(
        (row: { name: string; scope: string }) => row.name === 'containers.exec' && row.scope === 'engine',
      ),
    );
    const unknown = await admin.post('/api/roles', {
      name: 'deployer',
      permissions: ['images.pull', 'images.teleport'],
    });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /images\.teleport/);
    assert.equal((await admin.post('/api/roles', { name: 'viewer', permissions: [] })).status, 409);
    assert.equal(
      (await admin.post('/api/roles', { name: 'deployer', permissions: ['images.pull'] })).status,
      201,
    );
    const deployer = await console.createUser('deployer', '*');
    assert.deepEqual((await deployer.get('/api/auth/me')).body.permissions, ['images.pull']);
    assert.equal((await admin.delete('/api/roles/deployer')).status, 409);

    const adminId = (await admin.get('/api/auth/me')).body.user.id;
    const lastAdmin = await admin.delete(`/api/users/${adminId}`);
    assert.equal(lastAdmin.status, 409);
    assert.equal(lastAdmin.body.error.code, 'LAST_ADMIN');
    assert.equal((await admin.patch(`/api/users/${adminId}`, { role: 'viewer' })).status, 409);
  });

  test('tokens: secret shown once, own list, ?all=1 for user managers, revoked means 401', async () => {
    const admin = await console.asAdmin();
    const viewer = await console.createUser('viewer', '*');
    const created = (await viewer.post('/api/tokens', { name: 'read-only', expiresInDays: 1 })).body;
    assert.ok(created.expiresAt > Date.now());
    const listed = (await viewer.get('/api/tokens')).body;
    assert.equal(listed.total, 1);
    assert.equal(listed.items[0].token, undefined, 'the secret is never listed');
    assert.equal((await viewer.get('/api/tokens?all=1')).status, 403);
    assert.ok((await admin.get('/api/tokens?all=1')).body.total >= 1);
    const bearer = console.client({ token: created.token });
    assert.equal((await bearer.get('/api/auth/me')).status, 200);
    assert.equal((await viewer.delete(`/api/tokens/${created.id}`)).status, 204);
    const revoked = await bearer.get('/api/auth/me');
    assert.equal(revoked.status, 401);
    assert.equal(revoked.body.error.code, 'UNAUTHENTICATED');
  });

  test('audit: every login is there without the password; list, export, verify; viewers are refused', async () => {
    const admin = await console.asAdmin();
    const logins = (await admin.get('/api/audit?operation=auth.login&pageSize=500')).body;
    const outcomes = new Set(logins.items.map((row: { outcome: string }) => row.outcome));
    assert.ok(
      outcomes.has('success') && outcomes.has('failure') && outcomes.has('denied'),
      [...outcomes].join(),
    );
    const seqs = logins.items.map((row: { seq: number }) => row.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a),
      'newest first',
    );
    const setupRows = (await admin.get('/api/audit?operation=setup.create')).body.items;
    // Wrong token, weak password, the admin, then 410 once done.
    assert.deepEqual(setupRows.map((row: { outcome: string }) => row.outcome).sort(), [
      'denied',
      'denied',
      'failure',
      'success',
    ]);
    const exported = await fetch(`${console.url}/api/audit/export`, {
      headers: { cookie: admin.cookie ?? '' },
    });
    assert.match(exported.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const text = await exported.text();
    assert.ok(
      !text.includes(TEST_PASSWORD) && !text.includes('an entirely new passphrase'),
      'no password in the log',
    );
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(lines[0].seq, 1);
    assert.ok(lines.some((row) => row.operation === 'tokens.create'));
    assert.deepEqual((await admin.get('/api/audit/verify')).body.problems, []);
    const viewer = await console.createUser('viewer', '*');
    assert.equal((await viewer.get('/api/audit')).status, 403);
  });

  test('settings: audit retention read and changed', async () => {
    const admin = await console.asAdmin();
    assert.deepEqual((await admin.get('/api/settings')).body, {
      auditRetentionDays: null,
      auditRetentionSource: 'config',
    });
    const changed = await admin.patch('/api/settings', { auditRetentionDays: 90 });
    assert.deepEqual(changed.body, { auditRetentionDays: 90, auditRetentionSource: 'settings' });
    assert.equal((await admin.patch('/api/settings', { auditRetentionDays: 0 })).status, 400);
    const viewer = await console.createUser('viewer', '*');
    assert.equal((await viewer.patch('/api/settings', { auditRetentionDays: 1 })).status, 403);
  });
});

test('20 failed logins from one address within 5 minutes answer 429 with Retry-After', async () => {
  const console = await startTestConsole();
  let last: Awaited<ReturnType<typeof console.anonymous.post>> | undefined;
  for (let attempt = 0; attempt < 21; attempt++) {
    last = await console.anonymous.post('/api/auth/login', {
      username: `ghost${attempt}`,
      password: 'wrong password',
    });
  }
  assert.equal(last?.status, 429);
  assert.equal(last?.body.error.code, 'RATE_LIMITED');
  assert.ok(Number(last?.headers.get('retry-after')) > 0);
});

test('on PostgreSQL: two consoles share sessions, tokens and one verified audit chain', {
  skip: skipDialect('postgres'),
}, async () => {
  const first = await startTestConsole({ dialect: 'postgres' });
  const second = await startTestConsole({ shareWith: first });
  const admin = await first.asAdmin();
  const token = await first.createToken('viewer', '*');
  const onSecond = second.client({ cookie: admin.cookie, csrfToken: admin.csrfToken });
  assert.equal((await onSecond.get('/api/auth/me')).body.user.username, ADMIN_USERNAME);
  assert.equal((await second.client({ token }).get('/api/auth/me')).body.kind, 'token');
  await Promise.all(
    Array.from({ length: 10 }, (_, index) =>
      (index % 2 ? onSecond : admin).post('/api/roles', { name: `r${index}`, permissions: ['images.read'] }),
    ),
  );
  const verified = (await onSecond.get('/api/audit/verify')).body;
  assert.deepEqual(verified.problems, []);
  assert.ok(verified.checked >= 12);
});
