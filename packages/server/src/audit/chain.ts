/**
 * The audit log's hash chain, shared by the writer (audit-log.ts) and the checker (verify.ts).
 * Each row's hash is HMAC-SHA256, keyed with `secretBox.derive('audit-chain')`, over the previous
 * row's hash, a newline and the canonical JSON of the row's fields; without the key nobody can
 * re-hash an edited chain. The head (last seq and hash) and the retention anchor (last pruned seq
 * and hash) are kept in settings with a MAC of their own, so neither can be swapped for another row's.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

/** prev_hash of the very first row. */
export const GENESIS_HASH = '0'.repeat(64);
export const AUDIT_HEAD_KEY = 'audit_head';
export const AUDIT_ANCHOR_KEY = 'audit_anchor';
export const AUDIT_KEY_PURPOSE = 'audit-chain';

/** The chain's HMAC key: raw bytes, or (much cheaper per HMAC) a KeyObject made once by `chainKey`. */
export type ChainKey = Buffer | KeyObject;

/** The key every row hash and point MAC is made with, from the console's derived secret. */
export const chainKey = (derived: Buffer): KeyObject => createSecretKey(derived);

/** A position in the chain: a row's seq and hash (seq 0 / GENESIS_HASH before the first row). */
export interface ChainPoint {
  readonly seq: number;
  readonly hash: string;
}

/** The audit_log columns that are hashed, as read from the database. */
export interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  actor_kind: string;
  engine_id: string | null;
  operation: string;
  target: string | null;
  params: string;
  outcome: string;
  status: number;
  ip: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
  [column: string]: string | number | null;
}

/** JSON with object keys sorted at every level: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The hash a row must carry; throws when its params column is not JSON. */
export function rowHash(key: ChainKey, row: AuditRow): string {
  const fields = [
    Number(row.seq),
    Number(row.at),
    row.actor,
    row.actor_kind,
    row.engine_id,
    row.operation,
    row.target,
    JSON.parse(row.params) as unknown,
    row.outcome,
    Number(row.status),
    row.ip,
    row.request_id,
  ];
  return createHmac('sha256', key)
    .update(`${row.prev_hash}\n${canonicalJson(fields)}`)
    .digest('hex');
}

const pointMac = (key: ChainKey, kind: string, point: ChainPoint) =>
  createHmac('sha256', key).update(`${kind}\n${point.seq}\n${point.hash}`).digest('hex');

export const sameHex = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Stores the head or the anchor in settings, with its MAC. */
export async function writePoint(
  tx: Queryable,
  key: ChainKey,
  name: string,
  point: ChainPoint,
): Promise<void> {
  const value = JSON.stringify({ seq: point.seq, hash: point.hash, mac: pointMac(key, name, point) });
  await tx.run(
    'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [name, value],
  );
}

/**
 * The head or anchor stored under `name`: undefined when absent, `'forged'` when it does not carry
 * a valid MAC (edited by hand, or written with another key).
 */
export async function readPoint(
  tx: Queryable,
  key: ChainKey,
  name: string,
): Promise<ChainPoint | 'forged' | undefined> {
  const row = await tx.get<{ value: string }>('SELECT value FROM settings WHERE key = $1', [name]);
  if (!row) return undefined;
  try {
    const { seq, hash, mac } = JSON.parse(row.value) as { seq: unknown; hash: unknown; mac: unknown };
    if (typeof seq !== 'number' || typeof hash !== 'string' || typeof mac !== 'string') return 'forged';
    return sameHex(mac, pointMac(key, name, { seq, hash })) ? { seq, hash } : 'forged';
  } catch {
    return 'forged';
  }
}
