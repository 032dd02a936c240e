/**
 * The router, middleware and upgrade handler on a real console: guard order (401 / 403 before
 * validation), CSRF and Origin, 413 / 415 / 400, EngineError mapping, audit rows committed before
 * the response, security headers, /healthz, /metrics, the OpenAPI document, WebSocket refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import type { AuditLog } from '../../src/context.ts';
import { HttpError } from '../../src/http/errors.ts';
import { defineRoute } from '../../src/http/route.ts';
import { defineChannel } from '../../src/realtime/channel.ts';
import { allChannels } from '../../src/realtime/index.ts';
import { allRoutes } from '../../src/routes/index.ts';
import { startTestConsole, type TestConsole } from '../support.ts';

const ECHO = '/api/engines/:engine/test-echo';
const testRoutes = [
  defineRoute({
    method: 'POST',
    path: ECHO,
    requirement: 'containers.operate',
    operation: 'test.echo',
    summary: 'echo',
    body: z.object({ name: z.string(), count: z.number().int().optional() }),
    handler: ({ body, audit }) => {
      audit.target = body.name;
      return { name: body.name };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/engines/:engine/test-missing',
    requirement: 'containers.read',
    operation: 'test.missing',
    summary: 'an engine 404',
    handler: ({ engine, signal }) =>
      engine?.client.containers.inspect('gantry-test-no-such-container', { signal }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/test-crash',
    requirement: 'authenticated',
    operation: 'test.crash',
    summary: 'an internal error',
    handler: () => {
      throw new Error('internal detail that must not leak');
    },
  }),
];
const testChannels = [
  defineChannel({
    path: '/api/engines/:engine/test-socket',
    requirement: 'containers.read',
    operation: 'test.socket',
    audited: true,
    summary: 'hello, then an error',
    open: async ({ socket, principal }) => {
      socket.send(JSON.stringify({ type: 'hello', name: principal.name }));
      throw new HttpError(409, 'TEST_FAILURE', 'the channel failed');
    },
  }),
];

/** Audit rows as the console wrote them, newest first. */
async function auditRows(console: TestConsole) {
  return console.running.services.db.all<{
    operation: string;
    outcome: string;
    status: number;
    request_id: string;
  }>('SELECT operation, outcome, status, request_id FROM audit_log ORDER BY seq DESC');
}

