/**
 * Builds the CLI's bundle: `dist/main.js`, one entry with the CLI core, and every module the sources
 * load with `import()` — each command registered in registry.ts, help, the SDK, ssh — as its own
 * chunk in `dist/chunks/`, loaded only when it runs. One file to read instead of ~70 TypeScript
 * modules to resolve and strip roughly halves the start-up time (see bench/README.md, `cli`).
 *
 * bin/gantry.js calls {@link buildBundle} when `dist/manifest.json` (read there, in plain JS) no
 * longer matches the sources — a source file changed, or there is no bundle yet — so the bundle needs
 * no build step by hand:
 *
 *   node packages/cli/src/bundle.ts      build it now (npm run build:cli)
 *
 * Builds are safe while other gantry processes run: chunk names carry a content hash and are
 * written before the entry, every file is written to a temporary name and renamed, the chunks of the
 * previous build are kept, and one build runs at a time (a lock file; the others use the sources).
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';

/** packages/cli: where esbuild runs and what manifest paths are relative to. */
export const CLI_ROOT = join(import.meta.dirname, '..');
export const DIST = join(CLI_ROOT, 'dist');
const MANIFEST = join(DIST, 'manifest.json');
const LOCK = join(DIST, '.build.lock');
/** A lock older than this was left by a build that died (a build takes well under a second). */
const STALE_LOCK_MS = 60_000;

/** dist/manifest.json: what the bundle was built from, so bin/gantry.js can tell it is current. */
export interface BundleManifest {
  /** Source path relative to packages/cli -> its mtimeMs when it was bundled (-1: changed meanwhile). */
  readonly inputs: Readonly<Record<string, number>>;
  /** Files written, relative to dist/ (the previous build's are kept for processes still running it). */
  readonly outputs: readonly string[];
}

/**
 * Builds dist/ from src/main.ts. Resolves false, writing nothing, when another build holds the lock
 * or esbuild is not installed (a production install without devDependencies); throws on a source
 * esbuild cannot parse.
 */
export async function buildBundle(): Promise<boolean> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  mkdirSync(join(DIST, 'chunks'), { recursive: true });
  if (!takeLock()) return false;
  try {
    const started = Date.now();
    const result = await esbuild.build({
      absWorkingDir: CLI_ROOT,
      entryPoints: ['src/main.ts'],
      outdir: 'dist',
      entryNames: '[name]',
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      // Minified: less to read, hash and deserialize on every start (~5%). For readable stack
      // traces (-D on an internal error) run the sources: GANTRY_CLI_SOURCES=1.
      minify: true,
      charset: 'utf8',
      legalComments: 'none',
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    const previous = readManifest();
    const outputs = result.outputFiles.map((file) => relative(DIST, file.path));
    // Chunks first, the entry last: a process that reads the new entry finds every chunk it names.
    const isEntry = (path: string) => !relative(DIST, path).startsWith(`chunks${sep}`);
    const chunksFirst = [...result.outputFiles].sort(
      (a, b) => Number(isEntry(a.path)) - Number(isEntry(b.path)),
    );
    for (const file of chunksFirst) writeAtomically(file.path, file.contents);
    const inputs: Record<string, number> = {};
    for (const input of Object.keys(result.metafile.inputs)) {
      const mtimeMs = statSync(join(CLI_ROOT, input)).mtimeMs;
      inputs[input] = mtimeMs > started ? -1 : mtimeMs;
    }
    const manifest: BundleManifest = { inputs, outputs };
    writeAtomically(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
    removeOldChunks(new Set([...outputs, ...(previous?.outputs ?? [])]));
    return true;
  } finally {
    rmSync(LOCK, { force: true });
  }
}

function readManifest(): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
}

/** Takes dist/.build.lock; false while another build holds it. Other errors (EACCES) are thrown. */
function takeLock(): boolean {
  try {
    writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age < STALE_LOCK_MS) return false;
    rmSync(LOCK, { force: true });
    return takeLock();
  }
}

function writeAtomically(path: string, contents: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** Deletes chunks neither this build nor the previous one wrote (and temporaries a crash left). */
function removeOldChunks(keep: ReadonlySet<string>): void {
  for (const name of readdirSync(join(DIST, 'chunks'))) {
    const path = join('chunks', name);
    if (!keep.has(path)) unlinkSync(join(DIST, path));
  }
}

if (import.meta.main) {
  if (!(await buildBundle())) {
    console.error('bundle: not built — esbuild is not installed (npm install) or another build is running');
    process.exitCode = 1;
  }
}
