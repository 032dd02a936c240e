/**
 * THE permission table test: every REST route and every WebSocket channel, called by every built-in
 * role and a custom one, on an engine the caller is granted and on one it is not. Handlers are
 * replaced by stubs answering "reached", so the test sees exactly the guard: a call must be reached
 * iff `allows(principal, requirement, engine)` says so, and be refused with 401 / 403 otherwise.
 * A route without a guard, or with a requirement the table does not know, fails it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isPermission, type Requirement } from '../../src/auth/permissions.ts';
import { allows, type Principal } from '../../src/auth/principal.ts';
import type { EngineService } from '../../src/engines/manager.ts';
import type { RouteDefinition } from '../../src/http/route.ts';
import type { ChannelDefinition } from '../../src/realtime/channel.ts';
import { allChannels } from '../../src/realtime/index.ts';
import { consoleRoutes } from '../../src/routes/console.ts';
import { allRoutes } from '../../src/routes/index.ts';
import { startTestConsole, type TestConsole } from '../support.ts';

/** Every route anyone may call without signing in — a new one must be added here on purpose. */
const PUBLIC_ROUTES = [
  'GET /api/setup',
  'POST /api/setup',
  'POST /api/auth/login',
  'GET /healthz',
  'GET /metrics',
  'GET /api/openapi.json',
].sort();

const CUSTOM_ROLE = { name: 'log-reader', permissions: ['containers.read', 'logs.read'] };
const ROLES = ['admin', 'operator', 'viewer', CUSTOM_ROLE.name];

const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
const REACHED = 'reached:';

const stubRoutes = allRoutes.map(
  (route): RouteDefinition => ({
    method: route.method,
    path: route.path,
    requirement: route.requirement,
    operation: route.operation,
    summary: route.summary,
    handler: () => new Response(`${REACHED}${routeKey(route)}`),
  }),
);

const stubChannels = allChannels.map(
  (channel): ChannelDefinition => ({
    path: channel.path,
    requirement: channel.requirement,
    operation: channel.operation,
    audited: channel.audited,
    summary: channel.summary,
    open: async ({ socket }) => {
      socket.send(JSON.stringify({ type: REACHED, path: channel.path }));
    },
  }),
);

/** A concrete URL for a route pattern: `:engine` the engine, every other parameter `x`. */
const concrete = (path: string, engineId: string) =>
  path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, (_, name: string) =>
    name === 'engine' ? encodeURIComponent(engineId) : 'x',
  );

