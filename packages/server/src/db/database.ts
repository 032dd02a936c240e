/**
 * The one database interface of the console. Two implementations: SQLite through Node's built-in
 * `node:sqlite` (the default, a file in the data directory) and PostgreSQL through `pg`
 * (`GANTRY_DATABASE_URL=postgres://...`). SQL is written once for both: `$1`, `$2` placeholders,
 * times as BIGINT milliseconds since the epoch, JSON as TEXT, booleans as INTEGER 0 / 1.
 */

/** A value bound to a placeholder or read from a column. BIGINT columns read as `number`. */
export type SqlValue = string | number | null;

export type Row = Record<string, SqlValue>;

/** What can run statements: the database itself, or one transaction of it. */
export interface Queryable {
  /** Every row of a query. */
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement without rows; `changes` = rows inserted, updated or deleted. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

export interface TransactionOptions {
  /**
   * A named lock held for the transaction, so that every console process on one database runs
   * such transactions one at a time (PostgreSQL: `pg_advisory_xact_lock`; SQLite: the write lock
   * `BEGIN IMMEDIATE` takes anyway). The audit chain uses it so rows are appended in one order.
   */
  readonly lock?: string;
}

export interface Database extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. The
   * commit is durable when the promise resolves (SQLite WAL with `synchronous=FULL`; PostgreSQL's
   * default `synchronous_commit`), so an acknowledged write survives `kill -9`.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}
