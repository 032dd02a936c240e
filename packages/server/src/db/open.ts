import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsoleConfig } from '../context.ts';
import type { Database } from './database.ts';
import { migrate } from './migrations.ts';
import { openPostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';

/**
 * The console's database, migrated: PostgreSQL when `databaseUrl` is set, else SQLite at
 * `<dataDir>/gantry.db` (the data directory is made private, 0700, when it has to be created).
 */
export async function openDatabase(
  config: Pick<ConsoleConfig, 'dataDir' | 'databaseUrl'>,
): Promise<Database> {
  let db: Database;
  if (config.databaseUrl !== undefined) {
    db = await openPostgres(config.databaseUrl);
  } else {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    db = openSqlite(join(config.dataDir, 'gantry.db'));
  }
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}
