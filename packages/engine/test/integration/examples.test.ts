/**
 * Runs each seed example in examples/ as a user would (`node examples/<file>.ts`, importing
 * `@gantry/engine` through the workspace link) with its settings pointed at the harness: the test
 * image, the htpasswd registry, the mutual-TLS daemon, and the test label, so teardown removes
 * whatever an example leaves behind. Each test asserts on what the example printed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { markSwarmInitialisedByTests } from '../../../../test/harness/cleanup.ts';
import { type DockerClient, isNotFound } from '../../src/index.ts';
import { ENGINE, registry, skipOnPodman, TEST_IMAGE, TEST_LABEL, testClient, tlsDaemon } from '../support.ts';

const docker = testClient();
const examples = new URL('../../../../examples/', import.meta.url);

/** The examples' settings (examples/common.ts) for the harness; read lazily: they need its env. */
function harnessSettings(): NodeJS.ProcessEnv {
  return {
    EXAMPLE_IMAGE: TEST_IMAGE,
    EXAMPLE_LABEL: TEST_LABEL,
    // teardown removes gantry-test-tmp/* tags
    EXAMPLE_REPO: 'gantry-test-tmp',
    EXAMPLE_PULL_IMAGE: registry.image,
    EXAMPLE_REGISTRY: registry.host,
    EXAMPLE_REGISTRY_USER: registry.user,
    EXAMPLE_REGISTRY_PASSWORD: registry.password,
  };
}

/** Runs `examples/<file>` with the harness settings plus `env`; resolves with its stdout. */
async function runExample(file: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const path = fileURLToPath(new URL(file, examples));
  const { stdout } = await promisify(execFile)(process.execPath, [path], {
    env: { ...process.env, ...harnessSettings(), ...env },
    timeout: 100_000, // inside the test's own timeout, so a hung example is killed, not left behind
  });
  return stdout;
}

/** Removes the registry image's local tag from `client`'s engine, so that a pull really transfers layers. */
async function forgetRegistryImage(client: DockerClient = docker): Promise<void> {
  await client.images.remove(registry.image).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
}

const podman = ENGINE === 'podman';

