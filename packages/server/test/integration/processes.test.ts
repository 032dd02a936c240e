/**
 * Real `gantry-server serve` processes. Crash durability: an action the server acknowledged (2xx)
 * keeps its audit row when the server is killed with SIGKILL the instant that answer arrives, on
 * SQLite and PostgreSQL, and `audit verify` still finds the chain intact. Several consoles on one
 * PostgreSQL database: setup closes on all of them, a session works on each and logout-all on one
 * ends it on the other, concurrent actions through both get one gapless audit order, and an engine
 * added or removed on one appears or disappears on the other.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { connect } from '@gantry/engine';
import { freshDatabase } from '../databases.ts';
import {
  ADMIN_USERNAME,
  type ApiClient,
  apiClient,
  DIALECTS,
  type Json,
  skipDialect,
  TEST_PASSWORD,
} from '../support.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const RUN = randomBytes(4).toString('hex');
/** Selects this run's volumes only, for the cleanup. */
const RUN_LABEL = 'io.gantry.test.processes';
/** Shared by every process of this file: consoles on one database must open its secrets alike. */
const SECRET_KEY = randomBytes(32).toString('hex');
const LOCAL_ENGINE = 'local';
const CRASH_ROUNDS = 4;
const CONCURRENT_ACTIONS = 40;
/** The engine manager polls the engines table every 3 s; a change shows within that plus a reload. */
const ENGINE_SYNC_TIMEOUT_MS = 10_000;

/** Runs the cleanups registered so far, newest first, each even when an earlier one failed. */
function cleanupStack() {
  const steps: (() => unknown)[] = [];
  return {
    defer: (step: () => unknown) => steps.push(step),
    async run() {
      while (steps.length > 0) {
        try {
          await steps.pop()?.();
        } catch (error) {
          process.stderr.write(`cleanup step failed: ${String(error)}\n`);
        }
      }
    },
  };
}
type Cleanups = ReturnType<typeof cleanupStack>;

/** Where a console keeps its state: a data directory and, for PostgreSQL, the database's URL. */
interface Store {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
}

function dataDir(cleanups: Cleanups): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-processes-test-'));
  cleanups.defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function database(dialect: (typeof DIALECTS)[number], cleanups: Cleanups): Promise<string | undefined> {
  if (dialect === 'sqlite') return undefined;
  const fresh = await freshDatabase('postgres', { migrated: false });
  // Only the database is kept: the consoles open (and migrate) it themselves.
  await fresh.db.close();
  cleanups.defer(() => fresh.drop());
  return fresh.url;
}

const configFlags = (store: Store) => [
  '--data-dir',
  store.dataDir,
  ...(store.databaseUrl ? ['--database-url', store.databaseUrl] : []),
];

/** An empty GANTRY_DATABASE_URL counts as unset: a developer's own database is never used. */
const childEnv = { ...process.env, GANTRY_SECRET_KEY: SECRET_KEY, GANTRY_DATABASE_URL: '' };

interface ConsoleProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The one-time setup token it printed, if it printed one. */
  readonly setupToken: string | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
}

/**
 * Spawns `gantry-server serve` on a free port and resolves once it printed its banner (and the
 * setup token when `setupToken` says one is expected). Killed (SIGKILL) by the cleanups if still alive.
 */
async function startConsole(
  store: Store,
  cleanups: Cleanups,
  { setupToken = false }: { setupToken?: boolean } = {},
): Promise<ConsoleProcess> {
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--port', '0', '--log-level', 'warn', ...configFlags(store)],
    { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  cleanups.defer(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    const token = /\b(gst_[A-Za-z0-9_-]+)/.exec(output)?.[1];
    if (url && (token || !setupToken)) {
      return { child, url, setupToken: token, exited, stderr: () => errors };
    }
    await sleep(25);
  }
  throw new Error(`gantry-server did not start: stdout ${output} stderr ${errors}`);
}

async function killed(server: ConsoleProcess): Promise<void> {
  const { signal } = await server.exited;
  assert.equal(signal, 'SIGKILL', `the server was killed, not ended otherwise: ${server.stderr()}`);
}

/** `gantry-server audit verify` on the store, as a separate process: its exit code and output. */
async function auditVerify(store: Store): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN, 'audit', 'verify', ...configFlags(store)], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

