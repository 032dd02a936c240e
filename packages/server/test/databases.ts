/**
 * Databases for the server's tests, so each test runs on both dialects:
 *
 *   for (const dialect of DIALECTS) {
 *     test(`... (${dialect})`, { skip: skipDialect(dialect) }, async () => {
 *       const { db, drop } = await freshDatabase(dialect);
 *       try { ... } finally { await drop(); }
 *     });
 *   }
 *
 * SQLite: a file in a new temporary directory. PostgreSQL: a new database `gantry_t_<random>` on
 * the harness's server (`GANTRY_TEST_DATABASE_URL`), dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { openSqlite } from '../src/db/sqlite.ts';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** The harness's PostgreSQL, as an administrative URL (it may create databases). */
export const TEST_DATABASE_URL = process.env.GANTRY_TEST_DATABASE_URL;

/** A test's `skip` option: PostgreSQL tests skip (saying why) when the harness provided none. */
export function skipDialect(dialect: Dialect): string | false {
  return dialect === 'postgres' && !TEST_DATABASE_URL
    ? 'no PostgreSQL: GANTRY_TEST_DATABASE_URL is unset (run with `npm test`, as root, or set it)'
    : false;
}

export interface FreshDatabase {
  db: Database;
  /** PostgreSQL: the new database's URL, for other pools or processes. */
  url?: string;
  /** SQLite: the database file, for other processes. */
  path?: string;
  /** Closes `db` and deletes the database. */
  drop(): Promise<void>;
}

/**
 * An empty database of `dialect`, migrated (as `openDatabase` does) unless `migrated: false`.
 */
export async function freshDatabase(
  dialect: Dialect,
  { migrated = true }: { migrated?: boolean } = {},
): Promise<FreshDatabase> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'gantry-db-test-'));
    const path = join(dataDir, 'gantry.db');
    const db = migrated ? await openDatabase({ dataDir, databaseUrl: undefined }) : openSqlite(path);
    return {
      db,
      path,
      drop: async () => {
        await closeQuietly(db);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `gantry_t_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  try {
    const db = migrated
      ? await openDatabase({ dataDir: tmpdir(), databaseUrl: url })
      : await openPostgres(url);
    return {
      db,
      url,
      drop: async () => {
        await closeQuietly(db);
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  } catch (error) {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  }
}

/** The harness server's URL with another database name. */
function databaseUrl(name: string): string {
  if (!TEST_DATABASE_URL) throw new Error(skipDialect('postgres') || 'no PostgreSQL');
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** SQLSTATE 55006: CREATE DATABASE found another session in template1 (an autovacuum worker, say). */
const OBJECT_IN_USE = '55006';

/**
 * One statement on the administrative connection (CREATE / DROP DATABASE cannot run in a
 * transaction). A template database briefly in use is waited out (up to 5 tries, 200 ms apart):
 * PostgreSQL refuses the copy rather than waiting.
 */
async function admin(sql: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt === 5) throw error;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Tests may close the database themselves (e.g. to reopen it); a second close is no error here. */
async function closeQuietly(db: Database): Promise<void> {
  await db.close().catch(() => {});
}
