/**
 * Start-up: bin/gantry.js runs the bundle (dist/, built by src/bundle.ts) when it matches the
 * sources and rebuilds it when they change — a new command registered in registry.ts included —
 * with the same behaviour as the TypeScript sources; and `ps` loads none of the built-in modules
 * the SDK defers (tls, zlib, child_process, crypto). bench/ measures the time (`npm run bench -- cli`).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI_ROOT, GANTRY_ENTRY, gantry, runProcess } from '../support.ts';

const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman'
    ? 'Podman: the CLI is checked against Docker Engine (docs/podman.md)'
    : false;
const REPO_ROOT = join(CLI_ROOT, '..', '..');
const { GANTRY_CLI_SOURCES: _, ...bundledEnv } = process.env;
const fromSources = { ...bundledEnv, GANTRY_CLI_SOURCES: '1' };

describe('start-up: the bundled entry', { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), 'gantry-startup-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('runs the bundle, recorded in dist/manifest.json, with the same output as the sources', async () => {
    const cases = [
      ['--help'],
      ['ps', '--help'],
      ['version', '--format', '{{.Client.Version}}'],
      ['frobnicate'],
    ];
    for (const args of cases) {
      const bundled = await gantry(args, bundledEnv);
      const sources = await gantry(args, fromSources);
      assert.deepEqual(bundled, sources, `gantry ${args.join(' ')}`);
    }
    const manifest = JSON.parse(readFileSync(join(CLI_ROOT, 'dist', 'manifest.json'), 'utf8')) as {
      inputs: Record<string, number>;
    };
    for (const input of [
      'src/main.ts',
      'src/registry.ts',
      'src/commands/container/list.ts',
      '../engine/src/index.ts',
    ])
      assert.ok(input in manifest.inputs, input);
  });

  it('ps loads none of the built-in modules the SDK defers', async () => {
    const probe = join(work, 'probe.mjs');
    const list = join(work, 'modules.txt');
    writeFileSync(
      probe,
      `process.on('exit', () => process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`,
    );
    const result = await runProcess(
      process.execPath,
      ['--import', probe, GANTRY_ENTRY, 'ps', '-q', '--filter', 'label=io.gantry.none'],
      bundledEnv,
    );
    assert.deepEqual([result.code, result.stderr], [0, '']);
    const loaded = readFileSync(list, 'utf8').split('\n');
    assert.ok(loaded.includes('NativeModule net'), 'the probe sees the modules ps loads');
    for (const name of ['tls', 'zlib', 'child_process', 'crypto'])
      assert.ok(!loaded.includes(`NativeModule ${name}`), `node:${name} is loaded`);
  });

  it('rebuilds when a source changes or a command is registered, and only then', async () => {
    // A copy of the CLI that resolves packages (esbuild, @gantry/engine) from the repository.
    const cli = join(work, 'packages', 'cli');
    for (const part of ['bin', 'src', 'package.json'])
      cpSync(join(CLI_ROOT, part), join(cli, part), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(work, 'node_modules'));
    const entry = join(cli, 'bin', 'gantry.js');
    const manifest = join(cli, 'dist', 'manifest.json');
    const copy = (args: readonly string[]) => runProcess(process.execPath, [entry, ...args], bundledEnv);

    assert.deepEqual((await copy(['--version'])).code, 0);
    const built = statSync(manifest).mtimeMs;
    assert.equal((await copy(['--version'])).code, 0);
    assert.equal(statSync(manifest).mtimeMs, built, 'an unchanged source tree is not rebuilt');

    const command = join(cli, 'src', 'commands', 'hello.ts');
    writeFileSync(
      command,
      [
        "import { defineCommand, type OptionsOf } from '../command.ts';",
        "import type { CommandIO } from '../io.ts';",
        "export const definition = defineCommand({ summary: 'Say hello', usage: 'NAME', flags: {}, args: { name: { required: true } } });",
        'export async function run(opts: OptionsOf<typeof definition>, io: CommandIO): Promise<number> {',
        "  io.stdout.write('hello ' + opts.name + '\\n');",
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const registry = join(cli, 'src', 'registry.ts');
    const source = readFileSync(registry, 'utf8');
    const anchor = "  command('version',";
    assert.ok(source.includes(anchor), 'registry.ts has the version line this test adds after');
    writeFileSync(
      registry,
      source.replace(anchor, `  command('hello', () => import('./commands/hello.ts')),\n${anchor}`),
    );
    const hello = await copy(['hello', 'bundle']);
    assert.deepEqual([hello.code, hello.stdout, hello.stderr], [0, 'hello bundle\n', '']);
    assert.ok(statSync(manifest).mtimeMs > built, 'the bundle was rebuilt');
    assert.ok(readFileSync(manifest, 'utf8').includes('src/commands/hello.ts'));
  });
});
