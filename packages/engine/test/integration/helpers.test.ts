import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EngineApiError,
  type JsonMessage,
  type LogFrame,
  type RegistryAuth,
  RegistryAuthError,
} from '../../src/index.ts';
import {
  collect,
  registry,
  skipOnPodman,
  TEST_IMAGE,
  TEST_LABELS,
  testClient,
  uniqueName,
} from '../support.ts';

const createdContainers: string[] = [];
const createdImages: string[] = [];

// Registered before testClient() so it runs before the client is closed.
after(async () => {
  for (const id of createdContainers)
    await docker.containers.remove(id, { force: true, v: true }).catch(() => {});
  for (const ref of createdImages) await docker.images.remove(ref).catch(() => {});
});
const docker = testClient();

/** A running labelled container to exec into (removed after the file). */
async function startContainer(env: string[] = []): Promise<string> {
  const { Id } = await docker.containers.create({
    Image: TEST_IMAGE,
    Cmd: ['sleep', '300'],
    Env: env,
    Labels: TEST_LABELS,
  });
  createdContainers.push(Id);
  await docker.containers.start(Id);
  return Id;
}

/** A unique container name, remembered for cleanup (run creates the container itself). */
function runName(what: string): string {
  const name = uniqueName(what);
  createdContainers.push(name);
  return name;
}

function text(frames: LogFrame[], stream?: LogFrame['stream']): string {
  return frames
    .filter((frame) => stream === undefined || frame.stream === stream)
    .map((frame) => frame.data.toString('utf8'))
    .join('');
}

