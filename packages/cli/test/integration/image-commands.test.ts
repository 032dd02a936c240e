/**
 * The image commands as processes against the harness engine and its htpasswd registry, side by side
 * with the docker CLI where their output can be compared: login (config.json byte for byte as docker
 * writes it), push and pull with the stored credentials, logout and docker's refusals, pull on a
 * pseudo-terminal (redrawn progress), build from a directory with .dockerignore and build args,
 * build from stdin, a failing build's exit code, tag / history / save / load / import / rmi, prune.
 * Every DOCKER_CONFIG is a fresh temporary directory; images are tagged `gantry-test-tmp/…` or
 * `<registry>/gantry-test/…`, or labelled `io.gantry.test.created=1`, so teardown removes them.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Captured, GANTRY_ENTRY } from '../support.ts';

const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman' ? 'Podman: the CLI is verified on Docker Engine first' : false;

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set — run the tests with \`npm test\`, which provisions the engine`);
  return value;
}

const DOCKER = '/usr/local/bin/docker';
const unique = randomBytes(4).toString('hex');
const scratch = mkdtempSync(join(tmpdir(), 'gantry-image-it-'));

/** A fresh, empty DOCKER_CONFIG directory. */
let configs = 0;
function freshConfig(): string {
  const dir = join(scratch, `config-${configs++}`);
  mkdirSync(dir);
  return dir;
}

/** Runs a program with `input` on stdin (none: stdin is closed at once). */
function exec(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {},
): Promise<Captured & { stdoutBytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
      });
    });
  });
}

const withConfig = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, DOCKER_CONFIG: dir });
const gantry = (
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {},
) => exec(process.execPath, [GANTRY_ENTRY, ...args], options);
const docker = (
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Buffer } = {},
) => exec(DOCKER, args, options);

