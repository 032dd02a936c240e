/**
 * The engine manager and inventories against the harness engine: reachability and versions, a dead
 * engine beside a live one, the reconnect backoff, the mutual-TLS daemon with sealed certificates,
 * the inventory following changes, the resync after a broken events stream, and two managers on one
 * database.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ContainerSummary, connect } from '@gantry/engine';
import type { Database } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createEngineManager, type EngineService, LOCAL_ENGINE } from '../../src/engines/manager.ts';
import { createLogger } from '../../src/log.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { DIALECTS, type Dialect, freshDatabase, skipDialect } from '../databases.ts';

const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const DOCKER_HOST = process.env.DOCKER_HOST;
const box = createSecretBox(randomBytes(32));
const docker = connect();
after(() => docker.close());
const dataDir = mkdtempSync(join(tmpdir(), 'gantry-engines-test-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function startManager(
  db: Database,
  options: { pollMs?: number; maxReconnectDelayMs?: number } = {},
): Promise<EngineService> {
  const manager = await createEngineManager({
    db,
    secretBox: box,
    log: createLogger({ level: process.env.GANTRY_TEST_LOG ? 'debug' : 'error' }),
    metrics: createMetrics(),
    config: { localEngine: DOCKER_HOST, dataDir },
    pollMs: options.pollMs ?? 200,
    maxReconnectDelayMs: options.maxReconnectDelayMs,
  });
  after(() => manager.close());
  return manager;
}

async function sqlite(): Promise<Database> {
  const fresh = await freshDatabase('sqlite');
  after(() => fresh.drop());
  return fresh.db;
}

/** Polls `check` every 20 ms until it returns something truthy, or fails after `timeoutMs`. */
async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A unique label value for this test's containers, so comparisons ignore other files' containers. */
const runLabel = () => ({ [TEST_LABEL]: '1', 'io.gantry.test.run': randomBytes(4).toString('hex') });

async function createContainer(labels: Record<string, string>, name?: string): Promise<string> {
  const { Id } = await docker.containers.create({
    Image: TEST_IMAGE,
    Cmd: ['sleep', '300'],
    Labels: labels,
    ...(name ? { name } : {}),
  });
  after(() => docker.containers.remove(Id, { force: true }).catch(() => undefined));
  return Id;
}

/** `Id State Name` of each container with the run label, sorted: what the inventory must equal. */
const fingerprint = (items: readonly object[], run: string) =>
  (items as ContainerSummary[])
    .filter((item) => item.Labels?.['io.gantry.test.run'] === run)
    .map((item) => `${item.Id} ${item.State} ${item.Names?.[0]}`)
    .sort();

async function freshList(run: string) {
  return fingerprint(
    await docker.containers.list({ all: true, filters: { label: [`io.gantry.test.run=${run}`] } }),
    run,
  );
}

test('the local engine is added on first start, comes up with its versions and a full inventory', async () => {
  const manager = await startManager(await sqlite());
  const [local] = manager.list();
  assert.equal(local?.id, LOCAL_ENGINE);
  assert.equal(local?.name, LOCAL_ENGINE);
  await until('local up', () => local?.status().state === 'up', 15_000);
  const version = await docker.system.version();
  assert.equal(local?.status().version, version.Version);
  assert.equal(local?.status().apiVersion, await docker.apiVersion());
  const inventory = local?.inventory.status();
  assert.equal(inventory?.state, 'live');
  assert.ok((inventory?.counts.images ?? 0) >= 1, 'the test image is in the inventory');
  assert.ok((inventory?.counts.networks ?? 0) >= 1);
});

