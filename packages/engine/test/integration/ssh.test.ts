/**
 * The ssh:// transport against the harness's own sshd (test/harness/sshd.ts): every connection is a
 * channel of one ssh ControlMaster running `docker system dial-stdio` on the "remote" side. The
 * client config (`ssh -F`) defines the `gantry-test` alias, so ssh's own config resolution is used.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  connect,
  type DockerClient,
  EngineConnectionError,
  EngineError,
  type LogFrame,
} from '../../src/index.ts';
import { collect, skipOnPodman, TEST_IMAGE, TEST_LABELS, uniqueName } from '../support.ts';

const ssh = {
  host: process.env.GANTRY_TEST_SSH_HOST,
  config: process.env.GANTRY_TEST_SSH_CONFIG ?? '',
  alias: process.env.GANTRY_TEST_SSH_ALIAS ?? 'gantry-test',
  knownHosts: process.env.GANTRY_TEST_SSH_KNOWN_HOSTS ?? '',
};
const skip =
  skipOnPodman('the test sshd forwards to the Docker engine; the ssh transport is engine-independent') ||
  (ssh.host ? false : 'GANTRY_TEST_SSH_HOST is not set (the harness starts sshd only as root)');
const sshPort = ssh.host ? Number(new URL(ssh.host).port) : 0;

const clients: DockerClient[] = [];
after(() => Promise.all(clients.map((client) => client.close())));

/** A client over ssh (the alias by default), closed after the file if the test did not close it. */
function sshClient(options: Parameters<typeof connect>[0] = {}): DockerClient {
  const docker = connect({
    host: `ssh://${ssh.alias}`,
    ssh: { configFile: ssh.config },
    env: {},
    ...options,
  });
  clients.push(docker);
  return docker;
}

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EngineError, `expected an EngineError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

/** Established TCP connections from a client to the harness sshd (client side of each: remote port). */
function sshConnections(): number {
  const port = sshPort.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2]?.endsWith(`:${port}`) && fields[3] === '01').length;
}

/** argv of every process whose command line contains `needle`. */
function processesWith(needle: string): { pid: number; ppid: number; argv: string[] }[] {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || !argv.join(' ').includes(needle)) continue;
      found.push({ pid, ppid: Number(fields[1]), argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The ssh master processes started with this test's ssh config. */
function masters(): { pid: number; argv: string[] }[] {
  return processesWith('ControlMaster=yes').filter((p) => p.argv.includes(ssh.config));
}

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-ssh-test-'));
  temporaryDirs.push(dir);
  return dir;
}

/** Makes `client` start its master (one request) and returns that master's pid and control socket. */
async function startedMaster(client: DockerClient): Promise<{ pid: number; controlPath: string }> {
  const before = new Set(masters().map((m) => m.pid));
  await client.system.ping();
  const started = masters().filter((m) => !before.has(m.pid));
  assert.equal(started.length, 1, `one new master: ${JSON.stringify(started.map((m) => m.argv))}`);
  const master = started[0] as { pid: number; argv: string[] };
  const option = master.argv.find((arg) => arg.startsWith('ControlPath=')) ?? '';
  return { pid: master.pid, controlPath: option.replace(/^ControlPath="(.*)"$/, '$1') };
}

/** A copy of the harness's ssh_config with one path replaced (a wrong key, an empty known_hosts). */
function configWith(from: string, to: string): string {
  const path = join(temporaryDir(), 'ssh_config');
  writeFileSync(path, readFileSync(ssh.config, 'utf8').replaceAll(from, to), { mode: 0o600 });
  return path;
}

describe('ssh:// engine hosts', { skip }, () => {
  const created: string[] = [];
  let docker: DockerClient;

  before(() => {
    docker = sshClient();
  });
  after(async () => {
    for (const id of created) await docker.containers.remove(id, { force: true, v: true }).catch(() => {});
  });

  test('ping and version through the Host alias of the ssh config', async () => {
    assert.equal(docker.endpoint.kind, 'ssh');
    assert.equal(docker.endpoint.url, `ssh://${ssh.alias}`);
    const ping = await docker.system.ping();
    assert.match(ping.apiVersion ?? '', /^1\.\d+$/);
    const version = await docker.system.version();
    assert.equal(version.ApiVersion, ping.apiVersion);
  });

  test('the ssh://root@127.0.0.1:PORT form works too (user and port from the URL)', async () => {
    const direct = sshClient({ host: ssh.host });
    assert.deepEqual(
      [
        direct.endpoint.kind === 'ssh' && direct.endpoint.user,
        direct.endpoint.kind === 'ssh' && direct.endpoint.port,
      ],
      ['root', sshPort],
    );
    const images = await direct.images.list();
    assert.ok(
      images.some((image) => image.RepoTags?.includes(TEST_IMAGE)),
      'the test image is listed',
    );
    await direct.close();
  });

  test('list, and a container whose logs stream over a channel', async () => {
    const { Id } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.1; done'],
      Labels: TEST_LABELS,
      name: uniqueName('ssh-logs'),
    });
    created.push(Id);
    await docker.containers.start(Id);
    const listed = await docker.containers.list({ all: true, filters: { id: [Id] } });
    assert.equal(listed.length, 1);
    const frames: LogFrame[] = await collect(docker.containers.logs(Id, { follow: true }));
    const text = frames.map((frame) => frame.data.toString('utf8')).join('');
    assert.equal(text, 'line 1\nline 2\nline 3\n');
  });

  test('exec with stdin over a hijacked channel: EOF reaches the process, output comes back', async () => {
    const { Id } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: TEST_LABELS,
    });
    created.push(Id);
    await docker.containers.start(Id);
    const exec = await docker.exec.create(Id, {
      Cmd: ['sh', '-c', 'cat; echo done >&2'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const session = await docker.exec.start(exec.Id, { stdin: true, Tty: false });
    session.stdin.write('over ');
    session.stdin.end('ssh\n');
    const frames = await collect(session.output);
    const stdout = frames
      .filter((f) => f.stream === 'stdout')
      .map((f) => f.data.toString())
      .join('');
    const stderr = frames
      .filter((f) => f.stream === 'stderr')
      .map((f) => f.data.toString())
      .join('');
    assert.equal(stdout, 'over ssh\n');
    assert.equal(stderr, 'done\n');
    assert.equal(await session.exitCode(), 0);
  });

  test('16 concurrent requests share one SSH connection over several channels', async () => {
    const fresh = sshClient();
    try {
      const { controlPath } = await startedMaster(fresh);
      const before = sshConnections();
      const answers = await Promise.all(Array.from({ length: 16 }, () => fresh.system.version()));
      assert.equal(answers.length, 16);
      for (const answer of answers) assert.match(answer.Version ?? '', /^\d+\.\d+/);
      assert.equal(sshConnections(), before, 'no new SSH connection for the 16 requests');
      const channels = processesWith('dial-stdio').filter((p) => p.argv.join(' ').includes(controlPath));
      assert.ok(channels.length > 1, `several channels carried the requests (saw ${channels.length})`);
      assert.ok(
        channels.length <= 6,
        `the pool keeps to 6 channels, below sshd's MaxSessions 10 (saw ${channels.length})`,
      );
    } finally {
      await fresh.close();
    }
  });

  test('close() ends the master and removes its private directory', async () => {
    const own = sshClient();
    const master = await startedMaster(own);
    assert.ok(existsSync(master.controlPath), `control socket ${master.controlPath}`);
    await own.close();
    // close() returns once the master removed its control socket, which it does on its way out:
    // the process itself may still be finishing for a few milliseconds (seen under load).
    for (let waited = 0; masters().some((m) => m.pid === master.pid) && waited < 2_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(
      masters().some((m) => m.pid === master.pid),
      false,
      'the master process is gone within 2 s of close()',
    );
    assert.equal(existsSync(join(master.controlPath, '..')), false, 'the private directory is gone');
  });
});

