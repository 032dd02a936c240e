/**
 * Stored registry credentials against the harness's htpasswd registry: store, check through the
 * engine, then pull, push and build with no credentials in the request; a wrong stored password is
 * the registry's refusal; no answer, audit row or error ever shows a password.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { docker, TEST_IMAGE, TEST_LABEL } from '../realtime-support.ts';
import { startTestConsole } from '../support.ts';

const REGISTRY = process.env.GANTRY_TEST_REGISTRY ?? '';
const REGISTRY_IMAGE = process.env.GANTRY_TEST_REGISTRY_IMAGE ?? '';
const USER = process.env.GANTRY_TEST_REGISTRY_USER ?? '';
const PASSWORD = process.env.GANTRY_TEST_REGISTRY_PASSWORD ?? '';
const WRONG_PASSWORD = `wrong-${randomBytes(6).toString('hex')}`;
const noRegistry = !REGISTRY && 'no test registry (GANTRY_TEST_REGISTRY)';

/** POSTs JSON with a bearer token and reads an NDJSON answer line by line. */
async function transfer(url: string, token: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const streamed = response.headers.get('content-type')?.startsWith('application/x-ndjson') === true;
  const lines = streamed
    ? text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : [];
  return { status: response.status, lines, text, last: lines.at(-1) };
}

const assertNoPassword = (what: string, text: string) => {
  assert.ok(!text.includes(PASSWORD), `${what} holds the registry password: ${text}`);
  assert.ok(!text.includes(WRONG_PASSWORD), `${what} holds the wrong password: ${text}`);
};