async function assertChainIntact(store: Store): Promise<void> {
  const verify = await auditVerify(store);
  assert.equal(verify.code, 0, verify.output);
  assert.match(verify.output, /the chain is intact/);
}

async function login(url: string): Promise<ApiClient> {
  const response = await apiClient(url, {}).post('/api/auth/login', {
    username: ADMIN_USERNAME,
    password: TEST_PASSWORD,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  return apiClient(url, { cookie, csrfToken: response.body.csrfToken });
}

/** The same session (cookie and CSRF token) against another console process. */
const sameSessionOn = (url: string, client: ApiClient) =>
  apiClient(url, { cookie: client.cookie, csrfToken: client.csrfToken });

async function setUpAdmin(server: ConsoleProcess): Promise<void> {
  const response = await apiClient(server.url, {}).post('/api/setup', {
    token: server.setupToken,
    username: ADMIN_USERNAME,
    password: TEST_PASSWORD,
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
}

interface AuditRow {
  seq: number;
  operation: string;
  target?: string;
  outcome: string;
}

/** Every audit row, oldest first. */
async function auditRows(admin: ApiClient): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  for (let page = 1; ; page++) {
    const response = await admin.get(`/api/audit?pageSize=500&page=${page}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    rows.push(...response.body.items);
    if (rows.length >= response.body.total || response.body.items.length === 0) break;
  }
  return rows.reverse();
}

interface Action {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** The audit row it must leave. */
  readonly operation: string;
  readonly target: string;
}

const actionKey = (row: { operation: string; target?: string | undefined }) =>
  `${row.operation} ${row.target ?? ''}`;

/**
 * Sends `action` with node:http as `client`; with `killOnAnswer`, the server is sent SIGKILL in the
 * same tick as a 2xx answer's head arrives, before anything else runs. Resolves with the status
 * (0 when the connection died first) and the body when it could still be read.
 */
function send(
  url: string,
  client: ApiClient,
  action: Action,
  killOnAnswer?: ChildProcess,
): Promise<{ status: number; body: Json }> {
  const payload = action.body === undefined ? undefined : JSON.stringify(action.body);
  return new Promise((resolve) => {
    const request = httpRequest(
      `${url}${action.path}`,
      {
        method: action.method,
        agent: false,
        headers: {
          ...(client.cookie ? { cookie: client.cookie } : {}),
          ...(client.csrfToken ? { 'x-csrf-token': client.csrfToken } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (killOnAnswer && status >= 200 && status < 300) killOnAnswer.kill('SIGKILL');
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        const done = () => {
          let body: Json = text;
          try {
            body = JSON.parse(text);
          } catch {
            // a body cut short by the kill: the status is what counts
          }
          resolve({ status, body });
        };
        response.on('end', done);
        response.on('error', done);
        response.on('aborted', done);
      },
    );
    request.on('error', () => resolve({ status: 0, body: undefined }));
    request.end(payload);
  });
}

const volumeLabels = { [TEST_LABEL]: '1', [RUN_LABEL]: RUN };

/** Removes the volumes this run created on the harness engine (also ones a killed server made unacknowledged). */
async function removeRunVolumes(): Promise<void> {
  const docker = connect();
  try {
    const { Volumes } = await docker.volumes.list({ filters: { label: [`${RUN_LABEL}=${RUN}`] } });
    for (const volume of Volumes ?? []) await docker.volumes.remove(volume.Name, { force: true });
  } finally {
    await docker.close();
  }
}

for (const dialect of DIALECTS) {
  test(`an acknowledged action keeps its audit row through kill -9 of the server (${dialect})`, {
    skip: skipDialect(dialect),
    timeout: 300_000,
  }, async (t) => {
    const cleanups = cleanupStack();
    t.after(() => cleanups.run());
    cleanups.defer(removeRunVolumes);
    const store: Store = { dataDir: dataDir(cleanups), databaseUrl: await database(dialect, cleanups) };

    let server = await startConsole(store, cleanups, { setupToken: true });
    await setUpAdmin(server);
    // The session is in the database: the same cookie signs in to every restarted server.
    const session = await login(server.url);
    const acknowledged: Action[] = [];

    const tokenCreate = (name: string): Action => ({
      method: 'POST',
      path: '/api/tokens',
      body: { name, role: 'viewer', engines: [] },
      operation: 'tokens.create',
      target: name,
    });
    const volumeCreate = (name: string): Action => ({
      method: 'POST',
      path: `/api/engines/${LOCAL_ENGINE}/volumes`,
      body: { Name: name, Labels: volumeLabels },
      operation: 'volumes.create',
      target: name,
    });

    for (let round = 0; round < CRASH_ROUNDS; round++) {
      const admin = sameSessionOn(server.url, session);
      // Acknowledged one after another, while nothing else runs.
      const tokens = await admin.get('/api/tokens?pageSize=500');
      const revoked = tokens.body.items.find(
        (token: { revokedAt: number | null }) => token.revokedAt === null,
      );
      const username = `crash-user-${round}-${RUN}`;
      const steady: Action[] = [
        tokenCreate(`crash-${round}-steady-${RUN}`),
        {
          method: 'POST',
          path: '/api/users',
          body: { username, password: TEST_PASSWORD, role: 'viewer', engines: [] },
          operation: 'users.create',
          target: username,
        },
        volumeCreate(`gantry-test-processes-${round}-steady-${RUN}`),
        ...(revoked
          ? [
              {
                method: 'DELETE',
                path: `/api/tokens/${revoked.id}`,
                operation: 'tokens.revoke',
                target: `token:${revoked.name}`,
              },
            ]
          : []),
      ];
      for (const action of steady) {
        const { status, body } = await send(server.url, session, action);
        assert.ok(status >= 200 && status < 300, `${action.operation}: ${status} ${JSON.stringify(body)}`);
        acknowledged.push(action);
      }
      // A burst of concurrent actions; the first 2xx answer kills the server while the rest are in flight.
      const burst = [
        ...Array.from({ length: 5 }, (_, index) => tokenCreate(`crash-${round}-burst-${index}-${RUN}`)),
        volumeCreate(`gantry-test-processes-${round}-burst-${RUN}`),
      ];
      const answers = await Promise.all(
        burst.map((action) => send(server.url, session, action, server.child)),
      );
      burst.forEach((action, index) => {
        const status = answers[index]?.status ?? 0;
        if (status >= 200 && status < 300) acknowledged.push(action);
      });
      assert.ok(
        answers.some(({ status }) => status >= 200 && status < 300),
        `one burst answer came before the kill: ${JSON.stringify(answers)}`,
      );
      await killed(server);

      // Offline, as an operator would after a crash, then through the restarted server.
      await assertChainIntact(store);
      server = await startConsole(store, cleanups);
      assert.equal(server.setupToken, undefined, 'no new setup token once an admin exists');
      const restarted = sameSessionOn(server.url, session);
      const me = await restarted.get('/api/auth/me');
      assert.equal(me.status, 200, 'the session survived the kill');
      const recorded = new Set(
        (await auditRows(restarted)).filter((row) => row.outcome === 'success').map(actionKey),
      );
      const missing = acknowledged.map(actionKey).filter((key) => !recorded.has(key));
      assert.deepEqual(missing, [], `round ${round}: acknowledged actions without an audit row`);
      const users = await restarted.get('/api/users?filter=crash-user-&pageSize=500');
      assert.equal(users.body.total, round + 1, 'every acknowledged user exists');
    }
    assert.ok(acknowledged.length >= CRASH_ROUNDS * 4, `actions acknowledged: ${acknowledged.length}`);
    server.child.kill('SIGKILL');
    await killed(server);
    await assertChainIntact(store);
  });
}

describe('several console processes on one PostgreSQL database', { skip: skipDialect('postgres') }, () => {
  const cleanups = cleanupStack();
  let store: Store;
  let first: ConsoleProcess;
  let second: ConsoleProcess;

  before(async () => {
    store = { dataDir: dataDir(cleanups), databaseUrl: await database('postgres', cleanups) };
    // Started together on the empty database, as replicas would be: both migrate, add the local
    // engine and prepare a setup token at once. Each has its own data directory: only the database
    // (and the secret key) is shared.
    [first, second] = await Promise.all([
      startConsole(store, cleanups, { setupToken: true }),
      startConsole({ ...store, dataDir: dataDir(cleanups) }, cleanups, { setupToken: true }),
    ]);
  });
  after(() => cleanups.run());

  test('setup: one of the two printed tokens sets up the admin through either console; then both answer 410', async () => {
    assert.notEqual(first.setupToken, second.setupToken);
    const setup = (url: string, token: string | undefined) =>
      apiClient(url, {}).post('/api/setup', { token, username: ADMIN_USERNAME, password: TEST_PASSWORD });
    // Each start replaces the stored token (setup.ts): only the one prepared last is valid. Each
    // token is tried on the other console: the stale one is refused (403), or, tried after the
    // valid one succeeded, finds setup done (410).
    const statuses = [
      (await setup(second.url, first.setupToken)).status,
      (await setup(first.url, second.setupToken)).status,
    ];
    assert.ok(
      isDeepStrictEqual(statuses, [201, 410]) || isDeepStrictEqual(statuses, [403, 201]),
      `exactly one token sets up, the other is refused: ${statuses}`,
    );
    for (const server of [first, second]) {
      for (const token of [first.setupToken, second.setupToken]) {
        const again = await setup(server.url, token);
        assert.equal(again.status, 410, server.url);
        assert.equal(again.body.error.code, 'SETUP_DONE');
      }
      assert.equal((await apiClient(server.url, {}).get('/api/setup')).body.required, false);
    }
  });

  test('sessions: a login on one works on the other; logout-all on the other ends it on the first', async () => {
    const onFirst = await login(first.url);
    const onSecond = sameSessionOn(second.url, onFirst);
    const me = await onSecond.get('/api/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.username, ADMIN_USERNAME);
    assert.equal(me.body.csrfToken, onFirst.csrfToken, 'the same session, not a new one');
    const other = await login(second.url);
    const ended = await other.post('/api/auth/logout-all');
    assert.equal(ended.status, 200);
    assert.equal(ended.body.sessionsEnded, 2);
    for (const client of [onFirst, sameSessionOn(first.url, other)]) {
      const refused = await client.get('/api/auth/me');
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'UNAUTHENTICATED');
    }
  });

  test('audit order: concurrent actions through both consoles get one gapless chain', async () => {
    const session = await login(first.url);
    const names = Array.from({ length: CONCURRENT_ACTIONS }, (_, index) => `concurrent-${index}-${RUN}`);
    const answers = await Promise.all(
      names.map((name, index) =>
        sameSessionOn(index % 2 === 0 ? first.url : second.url, session).post('/api/tokens', {
          name,
          role: 'viewer',
          engines: [],
        }),
      ),
    );
    assert.deepEqual(
      answers.map(({ status }) => status),
      names.map(() => 201),
    );
    const rows = await auditRows(sameSessionOn(second.url, session));
    assert.deepEqual(
      rows.map((row) => row.seq),
      rows.map((_, index) => index + 1),
      'seq runs 1, 2, 3 ... without a gap or a repeat',
    );
    const created = new Set(rows.filter((row) => row.operation === 'tokens.create').map((row) => row.target));
    assert.deepEqual(
      names.filter((name) => !created.has(name)),
      [],
    );
    await assertChainIntact(store);
  });

  test('engines: one added on the first appears on the second; removed there, it goes from the first', async () => {
    const session = await login(first.url);
    const onSecond = sameSessionOn(second.url, session);
    for (const client of [session, onSecond]) {
      const ids = (await client.get('/api/engines')).body.items.map((engine: { id: string }) => engine.id);
      assert.deepEqual(ids, [LOCAL_ENGINE], 'the local engine, added once by the two first starts');
    }
    const added = await session.post('/api/engines?skipTest=1', {
      name: `processes-${RUN}`,
      url: `unix:///nonexistent/gantry-processes-${RUN}.sock`,
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const id: string = added.body.id;
    const listed = async (client: ApiClient) =>
      (await client.get('/api/engines')).body.items.some((engine: { id: string }) => engine.id === id);
    await until(`engine ${id} listed by the second console`, () => listed(onSecond));
    assert.equal((await onSecond.delete(`/api/engines/${id}`)).status, 204);
    await until(`engine ${id} gone from the first console`, async () => !(await listed(session)));
    assert.equal((await session.get(`/api/engines/${id}`)).status, 404);
  });
});

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ENGINE_SYNC_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline)
      assert.fail(`timed out after ${ENGINE_SYNC_TIMEOUT_MS} ms waiting for ${what}`);
    await sleep(100);
  }
}
