import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiToken } from '../../src/auth/api-tokens.ts';
import { createAuthenticator } from '../../src/auth/authenticator.ts';
import { ALL_PERMISSIONS, BUILTIN_ROLES, type Permission } from '../../src/auth/permissions.ts';
import { allows } from '../../src/auth/principal.ts';
import type { Role } from '../../src/auth/roles.ts';
import type { User } from '../../src/auth/users.ts';
import { HttpError } from '../../src/http/errors.ts';

const has = (role: keyof typeof BUILTIN_ROLES, permission: Permission) =>
  (BUILTIN_ROLES[role].permissions as readonly Permission[]).includes(permission);

test('admin has everything; operator lacks user, role and settings administration', () => {
  assert.deepEqual([...BUILTIN_ROLES.admin.permissions], ALL_PERMISSIONS);
  for (const permission of [
    'users.read',
    'users.manage',
    'roles.manage',
    'settings.manage',
    'engines.manage',
  ] as const) {
    assert.equal(has('operator', permission), false, permission);
  }
  for (const permission of ['containers.exec', 'logs.read', 'secrets.manage', 'images.pull'] as const) {
    assert.equal(has('operator', permission), true, permission);
  }
});

test('viewer is read-only without exec, logs, secrets, files, audit or users', () => {
  for (const permission of [
    'containers.exec',
    'logs.read',
    'secrets.read',
    'secrets.manage',
    'containers.files.read',
    'audit.read',
    'users.read',
    'containers.operate',
    'images.pull',
  ] as const) {
    assert.equal(has('viewer', permission), false, permission);
  }
  for (const permission of ['containers.read', 'images.read', 'stats.read', 'system.read'] as const) {
    assert.equal(has('viewer', permission), true, permission);
  }
});

const user = (fields: Partial<User>): User => ({
  id: 'u1',
  username: 'alice',
  role: 'operator',
  engines: ['e1', 'e2'],
  disabled: false,
  failedLogins: 0,
  lockedUntil: null,
  createdAt: 0,
  updatedAt: 0,
  ...fields,
});
const token = (fields: Partial<ApiToken>): ApiToken => ({
  id: 't1',
  name: 'ci',
  userId: 'u1',
  role: 'admin',
  engines: '*',
  createdAt: 0,
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  ...fields,
});

/** An authenticator over fixed stores: one token owned by `owner`. */
function authenticatorFor(owner: User, apiToken: ApiToken) {
  const roles = new Map<string, Role>(
    [
      ...Object.entries(BUILTIN_ROLES).map(([name, role]) => ({ name, permissions: role.permissions })),
      { name: 'deployer', permissions: ['images.pull', 'containers.create', 'users.manage'] as Permission[] },
    ].map((role) => [role.name, { ...role, description: '', builtin: false, createdAt: 0, updatedAt: 0 }]),
  );
  return createAuthenticator({
    users: { get: async (id) => (id === owner.id ? owner : undefined) },
    roles: { get: async (name) => roles.get(name) },
    sessions: { resolve: async () => undefined },
    tokens: { resolve: async (bearer) => (bearer === 'gty_good' ? { token: apiToken, owner } : undefined) },
  });
}
const bearer = (value: string) =>
  new Request('http://console/api/x', { headers: { Authorization: `Bearer ${value}` } });

test("a token never exceeds its owner: permissions and engines are intersected with the owner's", async () => {
  const principal = await authenticatorFor(user({}), token({ role: 'admin', engines: '*' })).authenticate(
    bearer('gty_good'),
  );
  assert.ok(principal);
  assert.equal(principal.kind, 'token');
  assert.equal(principal.name, 'token:ci');
  assert.equal(principal.userId, 'u1');
  assert.equal(allows(principal, 'users.manage'), false, 'admin token of an operator: no user management');
  assert.equal(allows(principal, 'containers.exec', 'e1'), true);
  assert.equal(allows(principal, 'containers.exec', 'e3'), false, 'engine the owner lacks');

  const narrow = await authenticatorFor(
    user({ engines: '*' }),
    token({ role: 'deployer', engines: ['e2', 'e9'] }),
  ).authenticate(bearer('gty_good'));
  assert.deepEqual([...(narrow?.permissions ?? [])].sort(), ['containers.create', 'images.pull']);
  assert.deepEqual([...(narrow?.engines === '*' ? ['*'] : (narrow?.engines ?? []))].sort(), ['e2', 'e9']);

  const both = await authenticatorFor(
    user({ engines: ['e1', 'e2'] }),
    token({ engines: ['e2', 'e3'] }),
  ).authenticate(bearer('gty_good'));
  assert.deepEqual([...(both?.engines === '*' ? [] : (both?.engines ?? []))], ['e2']);
});

test('no credential is anonymous; a bad one is a 401 UNAUTHENTICATED', async () => {
  const authenticator = authenticatorFor(user({}), token({}));
  assert.equal(await authenticator.authenticate(new Request('http://console/')), undefined);
  for (const request of [
    bearer('gty_unknown'),
    new Request('http://console/', { headers: { Authorization: 'Basic YTpi' } }),
    new Request('http://console/', { headers: { Cookie: 'gantry_session=stale' } }),
  ]) {
    await assert.rejects(authenticator.authenticate(request), (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'UNAUTHENTICATED');
      return true;
    });
  }
});