describe('execRun', () => {
  let container: string;

  before(async () => {
    container = await startContainer(['FOO=from-container']);
  });

  test('collected (default): one output buffer, a non-zero exit code as data; cmd string split like shlex', async () => {
    const result = await docker.execRun(container, `sh -c 'echo "out  put"; echo err >&2; exit 3'`);
    assert.equal(result.exitCode, 3);
    assert.match(result.execId, /^[0-9a-f]{64}$/);
    assert.ok(Buffer.isBuffer(result.output));
    const lines = result.output.toString('utf8').split('\n').sort();
    assert.deepEqual(lines, ['', 'err', 'out  put']);
  });

  test('demux: stdout and stderr apart; stdout: false attaches only stderr', async () => {
    const cmd = ['sh', '-c', 'echo out; echo err >&2'];
    const split = await docker.execRun(container, cmd, { demux: true });
    assert.equal(split.exitCode, 0);
    assert.equal(split.output.stdout.toString(), 'out\n');
    assert.equal(split.output.stderr.toString(), 'err\n');
    const errOnly = await docker.execRun(container, cmd, { demux: true, stdout: false });
    assert.deepEqual([errOnly.output.stdout.toString(), errOnly.output.stderr.toString()], ['', 'err\n']);
  });

  test('stream: chunks as they come, then the exit code (docker-py gives None here)', async () => {
    const run = await docker.execRun(
      container,
      'sh -c "for i in 1 2 3; do echo $i; sleep 0.1; done; exit 4"',
      {
        stream: true,
      },
    );
    const chunks = await collect(run.output);
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
    assert.ok(chunks.every((chunk) => Buffer.isBuffer(chunk)));
    assert.equal(Buffer.concat(chunks).toString(), '1\n2\n3\n');
    assert.equal(await run.exitCode(), 4);
  });

  test('stream + demux: tagged frames; exitCode() without reading drains the output', async () => {
    const run = await docker.execRun(container, ['sh', '-c', 'echo out; echo err >&2; exit 2'], {
      stream: true,
      demux: true,
    });
    const frames = await collect(run.output);
    assert.equal(text(frames, 'stdout'), 'out\n');
    assert.equal(text(frames, 'stderr'), 'err\n');
    assert.equal(await run.exitCode(), 2);

    const unread = await docker.execRun(container, 'sh -c "seq 1 20000; exit 6"', { stream: true });
    assert.equal(await unread.exitCode(), 6);
  });

  test('socket + stdin: write, half-close, the process sees EOF; output and exit code follow', async () => {
    const session = await docker.execRun(container, 'sh -c "cat; echo done-reading"', {
      socket: true,
      stdin: true,
    });
    session.stdin.write('ping\n');
    session.stdin.end('pong\n');
    const frames = await collect(session.output);
    assert.equal(text(frames, 'stdout'), 'ping\npong\ndone-reading\n');
    assert.equal(await session.exitCode(), 0);
    assert.match(session.execId, /^[0-9a-f]{64}$/);
  });

  test('without stdin a process reading stdin sees EOF at once, in every mode', async () => {
    const collected = await docker.execRun(container, 'cat', { stdin: true });
    assert.deepEqual([collected.exitCode, collected.output.length], [0, 0]);
    const session = await docker.execRun(container, 'cat', { socket: true });
    assert.deepEqual(await collect(session.output), []);
    assert.equal(await session.exitCode(), 0);
  });

  test('tty: a pseudo-terminal, CRLF output; with demux it all counts as stdout', async () => {
    const plain = await docker.execRun(container, 'sh -c "tty; echo e >&2"', { tty: true });
    assert.match(plain.output.toString(), /^\/dev\/pts\/\d+\r\ne\r\n$/);
    const split = await docker.execRun(container, 'sh -c "echo e >&2"', { tty: true, demux: true });
    assert.deepEqual([split.output.stdout.toString(), split.output.stderr.length], ['e\r\n', 0]);
    const frames = await collect(
      (await docker.execRun(container, 'echo t', { tty: true, stream: true, demux: true })).output,
    );
    assert.ok(frames.every((frame) => frame.stream === 'console'));
    assert.equal(text(frames), 't\r\n');
  });

  test('environment as object and as KEY=value list; null unsets a container variable', {
    skip: skipOnPodman("exec refuses an Env entry without '=' (400)"),
  }, async () => {
    const cmd = ['sh', '-c', 'echo "$A|$B|$(env | grep ^FOO= || echo unset)"'];
    const asObject = await docker.execRun(container, cmd, { environment: { A: 'x y', B: 2 } });
    assert.equal(asObject.output.toString(), 'x y|2|FOO=from-container\n');
    const asList = await docker.execRun(container, cmd, { environment: ['A=1', 'B=two=2'] });
    assert.equal(asList.output.toString(), '1|two=2|FOO=from-container\n');
    const unset = await docker.execRun(container, cmd, { environment: { FOO: null } });
    assert.equal(unset.output.toString(), '||unset\n');
  });

  test('workdir and user', async () => {
    const result = await docker.execRun(container, 'sh -c "pwd; id -u"', { workdir: '/etc', user: 'nobody' });
    assert.equal(result.output.toString(), '/etc\n65534\n');
    const inspected = await docker.exec.inspect(result.execId);
    assert.equal(inspected.ProcessConfig?.user, 'nobody');
  });

  test('privileged: the exec is privileged, with more capabilities where the host allows it', async (t) => {
    const capEff = async (privileged: boolean) => {
      const result = await docker.execRun(container, ['grep', 'CapEff', '/proc/self/status'], { privileged });
      const hex = /CapEff:\s*([0-9a-f]+)/.exec(result.output.toString())?.[1];
      return { ...result, caps: hex === undefined ? undefined : BigInt(`0x${hex}`) };
    };
    const plain = await capEff(false);
    assert.equal(plain.exitCode, 0);
    assert.equal((await docker.exec.inspect(plain.execId)).ProcessConfig?.privileged, false);
    const privileged = await capEff(true);
    assert.equal((await docker.exec.inspect(privileged.execId)).ProcessConfig?.privileged, true);
    if (/unable to apply caps: operation not permitted/.test(privileged.output.toString())) {
      // The engine itself runs with a reduced capability set (a nested or restricted host): the
      // runtime refuses to grant what it does not have — and says so as output, exit code as data.
      assert.notEqual(privileged.exitCode, 0);
      t.diagnostic('this engine cannot grant full capabilities; the privileged flag was checked only');
      return;
    }
    assert.ok(privileged.caps !== undefined && plain.caps !== undefined, privileged.output.toString());
    assert.ok(privileged.caps > plain.caps, `${privileged.caps.toString(16)} vs ${plain.caps.toString(16)}`);
  });

  test('detach: the exec id at once, the exit code once it has finished', {
    skip: skipOnPodman('a detached exec stays Running with ExitCode 0 for 300 s after it ended'),
  }, async () => {
    const job = await docker.execRun(container, 'sh -c "sleep 2; echo later > /tmp/detached; exit 5"', {
      detach: true,
    });
    // Still running: execRun returned without waiting for the process.
    assert.equal((await docker.exec.inspect(job.execId)).Running, true);
    assert.equal((await docker.execRun(container, 'cat /tmp/detached')).exitCode, 1);
    assert.equal(await job.exitCode(), 5);
    const check = await docker.execRun(container, 'cat /tmp/detached');
    assert.equal(check.output.toString(), 'later\n');
  });

  test('typed errors: unknown container, stopped container, conflicting modes, bad command', {
    skip: skipOnPodman('exec in a stopped container is a 500, not 409'),
  }, async () => {
    await assert.rejects(docker.execRun(uniqueName('missing'), 'true'), (err: unknown) => {
      assert.ok(err instanceof EngineApiError);
      assert.equal(err.code, 'API_NOT_FOUND');
      return true;
    });
    const { Id: stopped } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['true'],
      Labels: TEST_LABELS,
    });
    createdContainers.push(stopped);
    await assert.rejects(docker.execRun(stopped, 'true'), { code: 'API_CONFLICT' });
    await assert.rejects(docker.execRun(container, 'true', { stream: true, socket: true } as never), {
      code: 'INVALID_ARGUMENT',
      message: /stream|socket/,
    });
    await assert.rejects(docker.execRun(container, 'echo "unclosed'), {
      code: 'INVALID_ARGUMENT',
      message: /no closing quotation/,
    });
    await assert.rejects(docker.execRun(container, []), { code: 'INVALID_ARGUMENT', message: /empty/ });
  });
});