test('a dead engine beside the live one: down with a reason, retried with backoff, the live one unaffected', async () => {
  const manager = await startManager(await sqlite());
  const local = manager.get(LOCAL_ENGINE);
  assert.ok(local);
  await until('local up', () => local.status().state === 'up', 15_000);

  // A listener that accepts and drops every connection at once: it records each attempt.
  const attempts: number[] = [];
  const dropper = createServer((socket) => {
    attempts.push(Date.now());
    socket.destroy();
  });
  await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
  after(() => dropper.close());
  const port = (dropper.address() as { port: number }).port;

  const missing = await manager.add({ name: 'missing-socket', url: 'unix:///nonexistent/gantry-test.sock' });
  const dropping = await manager.add({ name: 'dropping', url: `tcp://127.0.0.1:${port}` });
  // Unroutable: the connection attempt hangs until the connect timeout.
  const unroutable = await manager.add({ name: 'unroutable', url: 'tcp://10.255.255.1:2375' });
  await until('missing down', () => missing.status().state === 'down');
  assert.match(missing.status().error ?? '', /nonexistent\/gantry-test\.sock/);

  // The live engine follows a change at its usual speed meanwhile.
  const run = runLabel();
  const started = Date.now();
  const id = await createContainer(run);
  await until('the new container in the live inventory', () => local.inventory.get('containers', id), 2_000);
  assert.ok(Date.now() - started < 2_000);
  assert.equal(local.status().state, 'up');
  assert.notEqual(unroutable.status().state, 'up');

  // Attempts at about 0, 0.5, 1.5, 3.5 s: each wait doubles (±20 % jitter).
  await until('four attempts', () => attempts.length >= 4, 8_000);
  assert.equal(dropping.status().state, 'down');
  const gaps = attempts.slice(1, 4).map((at, index) => at - (attempts[index] as number));
  assert.ok(gaps[0] !== undefined && gaps[0] >= 350 && gaps[0] < 1_000, `first gap ${gaps[0]} ms`);
  assert.ok((gaps[1] as number) > (gaps[0] as number) * 1.3, `gaps ${gaps.join(', ')} ms double`);
  assert.ok((gaps[2] as number) > (gaps[1] as number) * 1.3, `gaps ${gaps.join(', ')} ms double`);
});

