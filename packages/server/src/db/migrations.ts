import type { Database } from './database.ts';

/**
 * The schema, as an append-only list: a released migration is never edited, only followed by a
 * new one. The same SQL runs on SQLite and PostgreSQL (times: BIGINT ms since the epoch; JSON:
 * TEXT; booleans: INTEGER 0 / 1; ids: TEXT, random).
 */
export const MIGRATIONS: readonly {
  readonly id: number;
  readonly name: string;
  readonly sql: readonly string[];
}[] = [
  {
    id: 1,
    name: 'identity, engines, audit',
    sql: [
      `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      // engines: JSON array of engine ids, or ["*"] for all.
      `CREATE TABLE users (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE,
          password_hash TEXT NOT NULL,
          role TEXT NOT NULL,
          engines TEXT NOT NULL,
          disabled INTEGER NOT NULL DEFAULT 0,
          failed_logins INTEGER NOT NULL DEFAULT 0,
          locked_until BIGINT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        )`,
      // Custom roles only; the built-in ones live in code. permissions: JSON array of names.
      `CREATE TABLE roles (
          name TEXT PRIMARY KEY,
          description TEXT NOT NULL,
          permissions TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        )`,
      // id_hash: SHA-256 of the cookie value; the value itself is never stored.
      `CREATE TABLE sessions (
          id_hash TEXT PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          csrf_token TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          last_seen_at BIGINT NOT NULL,
          expires_at BIGINT NOT NULL,
          ip TEXT,
          user_agent TEXT
        )`,
      `CREATE INDEX sessions_user ON sessions (user_id)`,
      `CREATE TABLE api_tokens (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE,
          user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          role TEXT NOT NULL,
          engines TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          expires_at BIGINT,
          last_used_at BIGINT,
          revoked_at BIGINT
        )`,
      // tls_* and ssh_key: sealed with the console's secret key (security/secret-box.ts).
      `CREATE TABLE engines (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          url TEXT NOT NULL,
          tls_verify INTEGER NOT NULL DEFAULT 1,
          tls_ca TEXT,
          tls_cert TEXT,
          tls_key TEXT,
          ssh_key TEXT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        )`,
      // Append-only, hash-chained: hash = HMAC-SHA256 (key derived from the secret key) of prev_hash + canonical JSON of the row's fields.
      `CREATE TABLE audit_log (
          seq BIGINT PRIMARY KEY,
          at BIGINT NOT NULL,
          actor TEXT NOT NULL,
          actor_kind TEXT NOT NULL,
          engine_id TEXT,
          operation TEXT NOT NULL,
          target TEXT,
          params TEXT NOT NULL,
          outcome TEXT NOT NULL,
          status INTEGER NOT NULL,
          ip TEXT,
          request_id TEXT,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        )`,
      `CREATE INDEX audit_log_at ON audit_log (at)`,
    ],
  },
  {
    id: 2,
    name: 'registry credentials',
    sql: [
      // server_address: normalized host[:port] (`docker.io` for Docker Hub, registries/store.ts);
      // password_sealed: sealed with the console's secret key (security/secret-box.ts).
      `CREATE TABLE registries (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          server_address TEXT NOT NULL UNIQUE,
          username TEXT NOT NULL,
          password_sealed TEXT NOT NULL,
          created_by TEXT,
          created_at BIGINT,
          updated_at BIGINT
        )`,
    ],
  },
];

/**
 * Brings the schema up to date. Several processes may start at once on one PostgreSQL database:
 * the migration runs under a lock and re-reads what is applied inside it.
 */
export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(
    async (tx) => {
      // Inside the lock: two PostgreSQL processes running this at once would otherwise race on the
      // catalog and one fail with a unique violation (IF NOT EXISTS does not serialize them).
      await tx.run(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const done = new Set(
        (await tx.all<{ id: number }>('SELECT id FROM schema_migrations')).map((row) => Number(row.id)),
      );
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.id)) continue;
        for (const statement of migration.sql) await tx.run(statement);
        await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
          migration.id,
          migration.name,
          Date.now(),
        ]);
        applied.push(migration.id);
      }
      return applied;
    },
    { lock: 'gantry.migrations' },
  );
}
