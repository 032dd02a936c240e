import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { registry, skipOnPodman, TEST_IMAGE, TEST_LABELS } from '../support.ts';

const root = new URL('../../../../', import.meta.url);

// Runs the README's quick start for real, with its placeholders pointed at the harness: the test
// image for `busybox` and the local htpasswd registry for `registry.example/app:1.2`.
test("the README's quick start runs against the real engine and registry", {
  skip: skipOnPodman("pull progress has no 'Status: ... :latest' line"),
}, async () => {
  const source = readFileSync(new URL('examples/quick-start.ts', root), 'utf8');
  const substitutions: [string, string][] = [
    ["Image: 'busybox'", `Image: ${JSON.stringify(TEST_IMAGE)}, Labels: ${JSON.stringify(TEST_LABELS)}`],
    ["'registry.example/app:1.2'", JSON.stringify(registry.image)],
    ["username: 'me'", `username: ${JSON.stringify(registry.user)}`],
    ["password: 's3cret'", `password: ${JSON.stringify(registry.password)}`],
  ];
  let runnable = source;
  for (const [placeholder, value] of substitutions) {
    assert.ok(runnable.includes(placeholder), `the quick start still contains ${placeholder}`);
    runnable = runnable.replace(placeholder, value);
  }
  // Inside the repository, so `@gantry/engine` resolves through the workspace link.
  const dir = new URL('.gantry-test/examples/', root);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`quick-start-${process.pid}.ts`, dir);
  writeFileSync(file, runnable);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file.pathname], { timeout: 120_000 });
    assert.match(stdout, /^1\.\d+$/m, 'prints the negotiated API version');
    assert.match(stdout, /stdout: hi\n/);
    assert.match(stdout, /stderr: ho\n/);
    assert.match(stdout, /^exit 0$/m, 'prints the exit code');
    assert.match(stdout, /latest/, 'prints pull progress messages');
  } finally {
    rmSync(file, { force: true });
  }
});
