/**
 * The append-only, hash-chained audit log (table `audit_log`). Rows are appended under the
 * `gantry.audit` lock, so every console process on one database adds them in one order: seq =
 * head + 1, prev_hash = the head's hash (chain.ts). `append` resolves once the row is committed
 * (durable: it survives `kill -9`). Old rows are pruned by retention, leaving an anchor the chain
 * continues from.
 */
import type { AuditEntry, AuditLog, AuditRecord, SecretBox } from '../context.ts';
import type { Database, Queryable, SqlValue } from '../db/database.ts';
import {
  AUDIT_ANCHOR_KEY,
  AUDIT_HEAD_KEY,
  AUDIT_KEY_PURPOSE,
  type AuditRow,
  type ChainPoint,
  canonicalJson,
  chainKey,
  GENESIS_HASH,
  readPoint,
  rowHash,
  writePoint,
} from './chain.ts';
import { redact } from './redact.ts';

export const AUDIT_LOCK = 'gantry.audit';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows read per query when exporting. */
const EXPORT_BATCH = 500;
/** Written when the stored head was missing or forged while the log had rows: the chain went on from the last row. */
export const TAMPER_OPERATION = 'audit.tamper';

/**
 * Operations whose routes write their own audit rows (with the username as actor, never the
 * password): the router does not add its generic row for them.
 */
export const SELF_AUDITED_OPERATIONS: ReadonlySet<string> = new Set([
  'setup.create',
  'auth.login',
  'auth.logout',
  'auth.logout-all',
  'auth.password',
]);

export interface AuditFilter {
  readonly actor?: string | undefined;
  /** Operation prefix: `containers.` or `auth.login`. */
  readonly operation?: string | undefined;
  readonly engineId?: string | undefined;
  readonly outcome?: AuditEntry['outcome'] | undefined;
  /** ms since the epoch, inclusive. */
  readonly since?: number | undefined;
  /** ms since the epoch, exclusive. */
  readonly until?: number | undefined;
}

