/**
 * Audit retention: the number of days rows are kept, from settings `audit_retention_days` (set
 * through `PATCH /api/settings`) or else the configuration; pruned at start and then hourly.
 */
import type { ConsoleConfig, Logger } from '../context.ts';
import type { Database } from '../db/database.ts';
import type { AuditStore } from './audit-log.ts';

const RETENTION_KEY = 'audit_retention_days';
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
export const MAX_RETENTION_DAYS = 36_500;

export interface AuditRetention {
  /** Days kept (null: forever) and where that comes from. */
  get(): Promise<{ days: number | null; source: 'settings' | 'config' }>;
  /** Stores the setting (null: keep forever) and prunes at once by it. */
  set(days: number | null): Promise<void>;
  /** Prunes by the current setting now; returns the rows deleted. */
  prune(): Promise<number>;
  /** Prunes now and every hour until the returned function is called. */
  start(): () => void;
}

export function createAuditRetention(deps: {
  db: Database;
  audit: AuditStore;
  config: Pick<ConsoleConfig, 'auditRetentionDays'>;
  log?: Logger | undefined;
}): AuditRetention {
  const { db, audit, config, log } = deps;
  const get: AuditRetention['get'] = async () => {
    const row = await db.get<{ value: string }>('SELECT value FROM settings WHERE key = $1', [RETENTION_KEY]);
    if (row) return { days: JSON.parse(row.value) as number | null, source: 'settings' };
    return { days: config.auditRetentionDays ?? null, source: 'config' };
  };
  const prune = async () => {
    const { days } = await get();
    return days === null ? 0 : audit.prune(days);
  };
  const pruneLogged = () =>
    prune().catch((error: unknown) =>
      log?.error('audit prune failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  return {
    get,
    async set(days) {
      if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS)) {
        throw new Error(`audit retention is a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null`);
      }
      await db.run(
        'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [RETENTION_KEY, JSON.stringify(days)],
      );
      await prune();
    },
    prune,
    start() {
      void pruneLogged();
      const timer = setInterval(() => void pruneLogged(), PRUNE_INTERVAL_MS);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