describe('permission table', () => {
  let real: TestConsole;
  let stub: TestConsole;
  let grantedEngine: string;
  let otherEngine: string;
  const tokens = new Map<string, string>();
  const principals = new Map<string, Principal>();

  before(async () => {
    real = await startTestConsole({ autoClose: false });
    const admin = await real.asAdmin();
    const created = await admin.post('/api/roles', {
      name: CUSTOM_ROLE.name,
      description: 'reads containers and their logs',
      permissions: CUSTOM_ROLE.permissions,
    });
    assert.ok(created.status < 300, JSON.stringify(created.body));
    grantedEngine = real.localEngineId;
    // A second engine that exists (unreachable is fine: the guard never asks the engine).
    const engines = real.running.services.engines as EngineService;
    otherEngine = (await engines.add({ name: 'permission-test-other', url: 'tcp://127.0.0.1:9' })).id;
    for (const role of ROLES) tokens.set(role, await real.createToken(role, [grantedEngine]));
    // The same database and data directory, with every handler replaced by a stub.
    stub = await startTestConsole({
      shareWith: real,
      routes: stubRoutes,
      channels: stubChannels,
      autoClose: false,
    });
    for (const [role, token] of tokens) {
      const principal = await stub.running.services.authenticator.authenticate(
        new Request(`${stub.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }),
      );
      assert.ok(principal, `the ${role} token authenticates`);
      principals.set(role, principal);
    }
  });

  after(async () => {
    await stub?.close();
    await real?.close();
  });

  test('every route and channel names a known permission, `authenticated` or `public`', () => {
    const known = (requirement: Requirement) =>
      requirement === 'public' || requirement === 'authenticated' || isPermission(requirement);
    for (const route of allRoutes)
      assert.ok(known(route.requirement), `${routeKey(route)}: ${route.requirement}`);
    for (const channel of allChannels)
      assert.ok(known(channel.requirement), `${channel.path}: ${channel.requirement}`);
    const own = consoleRoutes({ routes: allRoutes, channels: allChannels });
    const publicRoutes = [...allRoutes, ...own]
      .filter((route) => route.requirement === 'public')
      .map(routeKey);
    assert.deepEqual(publicRoutes.sort(), PUBLIC_ROUTES);
    assert.ok(
      allChannels.every((channel) => channel.requirement !== 'public'),
      'no public channel',
    );
    const keys = allRoutes.map(routeKey);
    assert.equal(new Set(keys).size, keys.length, 'no route is listed twice');
  });

  test('the tokens carry their role: built-in roles with their permissions, the custom one with its own', () => {
    assert.equal(principals.get('admin')?.permissions.has('users.manage'), true);
    assert.equal(principals.get('operator')?.permissions.has('users.manage'), false);
    assert.equal(principals.get('viewer')?.permissions.has('containers.operate'), false);
    // Stored registry credentials: everyone built-in lists them, only admins manage them.
    for (const role of ['operator', 'viewer'])
      assert.equal(principals.get(role)?.permissions.has('registries.read'), true, role);
    assert.equal(principals.get('operator')?.permissions.has('registries.manage'), false);
    assert.equal(principals.get('admin')?.permissions.has('registries.manage'), true);
    assert.deepEqual(
      [...(principals.get(CUSTOM_ROLE.name)?.permissions ?? [])].sort(),
      CUSTOM_ROLE.permissions,
    );
  });

  test('without credentials only the public routes are reached; everything else is 401', async () => {
    for (const route of stubRoutes) {
      const response = await stub.anonymous.request(route.method, concrete(route.path, grantedEngine));
      if (route.requirement === 'public') {
        assert.equal(response.body, `${REACHED}${routeKey(route)}`, routeKey(route));
      } else {
        assert.equal(response.status, 401, `${routeKey(route)} without credentials`);
        assert.equal(response.body.error.code, 'UNAUTHENTICATED');
      }
    }
    for (const channel of stubChannels) {
      const refused = await stub.wsRefusal(concrete(channel.path, grantedEngine), { origin: null });
      assert.equal(refused.status, 401, `${channel.path} without credentials`);
    }
  });

  for (const role of ROLES) {
    test(`every route as ${role}, on a granted and a non-granted engine`, async () => {
      const client = stub.client({ token: tokens.get(role) as string });
      const principal = principals.get(role) as Principal;
      let reached = 0;
      let refused = 0;
      for (const engineId of [grantedEngine, otherEngine]) {
        for (const route of stubRoutes) {
          const what = `${role}: ${route.method} ${concrete(route.path, engineId)} (${route.requirement})`;
          const response = await client.request(route.method, concrete(route.path, engineId));
          if (allows(principal, route.requirement, engineId)) {
            assert.equal(response.status, 200, `${what} should be reached: ${JSON.stringify(response.body)}`);
            assert.equal(response.body, `${REACHED}${routeKey(route)}`, `${what} reached another route`);
            reached++;
          } else {
            assert.equal(response.status, 403, `${what} should be refused`);
            assert.equal(response.body.error.code, 'FORBIDDEN', what);
            assert.equal(response.body.error.details.permission, route.requirement, what);
            refused++;
          }
        }
      }
      assert.ok(reached > 0, `${role} reaches something`);
      if (role !== 'admin') assert.ok(refused > 0, `${role} is refused something`);
    });

    test(`every channel as ${role}, on a granted and a non-granted engine`, async () => {
      const token = tokens.get(role) as string;
      const principal = principals.get(role) as Principal;
      for (const engineId of [grantedEngine, otherEngine]) {
        for (const channel of stubChannels) {
          const path = concrete(channel.path, engineId);
          const what = `${role}: WebSocket ${path} (${channel.requirement})`;
          if (allows(principal, channel.requirement, engineId)) {
            const socket = await stub.ws(path, { token, origin: null });
            assert.deepEqual(await socket.next(), { type: REACHED, path: channel.path }, what);
            socket.close();
          } else {
            const refusal = await stub.wsRefusal(path, { token, origin: null });
            assert.equal(refusal.status, 403, what);
            assert.equal(JSON.parse(refusal.body).error.code, 'FORBIDDEN', what);
          }
        }
      }
    });
  }
});