describe('run', () => {
  test('a non-zero exit is data: exit code, stdout and stderr apart; the container stays', async () => {
    const name = runName('run-exit');
    const result = await docker.run(TEST_IMAGE, 'sh -c "echo out; echo err >&2; exit 3"', {
      name,
      labels: TEST_LABELS,
    });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout.toString(), 'out\n');
    assert.equal(result.stderr.toString(), 'err\n');
    const info = await docker.containers.inspect(name);
    assert.equal(info.Id, result.containerId);
    assert.equal(info.State?.ExitCode, 3);
  });

  test('remove: the container is gone when run resolves; instant exits are not missed', {
    skip: skipOnPodman('wait on an AutoRemove container answers StatusCode 0'),
  }, async () => {
    for (let i = 0; i < 3; i++) {
      const result = await docker.run(TEST_IMAGE, ['true'], { remove: true, labels: TEST_LABELS });
      assert.equal(result.exitCode, 0);
      await assert.rejects(docker.containers.inspect(result.containerId), { code: 'API_NOT_FOUND' });
    }
    const failed = await docker.run(TEST_IMAGE, 'sh -c "exit 9"', { remove: true, labels: TEST_LABELS });
    assert.equal(failed.exitCode, 9);
    // AutoRemove turned off through `create`: run removes the container itself.
    const manual = await docker.run(TEST_IMAGE, 'echo kept-until-done', {
      remove: true,
      labels: TEST_LABELS,
      create: { HostConfig: { AutoRemove: false } },
    });
    assert.equal(manual.stdout.toString(), 'kept-until-done\n');
    await assert.rejects(docker.containers.inspect(manual.containerId), { code: 'API_NOT_FOUND' });
  });

  test('options map to the create body; `create` is merged over them', async () => {
    const name = runName('run-options');
    const result = await docker.run(TEST_IMAGE, ['echo "$X|$(pwd)|$(id -u)|$(hostname)"'], {
      name,
      entrypoint: ['sh', '-c'],
      env: { X: 'why' },
      workingDir: '/tmp',
      user: 'nobody',
      hostname: 'helper-host',
      labels: { ...TEST_LABELS, from: 'options' },
      create: { Labels: { extra: 'create' }, HostConfig: { Memory: 64 * 2 ** 20 } },
    });
    assert.equal(result.stdout.toString(), 'why|/tmp|65534|helper-host\n');
    const info = await docker.containers.inspect(name);
    assert.equal(info.Config?.Labels?.from, 'options');
    assert.equal(info.Config?.Labels?.extra, 'create');
    assert.equal(info.HostConfig?.Memory, 64 * 2 ** 20);
  });

  test('input goes to stdin, which is then closed; onOutput sees frames as they come', async () => {
    const seen: LogFrame[] = [];
    const result = await docker.run(TEST_IMAGE, 'cat', {
      input: 'hello stdin\n',
      remove: true,
      labels: TEST_LABELS,
      onOutput: (frame) => seen.push(frame),
    });
    assert.equal(result.stdout.toString(), 'hello stdin\n');
    assert.equal(text(seen), 'hello stdin\n');
  });

  test('tty: all output as stdout, CRLF line ends', async () => {
    const result = await docker.run(TEST_IMAGE, 'sh -c "echo a; echo b >&2"', {
      tty: true,
      remove: true,
      labels: TEST_LABELS,
    });
    assert.equal(result.stdout.toString(), 'a\r\nb\r\n');
    assert.equal(result.stderr.length, 0);
  });

  test('detach: returns the running container; ports and remove map to HostConfig', {
    skip: skipOnPodman('HostConfig.PortBindings shows the assigned host ports'),
  }, async () => {
    const name = runName('run-detach');
    const started = await docker.run(TEST_IMAGE, 'sleep 30', {
      detach: true,
      name,
      remove: true,
      labels: TEST_LABELS,
      ports: { '8080': null, '53/udp': { hostIp: '127.0.0.1' } },
    });
    const info = await docker.containers.inspect(started.containerId);
    assert.equal(info.State?.Running, true);
    assert.equal(info.HostConfig?.AutoRemove, true);
    assert.deepEqual(info.HostConfig?.PortBindings, {
      '8080/tcp': [{ HostIp: '', HostPort: '' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    });
    assert.ok(Array.isArray(started.warnings));
    await docker.containers.kill(started.containerId);
    await docker.containers.wait(started.containerId, { condition: 'removed' });
  });

  test('abort stops the container and, with remove, removes it', async () => {
    const name = runName('run-abort');
    const controller = new AbortController();
    const running = docker.run(TEST_IMAGE, 'sleep 60', {
      name,
      remove: true,
      stopTimeout: 1,
      labels: TEST_LABELS,
      signal: controller.signal,
    });
    for (let i = 0; i < 100; i++) {
      const state = await docker.containers.inspect(name).then(
        (info) => info.State?.Running,
        () => false,
      );
      if (state) break;
      await sleep(50);
    }
    controller.abort();
    await assert.rejects(running, { code: 'ABORTED' });
    await assert.rejects(docker.containers.inspect(name), { code: 'API_NOT_FOUND' });

    const kept = runName('run-abort-kept');
    const keptController = new AbortController();
    const keptRun = docker.run(TEST_IMAGE, 'sleep 60', {
      name: kept,
      stopTimeout: 1,
      labels: TEST_LABELS,
      signal: keptController.signal,
    });
    await sleep(700);
    keptController.abort(new Error('enough'));
    await assert.rejects(keptRun, { code: 'ABORTED', message: 'enough' });
    assert.equal((await docker.containers.inspect(kept)).State?.Running, false);
  });

  test('a start failure with remove leaves no container behind', async () => {
    const name = runName('run-badcmd');
    await assert.rejects(
      docker.run(TEST_IMAGE, ['/no/such/program'], { name, remove: true, labels: TEST_LABELS }),
      (err: unknown) => {
        assert.ok(err instanceof EngineApiError, String(err));
        assert.match(err.message, /no such file or directory|not found/);
        return true;
      },
    );
    await assert.rejects(docker.containers.inspect(name), { code: 'API_NOT_FOUND' });
  });

  describe('pull when missing, from the local htpasswd registry', () => {
    let reference: string;
    const auth = (): RegistryAuth => ({
      username: registry.user,
      password: registry.password,
      serveraddress: registry.host,
    });

    before(async () => {
      // Our own repository in the harness registry: other files pull and remove GANTRY_TEST_REGISTRY_IMAGE.
      const repo = `${registry.host}/gantry-test/${uniqueName('helpers')}`;
      reference = `${repo}:v1`;
      createdImages.push(reference);
      await docker.images.tag(TEST_IMAGE, { repo, tag: 'v1' });
      await docker.images.push(reference, { auth: auth() }).wait();
      await docker.images.remove(reference);
      await assert.rejects(docker.images.inspect(reference), { code: 'API_NOT_FOUND' });
    });

    test("pull: 'never' fails with API_NOT_FOUND; without credentials the pull is refused", async () => {
      await assert.rejects(docker.run(reference, 'true', { pull: 'never', labels: TEST_LABELS }), {
        code: 'API_NOT_FOUND',
      });
      await assert.rejects(docker.run(reference, 'true', { labels: TEST_LABELS }), (err: unknown) => {
        assert.ok(err instanceof RegistryAuthError, String(err));
        assert.equal(err.code, 'REGISTRY_UNAUTHORIZED');
        assert.equal(err.credentials, 'none');
        return true;
      });
    });

    test('with credentials: pulls (progress reported), then runs', {
      skip: skipOnPodman("pull progress has no 'Pull complete' / 'Status:' messages"),
    }, async () => {
      const progress: JsonMessage[] = [];
      const result = await docker.run(reference, 'echo pulled', {
        auth: auth(),
        remove: true,
        labels: TEST_LABELS,
        onPullProgress: (message) => progress.push(message),
      });
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout.toString(), 'pulled\n');
      assert.ok(
        progress.some((m) => /^Digest: sha256:/.test(m.status ?? '')),
        JSON.stringify(progress),
      );
      assert.ok((await docker.images.inspect(reference)).RepoTags?.includes(reference));
    });
  });
});

