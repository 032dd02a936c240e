/**
 * Builds the browser UI into packages/web/dist with Vite when a source is newer than the last build
 * (`npm start` and `npm test` call it; `--force` always builds). The console server serves dist as
 * files; it never imports this package's code.
 *
 * @example
 * ```ts
 * import { ensureWebBuild } from '@gantry/web/build';
 * await ensureWebBuild(); // no-op when dist/index.html is newer than every source
 * ```
 */
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const WEB_ROOT = import.meta.dirname;
export const WEB_DIST = join(WEB_ROOT, 'dist');
const INPUTS = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => join(WEB_ROOT, name));

/** Newest mtime (ms) under `path`; 0 when it does not exist. */
async function newestChange(path: string): Promise<number> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  const children = await readdir(path);
  const times = await Promise.all(children.map((name) => newestChange(join(path, name))));
  return Math.max(stat.mtimeMs, ...times);
}

/** Whether dist is missing or older than a source. */
export async function webBuildStale(): Promise<boolean> {
  const built = statSync(join(WEB_DIST, 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = await Promise.all(INPUTS.map(newestChange));
  return built < Math.max(...sources);
}

/** Builds when stale (or always with `force`); resolves with whether it built. */
export async function ensureWebBuild(options: { force?: boolean; log?: (line: string) => void } = {}) {
  if (!options.force && !(await webBuildStale())) return false;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  log('[web] building the browser UI (packages/web/dist)');
  const { build } = await import('vite');
  await build({ configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  log(`[web] built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (import.meta.main) await ensureWebBuild({ force: process.argv.includes('--force') });
