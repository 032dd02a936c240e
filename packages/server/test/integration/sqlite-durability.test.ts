/**
 * An acknowledged SQLite commit survives `kill -9` of the process that made it: a child commits
 * rows, tells the parent, and is killed on the spot, before it could close or checkpoint anything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../src/db/open.ts';

test('a committed SQLite write survives kill -9 of the process that wrote it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-durability-'));
  try {
    const openModule = new URL('../../src/db/open.ts', import.meta.url).href;
    // Commits 20 rows one transaction each, says so, then keeps the database open until killed.
    const script = `
      const { openDatabase } = await import(${JSON.stringify(openModule)});
      const db = await openDatabase({ dataDir: process.env.DATA_DIR, databaseUrl: undefined });
      for (let i = 0; i < 20; i++) {
        await db.transaction((tx) => tx.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['row-' + i, String(i)]));
      }
      process.stdout.write('committed\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        if (output.includes('committed\n')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the child exited (${code}) before committing`)));
    });
    child.kill('SIGKILL');
    const [code, signal] = await exited;
    assert.equal(code, null);
    assert.equal(signal, 'SIGKILL');
    // Killed with the write-ahead log not checkpointed: the rows are only there if the WAL was synced.
    assert.ok(existsSync(join(dataDir, 'gantry.db-wal')), 'the WAL the child left behind');

    const db = await openDatabase({ dataDir, databaseUrl: undefined });
    try {
      const rows = await db.all<{ key: string }>(
        "SELECT key FROM settings WHERE key LIKE 'row-%' ORDER BY CAST(value AS INTEGER)",
      );
      assert.deepEqual(
        rows.map((row) => row.key),
        Array.from({ length: 20 }, (_, i) => `row-${i}`),
      );
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
