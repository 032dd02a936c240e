import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { Database, Queryable, Row, SqlValue } from './database.ts';

/**
 * SQLite through `node:sqlite`. Statements run synchronously on one connection, so transactions
 * are serialized in-process by a promise chain: while one is open, every other statement waits
 * for it (otherwise it would silently join the open transaction).
 */
export function openSqlite(path: string): Database {
  const connection = new DatabaseSync(path);
  // WAL lets readers run beside the writer; FULL makes each commit reach the disk before it returns.
  connection.exec('PRAGMA journal_mode = WAL');
  connection.exec('PRAGMA synchronous = FULL');
  connection.exec('PRAGMA foreign_keys = ON');
  // A second process (e.g. `gantry audit verify` beside a running server) waits up to 5 s for a lock.
  connection.exec('PRAGMA busy_timeout = 5000');

  let queue: Promise<unknown> = Promise.resolve();
  const direct = statements(connection);
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    dialect: 'sqlite',
    all: (sql, params) => serialized(() => direct.all(sql, params)),
    get: (sql, params) => serialized(() => direct.get(sql, params)),
    run: (sql, params) => serialized(() => direct.run(sql, params)),
    transaction: (work) =>
      serialized(async () => {
        connection.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(direct);
          connection.exec('COMMIT');
          return result;
        } catch (error) {
          connection.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () => serialized(async () => connection.close()),
  };
}

/** `$1` placeholders become SQLite's numbered `?1`; the same SQL then runs on both dialects. */
const toSqlite = (sql: string) => sql.replace(/\$(\d+)/g, '?$1');

/**
 * Prepared statements kept per SQL text: preparing costs more than running the small statements
 * the console issues (an audit append is four of them). The console's SQL is a fixed set of
 * texts, so the cache stays small; past the bound (dynamic filter combinations) it starts over.
 */
const STATEMENT_CACHE_SIZE = 512;

function statements(connection: DatabaseSync): Queryable {
  const prepared = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let statement = prepared.get(sql);
    if (!statement) {
      if (prepared.size >= STATEMENT_CACHE_SIZE) prepared.clear();
      statement = connection.prepare(toSqlite(sql));
      prepared.set(sql, statement);
    }
    return statement;
  };
  const bind = (params: readonly SqlValue[] = []) => params as SQLInputValue[];
  const plain = <T>(row: unknown) => (row ? ({ ...(row as object) } as T) : undefined);
  return {
    all: async <T extends Row>(sql: string, params?: readonly SqlValue[]) =>
      prepare(sql)
        .all(...bind(params))
        .map((row) => plain<T>(row) as T),
    get: async <T extends Row>(sql: string, params?: readonly SqlValue[]) =>
      plain<T>(prepare(sql).get(...bind(params))),
    run: async (sql, params) => {
      const result = prepare(sql).run(...bind(params));
      return { changes: Number(result.changes) };
    },
  };
}
