/** The hash-chained audit log against a real database, both dialects: order, filters, export, prune, tampering. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, mock, test } from 'node:test';
import { type AuditStore, createAuditLog } from '../../src/audit/audit-log.ts';
import { AUDIT_HEAD_KEY, type AuditRow, rowHash, writePoint } from '../../src/audit/chain.ts';
import { verifyAuditChain } from '../../src/audit/verify.ts';
import type { AuditEntry } from '../../src/context.ts';
import type { Database } from '../../src/db/database.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { DIALECTS, freshDatabase, skipDialect } from '../databases.ts';

const box = createSecretBox(randomBytes(32));
const entry = (index: number, fields: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: 'alice',
  actorKind: 'user',
  engineId: 'local',
  operation: 'containers.start',
  target: `c${index}`,
  params: { index },
  outcome: 'success',
  status: 204,
  ip: '127.0.0.1',
  requestId: `r${index}`,
  ...fields,
});
const problemsOf = async (db: Database) => (await verifyAuditChain(db, box)).problems;

for (const dialect of DIALECTS) {
  describe(`audit log (${dialect})`, { skip: skipDialect(dialect) }, () => {
    /** A database with `rows` rows appended. */
    const withLog =
      (rows: number, work: (audit: AuditStore, db: Database, url?: string) => Promise<void>) => async () => {
        const { db, drop, url } = await freshDatabase(dialect);
        try {
          const audit = createAuditLog(db, box);
          for (let index = 1; index <= rows; index++) await audit.append(entry(index));
          await work(audit, db, url);
        } finally {
          await drop();
        }
      };

    test(
      'concurrent appends, from two connections too, get one gapless order and verify',
      withLog(0, async (audit, db, url) => {
        const other = url ? await openPostgres(url) : undefined;
        try {
          const second = other ? createAuditLog(other, box) : audit;
          const records = await Promise.all(
            Array.from({ length: 40 }, (_, index) => (index % 2 ? second : audit).append(entry(index))),
          );
          assert.deepEqual(
            records.map((record) => record.seq).sort((a, b) => a - b),
            Array.from({ length: 40 }, (_, index) => index + 1),
          );
          const result = await verifyAuditChain(db, box);
          assert.deepEqual(result, { ok: true, checked: 40, firstSeq: 1, lastSeq: 40, problems: [] });
        } finally {
          await other?.close();
        }
      }),
    );

    test(
      'group commit: concurrent appends share transactions, each resolves with its committed row; a bad entry fails alone',
      withLog(0, async (audit, db) => {
        const transaction = mock.method(db, 'transaction');
        const records = await Promise.all(
          Array.from({ length: 30 }, (_, index) => audit.append(entry(index))),
        );
        // In call order (the chain is the order the appends were made) and fewer commits than rows.
        assert.deepEqual(
          records.map((record) => record.target),
          Array.from({ length: 30 }, (_, index) => `c${index}`),
        );
        assert.ok(
          transaction.mock.callCount() < 30,
          `${transaction.mock.callCount()} transactions for 30 rows`,
        );
        for (const record of records) {
          const row = await db.get<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [
            record.seq,
          ]);
          assert.equal(row?.hash, record.hash, 'resolved only once committed');
        }
        // An entry whose params cannot be read (a throwing getter) is refused; the batch around it is not.
        const unreadable = Object.defineProperty({}, 'value', {
          enumerable: true,
          get() {
            throw new Error('unreadable');
          },
        });
        const mixed = await Promise.allSettled([
          audit.append(entry(100)),
          audit.append(entry(101, { params: unreadable })),
          audit.append(entry(102)),
        ]);
        assert.deepEqual(
          mixed.map((result) => result.status),
          ['fulfilled', 'rejected', 'fulfilled'],
        );
        await audit.settled();
        assert.deepEqual(await problemsOf(db), []);
        transaction.mock.restore();
      }),
    );

    test(
      'deferred appends: one commit per interval, or with the next immediate append; settled() flushes them',
      withLog(0, async (audit, db) => {
        const transaction = mock.method(db, 'transaction');
        const later = Array.from({ length: 10 }, (_, index) => audit.appendLater(entry(index)));
        assert.equal(transaction.mock.callCount(), 0, 'nothing committed at once');
        const records = await Promise.all(later);
        assert.equal(transaction.mock.callCount(), 1, 'ten deferred rows, one commit');
        assert.deepEqual(
          records.map((record) => record.seq),
          Array.from({ length: 10 }, (_, index) => index + 1),
        );
        // An immediate append takes the deferred ones waiting with it.
        const waitingRow = audit.appendLater(entry(20));
        await audit.append(entry(21));
        assert.equal((await waitingRow).seq, 11);
        assert.equal(transaction.mock.callCount(), 2);
        // settled() does not wait out the interval.
        void audit.appendLater(entry(30));
        const started = performance.now();
        await audit.settled();
        assert.ok(performance.now() - started < 90, 'flushed at once');
        assert.equal(Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))?.n), 13);
        transaction.mock.restore();
      }),
    );

    test(
      'secrets in params are redacted before writing',
      withLog(0, async (audit, db) => {
        const record = await audit.append(
          entry(1, { params: { env: ['A=1', 'DB_PASSWORD=pw'], auth: { password: 'x' } } }),
        );
        assert.deepEqual(record.params, { auth: '[redacted]', env: ['A=1', 'DB_PASSWORD=[redacted]'] });
        const row = await db.get<{ params: string }>('SELECT params FROM audit_log WHERE seq = 1');
        assert.ok(!row?.params.includes('pw') && !row?.params.includes('"x"'));
      }),
    );

    test(
      'list filters and pages newest first; export is JSON Lines oldest first',
      withLog(6, async (audit) => {
        await audit.append(
          entry(7, { actor: 'bob', operation: 'auth.login', engineId: undefined, outcome: 'failure' }),
        );
        await audit.append(entry(8, { actor: 'bob', operation: 'images.pull', engineId: 'remote' }));
        const page = await audit.list({}, { page: 1, pageSize: 3 });
        assert.equal(page.total, 8);
        assert.deepEqual(
          page.items.map((item) => item.seq),
          [8, 7, 6],
        );
        assert.equal((await audit.list({ actor: 'bob' }, { page: 1, pageSize: 50 })).total, 2);
        assert.equal((await audit.list({ operation: 'auth.' }, { page: 1, pageSize: 50 })).total, 1);
        assert.equal((await audit.list({ operation: 'containers%' }, { page: 1, pageSize: 50 })).total, 0);
        assert.equal((await audit.list({ engineId: 'remote' }, { page: 1, pageSize: 50 })).total, 1);
        assert.equal((await audit.list({ outcome: 'failure' }, { page: 1, pageSize: 50 })).total, 1);
        assert.equal((await audit.list({ until: 0 }, { page: 1, pageSize: 50 })).total, 0);
        assert.equal((await audit.list({ since: 0 }, { page: 2, pageSize: 5 })).items.length, 3);
        const lines: string[] = [];
        for await (const line of audit.exportJsonLines({ actor: 'alice' })) lines.push(line);
        assert.equal(lines.length, 6);
        assert.ok(lines.every((line) => line.endsWith('\n')));
        const first = JSON.parse(lines[0] as string);
        assert.equal(first.seq, 1);
        assert.equal(first.target, 'c1');
        assert.match(first.hash, /^[0-9a-f]{64}$/);
      }),
    );

    test(
      'verify finds an edited row',
      withLog(5, async (_audit, db) => {
        await db.run("UPDATE audit_log SET outcome = 'failure' WHERE seq = 3");
        assert.deepEqual(
          (await problemsOf(db)).map((problem) => problem.seq),
          [3],
        );
      }),
    );

    test(
      'verify finds a deleted row',
      withLog(5, async (_audit, db) => {
        await db.run('DELETE FROM audit_log WHERE seq = 3');
        const problems = await problemsOf(db);
        assert.equal(problems.length, 1);
        assert.equal(problems[0]?.seq, 4);
        assert.match(problems[0]?.problem ?? '', /rows 3\.\.3 are missing/);
      }),
    );

    test(
      'verify finds rows deleted from the end, and the next append does not hide it',
      withLog(5, async (audit, db) => {
        await db.run('DELETE FROM audit_log WHERE seq > 3');
        assert.match(
          (await problemsOf(db)).map((problem) => problem.problem).join(),
          /ends at row 3 .* up to row 5/,
        );
        await audit.append(entry(6));
        const problems = await problemsOf(db);
        assert.equal(problems[0]?.seq, 6);
        assert.match(problems[0]?.problem ?? '', /rows 4\.\.5 are missing/);
      }),
    );

    test(
      'verify finds a chain re-hashed without the key, and a swapped head',
      withLog(5, async (_audit, db) => {
        const forger = createSecretBox(randomBytes(32)).derive('audit-chain');
        let previous =
          (await db.get<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = 2'))?.hash ?? '';
        for (const row of await db.all<AuditRow>('SELECT * FROM audit_log WHERE seq >= 3 ORDER BY seq')) {
          const edited = { ...row, actor: 'mallory', prev_hash: previous };
          edited.hash = rowHash(forger, edited);
          await db.run('UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [
            edited.actor,
            edited.prev_hash,
            edited.hash,
            row.seq,
          ]);
          previous = edited.hash;
        }
        await writePoint(db, forger, AUDIT_HEAD_KEY, { seq: 5, hash: previous });
        const problems = await problemsOf(db);
        assert.deepEqual([...new Set(problems.map((problem) => problem.seq))], [3, 4, 5]);
        assert.match(problems.map((problem) => problem.problem).join(), /audit head .* changed or forged/);

        // A plain SHA-256 chain (no key at all) fails the same way.
        const plain = createHash('sha256').update('x').digest('hex');
        await db.run('UPDATE audit_log SET hash = $1 WHERE seq = 1', [plain]);
        assert.ok((await problemsOf(db)).some((problem) => problem.seq === 1));
      }),
    );

    test(
      'prune keeps the chain verifiable from its anchor and is itself audited',
      withLog(0, async (audit, db) => {
        const day = 24 * 60 * 60 * 1000;
        mock.timers.enable({ apis: ['Date'], now: Date.now() - 40 * day });
        try {
          for (let index = 1; index <= 4; index++) await audit.append(entry(index));
        } finally {
          mock.timers.reset();
        }
        for (let index = 5; index <= 6; index++) await audit.append(entry(index));
        assert.equal(await audit.prune(30), 4);
        assert.equal(await audit.prune(30), 0, 'nothing more to prune: no new row either');
        const result = await verifyAuditChain(db, box);
        assert.deepEqual(result, { ok: true, checked: 3, firstSeq: 5, lastSeq: 7, problems: [] });
        const [pruned] = (await audit.list({ operation: 'audit.prune' }, { page: 1, pageSize: 1 })).items;
        assert.deepEqual(pruned?.params, {
          anchorSeq: 4,
          before: pruned?.params?.before,
          deleted: 4,
          retentionDays: 30,
        });
        await db.run('DELETE FROM audit_log WHERE seq = 5');
        assert.equal((await problemsOf(db))[0]?.seq, 6, 'deleting right after the anchor is still found');
      }),
    );
  });
}
