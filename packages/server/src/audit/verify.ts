/**
 * `gantry-server audit verify`: walks the audit chain from the retention anchor (or the start) and
 * reports every row whose contents do not match its hash (edited, or re-hashed without the
 * console's key), every break in seq or prev_hash (rows deleted), a head that the last row does not
 * match (rows deleted from the end), a head or anchor without a valid MAC, and every point where
 * the writer found the head tampered with.
 */
import type { SecretBox } from '../context.ts';
import type { Database } from '../db/database.ts';
import { TAMPER_OPERATION } from './audit-log.ts';
import {
  AUDIT_ANCHOR_KEY,
  AUDIT_HEAD_KEY,
  AUDIT_KEY_PURPOSE,
  type AuditRow,
  type ChainPoint,
  chainKey,
  GENESIS_HASH,
  readPoint,
  rowHash,
  sameHex,
} from './chain.ts';

export interface AuditVerification {
  readonly ok: boolean;
  /** Rows checked. */
  readonly checked: number;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
  readonly problems: { seq: number; problem: string }[];
}

/** Rows read per query: the chain is checked in constant memory however long it is. */
const BATCH = 1000;

export async function verifyAuditChain(db: Database, secretBox: SecretBox): Promise<AuditVerification> {
  const key = chainKey(secretBox.derive(AUDIT_KEY_PURPOSE));
  const problems: { seq: number; problem: string }[] = [];
  const anchor = await readPoint(db, key, AUDIT_ANCHOR_KEY);
  if (anchor === 'forged') {
    problems.push({ seq: 0, problem: 'the retention anchor (settings audit_anchor) was changed or forged' });
  }
  let previous: ChainPoint = anchor && anchor !== 'forged' ? anchor : { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  let firstSeq: number | undefined;

  for (;;) {
    const batch = await db.all<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
      checked === 0 ? -1 : previous.seq,
      BATCH,
    ]);
    for (const row of batch) {
      const seq = Number(row.seq);
      firstSeq ??= seq;
      if (seq !== previous.seq + 1) {
        problems.push({
          seq,
          problem:
            seq <= previous.seq
              ? `row ${seq} lies before the retention anchor (seq ${previous.seq}): the anchor was moved`
              : `rows ${previous.seq + 1}..${seq - 1} are missing (deleted)`,
        });
      } else if (!sameHex(row.prev_hash, previous.hash)) {
        problems.push({
          seq,
          problem: `prev_hash does not match the hash of row ${previous.seq} (a row was replaced)`,
        });
      }
      let expected: string | undefined;
      try {
        expected = rowHash(key, row);
      } catch {
        expected = undefined;
      }
      if (expected === undefined || !sameHex(row.hash, expected)) {
        problems.push({
          seq,
          problem: 'the row does not match its hash: it was edited, or hashed without the console key',
        });
      }
      if (row.operation === TAMPER_OPERATION) {
        problems.push({ seq, problem: 'the audit head was missing or forged when this row was written' });
      }
      previous = { seq, hash: row.hash };
      checked++;
    }
    if (batch.length < BATCH) break;
  }

  const head = await readPoint(db, key, AUDIT_HEAD_KEY);
  if (head === 'forged') {
    problems.push({
      seq: previous.seq,
      problem: 'the audit head (settings audit_head) was changed or forged',
    });
  } else if (head === undefined) {
    if (checked > 0)
      problems.push({ seq: previous.seq, problem: 'the audit head (settings audit_head) is missing' });
  } else if (head.seq !== previous.seq || !sameHex(head.hash, previous.hash)) {
    problems.push({
      seq: head.seq,
      problem:
        head.seq > previous.seq
          ? `the log ends at row ${previous.seq} but was written up to row ${head.seq}: rows at the end were deleted`
          : `the log's last row ${previous.seq} is not the one recorded as the head (row ${head.seq})`,
    });
  }

  return {
    ok: problems.length === 0,
    checked,
    ...(firstSeq !== undefined ? { firstSeq, lastSeq: previous.seq } : {}),
    problems,
  };
}