describe('ssh:// failures are actionable EngineConnectionErrors', { skip }, () => {
  test('an unknown host key is refused (ENGINE_SSH naming known_hosts)', async () => {
    const empty = join(temporaryDir(), 'known_hosts');
    writeFileSync(empty, '');
    const docker = sshClient({ ssh: { configFile: configWith(ssh.knownHosts, empty) } });
    const err = await failure(docker.system.ping());
    assert.ok(err instanceof EngineConnectionError);
    assert.equal(err.code, 'ENGINE_SSH', err.message);
    assert.match(err.message, /known_hosts/);
    assert.match(err.message, /Host key verification failed/);
  });

  test('a key the server does not know: ENGINE_PERMISSION_DENIED with what to do', async () => {
    const dir = temporaryDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    const identity = process.env.GANTRY_TEST_SSH_IDENTITY ?? '';
    const docker = sshClient({ ssh: { configFile: configWith(identity, join(dir, 'other')) } });
    const err = await failure(docker.system.ping());
    assert.equal(err.code, 'ENGINE_PERMISSION_DENIED', err.message);
    assert.match(err.message, /authentication failed.*Permission denied \(publickey\).*ssh-add|IdentityFile/);
    assert.ok(!err.message.includes('PRIVATE KEY'), 'no key material in the message');
  });

  test('no ssh program: ENGINE_SSH saying to install the OpenSSH client', async () => {
    const docker = sshClient({ ssh: { configFile: ssh.config, executable: '/nonexistent/ssh' } });
    const err = await failure(docker.system.ping());
    assert.equal(err.code, 'ENGINE_SSH');
    assert.match(err.message, /not installed.*openssh-client/);
  });

  test('the remote docker cannot reach its daemon (socket path in the URL): explained from its stderr', async () => {
    const docker = sshClient({ host: `ssh://${ssh.alias}/nonexistent/docker.sock` });
    const err = await failure(docker.system.ping());
    assert.equal(err.code, 'ENGINE_UNREACHABLE', err.message);
    assert.match(err.message, /remote docker CLI cannot reach its daemon/);
    assert.match(err.message, /nonexistent\/docker\.sock/);
  });

  test('no docker on the remote host: ENGINE_SSH saying to install it', async () => {
    // The harness authorizes a second key whose sessions have no docker in PATH.
    const identity = process.env.GANTRY_TEST_SSH_IDENTITY ?? '';
    const noDocker = process.env.GANTRY_TEST_SSH_IDENTITY_NO_DOCKER ?? '';
    const docker = sshClient({ ssh: { configFile: configWith(identity, noDocker) } });
    const err = await failure(docker.system.ping());
    assert.equal(err.code, 'ENGINE_SSH', err.message);
    assert.match(err.message, /docker CLI is not installed on the remote host/);
    assert.match(err.message, /docker: command not found/);
  });

  test('a host beginning with "-" is refused before any ssh runs', () => {
    for (const host of ['ssh://-oProxyCommand=touch%20/tmp/gantry-pwned', 'ssh://-F@host']) {
      assert.throws(
        () => connect({ host, env: {} }),
        (err: unknown) =>
          err instanceof EngineError && err.code === 'CONFIG' && /must not start with "-"/.test(err.message),
      );
    }
    assert.equal(existsSync('/tmp/gantry-pwned'), false);
  });
});
