/**
 * The Database contract on both dialects: `$n` placeholders, numbers, transactions, named locks and
 * migrations — including several processes migrating one fresh PostgreSQL database at once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { MIGRATIONS, migrate } from '../../src/db/migrations.ts';
import { openDatabase } from '../../src/db/open.ts';
import { lockKey, openPostgres } from '../../src/db/postgres.ts';
import { DIALECTS, freshDatabase, skipDialect, TEST_DATABASE_URL } from '../databases.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh migrated database for one test, dropped afterwards whatever happens. */
async function withDatabase(dialect: (typeof DIALECTS)[number], use: (db: Database) => Promise<void>) {
  const fresh = await freshDatabase(dialect);
  try {
    await use(fresh.db);
  } finally {
    await fresh.drop();
  }
}

for (const dialect of DIALECTS) {
  describe(`database contract (${dialect})`, { skip: skipDialect(dialect) }, () => {
    test('$n placeholders, reused and out of order; rows as plain objects; run counts changes', () =>
      withDatabase(dialect, async (db) => {
        assert.equal(db.dialect, dialect);
        const inserted = await db.run('INSERT INTO settings (key, value) VALUES ($2, $1), ($3, $1)', [
          'v',
          'a',
          'b',
        ]);
        assert.deepEqual(inserted, { changes: 2 });
        assert.deepEqual(
          await db.all('SELECT key, value FROM settings WHERE value = $1 AND key <> $2 ORDER BY key', [
            'v',
            'zz',
          ]),
          [
            { key: 'a', value: 'v' },
            { key: 'b', value: 'v' },
          ],
        );
        assert.deepEqual(await db.get('SELECT value FROM settings WHERE key = $1', ['a']), { value: 'v' });
        assert.equal(await db.get('SELECT value FROM settings WHERE key = $1', ['none']), undefined);
        assert.deepEqual(await db.run('UPDATE settings SET value = $1 WHERE key = $2', ['w', 'nothing']), {
          changes: 0,
        });
        assert.deepEqual(await db.run('DELETE FROM settings'), { changes: 2 });
      }));

    test('BIGINT, COUNT and SUM read as numbers; NULL as null', () =>
      withDatabase(dialect, async (db) => {
        const at = Date.UTC(2030, 0, 1);
        const big = Number.MAX_SAFE_INTEGER;
        for (const [seq, when] of [
          [1, at],
          [2, big],
        ] as const) {
          await db.run(
            `INSERT INTO audit_log (seq, at, actor, actor_kind, engine_id, operation, params, outcome, status, prev_hash, hash)
             VALUES ($1, $2, 'alice', 'user', NULL, 'x.y', '{}', 'success', 200, '', '')`,
            [seq, when],
          );
        }
        const rows = await db.all<{ seq: number; at: number; engine_id: string | null; status: number }>(
          'SELECT seq, at, engine_id, status FROM audit_log ORDER BY seq',
        );
        assert.deepEqual(rows, [
          { seq: 1, at, engine_id: null, status: 200 },
          { seq: 2, at: big, engine_id: null, status: 200 },
        ]);
        const totals = await db.get(
          'SELECT COUNT(*) AS n, SUM(seq) AS total, MAX(at) AS latest FROM audit_log',
        );
        assert.deepEqual(totals, { n: 2, total: 3, latest: big });
        for (const value of Object.values(totals ?? {})) assert.equal(typeof value, 'number');
      }));

    test('a transaction commits when its work resolves and rolls back when it throws', () =>
      withDatabase(dialect, async (db) => {
        const result = await db.transaction(async (tx) => {
          await tx.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['kept', '1']);
          return (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM settings'))?.n;
        });
        assert.equal(result, 1);
        await assert.rejects(
          db.transaction(async (tx) => {
            await tx.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['lost', '1']);
            await tx.run('UPDATE settings SET value = $1 WHERE key = $2', ['2', 'kept']);
            throw new Error('changed my mind');
          }),
          /changed my mind/,
        );
        // A failing statement inside rolls back too, and the connection stays usable.
        await assert.rejects(
          db.transaction(async (tx) => {
            await tx.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['also-lost', '1']);
            await tx.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['kept', 'duplicate']);
          }),
        );
        assert.deepEqual(await db.all('SELECT key, value FROM settings'), [{ key: 'kept', value: '1' }]);
      }));

    test('transactions under one lock run one at a time (read, wait, write loses no update)', () =>
      withDatabase(dialect, async (db) => {
        await db.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['counter', '0']);
        const spans: [number, number][] = [];
        const bump = () =>
          db.transaction(
            async (tx) => {
              const started = performance.now();
              const row = await tx.get<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
                'counter',
              ]);
              await sleep(60);
              await tx.run('UPDATE settings SET value = $1 WHERE key = $2', [
                String(Number(row?.value) + 1),
                'counter',
              ]);
              spans.push([started, performance.now()]);
            },
            { lock: 'test.counter' },
          );
        await Promise.all([bump(), bump(), bump()]);
        assert.deepEqual(await db.get('SELECT value FROM settings WHERE key = $1', ['counter']), {
          value: '3',
        });
        spans.sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < spans.length; i++)
          assert.ok((spans[i]?.[0] ?? 0) >= (spans[i - 1]?.[1] ?? 0), 'overlap');
      }));

    test('migrate is idempotent and records each migration once', () =>
      withDatabase(dialect, async (db) => {
        assert.deepEqual(await migrate(db), []);
        assert.deepEqual(await migrate(db), []);
        const applied = await db.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
        assert.deepEqual(
          applied.map((row) => row.id),
          MIGRATIONS.map((migration) => migration.id),
        );
        for (const table of [
          'settings',
          'users',
          'roles',
          'sessions',
          'api_tokens',
          'engines',
          'audit_log',
        ]) {
          assert.deepEqual(await db.get(`SELECT COUNT(*) AS n FROM ${table}`), { n: 0 }, table);
        }
      }));

    test('migrate on an empty database applies every migration', async () => {
      const fresh = await freshDatabase(dialect, { migrated: false });
      try {
        assert.deepEqual(
          await migrate(fresh.db),
          MIGRATIONS.map((migration) => migration.id),
        );
      } finally {
        await fresh.drop();
      }
    });
  });
}

