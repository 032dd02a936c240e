import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Queryable, Row, SqlValue } from './database.ts';

/** Connections per console process; PostgreSQL's default max_connections (100) fits several consoles. */
const POOL_SIZE = 10;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * PostgreSQL through a `pg` pool. BIGINT (ms times, sequence numbers) and NUMERIC read as `number`
 * like on SQLite — safe below 2^53, which ms times and row counts stay under — with parsers of this
 * pool's own, so other `pg` users in the process keep the library's defaults. Resolves once a first
 * connection succeeded; the error then says why, with the URL's password masked.
 */
export async function openPostgres(url: string): Promise<Database> {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, Number);
  types.setTypeParser(NUMERIC_OID, Number);
  let pool: pg.Pool;
  try {
    pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, types });
  } catch (error) {
    throw connectionError(url, error);
  }
  // An idle connection dropped by the server (restart, timeout) is discarded by the pool and the
  // next query opens a new one; without a listener the 'error' event would end the process.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionError(url, error);
  }

  return {
    dialect: 'postgres',
    ...statements(pool),
    async transaction(work, options = {}) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        if (options.lock !== undefined)
          await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(options.lock)]);
        const result = await work(statements(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * The advisory lock number for a name: the first 8 bytes of its SHA-256 as a signed 64-bit integer
 * (PostgreSQL's bigint), passed as text since it may exceed JavaScript's safe integers.
 */
export function lockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

function statements(target: pg.Pool | pg.PoolClient): Queryable {
  const query = <T extends Row>(sql: string, params: readonly SqlValue[] = []) =>
    target.query<T>(sql, params as SqlValue[]);
  return {
    all: async <T extends Row>(sql: string, params?: readonly SqlValue[]) =>
      (await query<T>(sql, params)).rows,
    get: async <T extends Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> => {
      const { rows } = await query<T>(sql, params);
      return rows[0];
    },
    run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
  };
}

/**
 * A fresh error (the original may hold the URL, e.g. an invalid URL's `input`) naming the server
 * with the password masked, and keeping the driver's code (e.g. ECONNREFUSED, 28P01).
 */
function connectionError(url: string, error: unknown): Error {
  const password = passwordOf(url);
  let reason = error instanceof Error ? error.message : String(error);
  if (password) reason = reason.split(password).join('***');
  const wrapped = new Error(`cannot connect to PostgreSQL at ${maskedUrl(url)}: ${reason}`);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') Object.assign(wrapped, { code });
  return wrapped;
}

function passwordOf(url: string): string | undefined {
  try {
    const { password } = new URL(url);
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** The URL for messages: password masked, and nothing at all if it does not parse. */
function maskedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a database URL that does not parse)';
  }
}
