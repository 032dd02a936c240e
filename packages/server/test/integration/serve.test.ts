/**
 * The console as a program: `gantry serve` (the CLI spawning the server) answers /healthz and exits
 * 0 on SIGTERM; `npm start`'s script prints the one-time setup token, and POST /api/setup takes it
 * exactly once; `gantry audit verify` checks the chain of what was written.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { apiClient, TEST_PASSWORD } from '../support.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const GANTRY = join(ROOT, 'packages', 'cli', 'bin', 'gantry');

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-serve-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a program and resolves once it printed the banner (and, if any, the setup token). */
async function started(child: ChildProcess): Promise<{ url: string; output: () => string }> {
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.resume();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    // The token (when there is one) follows the banner in the same write.
    if (url) return { url, output: () => output };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`no banner: ${output}`);
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

test('gantry serve answers /healthz and exits 0 on SIGTERM; gantry audit verify passes', async () => {
  const dir = dataDir();
  const child = spawn(GANTRY, ['serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  after(() => child.kill('SIGKILL'));
  const { url } = await started(child);
  const health = await apiClient(url, {}).get('/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.body.database, 'up');
  child.kill('SIGTERM');
  assert.equal(await exited(child), 0);
  const verify = spawnSync(GANTRY, ['audit', 'verify', '--data-dir', dir], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, /intact/);
});

test('npm start prints the setup token once; POST /api/setup takes it exactly once', async () => {
  const dir = dataDir();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'scripts', 'start.ts'), '--port', '0', '--data-dir', dir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GANTRY_LOG_LEVEL: 'warn' },
      // Its own process group: npm start runs the server as a child, which a failed test must not
      // leave behind holding this file's pipes (the test process would never exit).
      detached: true,
    },
  );
  after(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  });
  const { url, output } = await started(child);
  const token = /\b(gst_[A-Za-z0-9_-]+)/.exec(output())?.[1];
  assert.ok(token, `a setup token is printed: ${output()}`);
  const client = apiClient(url, {});
  const body = { token, username: 'first-admin', password: TEST_PASSWORD };
  assert.equal((await client.post('/api/setup', body)).status, 201);
  const again = await client.post('/api/setup', body);
  assert.equal(again.status, 410);
  assert.equal(
    (await client.post('/api/auth/login', { username: 'first-admin', password: TEST_PASSWORD })).status,
    200,
  );
  child.kill('SIGINT');
  assert.equal(await exited(child), 0);
});
