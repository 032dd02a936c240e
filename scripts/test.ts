/**
 * `npm test`: static checks, then every test file against a real Docker Engine provided by the
 * harness (test/harness), then the integration tests again against Podman's Docker-compatible API
 * (the Podman pass); the harness is torn down afterwards whatever happened.
 *
 *   node scripts/test.ts [--no-static] [--only <glob-or-path>]... [--engine docker|podman]
 *
 * --no-static   skip the generator check, biome and tsc
 * --only        run only the test files matching a path (file or directory) or a glob such as
 *               'packages/engine/test/integration/*.test.ts'; may be repeated
 * --engine      run only the Docker pass, or only the Podman pass (default: both)
 *
 * GANTRY_TEST_PODMAN=skip leaves the Podman pass out, said so in the summary; without it a Podman that
 * cannot be installed or started fails the run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureWebBuild } from '@gantry/web/build';
import { onInterrupt, setup, setupPodman, teardown } from '../test/harness/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const TEST_TIMEOUT_MS = 120_000;

const { values: options } = parseArgs({
  options: {
    'no-static': { type: 'boolean', default: false },
    only: { type: 'string', multiple: true, default: [] },
    engine: { type: 'string' },
  },
});
if (options.engine !== undefined && !['docker', 'podman'].includes(options.engine)) {
  console.error(`[test] --engine is docker or podman (default: both), not ${options.engine}`);
  process.exit(1);
}
const PODMAN_OPT_OUT = process.env.GANTRY_TEST_PODMAN === 'skip';

const timings: string[] = [];
const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const files = selectTestFiles(options.only);
if (!options['no-static']) runStaticChecks();
else timings.push('static checks skipped');
process.exitCode = await runTests(files);
console.log(`\n[test] ${timings.join(' · ')} · total ${seconds(started)}`);

function runStaticChecks(): void {
  const since = Date.now();
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  const generator = join(ROOT, 'scripts', 'gen-engine.ts');
  staticStep('generated code is up to date', process.execPath, [generator, '--check']);
  const gatewayGenerator = join(ROOT, 'scripts', 'gen-gateway.ts');
  staticStep('generated gateway tables are up to date', process.execPath, [gatewayGenerator, '--check']);
  staticStep('workspace import boundaries', process.execPath, [join(ROOT, 'scripts', 'check-boundaries.ts')]);
  staticStep('lint and format (biome)', bin('biome'), ['check', '.']);
  staticStep('types (tsc)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  staticStep('types of the browser UI (tsc)', bin('tsc'), [
    '-p',
    join(ROOT, 'packages', 'web', 'tsconfig.json'),
    '--noEmit',
  ]);
  timings.push(`static checks passed in ${seconds(since)}`);
}

/** Fails fast: the first failing check ends the run, its output right above. */
function staticStep(title: string, command: string, args: string[]): void {
  heading(title);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status === 0) return;
  console.error(
    `\n[test] FAILED: ${title} (\`${[command, ...args].join(' ')}\` exited with ${result.status ?? result.signal ?? result.error})`,
  );
  process.exit(1);
}

function heading(title: string): void {
  console.log(`\n━━ ${title} ━━`);
}

/** Every `packages/*\/test/**\/*.test.ts`, sorted; narrowed by --only when given. */
function selectTestFiles(only: string[]): string[] {
  const packages = join(ROOT, 'packages');
  const all = readdirSync(packages)
    .map((name) => join(packages, name, 'test'))
    .filter((dir) => existsSync(dir) && statSync(dir).isDirectory())
    .flatMap((dir) => testFilesUnder(dir))
    .sort();
  const selected =
    only.length === 0 ? all : all.filter((file) => only.some((pattern) => matches(file, pattern)));
  if (selected.length === 0) {
    console.error(
      `[test] no test files match ${only.length > 0 ? only.join(', ') : 'packages/*/test/**/*.test.ts'}`,
    );
    process.exit(1);
  }
  return selected;
}

function testFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFilesUnder(path);
    return entry.isFile() && entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A path (file, or directory containing it) relative to the cwd, or a glob relative to the root. */
function matches(file: string, pattern: string): boolean {
  const asPath = resolve(pattern);
  if (file === asPath || file.startsWith(`${asPath}/`)) return true;
  return globToRegExp(pattern.replace(/^\.\//, '')).test(relative(ROOT, file));
}

/** `**` crosses directories, `*` and `?` do not. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Harness up, `node --test` over the files (Docker pass), then the integration files against Podman
 * (Podman pass), harness down — also when setup or the tests fail.
 */
async function runTests(testFiles: string[]): Promise<number> {
  let since = Date.now();
  const podmanFiles = testFiles.filter((file) => file.includes('/test/integration/'));
  try {
    heading('harness: provisioning the engine, registry and TLS daemon');
    const env = await setup().catch((err: unknown) => {
      console.error(`[test] harness setup failed: ${err instanceof Error ? err.message : String(err)}`);
      timings.push('harness setup FAILED');
    });
    if (!env) return 1;
    timings.push(`harness setup ${seconds(since)}`);
    // The console serves the built UI; the browser tests need it current.
    await ensureWebBuild();
    let code = 0;
    if (options.engine !== 'podman') {
      since = Date.now();
      heading(`tests against Docker: ${testFiles.length} file(s)`);
      code = await nodeTest(testFiles, env);
      timings.push(`Docker pass ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds(since)}`);
    }
    if (options.engine === 'docker') return code;
    if (podmanFiles.length === 0) timings.push('Podman pass: no integration test file selected');
    else if (PODMAN_OPT_OUT) timings.push('Podman pass SKIPPED (GANTRY_TEST_PODMAN=skip)');
    else code = (await podmanPass(podmanFiles, env)) || code;
    return code;
  } finally {
    since = Date.now();
    await teardown();
    timings.push(`teardown ${seconds(since)}`);
  }
}

/** The integration tests once more, with DOCKER_HOST on the run's Podman and GANTRY_TEST_ENGINE=podman. */
async function podmanPass(files: string[], env: Record<string, string>): Promise<number> {
  let since = Date.now();
  heading('harness: provisioning Podman (its Docker-compatible API)');
  const podmanEnv = await setupPodman().catch((err: unknown) => {
    console.error(
      `[test] Podman setup FAILED: ${err instanceof Error ? err.message : String(err)}\n` +
        '[test] the Podman pass is part of npm test; set GANTRY_TEST_PODMAN=skip to leave it out knowingly',
    );
    timings.push('Podman setup FAILED');
  });
  if (!podmanEnv) return 1;
  timings.push(`Podman setup ${seconds(since)}`);
  since = Date.now();
  heading(`tests against Podman (${podmanEnv.DOCKER_HOST}): ${files.length} integration file(s)`);
  const code = await nodeTest(files, { ...env, ...podmanEnv });
  timings.push(`Podman pass ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds(since)}`);
  return code;
}

function nodeTest(testFiles: string[], env: Record<string, string>): Promise<number> {
  const args = [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    ...testFiles.map((file) => relative(ROOT, file)),
  ];
  // stdio inherited: the spec reporter's own summary (ℹ tests / pass / fail) stays visible.
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  onInterrupt(() => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