test('a mutual-TLS engine: certificates sealed in the database, up again after a manager restart', {
  skip: process.env.GANTRY_TEST_TLS_HOST ? false : 'no GANTRY_TEST_TLS_HOST',
}, async () => {
  const certs = process.env.GANTRY_TEST_TLS_CERTS as string;
  const read = (file: string) => readFileSync(join(certs, file), 'utf8');
  const tls = { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
  const url = process.env.GANTRY_TEST_TLS_HOST as string;
  const db = await sqlite();
  const first = await startManager(db);

  const tested = await first.test({ url, tls });
  assert.equal(tested.ok, true, tested.error);
  assert.match(tested.apiVersion ?? '', /^1\.\d+$/);
  const wrong = process.env.GANTRY_TEST_TLS_WRONG_CERTS as string;
  const refused = await first.test({
    url,
    tls: {
      ca: tls.ca,
      cert: readFileSync(join(wrong, 'cert.pem'), 'utf8'),
      key: readFileSync(join(wrong, 'key.pem'), 'utf8'),
    },
  });
  assert.equal(refused.ok, false);
  assert.doesNotMatch(refused.error ?? '', /PRIVATE KEY/);

  const engine = await first.add({ name: 'mtls', url, tls });
  assert.deepEqual(engine.tls, { ca: true, cert: true, key: true, verify: true });
  await until('mtls up', () => engine.status().state === 'up', 10_000);
  const row = await db.get('SELECT * FROM engines WHERE id = $1', [engine.id]);
  for (const column of ['tls_ca', 'tls_cert', 'tls_key'] as const) {
    assert.ok(row?.[column] && !String(row[column]).includes('BEGIN'), `${column} is sealed`);
  }
  await first.close();

  const second = await startManager(db);
  const again = second.get(engine.id);
  assert.ok(again);
  await until('mtls up after the restart', () => again.status().state === 'up', 10_000);
  assert.ok(again.inventory.status().counts.images >= 1);
});

test("an ssh engine with a stored key and the console's known_hosts", {
  skip: process.env.GANTRY_TEST_SSH_HOST
    ? false
    : 'no GANTRY_TEST_SSH_HOST (the harness runs sshd as root only)',
}, async () => {
  copyFileSync(process.env.GANTRY_TEST_SSH_KNOWN_HOSTS as string, join(dataDir, 'ssh_known_hosts'));
  const sshKey = readFileSync(process.env.GANTRY_TEST_SSH_IDENTITY as string, 'utf8');
  const url = process.env.GANTRY_TEST_SSH_HOST as string;
  const manager = await startManager(await sqlite());
  const tested = await manager.test({ url, sshKey });
  assert.equal(tested.ok, true, tested.error);
  const engine = await manager.add({ name: 'over-ssh', url, sshKey });
  assert.equal(engine.sshKey, true);
  await until('ssh engine up', () => engine.status().state === 'up', 15_000);
  assert.ok(engine.inventory.status().counts.images >= 1);
});

test('the inventory follows create, start, stop, rename and remove, and equals a fresh list', async () => {
  const manager = await startManager(await sqlite());
  const local = manager.get(LOCAL_ENGINE);
  assert.ok(local);
  await until('live', () => local.inventory.status().state === 'live', 15_000);
  const run = runLabel();
  const runId = run['io.gantry.test.run'] as string;
  const container = (id: string) => local.inventory.get('containers', id) as ContainerSummary | undefined;
  const within = 2_000;

  const id = await createContainer(run, `gantry-test-inv-${runId}`);
  await until('created', () => container(id)?.State === 'created', within);
  await docker.containers.start(id);
  await until('running', () => container(id)?.State === 'running', within);
  await docker.containers.rename(id, { name: `gantry-test-renamed-${runId}` });
  await until('renamed', () => container(id)?.Names?.[0] === `/gantry-test-renamed-${runId}`, within);
  await docker.containers.stop(id, { t: 0 });
  await until('exited', () => container(id)?.State === 'exited', within);
  const other = await createContainer(run);
  await until('second', () => container(other), within);
  await docker.containers.remove(id, { force: true });
  await until('removed', () => container(id) === undefined, within);

  const expected = await freshList(runId);
  assert.deepEqual(fingerprint(local.inventory.items('containers'), runId), expected);
  // The whole inventory (other files' containers included) settles on the daemon's list too.
  await until('whole inventory equals a fresh list', async () => {
    const fresh = (await docker.containers.list({ all: true }))
      .map((item) => `${item.Id} ${item.State}`)
      .sort();
    const held = (local.inventory.items('containers') as unknown as ContainerSummary[])
      .map((item) => `${item.Id} ${item.State}`)
      .sort();
    return JSON.stringify(fresh) === JSON.stringify(held);
  });
  const stats = local.inventory.stats();
  assert.ok(stats.eventsApplied >= 5, `events applied: ${stats.eventsApplied}`);
  assert.ok(stats.lastEventLatencyMs !== undefined && stats.lastEventLatencyMs < within);
});

/** A TCP proxy to the engine's unix socket that the test can cut (every connection) and restore. */
async function engineProxy(socketPath: string) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = netConnect({ path: socketPath });
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as { port: number } | null)?.port ?? port;
        resolve();
      });
    });
  await open();
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  };
  after(cut);
  return { url: () => `tcp://127.0.0.1:${port}`, cut, open };
}