test('validation names the field; a taken name or address is 409 naming it', async () => {
  const c = await startTestConsole();
  const admin = await c.asAdmin();
  const valid = { name: 'harness', serverAddress: '127.0.0.1:5999', username: 'ci', password: 'pw-1' };

  const missing = await admin.post('/api/registries', { ...valid, name: undefined });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /body\.name/);
  const badAddress = await admin.post('/api/registries', { ...valid, serverAddress: 'not a host' });
  assert.equal(badAddress.status, 400);
  assert.deepEqual(
    badAddress.body.error.details.fields.map((field: { field: string }) => field.field),
    ['body.serverAddress'],
  );
  const emptyPassword = await admin.post('/api/registries', { ...valid, password: '' });
  assert.equal(emptyPassword.status, 400);
  assert.match(emptyPassword.body.error.message, /body\.password/);
  const unknownField = await admin.post('/api/registries', { ...valid, serveraddress: 'x' });
  assert.equal(unknownField.status, 400, 'a misspelt field is refused, not ignored');

  const created = await admin.post('/api/registries', {
    ...valid,
    serverAddress: 'https://Index.Docker.io/v1/',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.serverAddress, 'docker.io');
  const sameName = await admin.post('/api/registries', { ...valid, serverAddress: 'other.example' });
  assert.equal(sameName.status, 409);
  assert.equal(sameName.body.error.details.field, 'name');
  const sameAddress = await admin.post('/api/registries', {
    ...valid,
    name: 'hub',
    serverAddress: 'docker.io',
  });
  assert.equal(sameAddress.status, 409);
  assert.equal(sameAddress.body.error.details.field, 'serverAddress');
  assert.match(sameAddress.body.error.message, /serverAddress/);

  const other = await admin.post('/api/registries', {
    ...valid,
    name: 'other',
    serverAddress: 'other.example',
  });
  const renamed = await admin.patch(`/api/registries/${other.body.id}`, { name: 'harness' });
  assert.equal(renamed.status, 409);
  assert.equal(renamed.body.error.details.field, 'name');
  const badPatch = await admin.patch(`/api/registries/${other.body.id}`, { serverAddress: 'a b' });
  assert.equal(badPatch.status, 400);
  assert.match(badPatch.body.error.message, /body\.serverAddress/);
  const unknown = await admin.patch('/api/registries/no-such-id', { name: 'x' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'REGISTRY_NOT_FOUND');
  assert.equal((await admin.delete('/api/registries/no-such-id')).status, 404);
  const list = await admin.get('/api/registries');
  assert.deepEqual(
    list.body.map((registry: { name: string }) => registry.name),
    ['harness', 'other'],
  );
});

test('stored credentials: check, pull, push and build without auth; a wrong password is refused', {
  skip: noRegistry,
}, async () => {
  const c = await startTestConsole();
  const admin = await c.asAdmin();
  const engine = c.localEngineId;
  const operatorToken = await c.createToken('operator', '*');
  const operator = c.client({ token: operatorToken });
  const viewer = c.client({ token: await c.createToken('viewer', '*') });
  const images = `${c.url}/api/engines/${engine}/images`;

  const created = await admin.post('/api/registries', {
    name: 'harness',
    serverAddress: `http://${REGISTRY}/`,
    username: USER,
    password: PASSWORD,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  assert.deepEqual(
    { ...created.body, id: undefined, createdAt: undefined, updatedAt: undefined },
    {
      id: undefined,
      name: 'harness',
      serverAddress: REGISTRY,
      username: USER,
      createdBy: 'admin',
      createdAt: undefined,
      updatedAt: undefined,
    },
  );

  // Operators and viewers list; only registries.manage stores, edits, checks and removes.
  for (const [role, client] of [
    ['operator', operator],
    ['viewer', viewer],
  ] as const) {
    const listed = await client.get('/api/registries');
    assert.equal(listed.status, 200, role);
    assert.deepEqual(
      listed.body.map((registry: { name: string }) => registry.name),
      ['harness'],
    );
    assertNoPassword(`GET /api/registries as ${role}`, JSON.stringify(listed.body));
    for (const [method, path] of [
      ['POST', '/api/registries'],
      ['PATCH', `/api/registries/${id}`],
      ['DELETE', `/api/registries/${id}`],
      ['POST', `/api/engines/${engine}/registries/${id}/check`],
    ]) {
      const denied = await client.request(method as string, path as string, {
        name: 'mine',
        serverAddress: 'mine.example',
        username: 'u',
        password: 'p',
      });
      assert.equal(denied.status, 403, `${role} ${method} ${path}`);
      assert.equal(denied.body.error.details.permission, 'registries.manage');
      assert.match(denied.body.error.message, /registries\.manage/);
    }
  }

  const checked = await admin.post(`/api/engines/${engine}/registries/${id}/check`);
  assert.equal(checked.status, 200, JSON.stringify(checked.body));
  assert.equal(checked.body.ok, true);
  assert.match(checked.body.status, /login succeeded/i);
  assert.deepEqual(Object.keys(checked.body).sort(), ['ok', 'status']);

  // Push with the stored credentials: a unique tag of the test image.
  const tag = randomBytes(4).toString('hex');
  const repo = `${REGISTRY}/gantry-test/stored-creds`;
  const image = `${repo}:${tag}`;
  await docker.images.tag(TEST_IMAGE, { repo, tag });
  after(() => docker.images.remove(image, { force: true }).catch(() => {}));
  const pushed = await transfer(`${images}/push`, operatorToken, { image });
  assert.equal(pushed.status, 200, pushed.text);
  assert.equal(pushed.last.type, 'done', pushed.text);
  assert.match(pushed.last.digest, /^sha256:/);

  // Pull it back with the stored credentials, after removing it here.
  await docker.images.remove(image, { force: true });
  const pulled = await transfer(`${images}/pull`, operatorToken, { image });
  assert.equal(pulled.status, 200, pulled.text);
  assert.ok(
    pulled.lines.some((line) => line.type === 'progress'),
    pulled.text,
  );
  assert.equal(pulled.last.type, 'done', pulled.text);
  assert.match(pulled.last.image, /^sha256:/);
  assert.match((await docker.images.inspect(image)).Id ?? '', /^sha256:/);

  // A Dockerfile-only build whose FROM needs the registry: its credentials go along.
  const builtTag = `gantry-test-tmp/stored-creds-build:${tag}`;
  after(() => docker.images.remove(builtTag, { force: true }).catch(() => {}));
  const labels = encodeURIComponent(JSON.stringify({ [TEST_LABEL]: '1', [`${TEST_LABEL}.created`]: '1' }));
  const built = await transfer(`${images}/build?tags=${builtTag}&labels=${labels}&pull=1`, operatorToken, {
    dockerfile: `FROM ${REGISTRY_IMAGE}\nRUN echo stored > /stored\n`,
  });
  assert.equal(built.last?.type, 'done', built.text);

  // A wrong stored password: the check and the pull fail with the registry's refusal.
  const patched = await admin.patch(`/api/registries/${id}`, { password: WRONG_PASSWORD });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.ok(patched.body.updatedAt >= created.body.updatedAt);
  const refusedCheck = await admin.post(`/api/engines/${engine}/registries/${id}/check`);
  assert.equal(refusedCheck.status, 424, JSON.stringify(refusedCheck.body));
  assert.equal(refusedCheck.body.error.code, 'REGISTRY_REFUSED');
  assert.match(refusedCheck.body.error.message, /harness/);
  assert.match(refusedCheck.body.error.message, /unauthorized|401|incorrect|denied/i);
  assertNoPassword('the refused check', JSON.stringify(refusedCheck.body));
  await docker.images.remove(image, { force: true });
  const refusedPull = await transfer(`${images}/pull`, operatorToken, { image });
  const refusal = refusedPull.status === 424 ? JSON.parse(refusedPull.text).error : refusedPull.last;
  assert.ok(refusedPull.status === 424 || refusedPull.last?.type === 'error', refusedPull.text);
  assert.match(refusal.message, /unauthorized|401|authentication required|denied/i, refusedPull.text);
  assertNoPassword('the refused pull', refusedPull.text);

  // A request's own auth still wins over the stored (wrong) one.
  const withOwn = await transfer(`${images}/pull`, operatorToken, {
    image,
    auth: { username: USER, password: PASSWORD, serveraddress: REGISTRY },
  });
  assert.equal(withOwn.last?.type, 'done', withOwn.text);

  // Nothing the console answers or records holds a password.
  assertNoPassword('GET /api/registries', JSON.stringify((await admin.get('/api/registries')).body));
  const rows = (await admin.get('/api/audit?operation=registries.&pageSize=500')).body.items;
  const byOutcome = (outcome: string) =>
    rows
      .filter((row: { outcome: string }) => row.outcome === outcome)
      .map((row: { operation: string }) => row.operation)
      .sort();
  assert.deepEqual(byOutcome('success'), ['registries.check', 'registries.create', 'registries.update']);
  assert.deepEqual(byOutcome('failure'), ['registries.check']);
  assert.equal(byOutcome('denied').length, 8, 'four refusals each for the operator and the viewer');
  const transfers = (await admin.get('/api/audit?operation=images.&pageSize=500')).body.items;
  assertNoPassword('the audit rows', JSON.stringify([rows, transfers]));
  const update = rows.find(
    (row: { operation: string; outcome: string }) =>
      row.operation === 'registries.update' && row.outcome === 'success',
  );
  assert.deepEqual(update.params, { changed: ['password'] });
  const pulls = transfers.filter((row: { operation: string }) => row.operation === 'images.pull');
  assert.deepEqual(
    pulls.map((row: { params: unknown; outcome: string }) => [row.outcome, row.params]),
    [
      ['success', { login: 'request' }],
      ['failure', { login: 'stored', registry: 'harness' }],
      ['success', { login: 'stored', registry: 'harness' }],
    ],
  );
  const push = transfers.find((row: { operation: string }) => row.operation === 'images.push');
  assert.deepEqual(push.params, { login: 'stored', registry: 'harness' });
  const build = transfers.find((row: { operation: string }) => row.operation === 'images.build');
  assert.deepEqual(build.params.registries, ['harness']);

  // Removed: later pulls are anonymous, which the registry refuses.
  assert.equal((await admin.delete(`/api/registries/${id}`)).status, 204);
  assert.deepEqual((await admin.get('/api/registries')).body, []);
  await docker.images.remove(image, { force: true });
  const anonymous = await transfer(`${images}/pull`, operatorToken, { image });
  assert.ok(anonymous.status === 424 || anonymous.last?.type === 'error', anonymous.text);
  const last = (await admin.get('/api/audit?operation=images.pull&pageSize=1')).body.items[0];
  assert.deepEqual(last.params, { login: 'none' });
});