export interface AuditPage {
  readonly items: AuditRecord[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

export interface AuditStore extends AuditLog {
  /** Resolves once every append made so far (deferred ones too, at once) is committed or failed. */
  settled(): Promise<void>;
  /** Newest first. `page` from 1. */
  list(filter: AuditFilter, paging: { page: number; pageSize: number }): Promise<AuditPage>;
  /** Oldest first, one JSON object per line (each string ends with `\n`). */
  exportJsonLines(filter: AuditFilter): AsyncIterable<string>;
  /** Deletes rows older than `retentionDays` days (itself audited as `audit.prune`); returns how many. */
  prune(retentionDays: number): Promise<number>;
}

const optional = (value: string | null) => value ?? undefined;

export const recordFromRow = (row: AuditRow): AuditRecord => ({
  seq: Number(row.seq),
  at: Number(row.at),
  actor: row.actor,
  actorKind: row.actor_kind as AuditEntry['actorKind'],
  engineId: optional(row.engine_id),
  operation: row.operation,
  target: optional(row.target),
  params: JSON.parse(row.params) as Record<string, unknown>,
  outcome: row.outcome as AuditEntry['outcome'],
  status: Number(row.status),
  ip: optional(row.ip),
  requestId: optional(row.request_id),
  prevHash: row.prev_hash,
  hash: row.hash,
});

/** SQL conditions and values for a filter; `$n` numbering starts at 1. */
function where(filter: AuditFilter): { sql: string; values: SqlValue[] } {
  const conditions: string[] = [];
  const values: SqlValue[] = [];
  const add = (condition: string, value: SqlValue) => {
    values.push(value);
    conditions.push(condition.replace('?', `$${values.length}`));
  };
  if (filter.actor !== undefined) add('actor = ?', filter.actor);
  if (filter.operation !== undefined) {
    add("operation LIKE ? ESCAPE '\\'", `${filter.operation.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
  }
  if (filter.engineId !== undefined) add('engine_id = ?', filter.engineId);
  if (filter.outcome !== undefined) add('outcome = ?', filter.outcome);
  if (filter.since !== undefined) add('at >= ?', filter.since);
  if (filter.until !== undefined) add('at < ?', filter.until);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

/** An append waiting for the next group commit. */
interface PendingAppend {
  readonly entry: AuditEntry;
  readonly resolve: (record: AuditRecord) => void;
  readonly reject: (error: unknown) => void;
}

/** Longest wait of a deferred append for the next commit (ms). */
const DEFER_MS = 100;

/** Rows per group commit at most: a burst is split so no transaction holds the audit lock for long. */
const MAX_BATCH_ROWS = 256;

export function createAuditLog(db: Database, secretBox: SecretBox): AuditStore {
  const key = chainKey(secretBox.derive(AUDIT_KEY_PURPOSE));

  /** Where the next row continues the chain from, and whether the stored head had to be distrusted. */
  const chainEnd = async (tx: Queryable): Promise<{ point: ChainPoint; repaired: boolean }> => {
    const head = await readPoint(tx, key, AUDIT_HEAD_KEY);
    if (head !== undefined && head !== 'forged') return { point: head, repaired: false };
    const last = await tx.get<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    if (last) return { point: { seq: Number(last.seq), hash: last.hash }, repaired: true };
    const anchor = await readPoint(tx, key, AUDIT_ANCHOR_KEY);
    if (anchor !== undefined && anchor !== 'forged') return { point: anchor, repaired: head === 'forged' };
    return { point: { seq: 0, hash: GENESIS_HASH }, repaired: head === 'forged' || anchor === 'forged' };
  };

  /** Inserts one row after `previous`; the head is written by the caller, once per transaction. */
  const insert = async (tx: Queryable, previous: ChainPoint, entry: AuditEntry): Promise<AuditRecord> => {
    const row: AuditRow = {
      seq: previous.seq + 1,
      at: Date.now(),
      actor: entry.actor,
      actor_kind: entry.actorKind,
      engine_id: entry.engineId ?? null,
      operation: entry.operation,
      target: entry.target ?? null,
      params: canonicalJson(redact(entry.params ?? {})),
      outcome: entry.outcome,
      status: entry.status,
      ip: entry.ip ?? null,
      request_id: entry.requestId ?? null,
      prev_hash: previous.hash,
      hash: '',
    };
    row.hash = rowHash(key, row);
    await tx.run(
      `INSERT INTO audit_log (seq, at, actor, actor_kind, engine_id, operation, target, params, outcome, status, ip, request_id, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        row.seq,
        row.at,
        row.actor,
        row.actor_kind,
        row.engine_id,
        row.operation,
        row.target,
        row.params,
        row.outcome,
        row.status,
        row.ip,
        row.request_id,
        row.prev_hash,
        row.hash,
      ],
    );
    return recordFromRow(row);
  };

  /**
   * Appends `entries` in order inside `tx` (which holds the audit lock): the chain's end is read
   * once and the head written once, however many rows the group commit carries.
   */
  const appendAllIn = async (tx: Queryable, entries: readonly AuditEntry[]): Promise<AuditRecord[]> => {
    const { point: end, repaired } = await chainEnd(tx);
    let point = end;
    if (repaired) {
      point = await insert(tx, point, {
        actor: 'system',
        actorKind: 'system',
        operation: TAMPER_OPERATION,
        params: {
          problem: `the stored audit head was missing or invalid; the chain continues from seq ${point.seq}`,
        },
        outcome: 'failure',
        status: 500,
      });
    }
    const records: AuditRecord[] = [];
    for (const entry of entries) {
      const record = await insert(tx, point, entry);
      records.push(record);
      point = record;
    }
    await writePoint(tx, key, AUDIT_HEAD_KEY, { seq: point.seq, hash: point.hash });
    return records;
  };

  /**
   * Group commit: appends that arrive while a transaction is committing wait and go together in the
   * next one, so concurrent requests share one fsync. Each append still resolves only once its own
   * row is committed (the guarantee every caller relies on: row before response). Deferred appends
   * (`appendLater`) wait up to DEFER_MS for company — or for the next immediate append — so a stream
   * of them costs one commit per interval, not one each (SQLite commits block the event loop).
   */
  let waiting: PendingAppend[] = [];
  let draining: Promise<void> | undefined;
  let deferred: NodeJS.Timeout | undefined;
  const commitBatch = (batch: readonly PendingAppend[]) =>
    db.transaction(
      (tx) =>
        appendAllIn(
          tx,
          batch.map((pending) => pending.entry),
        ),
      { lock: AUDIT_LOCK },
    );
  const drain = async () => {
    while (waiting.length > 0) {
      const batch = waiting.slice(0, MAX_BATCH_ROWS);
      waiting = waiting.slice(batch.length);
      try {
        const records = await commitBatch(batch);
        for (const [index, pending] of batch.entries()) pending.resolve(records[index] as AuditRecord);
      } catch (error) {
        // One bad entry must not fail the others: a failed batch is retried row by row.
        if (batch.length === 1) (batch[0] as PendingAppend).reject(error);
        else
          for (const pending of batch) {
            await commitBatch([pending]).then(
              ([record]) => pending.resolve(record as AuditRecord),
              pending.reject,
            );
          }
      }
    }
    draining = undefined;
  };
  const commitNow = (): Promise<void> => {
    clearTimeout(deferred);
    deferred = undefined;
    // With nothing waiting, drain() would finish (clearing `draining`) before `??=` stored its
    // promise, leaving a settled promise that blocks every later drain.
    if (waiting.length === 0 && !draining) return Promise.resolve();
    draining ??= drain();
    return draining;
  };
  const enqueue = (entry: AuditEntry, later: boolean) =>
    new Promise<AuditRecord>((resolve, reject) => {
      waiting.push({ entry, resolve, reject });
      if (!later) void commitNow();
      else if (!deferred && !draining) deferred = setTimeout(commitNow, DEFER_MS);
    });

  return {
    append: (entry) => enqueue(entry, false),
    appendLater: (entry) => enqueue(entry, true),
    settled: async () => {
      while (waiting.length > 0 || draining) await commitNow();
    },
    async list(filter, { page, pageSize }) {
      const { sql, values } = where(filter);
      const total = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${sql}`, values);
      const items = await db.all<AuditRow>(
        `SELECT * FROM audit_log ${sql} ORDER BY seq DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        [...values, pageSize, (page - 1) * pageSize],
      );
      return { items: items.map(recordFromRow), total: Number(total?.n ?? 0), page, pageSize };
    },
    async *exportJsonLines(filter) {
      let after = 0;
      for (;;) {
        const { sql, values } = where(filter);
        const batch = await db.all<AuditRow>(
          `SELECT * FROM audit_log ${sql ? `${sql} AND` : 'WHERE'} seq > $${values.length + 1}
           ORDER BY seq LIMIT $${values.length + 2}`,
          [...values, after, EXPORT_BATCH],
        );
        for (const row of batch) yield `${JSON.stringify(recordFromRow(row))}\n`;
        if (batch.length < EXPORT_BATCH) return;
        after = Number((batch[batch.length - 1] as AuditRow).seq);
      }
    },
    async prune(retentionDays) {
      if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
        throw new Error(`audit retention must be a positive number of days, not ${retentionDays}`);
      }
      const before = Date.now() - retentionDays * DAY_MS;
      return db.transaction(
        async (tx) => {
          const last = await tx.get<{ seq: number; hash: string }>(
            'SELECT seq, hash FROM audit_log WHERE at < $1 ORDER BY seq DESC LIMIT 1',
            [before],
          );
          if (!last) return 0;
          const anchor = { seq: Number(last.seq), hash: last.hash };
          // Always a prefix of the chain (seq <= anchor), so what remains still links up to the anchor.
          const { changes } = await tx.run('DELETE FROM audit_log WHERE seq <= $1', [anchor.seq]);
          await writePoint(tx, key, AUDIT_ANCHOR_KEY, anchor);
          await appendAllIn(tx, [
            {
              actor: 'system',
              actorKind: 'system',
              operation: 'audit.prune',
              params: { retentionDays, before, deleted: changes, anchorSeq: anchor.seq },
              outcome: 'success',
              status: 200,
            },
          ]);
          return changes;
        },
        { lock: AUDIT_LOCK },
      );
    },
  };
}