describe('copyTo / copyFrom', () => {
  let container: string;
  let dir: string;

  before(async () => {
    container = await startContainer();
    dir = mkdtempSync(join(tmpdir(), 'gantry-copy-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('bytes in, bytes out: content, size and mode survive; an existing file is replaced', async () => {
    const data = Buffer.from(Array.from({ length: 70_001 }, (_, i) => (i * 7) % 256));
    await docker.copyTo(container, '/tmp/blob.bin', Buffer.from('old'));
    await docker.copyTo(container, '/tmp/blob.bin', data, { mode: 0o600 });
    const copied = await docker.copyFrom(container, '/tmp/blob.bin');
    assert.ok(copied.data.equals(data));
    assert.equal(copied.stat.name, 'blob.bin');
    assert.equal(copied.stat.size, data.length);
    assert.equal(copied.stat.mode & 0o777, 0o600);
    const owner = await docker.execRun(container, 'stat -c %u:%g /tmp/blob.bin');
    assert.equal(owner.output.toString(), '0:0\n');
  });

  test("copyUIDGID: the file belongs to the container's user", async () => {
    const { Id } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      User: 'nobody',
      Labels: TEST_LABELS,
    });
    createdContainers.push(Id);
    await docker.containers.start(Id);
    await docker.copyTo(Id, '/tmp/owned.txt', Buffer.from('mine\n'), { copyUIDGID: true });
    const owner = await docker.execRun(Id, 'stat -c %u:%g /tmp/owned.txt');
    assert.equal(owner.output.toString(), '65534:65534\n');
  });

  test('a local file into a directory keeps its name and mode; a long name goes through pax', async () => {
    const local = join(dir, 'script.sh');
    writeFileSync(local, '#!/bin/sh\necho from-script\n');
    chmodSync(local, 0o750);
    await docker.execRun(container, 'mkdir -p /usr/local/bin /opt');
    await docker.copyTo(container, '/usr/local/bin', { localPath: local });
    await docker.copyTo(container, '/opt/', { localPath: local });
    const ran = await docker.execRun(container, '/usr/local/bin/script.sh');
    assert.equal(ran.output.toString(), 'from-script\n');
    const stat = await docker.containers.archiveInfo(container, { path: '/opt/script.sh' });
    assert.equal(stat.mode & 0o777, 0o750);

    const longName = `/tmp/${'n'.repeat(150)}.txt`;
    await docker.copyTo(container, longName, Buffer.from('long\n'));
    assert.equal((await docker.copyFrom(container, longName)).data.toString(), 'long\n');
  });

  test('copyFrom follows a symbolic link unless followLink is false', async () => {
    await docker.copyTo(container, '/tmp/target.txt', Buffer.from('target\n'));
    await docker.execRun(container, 'ln -sf /tmp/target.txt /tmp/link.txt');
    const followed = await docker.copyFrom(container, '/tmp/link.txt');
    assert.equal(followed.data.toString(), 'target\n');
    assert.equal(followed.stat.name, 'target.txt');
    await assert.rejects(docker.copyFrom(container, '/tmp/link.txt', { followLink: false }), {
      code: 'INVALID_ARGUMENT',
      message: /symbolic link/,
    });
  });

  test('typed errors: directories, relative paths, missing parents and containers', {
    skip: skipOnPodman('PUT /archive creates a missing target directory'),
  }, async () => {
    await assert.rejects(docker.copyFrom(container, '/etc'), {
      code: 'INVALID_ARGUMENT',
      message: /getArchive/,
    });
    await assert.rejects(docker.copyTo(container, '/tmp', Buffer.from('x')), {
      code: 'INVALID_ARGUMENT',
      message: /directory/,
    });
    await assert.rejects(docker.copyTo(container, 'relative.txt', Buffer.from('x')), {
      code: 'INVALID_ARGUMENT',
    });
    await assert.rejects(docker.copyTo(container, '/no/such/dir/file', Buffer.from('x')), {
      code: 'API_NOT_FOUND',
    });
    await assert.rejects(docker.copyTo(container, '/tmp/x', { localPath: dir }), {
      code: 'INVALID_ARGUMENT',
      message: /not a regular file/,
    });
    await assert.rejects(docker.copyFrom(uniqueName('missing'), '/etc/passwd'), { code: 'API_NOT_FOUND' });
    await assert.rejects(docker.copyTo(uniqueName('missing'), '/tmp/x', Buffer.from('x')), {
      code: 'API_NOT_FOUND',
    });
  });
});

