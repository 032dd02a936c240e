// The process entry: plain JavaScript, so the fast path needs no TypeScript stripper. With Node's
// compile cache on, it runs the bundle (dist/main.js: one entry, each command a lazily loaded chunk)
// when dist/manifest.json says it was built from the sources as they are now; otherwise it rebuilds
// the bundle first (src/bundle.ts, a few hundred ms once after an edit), and runs the TypeScript
// sources (src/main.ts) when it cannot — no esbuild, another build running — or GANTRY_CLI_SOURCES=1.
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

module.enableCompileCache?.();

const cliRoot = join(import.meta.dirname, '..');

/**
 * Every source the bundle was built from still has the mtime it had then (one stat per file, ~70,
 * well under a millisecond). A new command file comes with a changed registry.ts, so it counts too.
 */
function bundleIsCurrent() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(cliRoot, 'dist', 'manifest.json'), 'utf8'));
  } catch {
    return false;
  }
  // Inputs are relative '/'-separated paths (esbuild's metafile): concatenation, no path.join, is enough.
  const base = `${cliRoot}/`;
  for (const [input, mtimeMs] of Object.entries(manifest.inputs)) {
    if (statSync(base + input, { throwIfNoEntry: false })?.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

async function entry() {
  if (process.env.GANTRY_CLI_SOURCES === '1') return '../src/main.ts';
  if (bundleIsCurrent()) return '../dist/main.js';
  try {
    const { buildBundle } = await import('../src/bundle.ts');
    if (await buildBundle()) return '../dist/main.js';
  } catch {
    // A source esbuild cannot parse: run the sources, so Node reports the error where it is.
  }
  return '../src/main.ts';
}

await import(await entry());