describe('image commands against the engine and the registry', { skip }, () => {
  let registry: string;
  let user: string;
  let password: string;
  let testImage: string;
  let pushed: string;
  let loggedIn: string;

  before(async () => {
    registry = required('GANTRY_TEST_REGISTRY');
    user = required('GANTRY_TEST_REGISTRY_USER');
    password = required('GANTRY_TEST_REGISTRY_PASSWORD');
    testImage = required('GANTRY_TEST_IMAGE');
    pushed = `${registry}/gantry-test/cli-push-${unique}:1`;
    loggedIn = freshConfig();
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('login --password-stdin writes config.json exactly as docker login does', async () => {
    const mine = await gantry(['login', '-u', user, '--password-stdin', registry], {
      env: withConfig(loggedIn),
      input: `${password}\n`,
    });
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(mine.stdout, 'Login Succeeded\n');
    const theirsDir = freshConfig();
    const theirs = await docker(['login', '-u', user, '--password-stdin', registry], {
      env: withConfig(theirsDir),
      input: `${password}\n`,
    });
    assert.equal(theirs.code, 0, theirs.stderr);
    const file = (dir: string) => join(dir, 'config.json');
    assert.equal(readFileSync(file(loggedIn), 'utf8'), readFileSync(file(theirsDir), 'utf8'));
    assert.equal(statSync(file(loggedIn)).mode & 0o777, statSync(file(theirsDir)).mode & 0o777);
    assert.equal(mine.stderr, theirs.stderr.replaceAll(theirsDir, loggedIn), 'the same warning');
  });

  it('a wrong password: the daemon refusal, exit 1, nothing stored', async () => {
    const dir = freshConfig();
    const result = await gantry(['login', '-u', user, '--password-stdin', registry], {
      env: withConfig(dir),
      input: 'wrong\n',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^Error response from daemon: .*401 Unauthorized/m);
    assert.throws(() => statSync(join(dir, 'config.json')), /ENOENT/);
  });

  it('push with the stored credentials, then pull it back', async () => {
    // A layer of its own (random bytes), so the pull downloads something and does not find it all local.
    const dockerfile = `FROM ${testImage}\nRUN head -c 2000000 /dev/urandom > /blob\nLABEL io.gantry.test=1 io.gantry.test.created=1\n`;
    const built = await gantry(['build', '-q', '-t', pushed, '-'], { input: dockerfile });
    assert.equal(built.code, 0, built.stderr);
    const push = await gantry(['push', pushed], { env: withConfig(loggedIn) });
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /^The push refers to repository \[.+\]\n/);
    assert.match(push.stdout, /\n1: digest: sha256:[0-9a-f]{64} size: \d+\n$/);
    const removed = await gantry(['rmi', pushed]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`^Untagged: ${escapeRegExp(pushed)}\n`));
    const pull = await gantry(['pull', pushed], { env: withConfig(loggedIn) });
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /^1: Pulling from gantry-test\/cli-push-/);
    assert.match(pull.stdout, /\nDigest: sha256:[0-9a-f]{64}\nStatus: .+\n/);
    assert.ok(pull.stdout.endsWith(`\n${pushed}\n`), pull.stdout);
    const quiet = await gantry(['pull', '-q', pushed], { env: withConfig(loggedIn) });
    assert.equal(quiet.stdout, `${pushed}\n`);
  });

  it('pull on a pseudo-terminal redraws the layer lines in place', async () => {
    await gantry(['rmi', pushed]);
    const command = `stty -onlcr cols 120; ${process.execPath} ${GANTRY_ENTRY} pull ${pushed}`;
    const result = spawnSync('script', ['-qfc', command, '/dev/null'], {
      env: withConfig(loggedIn),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const out = result.stdout;
    // A layer line: opened below, cursor up to it, erased, redrawn, cursor back down.
    const esc = `${String.fromCharCode(27)}\\[`;
    assert.match(out, new RegExp(`\\n${esc}1A${esc}2K\\r[0-9a-f]{12}: Pulling fs layer \\r${esc}1B`));
    assert.match(out, new RegExp(`${esc}2K\\r[0-9a-f]{12}: Pull complete \\r${esc}\\d+B`));
    assert.match(out, /Status: Downloaded newer image for .+\n/);
    assert.ok(out.endsWith(`${pushed}\n`), JSON.stringify(out.slice(-200)));
  });

  it('logout removes the credentials; pull and push then fail with docker’s words', async () => {
    const logout = await gantry(['logout', registry], { env: withConfig(loggedIn) });
    assert.equal(logout.code, 0);
    assert.equal(logout.stdout, `Removing login credentials for ${registry}\n`);
    assert.deepEqual(JSON.parse(readFileSync(join(loggedIn, 'config.json'), 'utf8')), { auths: {} });

    const anonymous = freshConfig();
    for (const args of [
      ['pull', pushed],
      ['push', pushed],
    ]) {
      const mine = await gantry(args, { env: withConfig(anonymous) });
      const theirs = await docker(args, { env: withConfig(anonymous) });
      assert.equal(mine.code, theirs.code, `${args[0]}: exit code`);
      assert.equal(mine.code, 1);
      assert.equal(mine.stderr, theirs.stderr, `${args[0]}: message`);
    }
  });

  it('pull of a missing image: the daemon error and exit code, as docker', async () => {
    const missing = `${registry}/gantry-test/does-not-exist-${unique}:1`;
    const dir = freshConfig();
    await docker(['login', '-u', user, '--password-stdin', registry], {
      env: withConfig(dir),
      input: password,
    });
    const mine = await gantry(['pull', missing], { env: withConfig(dir) });
    const theirs = await docker(['pull', missing], { env: withConfig(dir) });
    assert.equal(mine.code, 1);
    assert.equal(mine.code, theirs.code);
    assert.equal(mine.stderr, theirs.stderr);
  });

  it('build from a directory: .dockerignore honoured, build args and labels applied, output streamed', async () => {
    const context = join(scratch, 'context');
    mkdirSync(join(context, 'sub'), { recursive: true });
    writeFileSync(join(context, 'sub', 'kept.txt'), 'kept\n');
    writeFileSync(join(context, 'sub', 'secret.txt'), 'secret\n');
    writeFileSync(join(context, '.dockerignore'), 'sub/secret.txt\n');
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${testImage} AS base\nARG GREETING=hi\nCOPY sub /sub\nRUN echo "$GREETING" > /greeting && ls /sub > /listing\nFROM base AS unused\nRUN exit 9\n`,
    );
    const tag = `gantry-test-tmp/cli-build-${unique}:1`;
    const build = await gantry([
      'build',
      '-t',
      tag,
      '--build-arg',
      'GREETING=hello',
      '--target',
      'base',
      '--label',
      'io.gantry.test=1',
      '--label',
      'io.gantry.test.created=1',
      '--no-cache',
      context,
    ]);
    assert.equal(build.code, 0, build.stderr);
    assert.match(build.stdout, /^Step 1\/\d+ : FROM /);
    assert.match(
      build.stdout,
      /\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged gantry-test-tmp\/cli-build-/,
    );
    const { connect } = await import('@gantry/engine');
    const engine = connect();
    try {
      const run = await engine.run(tag, ['cat', '/greeting', '/listing'], {
        remove: true,
        labels: { 'io.gantry.test': '1' },
      });
      assert.equal(run.stdout.toString('utf8'), 'hello\nkept.txt\n');
      const image = await engine.images.inspect(tag);
      assert.equal(image.Config?.Labels?.['io.gantry.test.created'], '1');
    } finally {
      await engine.close();
    }
  });

  it('build -q prints the image ID; a failing step exits with its code, as docker', async () => {
    const dockerfile = `FROM ${testImage}\nLABEL io.gantry.test=1 io.gantry.test.created=1 run=${unique}\n`;
    const quiet = await gantry(['build', '-q', '-'], { input: dockerfile });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.match(quiet.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const failing = `FROM ${testImage}\nLABEL io.gantry.test=1 io.gantry.test.created=1\nRUN exit 3\n`;
    const mine = await gantry(['build', '--force-rm', '-'], { input: failing });
    const theirs = await docker(['build', '--force-rm', '-'], {
      input: failing,
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    assert.equal(mine.code, 3);
    assert.equal(mine.code, theirs.code);
    assert.equal(mine.stderr, "The command '/bin/sh -c exit 3' returned a non-zero code: 3\n");
    assert.ok(theirs.stderr.endsWith(mine.stderr), theirs.stderr);
  });

  it('tag, history, save, rmi, load: a round trip, history as docker prints it', async () => {
    const tag = `gantry-test-tmp/cli-roundtrip-${unique}:1`;
    assert.equal((await gantry(['tag', testImage, tag])).code, 0);
    for (const args of [
      ['history', '-H=false', '--no-trunc', tag],
      ['history', '-q', tag],
      ['history', '--format', '{{.ID}}\t{{.CreatedBy}}\t{{.Size}}', tag],
    ]) {
      const mine = await gantry(args);
      const theirs = await docker(args);
      assert.equal(mine.code, 0, mine.stderr);
      assert.equal(mine.stdout, theirs.stdout, args.join(' '));
    }
    const archive = join(scratch, 'roundtrip.tar');
    const saved = await gantry(['save', '-o', archive, tag]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.ok(statSync(archive).size > 1024);
    const removed = await gantry(['rmi', tag]);
    assert.equal(removed.stdout, `Untagged: ${tag}\n`);
    const loaded = await gantry(['load', '-i', archive]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(loaded.stdout, `Loaded image: ${tag}\n`);
    // The same through pipes: save to stdout, load from stdin.
    const streamed = await gantry(['save', tag]);
    assert.equal(streamed.code, 0, streamed.stderr);
    assert.equal((await gantry(['rmi', tag])).code, 0);
    const fromStdin = await gantry(['load', '-q'], { input: streamed.stdoutBytes });
    assert.equal(fromStdin.stdout, `Loaded image: ${tag}\n`);
    const missing = await gantry(['load', '-i', join(scratch, 'nope.tar')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `open ${join(scratch, 'nope.tar')}: no such file or directory\n`);
  });

  it('import a rootfs tarball (file and stdin) with --change and --message', async () => {
    const rootfs = join(scratch, 'rootfs');
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    writeFileSync(join(rootfs, 'etc', 'hello'), 'hello\n');
    const tarball = join(scratch, 'rootfs.tar');
    assert.equal(spawnSync('tar', ['-cf', tarball, '-C', rootfs, '.']).status, 0);
    const tag = `gantry-test-tmp/cli-import-${unique}:1`;
    const imported = await gantry([
      'import',
      '-c',
      'CMD ["/bin/sh"]',
      '-c',
      'ENV A=b',
      '-m',
      'from gantry',
      tarball,
      tag,
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const inspected = await gantry([
      'image',
      'inspect',
      '--format',
      '{{json .Config.Cmd}} {{json .Config.Env}} {{.Comment}}',
      tag,
    ]);
    assert.equal(inspected.stdout, '["/bin/sh"] ["A=b"] from gantry\n');
    const stdinTag = `gantry-test-tmp/cli-import-stdin-${unique}:1`;
    const fromStdin = await gantry(['import', '-', stdinTag], { input: readFileSync(tarball) });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.match(fromStdin.stdout, /^sha256:[0-9a-f]{64}\n$/);
    const layers = (image: string) =>
      gantry(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image]);
    assert.equal((await layers(stdinTag)).stdout, (await layers(tag)).stdout, 'the same tar, the same layer');
    assert.equal((await gantry(['rmi', tag, stdinTag])).code, 0);
  });

  it('image prune: the prompt refused keeps everything; -f with a filter removes the dangling image', async () => {
    const marker = `cli-prune-${unique}`;
    const dockerfile = `FROM ${testImage}\nLABEL io.gantry.test=1 io.gantry.test.created=1 ${marker}=1\n`;
    const built = await gantry(['build', '-q', '-'], { input: dockerfile });
    const id = built.stdout.trim();
    assert.match(id, /^sha256:/);
    const refused = await gantry(['image', 'prune', '--filter', `label=${marker}=1`], { input: 'n\n' });
    assert.equal(refused.code, 0);
    assert.equal(
      refused.stdout,
      'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ',
    );
    assert.equal((await gantry(['image', 'inspect', '--format', '{{.Id}}', id])).stdout, `${id}\n`);
    const pruned = await gantry(['image', 'prune', '-f', '--filter', `label=${marker}=1`]);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(
      pruned.stdout,
      new RegExp(
        `^Deleted Images:\ndeleted: ${id}\n(deleted: sha256:[0-9a-f]{64}\n)*\nTotal reclaimed space: \\S+\n$`,
      ),
    );
    assert.equal((await gantry(['image', 'inspect', id])).code, 1);
  });

  it('rmi of several images: docker’s lines and exit code for the one that is missing', async () => {
    const tag = `gantry-test-tmp/cli-rmi-${unique}:1`;
    await gantry(['tag', testImage, tag]);
    const missing = `gantry-test-tmp/cli-rmi-missing-${unique}:1`;
    const mine = await gantry(['rmi', tag, missing]);
    assert.equal(mine.code, 1);
    assert.equal(mine.stdout, `Untagged: ${tag}\n`);
    await gantry(['tag', testImage, tag]);
    const theirs = await docker(['rmi', tag, missing]);
    assert.equal(mine.stderr, theirs.stderr);
    assert.equal(mine.code, theirs.code);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