describe('PostgreSQL across pools and processes', { skip: skipDialect('postgres') }, () => {
  test('one lock name serializes transactions of two separate pools (two consoles)', async () => {
    const fresh = await freshDatabase('postgres');
    const other = await openPostgres(fresh.url ?? '');
    try {
      const spans: [number, number][] = [];
      const hold = (db: Database) =>
        db.transaction(
          async (tx) => {
            const started = performance.now();
            await tx.get('SELECT 1 AS one');
            await sleep(150);
            spans.push([started, performance.now()]);
          },
          { lock: 'gantry.audit' },
        );
      await Promise.all([hold(fresh.db), hold(other)]);
      spans.sort((a, b) => a[0] - b[0]);
      const [first, second] = spans as [[number, number], [number, number]];
      assert.ok(second[0] >= first[1], `the second began ${first[1] - second[0]} ms before the first ended`);
      // Different names do not wait for each other.
      const startedAt = performance.now();
      await Promise.all([
        fresh.db.transaction(() => sleep(150), { lock: 'a' }),
        other.transaction(() => sleep(150), { lock: 'b' }),
      ]);
      assert.ok(performance.now() - startedAt < 290);
    } finally {
      await other.close();
      await fresh.drop();
    }
  });

  test('lock keys are stable signed 64-bit integers', () => {
    const key = BigInt(lockKey('gantry.migrations'));
    assert.equal(lockKey('gantry.migrations'), key.toString());
    assert.ok(key >= -(2n ** 63n) && key < 2n ** 63n);
    assert.notEqual(lockKey('gantry.audit'), lockKey('gantry.migrations'));
  });

  test('several pools migrating one fresh database at once all succeed, once', async () => {
    const fresh = await freshDatabase('postgres', { migrated: false });
    const pools = await Promise.all(Array.from({ length: 5 }, () => openPostgres(fresh.url ?? '')));
    try {
      const results = await Promise.all(pools.map((db) => migrate(db)));
      assert.equal(results.filter((applied) => applied.length > 0).length, 1);
      assert.deepEqual(
        results.flat(),
        MIGRATIONS.map((migration) => migration.id),
      );
    } finally {
      await Promise.all(pools.map((db) => db.close()));
      await fresh.drop();
    }
  });

  test('several processes starting on one fresh database at once all succeed', async () => {
    const fresh = await freshDatabase('postgres', { migrated: false });
    try {
      const openModule = new URL('../../src/db/open.ts', import.meta.url).href;
      const script = `
        const { openDatabase } = await import(${JSON.stringify(openModule)});
        const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: process.env.URL });
        const row = await db.get('SELECT COUNT(*) AS n FROM schema_migrations');
        await db.close();
        process.stdout.write(String(row.n));`;
      const outcomes = await Promise.all(
        Array.from({ length: 4 }, () => runNode(script, { ...process.env, URL: fresh.url ?? '' })),
      );
      for (const outcome of outcomes)
        assert.deepEqual(outcome, { code: 0, stdout: String(MIGRATIONS.length), stderr: '' });
    } finally {
      await fresh.drop();
    }
  });

  test('connection errors name the server with the password masked', async () => {
    const password = 'n0t-the-real-one';
    const url = new URL(TEST_DATABASE_URL ?? '');
    url.password = password;
    await assert.rejects(openPostgres(url.toString()), (error: Error) => {
      assert.match(
        error.message,
        /cannot connect to PostgreSQL at postgres:\/\/gantry_test:\*\*\*@127\.0\.0\.1:\d+\/postgres: .*password authentication failed/,
      );
      assert.ok(!error.message.includes(password));
      assert.equal((error as { code?: string }).code, '28P01');
      return true;
    });
    await assert.rejects(openPostgres(`postgres://gantry:${password}@127.0.0.1:1/x`), (error: Error) => {
      assert.ok(!error.message.includes(password) && error.message.includes(':***@127.0.0.1:1'));
      assert.equal((error as { code?: string }).code, 'ECONNREFUSED');
      return true;
    });
    await assert.rejects(openPostgres(`postgres://gantry:${password}@[bad/x`), (error: Error) => {
      assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(password));
      return true;
    });
  });
});

test('openDatabase makes the SQLite data directory private and migrates the database', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-open-'));
  try {
    const dataDir = join(root, 'a', 'b');
    const db = await openDatabase({ dataDir, databaseUrl: undefined });
    try {
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      assert.ok(statSync(join(dataDir, 'gantry.db')).isFile());
      assert.deepEqual(await db.get('SELECT COUNT(*) AS n FROM schema_migrations'), { n: MIGRATIONS.length });
    } finally {
      await db.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

function runNode(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
