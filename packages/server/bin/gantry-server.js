// The console server's process entry, in plain JavaScript: running the TypeScript sources directly
// keeps Node's type stripper (~17 MB) and ~120 compiled modules resident for the life of the
// process. So it runs dist/server.js, one esbuild bundle of src/main.ts, rebuilt here when a source
// is newer than it (about a second, once after an edit); it runs the sources when esbuild is not
// installed or GANTRY_SERVER_SOURCES=1.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import v8 from 'node:v8';

// V8's defaults are sized for allocation-heavy throughput (16 MB semi-spaces, a heap that grows
// ahead of need). The console allocates little per request but in bursts (inventory refreshes while
// thousands of containers are created); with 1 MB semi-spaces and --optimize-for-size (a less
// eager heap growth), bench/console.ts measured idle RSS 94 -> 79 MiB and, at 3,000 containers,
// 115 -> 93 MiB, first-page latencies unchanged. Set before the server allocates anything.
v8.setFlagsFromString('--max-semi-space-size=1');
v8.setFlagsFromString('--optimize-for-size');
module.enableCompileCache?.();

const serverRoot = join(import.meta.dirname, '..');
const BUNDLE = join(serverRoot, 'dist', 'server.js');
/** What the bundle is made of: the server's and the SDK's sources, and the installed dependencies. */
const INPUTS = [
  join(serverRoot, 'src'),
  join(serverRoot, '..', 'engine', 'src'),
  join(serverRoot, '..', '..', 'package-lock.json'),
];

/** Newest mtime (ms) of a file or of anything under a directory; 0 when it does not exist. */
function newestChange(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, name)));
  return newest;
}

/**
 * zod's classic entry re-exports every locale (~300 KB of the ~600 KB zod adds); the console's
 * messages are English, so the locale index resolves to English only.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'/'}zod${'/'}`) ? { path: 'zod-locales', namespace: 'gantry' } : undefined,
    );
    build.onLoad({ filter: /^zod-locales$/, namespace: 'gantry' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: serverRoot,
    }));
  },
};

async function build() {
  const esbuild = await import('esbuild');
  mkdirSync(dirname(BUNDLE), { recursive: true });
  // Several servers may start at once (tests, several consoles): each writes its own file, then renames.
  const temporary = `${BUNDLE}.${process.pid}.tmp`;
  await esbuild.build({
    entryPoints: [join(serverRoot, 'src', 'main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // pg's optional native binding; never installed.
    external: ['pg-native'],
    // CommonJS dependencies (pg, ws) call require(); an ES module bundle gets one from its own URL.
    banner: {
      js: "import { createRequire as gantryRequire } from 'node:module'; const require = gantryRequire(import.meta.url);",
    },
    plugins: [englishOnly],
    logLevel: 'error',
  });
  await esbuild.stop?.();
  renameSync(temporary, BUNDLE);
}

async function entry() {
  if (process.env.GANTRY_SERVER_SOURCES === '1') return '../src/main.ts';
  const built = statSync(BUNDLE, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built > Math.max(...INPUTS.map(newestChange))) return '../dist/server.js';
  try {
    await build();
    return '../dist/server.js';
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND')
      process.stderr.write(`gantry-server: bundle failed, running the sources: ${error?.message}\n`);
    return '../src/main.ts';
  }
}

await import(await entry());