test('a broken events stream: down, reconnect, full resync, nothing lost', {
  skip: DOCKER_HOST?.startsWith('unix://') ? false : 'needs the engine on a unix socket to proxy',
}, async () => {
  const proxy = await engineProxy((DOCKER_HOST as string).slice('unix://'.length));
  // Reconnect attempts at most 1 s apart: with the default 30 s cap, a loaded machine that takes a few
  // seconds for the changes below leaves the next attempt up to ~10 s after the proxy reopens.
  const manager = await startManager(await sqlite(), { maxReconnectDelayMs: 1_000 });
  const engine = await manager.add({ name: 'proxied', url: proxy.url() });
  // The first full sync lists every kind through the proxy: seconds on a loaded machine.
  await until('proxied live', () => engine.inventory.status().state === 'live', 45_000);
  const run = runLabel();
  const runId = run['io.gantry.test.run'] as string;
  const doomed = await createContainer(run);
  const changed = await createContainer(run);
  await until(
    'both seen',
    () => engine.inventory.get('containers', doomed) && engine.inventory.get('containers', changed),
  );

  await proxy.cut();
  await until('down', () => engine.status().state === 'down');
  assert.equal(engine.inventory.status().state, 'down');
  // While the stream is down: one added, one removed, one started.
  const born = await createContainer(run);
  await docker.containers.remove(doomed, { force: true });
  await docker.containers.start(changed);
  assert.equal(engine.inventory.get('containers', born), undefined, 'nothing seen while down');
  await proxy.open();

  await until(
    'resynced',
    () => engine.status().state === 'up' && engine.inventory.status().resyncs >= 1,
    20_000,
  );
  const status = engine.inventory.status();
  assert.ok(status.missedWhileDown.added >= 1, JSON.stringify(status.missedWhileDown));
  assert.ok(status.missedWhileDown.removed >= 1, JSON.stringify(status.missedWhileDown));
  assert.ok(status.missedWhileDown.changed >= 1, JSON.stringify(status.missedWhileDown));
  assert.ok(status.lastResyncAt !== undefined && status.lastResyncAt > Date.now() - 10_000);
  assert.deepEqual(fingerprint(engine.inventory.items('containers'), runId), await freshList(runId));
  // And it follows events again.
  await docker.containers.stop(changed, { t: 0 });
  await until(
    'stop seen after the resync',
    () => (engine.inventory.get('containers', changed) as ContainerSummary)?.State === 'exited',
    15_000,
  );
});

for (const dialect of DIALECTS) {
  test(`two managers on one ${dialect} database see each other's engine changes`, {
    skip: skipDialect(dialect),
  }, async () => {
    const fresh = await freshDatabase(dialect as Dialect);
    const otherDb = await openDatabase(
      dialect === 'postgres'
        ? { dataDir, databaseUrl: fresh.url }
        : { dataDir: dirname(fresh.path as string), databaseUrl: undefined },
    );
    const managers: EngineService[] = [];
    // One hook, in this order: a poll must never hit a closed or dropped database.
    after(async () => {
      await Promise.all(managers.map((manager) => manager.close()));
      await otherDb.close();
      await fresh.drop();
    });
    // Started together on an empty database: the local engine is added once.
    managers.push(...(await Promise.all([startManager(fresh.db), startManager(otherDb)])));
    const [a, b] = managers as [EngineService, EngineService];
    assert.deepEqual(
      a.list().map((engine) => engine.id),
      [LOCAL_ENGINE],
    );
    assert.deepEqual(
      b.list().map((engine) => engine.id),
      [LOCAL_ENGINE],
    );

    const added = await a.add({ name: 'shared', url: 'unix:///nonexistent/shared.sock' });
    await until('b sees the new engine', () => b.get(added.id)?.name === 'shared');
    await a.update(added.id, { name: 'renamed' });
    await until('b sees the rename', () => b.get(added.id)?.name === 'renamed');
    await b.update(added.id, { url: 'unix:///nonexistent/moved.sock' });
    await until('a sees the new URL', () => a.get(added.id)?.url === 'unix:///nonexistent/moved.sock');
    await b.remove(added.id);
    await until('a drops it', () => a.get(added.id) === undefined);
    assert.equal(
      await a.add({ name: 'renamed', url: 'unix:///x.sock' }).then((engine) => engine.name),
      'renamed',
    );
    await assert.rejects(b.add({ name: 'renamed', url: 'unix:///y.sock' }), { status: 409 });
  });
}