describe('seed examples', () => {
  test('seed 000: execRun — ls on a TTY, ls -l, a streamed program, cd, sh -c, an interactive shell', async () => {
    const out = await runExample('seed-000-exec-run.ts');
    assert.match(out, /^ls \(exit 0\): (?=.*\bbin\b)(?=.*\btest\b).*$/m, 'ls on a TTY lists / with /test');
    assert.match(out, /^ls -l: -rw-r--r-- +1 root +root +6 .* test\.txt$/m);
    assert.equal(
      out.match(/^stream: \d\d:\d\d:\d\d hello world [123]$/gm)?.length,
      3,
      'three streamed lines',
    );
    assert.match(out, /^stream exit code: 0$/m);
    // Docker: 126 and the OCI runtime's message; Podman: 127 and its own wording.
    assert.match(out, /^cd alone: exit 12[67]: .*cd/m);
    assert.match(out, /^sh -c: test\.txt \/ test-2\.txt +test\.txt$/m, 'ls, cp, ls in /test');
    assert.match(out, /^socket ls: test-2\.txt test\.txt$/m, 'the interactive shell kept its cd');
    assert.match(out, /^socket ls -l: 2 files$/m);
    assert.match(out, /^socket exit code: 0$/m);
  });

  test('seed 001: container lifecycle, export piped into import', async () => {
    const out = await runExample('seed-001-container-lifecycle.ts');
    assert.match(out, /^engine \S+, API 1\.\d+$/m);
    assert.match(out, /^listed: found among \d+ created$/m);
    assert.match(out, /^inspect: status created, caps \+NET_ADMIN$/m);
    // Podman's top puts a whole ps line in one column.
    assert.match(out, /^top: .*sh -c trap "exit 0" TERM; while true; do sleep 1; done/m);
    assert.match(out, /^stopped: exit code 0$/m, 'the trapped SIGTERM ends the shell cleanly');
    assert.match(out, /^restarted: running true$/m);
    assert.match(out, /^killed: exit code 137$/m);
    assert.match(out, /^imported gantry-test-tmp\/lifecycle-export:latest as sha256:[0-9a-f]{12}$/m);
    // Podman names the image docker.io/gantry-test-tmp/...
    assert.match(
      out,
      /^image: (docker\.io\/)?gantry-test-tmp\/lifecycle-export:latest linux\/\w+, \d+ bytes$/m,
    );
    assert.match(out, /^removed$/m);
  });

  test('seed 002: the endpoint tour, with secrets and configs on a one-node swarm when possible', async () => {
    const swarm = (await docker.system.info()).Swarm?.LocalNodeState;
    const gwbridgeExisted =
      (await docker.networks.list({ filters: { name: ['^docker_gwbridge$'] } })).length > 0;
    // Only a Docker node in no swarm is made one (and left again); a swarm someone else runs is not ours.
    const initSwarm = !podman && swarm === 'inactive';
    if (initSwarm) markSwarmInitialisedByTests();
    await forgetRegistryImage();
    let out: string;
    try {
      out = await runExample('seed-002-endpoint-tour.ts', initSwarm ? { EXAMPLE_SWARM: 'init' } : {});
    } finally {
      if (initSwarm && !gwbridgeExisted) await docker.networks.remove('docker_gwbridge').catch(() => {});
    }
    assert.match(out, /^logs stdout: Hello, World!$/m);
    assert.match(out, podman ? /^pulled \S+: /m : /^pulled \S+: Status: Downloaded newer image for /m);
    assert.match(out, /^Step 2\/\d ?: RUN echo built > \/built.txt$/im, 'the build log is streamed');
    assert.match(out, /^built gantry-test-tmp\/myimage:latest: sha256:[0-9a-f]{64}$/m);
    assert.match(out, /^removed image: .*untagged/m);
    assert.match(out, /^connected to example-network-[0-9a-f]{8}: true$/m);
    assert.match(out, /^volume example-volume-[0-9a-f]{8} created and removed$/m);
    assert.match(out, /^exec ls \/: bin dev etc/m);
    assert.match(out, /^exec stty size after resize: 40 80$/m);
    if (podman) {
      assert.match(out, /^plugins: this engine has no plugin API$/m);
    } else {
      assert.match(out, /^plugin privileges: network=host$/m);
      assert.match(out, /^plugin pulled: \S+\/gantry-test-tmp\/tour-plugin:latest, enabled false$/m);
      assert.match(out, /^plugin removed$/m);
      await assert.rejects(docker.plugins.inspect(`${registry.host}/gantry-test-tmp/tour-plugin:latest`), {
        code: 'API_NOT_FOUND',
      });
    }
    if (out.includes('swarm: initialised for the tour')) {
      assert.match(out, /^secret \w+ created and removed$/m);
      assert.match(out, /^config \w+ created and removed$/m);
    } else {
      assert.match(out, /^(secret \w+ created and removed|secrets: API_\w+ \(.+\))$/m);
      assert.match(out, /^(config \w+ created and removed|configs: API_\w+ \(.+\))$/m);
    }
    // Podman (4.3, file events logger) replays nothing for a since/until window, filtered or not.
    if (podman) assert.match(out, /^events of the sleep container: /m);
    else assert.match(out, /^events of the sleep container: create\b.*\bstart\b.*\bdestroy$/m);
    // The engine may be shared with other runs, whose swarm tests come and go: judge by what the example did.
    if (out.includes('swarm: initialised for the tour')) assert.match(out, /^swarm: left$/m);
  });

  describe('seed 003 against the mutual-TLS daemon', {
    skip: skipOnPodman('the TLS daemon is a Docker engine, run in the Docker pass'),
  }, () => {
    // An image with a layer of its own (3 MiB of random bytes on the test image), pushed and then
    // forgotten locally: when the TLS daemon is the main engine itself (the harness's own dockerd
    // with a TLS listener) it already holds the test image's layer, and only a new layer shows a
    // download with progress and `Pull complete`.
    const run = randomBytes(4).toString('hex');
    const pulled = () => `${registry.host}/gantry-test/seed003-${run}:latest`;
    const tlsEnv = () => ({
      DOCKER_HOST: tlsDaemon.host,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: tlsDaemon.certs,
      EXAMPLE_PULL_IMAGE: pulled(),
    });
    const tlsDocker = () => testClient({ host: tlsDaemon.host, tlsVerify: true, certPath: tlsDaemon.certs });
    const forgetPulledImage = async () => {
      await tlsDocker()
        .images.remove(pulled())
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
    };

    before(async () => {
      const { Id } = await docker.containers.create({
        Image: TEST_IMAGE,
        Cmd: ['dd', 'if=/dev/urandom', 'of=/blob', 'bs=64k', 'count=48'],
        Labels: { [TEST_LABEL]: '1' },
      });
      try {
        await docker.containers.start(Id);
        await docker.containers.wait(Id);
        const [repo] = pulled().split(':latest');
        await docker.images.commit({ container: Id, repo, tag: 'latest' });
      } finally {
        await docker.containers.remove(Id, { force: true });
      }
      await docker.images
        .push(pulled(), { auth: { username: registry.user, password: registry.password } })
        .wait();
      await docker.images.remove(pulled());
    });

    test('piped: one plain line per layer status, then the filters query', async () => {
      await forgetPulledImage();
      const out = await runExample('seed-003-remote-pull-progress.ts', tlsEnv());
      assert.match(out, /^engine https:\/\/127\.0\.0\.1:\d+ \(TLS, verify true\), API 1\.\d+$/m);
      assert.match(out, /^[0-9a-f]{12}: Pull complete$/m);
      assert.ok(!out.includes('\x1b['), 'no cursor codes when stdout is not a terminal');
      assert.match(out, /^Status: Downloaded newer image for /m);
      assert.match(out, /^downloaded: sha256:[0-9a-f]{64}$/m);
      assert.match(out, /^reference and dangling: 0 image\(s\); reference alone: 1 image\(s\)$/m);
    });

    test('on a terminal (script(1) gives it a pty): layer rows redrawn in place', async () => {
      await forgetPulledImage();
      const path = fileURLToPath(new URL('seed-003-remote-pull-progress.ts', examples));
      const { stdout } = await promisify(execFile)(
        'script',
        ['-qec', `${process.execPath} ${path}`, '/dev/null'],
        { env: { ...process.env, ...harnessSettings(), ...tlsEnv() }, timeout: 100_000 },
      );
      const screen = stdout.replaceAll('\x1b', '<ESC>');
      assert.ok(screen.includes('<ESC>[?25l'), 'hides the cursor');
      assert.match(screen, /<ESC>\[\d+F<ESC>\[2K[0-9a-f]{12}: /, 'moves up to a layer row and clears it');
      assert.ok(screen.includes('<ESC>[?25h'), 'shows the cursor again');
      assert.match(stdout, /downloaded: sha256:[0-9a-f]{64}/);
    });
  });
  test('seed 004: run, run -it driven over attach, run -d with a published port, ls -a, top, logs, rm -f, rmi', async () => {
    const out = await runExample('seed-004-docker-cli-chapter.ts');
    assert.match(out, /^run: exit code 0, said "Hello from the chapter 2 container"$/m);
    assert.match(out, /^-it hostname: [0-9a-f]{12}$/m, 'the shell answered on its terminal');
    assert.match(out, /^-it answer: answer: 42$/m);
    assert.match(out, /^-it exit code: 0$/m);
    assert.match(out, /^-d -p: port \d+ answered "hello from httpd"$/m, 'fetched through the published port');
    assert.equal(out.match(/^ls -a: /gm)?.length, 3, 'ls -a shows the three containers, exited ones too');
    assert.match(out, /^top: .*httpd -f -v -p 80 -h \/www/m);
    assert.match(out, /^logs stderr: .*response:200$/m, 'httpd -v logged the request');
    assert.match(out, /^rm -f: removed 3 containers$/m);
    assert.match(out, /^rmi: untagged (docker\.io\/|localhost\/)?gantry-test-tmp\/chapter2:latest/m);
    const left = await docker.containers.list({
      all: true,
      filters: { ancestor: ['gantry-test-tmp/chapter2:latest'] },
    });
    assert.deepEqual(left, [], 'no container of the example is left');
  });
});