describe('wait conditions', () => {
  async function createOnly(cmd: string[]): Promise<string> {
    const { Id } = await docker.containers.create({ Image: TEST_IMAGE, Cmd: cmd, Labels: TEST_LABELS });
    createdContainers.push(Id);
    return Id;
  }

  test('next-exit registered before start sees even an instant exit', async () => {
    for (const code of [0, 3, 0, 7]) {
      const id = await createOnly(['sh', '-c', `exit ${code}`]);
      const pending = await docker.containers.beginWait(id, { condition: 'next-exit' });
      await docker.containers.start(id);
      assert.deepEqual(await pending.result, { StatusCode: code, Error: null });
    }
  });

  test('not-running answers at once for a created container; removed waits for the removal', {
    skip: skipOnPodman('wait condition=removed answers StatusCode 0, not the exit code'),
  }, async () => {
    const id = await createOnly(['sleep', '30']);
    const { StatusCode } = await docker.containers.wait(id, { condition: 'not-running' });
    assert.equal(StatusCode, 0);
    const removal = await docker.containers.beginWait(id, { condition: 'removed' });
    let settled = false;
    void removal.result.then(() => {
      settled = true;
    });
    await docker.containers.start(id);
    await sleep(200);
    assert.equal(settled, false);
    await docker.containers.remove(id, { force: true });
    assert.equal((await removal.result).StatusCode, 137);
  });

  test('beginWait of an unknown container is API_NOT_FOUND; abort rejects result with ABORTED', async () => {
    await assert.rejects(docker.containers.beginWait(uniqueName('missing')), { code: 'API_NOT_FOUND' });
    const id = await createOnly(['sleep', '30']);
    const controller = new AbortController();
    const pending = await docker.containers.beginWait(id, {
      condition: 'next-exit',
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(pending.result, { code: 'ABORTED' });
  });
});