describe('http core', () => {
  let console: TestConsole;
  let engine: string;
  let echo: string;
  const slowAudit = { delayMs: 0, fail: false };

  before(async () => {
    console = await startTestConsole({
      autoClose: false,
      routes: [...allRoutes, ...testRoutes],
      channels: [...allChannels, ...testChannels],
      config: { bodyLimitBytes: 2048 },
    });
    engine = console.localEngineId;
    echo = ECHO.replace(':engine', engine);
    // The router's audit log, slowed down or failing on demand (the real one underneath).
    const real: AuditLog = console.running.services.audit;
    (console.running.services as { audit: AuditLog }).audit = {
      append: async (entry) => {
        await new Promise((resolve) => setTimeout(resolve, slowAudit.delayMs));
        if (slowAudit.fail) throw new Error('disk full');
        return real.append(entry);
      },
      appendLater: (entry) => real.appendLater(entry),
    };
  });
  after(() => console?.close());

  test('401 before 403 before validation; denials are audited', async () => {
    const anonymous = await console.anonymous.post(
      echo,
      { wrong: true },
      { headers: { 'x-request-id': 'deny-1' } },
    );
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 'UNAUTHENTICATED');
    const viewer = console.client({ token: await console.createToken('viewer', '*') });
    const forbidden = await viewer.post(echo, { wrong: true }, { headers: { 'x-request-id': 'deny-2' } });
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body.error.message, /containers\.operate/);
    // A signed-out page asking who it is presents no credential: 401, but no denial row per page
    // load. The same question with a wrong token is a denial.
    const probe = await console.anonymous.get('/api/auth/me', { headers: { 'x-request-id': 'probe-1' } });
    assert.equal(probe.status, 401);
    const wrongToken = console.client({ token: 'gat_not-a-token' });
    const guessed = await wrongToken.get('/api/auth/me', { headers: { 'x-request-id': 'deny-3' } });
    assert.equal(guessed.status, 401);
    const rows = await auditRows(console);
    for (const [id, status] of [
      ['deny-1', 401],
      ['deny-2', 403],
      ['deny-3', 401],
    ] as const) {
      const row = rows.find((candidate) => candidate.request_id === id);
      assert.equal(row?.outcome, 'denied', id);
      assert.equal(Number(row?.status), status, id);
    }
    assert.equal(
      rows.find((candidate) => candidate.request_id === 'probe-1'),
      undefined,
      'a credential-less "who am I" is not audited',
    );
  });

  test('a non-granted engine is 403 whether it exists or not; a granted unknown one 404', async () => {
    const operator = console.client({ token: await console.createToken('operator', [engine]) });
    const other = await operator.post(ECHO.replace(':engine', 'no-such-engine'), { name: 'a' });
    assert.equal(other.status, 403);
    const admin = console.client({ token: await console.createToken('admin', '*') });
    const missing = await admin.post(ECHO.replace(':engine', 'no-such-engine'), { name: 'a' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'ENGINE_NOT_FOUND');
  });

  test('validation names the field; 415 for non-JSON; 413 past the limit', async () => {
    const admin = console.client({ token: await console.createToken('admin', '*') });
    const invalid = await admin.post(echo, { name: 5 });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.code, 'VALIDATION');
    assert.match(invalid.body.error.message, /body\.name/);
    const text = await admin.post(echo, undefined, {
      raw: 'name=a',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    const big = await admin.post(echo, { name: 'x'.repeat(4096) });
    assert.equal(big.status, 413);
    const ok = await admin.post(echo, { name: 'web' });
    assert.deepEqual([ok.status, ok.body], [200, { name: 'web' }]);
  });

  test('cookie sessions need the CSRF token and an allowed Origin on changes', async () => {
    const admin = await console.asAdmin();
    const withoutCsrf = console.client({ cookie: admin.cookie as string });
    const refused = await withoutCsrf.post(echo, { name: 'a' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'CSRF');
    const foreign = await admin.post(echo, { name: 'a' }, { headers: { origin: 'http://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'ORIGIN');
    const fine = await admin.post(echo, { name: 'a' }, { headers: { origin: console.url } });
    assert.equal(fine.status, 200);
  });

  test('engine errors keep their meaning; internal errors say nothing', async () => {
    const admin = console.client({ token: await console.createToken('admin', '*') });
    const missing = await admin.get(`/api/engines/${engine}/test-missing`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'API_NOT_FOUND');
    assert.match(missing.body.error.message, /gantry-test-no-such-container/);
    const crash = await admin.get('/api/test-crash');
    assert.equal(crash.status, 500);
    assert.equal(crash.body.error.code, 'INTERNAL');
    assert.doesNotMatch(JSON.stringify(crash.body), /internal detail/);
  });

  test('the audit row is committed before the response; no row, no acknowledgement', async () => {
    const admin = console.client({ token: await console.createToken('admin', '*') });
    slowAudit.delayMs = 300;
    const started = Date.now();
    const ok = await admin.post(echo, { name: 'audited' }, { headers: { 'x-request-id': 'audit-before' } });
    slowAudit.delayMs = 0;
    assert.equal(ok.status, 200);
    assert.ok(Date.now() - started >= 300, 'the response waited for the audit row');
    const row = (await auditRows(console)).find((candidate) => candidate.request_id === 'audit-before');
    assert.deepEqual([row?.operation, row?.outcome], ['test.echo', 'success']);
    slowAudit.fail = true;
    const failed = await admin.post(echo, { name: 'lost' });
    slowAudit.fail = false;
    assert.equal(failed.status, 500);
    assert.equal(failed.body.error.code, 'AUDIT_FAILED');
  });

  test('security headers and request ids on every response; unknown /api paths are JSON 404s', async () => {
    for (const path of ['/healthz', '/api/no-such-thing', '/api/test-crash']) {
      const response = await console.anonymous.get(path, { headers: { 'x-request-id': 'mine-1' } });
      const headers = response.headers;
      assert.match(headers.get('content-security-policy') ?? '', /default-src 'self'/, path);
      assert.equal(headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(headers.get('x-frame-options'), 'DENY', path);
      assert.equal(headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(headers.get('cache-control'), 'no-store', path);
      assert.equal(headers.get('x-request-id'), 'mine-1', path);
    }
    const unknown = await console.anonymous.get('/api/no-such-thing');
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'NOT_FOUND']);
    const generated = await console.anonymous.get('/healthz', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('/healthz, /metrics and the OpenAPI document', async () => {
    const health = await console.anonymous.get('/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body.database, 'up');
    assert.ok(health.body.engines.total >= 1);
    const metrics = await console.anonymous.get('/metrics');
    assert.equal(metrics.status, 200);
    const lines = String(metrics.body).trim().split('\n');
    for (const line of lines) {
      assert.match(
        line,
        /^(# (HELP|TYPE) \S+ .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+-]+|.* (NaN|\+Inf))$/,
        line,
      );
    }
    assert.ok(lines.some((line) => line.startsWith('gantry_http_requests_total{')));
    const openapi = await console.anonymous.get('/api/openapi.json');
    assert.equal(openapi.body.openapi, '3.1.0');
    for (const route of [...allRoutes, ...testRoutes]) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
      const operation = openapi.body.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${path} is described`);
      assert.equal(operation['x-gantry-permission'], route.requirement);
    }
  });

  test('WebSockets: Origin, authentication and permission before the upgrade', async () => {
    const path = `/api/engines/${engine}/test-socket`;
    const token = await console.createToken('viewer', '*');
    const badOrigin = await console.wsRefusal(path, { token, origin: 'http://evil.example' });
    assert.equal(badOrigin.status, 403);
    assert.equal(JSON.parse(badOrigin.body).error.code, 'ORIGIN');
    assert.equal((await console.wsRefusal(path, {})).status, 401);
    const custom = await console.asAdmin();
    await custom.post('/api/roles', { name: 'only-logs', description: 'logs', permissions: ['logs.read'] });
    const noPermission = await console.wsRefusal(path, {
      token: await console.createToken('only-logs', '*'),
    });
    assert.equal(noPermission.status, 403);
    // A cookie without Origin is not a browser: refused.
    const admin = await console.asAdmin();
    assert.equal((await console.wsRefusal(path, { cookie: admin.cookie, origin: null })).status, 403);
    // Cookie from the console's own page; token as a subprotocol; both open.
    const byCookie = await console.ws(path, { cookie: admin.cookie });
    assert.deepEqual(await byCookie.next(), { type: 'hello', name: 'admin' });
    assert.deepEqual(await byCookie.next(), {
      type: 'error',
      code: 'TEST_FAILURE',
      message: 'the channel failed',
    });
    assert.equal((await byCookie.closed()).code, 1011);
    const byProtocol = await console.ws(path, {
      protocols: ['gantry.v1', `gantry.bearer.${token}`],
      origin: null,
    });
    assert.equal(byProtocol.socket.protocol, 'gantry.v1');
    assert.equal((await byProtocol.next()).type, 'hello');
    const rows = await auditRows(console);
    assert.ok(rows.some((row) => row.operation === 'test.socket' && Number(row.status) === 101));
    assert.ok(rows.some((row) => row.operation === 'test.socket' && row.outcome === 'denied'));
  });
});
