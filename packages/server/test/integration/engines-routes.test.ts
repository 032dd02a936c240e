/** The engines API and the inventory list routes through a real console and the harness engine. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@gantry/engine';
import { startTestConsole } from '../support.ts';

const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const docker = connect();
after(() => docker.close());

const consolePromise = startTestConsole();

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('engines: list, inspect, add with validation and a test first, edit, remove — secrets never answered or audited', async () => {
  const gantry = await consolePromise;
  const admin = await gantry.asAdmin();
  const local = gantry.localEngineId;

  const listed = await until(
    'local up',
    async () => {
      const { body } = await admin.get('/api/engines');
      return body.items.find(
        (engine: { id: string; status: { state: string } }) =>
          engine.id === local && engine.status.state === 'up',
      );
    },
    15_000,
  );
  assert.match(listed.status.version, /\d+\.\d+/);
  assert.match(listed.status.apiVersion, /^1\.\d+$/);

  const inspected = await admin.get(`/api/engines/${local}`);
  assert.equal(inspected.status, 200);
  assert.ok(inspected.body.counts.images >= 1);
  assert.equal(inspected.body.inventory.state, 'live');

  const badUrl = await admin.post('/api/engines', { name: 'bad', url: 'ftp://example.com' });
  assert.equal(badUrl.status, 400);
  assert.equal(badUrl.body.error.code, 'VALIDATION');
  assert.match(badUrl.body.error.message, /url: the scheme ftp:\/\/ is not supported/);
  const badName = await admin.post('/api/engines', { name: '-x', url: 'unix:///x.sock' });
  assert.equal(badName.status, 400);
  assert.match(badName.body.error.message, /body\.name/);

  const unreachable = await admin.post('/api/engines', {
    name: 'nowhere',
    url: 'unix:///nonexistent/gantry.sock',
  });
  assert.equal(unreachable.status, 422);
  assert.equal(unreachable.body.error.code, 'ENGINE_TEST_FAILED');
  assert.match(unreachable.body.error.message, /nonexistent\/gantry\.sock.*skipTest=1/);
  const saved = await admin.post('/api/engines?skipTest=1', {
    name: 'nowhere',
    url: 'unix:///nonexistent/gantry.sock',
  });
  assert.equal(saved.status, 201);
  assert.equal(saved.body.name, 'nowhere');
  const duplicate = await admin.post('/api/engines?skipTest=1', { name: 'nowhere', url: 'unix:///x.sock' });
  assert.equal(duplicate.status, 409);

  const renamed = await admin.patch(`/api/engines/${saved.body.id}`, { name: 'elsewhere' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.name, 'elsewhere');
  const tested = await admin.post(`/api/engines/${saved.body.id}/test`);
  assert.equal(tested.body.ok, false);
  const unsaved = await admin.post('/api/engines/test', { url: process.env.DOCKER_HOST });
  assert.equal(unsaved.status, 200);
  assert.equal(unsaved.body.ok, true, unsaved.body.error);

  if (process.env.GANTRY_TEST_TLS_HOST) {
    const certs = process.env.GANTRY_TEST_TLS_CERTS as string;
    const read = (file: string) => readFileSync(join(certs, file), 'utf8');
    const tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
    const created = await admin.post('/api/engines', {
      name: 'mtls',
      url: process.env.GANTRY_TEST_TLS_HOST,
      tls,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.tls, { ca: true, cert: true, key: true, verify: true });
    const everything = JSON.stringify((await admin.get('/api/engines')).body);
    assert.doesNotMatch(everything, /BEGIN/);
    const rows = await gantry.running.services.db.all(
      "SELECT params FROM audit_log WHERE operation LIKE 'engines.%'",
    );
    assert.ok(rows.length >= 4);
    for (const row of rows) assert.doesNotMatch(String(row.params), /BEGIN|PRIVATE/);
    const audited = rows.map((row) => JSON.parse(String(row.params)));
    assert.ok(
      audited.some((params) => params.tls?.given?.includes('key')),
      'the audit row says a key was given',
    );
  }

  const removed = await admin.delete(`/api/engines/${saved.body.id}`);
  assert.equal(removed.status, 204);
  assert.equal((await admin.get(`/api/engines/${saved.body.id}`)).status, 404);
  assert.equal(gantry.running.services.engines.get(saved.body.id), undefined);
});

test('engines are shown only where granted; managing them needs engines.manage', async () => {
  const gantry = await consolePromise;
  const admin = await gantry.asAdmin();
  const other = await admin.post('/api/engines?skipTest=1', {
    name: `hidden-${randomBytes(3).toString('hex')}`,
    url: 'unix:///x.sock',
  });
  assert.equal(other.status, 201);
  const viewer = await gantry.createUser('viewer', [gantry.localEngineId]);
  const { body } = await viewer.get('/api/engines');
  assert.deepEqual(
    body.items.map((engine: { id: string }) => engine.id),
    [gantry.localEngineId],
  );
  assert.equal((await viewer.get(`/api/engines/${other.body.id}`)).status, 404);
  assert.equal(
    (await viewer.post('/api/engines?skipTest=1', { name: 'nope', url: 'unix:///x.sock' })).status,
    403,
  );
  assert.equal((await viewer.delete(`/api/engines/${other.body.id}`)).status, 403);
  // Viewers list containers, not secrets.
  assert.equal((await viewer.get(`/api/engines/${gantry.localEngineId}/containers`)).status, 200);
  assert.equal((await viewer.get(`/api/engines/${gantry.localEngineId}/secrets`)).status, 403);
  assert.equal((await viewer.get(`/api/engines/${other.body.id}/containers`)).status, 403);
});

test('inventory lists: paging, sorting, label filter and project groups, from the inventory', async () => {
  const gantry = await consolePromise;
  const admin = await gantry.asAdmin();
  const engine = gantry.localEngineId;
  const project = `gantry-test-${randomBytes(3).toString('hex')}`;
  const ids: string[] = [];
  for (const index of [0, 1, 2]) {
    const { Id } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { [TEST_LABEL]: '1', 'com.docker.compose.project': project, index: String(index) },
    });
    after(() => docker.containers.remove(Id, { force: true }).catch(() => undefined));
    ids.push(Id);
  }
  await docker.containers.start(ids[0] as string);

  const listed = await until('the three containers listed', async () => {
    const { body } = await admin.get(
      `/api/engines/${engine}/containers?project=${project}&group=project&sort=created`,
    );
    return body.total === 3 && body.items.some((item: { State: string }) => item.State === 'running') && body;
  });
  assert.deepEqual(listed.groups, [{ project, total: 3, running: 1 }]);
  const paged = await admin.get(
    `/api/engines/${engine}/containers?project=${project}&pageSize=2&page=2&sort=created&order=desc`,
  );
  assert.equal(paged.body.items.length, 1);
  assert.equal(paged.body.total, 3);
  assert.equal(paged.body.pageSize, 2);
  const labelled = await admin.get(
    `/api/engines/${engine}/containers?label=index=1&label=com.docker.compose.project=${project}`,
  );
  assert.deepEqual(
    labelled.body.items.map((item: { Id: string }) => item.Id),
    [ids[1]],
  );
  const byText = await admin.get(`/api/engines/${engine}/containers?filter=${ids[2]?.slice(0, 12)}`);
  assert.equal(byText.body.items[0]?.Id, ids[2]);

  assert.equal((await admin.get(`/api/engines/${engine}/containers?pageSize=501`)).status, 400);
  const badSort = await admin.get(`/api/engines/${engine}/images?sort=colour`);
  assert.equal(badSort.status, 400);
  assert.match(badSort.body.error.message, /sort by name, id, created, size/);
  for (const kind of [
    'images',
    'networks',
    'volumes',
    'plugins',
    'services',
    'tasks',
    'nodes',
    'secrets',
    'configs',
  ]) {
    const { status, body } = await admin.get(`/api/engines/${engine}/${kind}?pageSize=5`);
    assert.equal(status, 200, `${kind}: ${JSON.stringify(body)}`);
    assert.equal(typeof body.total, 'number');
  }
  const status = await admin.get(`/api/engines/${engine}/inventory/status`);
  assert.equal(status.status, 200);
  assert.equal(status.body.state, 'live');
  assert.ok(status.body.counts.containers >= 3);
  assert.ok(status.body.stats.eventsReceived >= 1);
});
