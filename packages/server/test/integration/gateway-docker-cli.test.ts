/**
 * The docker CLI, unchanged, through the gateway against the harness engine: TLS verified against
 * the gateway's generated CA, the console API token sent from `HttpHeaders` in config.json.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Terminal, tmuxMissing } from '../../../../test/terminal.ts';
import {
  DOCKER,
  dockerCli,
  type GatewayConsole,
  runProgram,
  startGatewayConsole,
  TEST_IMAGE,
  TEST_LABEL,
  uniqueSuffix,
} from './gateway-support.ts';
import { skipOnPodman } from './resource-support.ts';

describe('the docker CLI through the gateway', {
  skip: skipOnPodman('the gateway tests run the docker CLI against Docker'),
}, () => {
  let gateway: GatewayConsole;
  let docker: ReturnType<typeof dockerCli>;
  const run = `gw-${uniqueSuffix()}`;
  const label = ['--label', `${TEST_LABEL}=1`];

  before(async () => {
    gateway = await startGatewayConsole({ autoClose: false });
    const token = await gateway.console.createToken('operator', [gateway.console.localEngineId]);
    docker = dockerCli(gateway, token);
  });
  after(async () => {
    await docker?.run(['rm', '-f', `${run}-sleeper`, `${run}-logs`]);
    docker?.cleanup();
    await gateway?.console.close();
    gateway?.cleanup();
  });

  test('version and ps: the banner names the gateway, the engine answers', async () => {
    assert.ok(
      gateway.console.printed.some((line) =>
        /Gantry gateway listening on https:\/\/127\.0\.0\.1:\d+ \(certificate SHA-256 [0-9A-F:]{95}/.test(
          line,
        ),
      ),
    );
    const version = await docker.run(['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout.trim(), /^1\.\d+$/);
    const ps = await docker.run(['ps', '-a', '--format', '{{.ID}}']);
    assert.equal(ps.code, 0, ps.stderr);
    // The engine named in the host URL (a base path the CLI prefixes to every request).
    const prefixed = await runProgram(DOCKER, ['ps', '-q'], {
      ...docker.env,
      DOCKER_HOST: `${gateway.dockerHost}/engines/${gateway.console.localEngineId}`,
    });
    assert.equal(prefixed.code, 0, prefixed.stderr);
    const elsewhere = await runProgram(DOCKER, ['ps', '-q'], {
      ...docker.env,
      DOCKER_HOST: `${gateway.dockerHost}/engines/not-granted`,
    });
    assert.notEqual(elsewhere.code, 0);
    assert.match(elsewhere.stderr, /permission 'containers\.read' on engine 'not-granted'/);
  });

  test('run -d, exec (with stdin closed by EOF), logs -f, cp both ways, rm', async () => {
    const name = `${run}-sleeper`;
    const started = await docker.run(['run', '-d', ...label, '--name', name, TEST_IMAGE, 'sleep', '300']);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout.trim(), /^[0-9a-f]{64}$/);

    const exec = await docker.run(['exec', name, 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, 'out\n');
    assert.equal(exec.stderr, 'err\n');

    const piped = await docker.run(
      ['exec', '-i', name, 'sh', '-c', 'tr a-z A-Z; echo done'],
      'hello gateway\n',
    );
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'HELLO GATEWAY\ndone\n');

    const failing = await docker.run(['exec', name, 'sh', '-c', 'exit 7']);
    assert.equal(failing.code, 7);

    const scratch = mkdtempSync(join(tmpdir(), 'gantry-gateway-cp-'));
    try {
      writeFileSync(join(scratch, 'in.txt'), 'copied in\n');
      const copyIn = await docker.run(['cp', join(scratch, 'in.txt'), `${name}:/tmp/in.txt`]);
      assert.equal(copyIn.code, 0, copyIn.stderr);
      const cat = await docker.run(['exec', name, 'cat', '/tmp/in.txt']);
      assert.equal(cat.stdout, 'copied in\n');
      const copyOut = await docker.run(['cp', `${name}:/tmp/in.txt`, join(scratch, 'out.txt')]);
      assert.equal(copyOut.code, 0, copyOut.stderr);
      assert.equal(readFileSync(join(scratch, 'out.txt'), 'utf8'), 'copied in\n');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }

    const logsName = `${run}-logs`;
    const logger = await docker.run([
      'run',
      '-d',
      ...label,
      '--name',
      logsName,
      TEST_IMAGE,
      'sh',
      '-c',
      'for i in 1 2 3; do echo line $i; sleep 0.2; done',
    ]);
    assert.equal(logger.code, 0, logger.stderr);
    const follow = await docker.run(['logs', '-f', logsName]);
    assert.equal(follow.code, 0, follow.stderr);
    assert.equal(follow.stdout, 'line 1\nline 2\nline 3\n');

    const removed = await docker.run(['rm', '-f', name, logsName]);
    assert.equal(removed.code, 0, removed.stderr);
  });

  test('network and volume commands', async () => {
    const network = `${run}-net`;
    const volume = `${run}-vol`;
    const created = await docker.run(['network', 'create', ...label, network]);
    assert.equal(created.code, 0, created.stderr);
    const listed = await docker.run([
      'network',
      'ls',
      '--filter',
      `name=${network}`,
      '--format',
      '{{.Name}}',
    ]);
    assert.equal(listed.stdout.trim(), network);
    assert.equal((await docker.run(['network', 'rm', network])).code, 0);

    const vol = await docker.run(['volume', 'create', ...label, volume]);
    assert.equal(vol.code, 0, vol.stderr);
    const inspected = await docker.run(['volume', 'inspect', volume, '--format', '{{.Name}} {{.Driver}}']);
    assert.equal(inspected.stdout.trim(), `${volume} local`);
    assert.equal((await docker.run(['volume', 'rm', volume])).code, 0);
  });

  test("events: a bounded window shows this run's container events", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const name = `${run}-events`;
    const created = await docker.run(['create', ...label, '--name', name, TEST_IMAGE, 'true']);
    assert.equal(created.code, 0, created.stderr);
    await docker.run(['rm', name]);
    const until = Math.floor(Date.now() / 1000) + 1;
    const events = await docker.run([
      'events',
      '--since',
      String(since),
      '--until',
      String(until),
      '--filter',
      `container=${name}`,
      '--format',
      '{{.Action}}',
    ]);
    assert.equal(events.code, 0, events.stderr);
    assert.deepEqual(events.stdout.trim().split('\n'), ['create', 'destroy']);
  });

  test('build from a context directory', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'gantry-gateway-build-'));
    const tag = `gantry-test-tmp/gateway-build:${run}`;
    try {
      writeFileSync(
        join(scratch, 'Dockerfile'),
        `FROM ${TEST_IMAGE}\nLABEL io.gantry.test.created=1\nCOPY hello.txt /hello.txt\n`,
      );
      writeFileSync(join(scratch, 'hello.txt'), 'built through the gateway\n');
      const built = await runProgram(
        '/usr/local/bin/docker',
        ['build', '-q', '-t', tag, scratch],
        { ...docker.env, DOCKER_BUILDKIT: '0' },
        120_000,
      );
      assert.equal(built.code, 0, built.stderr);
      const out = await docker.run(['run', '--rm', ...label, tag, 'cat', '/hello.txt']);
      assert.equal(out.stdout, 'built through the gateway\n');
    } finally {
      await docker.run(['rmi', '-f', tag]);
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('pull and push against the harness registry', {
    skip: process.env.GANTRY_TEST_REGISTRY ? false : 'no harness registry',
  }, async () => {
    const registry = process.env.GANTRY_TEST_REGISTRY as string;
    const login = await docker.run(
      ['login', registry, '--username', process.env.GANTRY_TEST_REGISTRY_USER ?? '', '--password-stdin'],
      process.env.GANTRY_TEST_REGISTRY_PASSWORD ?? '',
    );
    assert.equal(login.code, 0, login.stderr);
    const source = process.env.GANTRY_TEST_REGISTRY_IMAGE as string;
    const pulled = await docker.run(['pull', '-q', source], undefined, 120_000);
    assert.equal(pulled.code, 0, pulled.stderr);
    const target = `${registry}/gantry-test/gateway-push:${run}`;
    assert.equal((await docker.run(['tag', source, target])).code, 0);
    const pushed = await docker.run(['push', target], undefined, 120_000);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /digest: sha256:[0-9a-f]{64}/);
    await docker.run(['rmi', target]);
  });

  test('run -it and exec -it in a real terminal (tmux): typed input, tty output, resize', {
    skip: tmuxMissing,
  }, async () => {
    const terminal = new Terminal();
    await terminal.start();
    const name = `${run}-tty`;
    try {
      const exports = Object.entries(docker.env)
        .map(([key, value]) => `${key}='${value}'`)
        .join(' ');
      await terminal.type(`export ${exports}`);
      await terminal.type(`${DOCKER} run -it --rm --label ${TEST_LABEL}=1 --name ${name} ${TEST_IMAGE} sh`);
      await terminal.waitFor(/^\/ # $/m);
      await terminal.type('echo $((6*7)) tty=$(tty); stty size');
      await terminal.waitFor(/^42 tty=\/dev\/pts\/\d+\n30 100$/m);
      await terminal.resize(90, 25);
      // The size travels CLI -> gateway -> daemon -> pty: ask again until it arrived.
      for (let attempt = 0; attempt < 20 && !/^25 90$/m.test(await terminal.screen()); attempt++) {
        await terminal.type('stty size');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await terminal.waitFor(/^25 90$/m);

      await terminal.press('C-p', 'C-q');
      // Detached: the CLI gives the terminal back while the container keeps running.
      await terminal.waitFor(/ # \$ $/m);
      await terminal.type(`${DOCKER} exec -it ${name} sh -c 'echo in-exec; exec sh'`);
      await terminal.waitFor(/in-exec\n/);
      await terminal.type('echo exec-$((4+4))');
      await terminal.waitFor(/^exec-8$/m);
      // Each step waits for the shell it types into, so no line lands in the program before.
      await terminal.type('exit');
      await terminal.waitFor(/exec-8\n[\s\S]*^\$ $/m);
      await terminal.type(`${DOCKER} attach ${name}`);
      await terminal.type('echo attached-$((2+3))');
      await terminal.waitFor(/^attached-5$/m);
      await terminal.type('exit');
      await terminal.waitFor(/attached-5\n[\s\S]*^\$ $/m);
    } finally {
      await terminal.stop();
      await docker.run(['rm', '-f', name]);
    }
  });
});
