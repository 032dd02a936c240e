/**
 * The container commands (create, stop, restart, kill, rm, logs, top, wait, port, rename, pause,
 * unpause, update, diff, prune, export, stats) as `gantry` processes against the harness engine, and
 * — where the output is deterministic — byte for byte against the docker CLI on the same engine
 * (docker's name in its messages read as gantry's).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@gantry/engine';
import { type Captured, GANTRY_ENTRY, gantry, runProcess } from '../support.ts';

const DOCKER_CLI = '/usr/local/bin/docker';
const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman' ? 'Podman: the CLI is verified on Docker Engine first' : false;
const noDocker = existsSync(DOCKER_CLI) ? false : `${DOCKER_CLI} is not installed`;

const run = randomBytes(4).toString('hex');
const RUN_LABEL = `io.gantry.cli-container=${run}`;
/** Labels for `create` command lines: the harness's and this run's. */
const LABEL_ARGS = ['--label', `${TEST_LABEL}=1`, '--label', RUN_LABEL];
const name = (what: string) => `gantry-test-cc-${what}-${run}`;

const docker = (args: readonly string[]) => runProcess(DOCKER_CLI, args);
const asGantry = (result: Captured): Captured => ({
  ...result,
  stderr: result.stderr.replaceAll('docker', 'gantry'),
});

/** gantry and docker print the same bytes and exit alike. */
async function assertParity(args: readonly string[]): Promise<Captured> {
  const ours = await gantry(args);
  const theirs = asGantry(await docker(args));
  assert.deepEqual(ours, theirs, `gantry ${args.join(' ')}`);
  return ours;
}

/** gantry with `input` on stdin (prompts). */
function gantryWithInput(args: readonly string[], input: string): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GANTRY_ENTRY, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin.end(input);
  });
}

describe('container commands against the engine', { skip }, () => {
  const engine = connect();
  const work = mkdtempSync(join(tmpdir(), 'gantry-cc-'));
  /** A running container that wrote to stdout and stderr, changed its filesystem and publishes ports. */
  const web = name('web');
  /** A container that exited 3. */
  const exited = name('exited');

  /** `gantry create …` of the test image; returns the new id. */
  async function create(args: readonly string[], cmd: readonly string[]): Promise<string> {
    const result = await gantry(['create', ...LABEL_ARGS, ...args, TEST_IMAGE, ...cmd]);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^[0-9a-f]{64}\n$/);
    return result.stdout.trim();
  }

  before(async () => {
    await create(
      ['--name', web, '-p', '127.0.0.1:0:80', '-p', '127.0.0.1::53/udp'],
      ['sh', '-c', 'echo out; echo err >&2; touch /newfile; rm /etc/group; exec sleep 300'],
    );
    await engine.containers.start(web);
    await create(['--name', exited], ['sh', '-c', 'echo bye; exit 3']);
    await engine.containers.start(exited);
    await engine.containers.wait(exited);
    // Let the first container's shell run its commands.
    for (let tries = 0; tries < 50; tries++) {
      if ((await engine.containers.changes(web)).some((change) => change.Path === '/newfile')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    const stale = await engine.containers.list({ all: true, filters: { label: [RUN_LABEL] } });
    for (const container of stale)
      await engine.containers.remove(container.Id ?? '', { force: true, v: true });
    await engine.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('create: the flags reach the engine as docker sends them', async () => {
    const flags = [
      '-e',
      'A=1',
      '-e',
      'PATH_FROM_HOST',
      '-w',
      '/tmp',
      '-u',
      'nobody',
      '-p',
      '127.0.0.1::8080/tcp',
      '--expose',
      '9000-9001/udp',
      '-v',
      '/anonymous',
      '-v',
      `${work}:/host:ro`,
      '--mount',
      'type=tmpfs,dst=/scratch,tmpfs-size=1m',
      '--restart',
      'on-failure:2',
      '-m',
      '64m',
      '--cpus',
      '0.5',
      '--cap-add',
      'NET_ADMIN',
      '--cap-drop',
      'MKNOD',
      '--add-host',
      'db=10.1.2.3',
      '--read-only',
      '--init',
      '--stop-signal',
      'SIGINT',
      '--stop-timeout',
      '3',
      '--entrypoint',
      '/bin/sh',
      '-it',
      '--tmpfs',
      '/run:size=1m',
      '--shm-size',
      '8m',
      '--hostname',
      'box',
    ];
    const cmd = ['-c', 'true'];
    const env = { ...process.env, PATH_FROM_HOST: 'from-host' };
    const ours = await runProcess(
      process.execPath,
      [GANTRY_ENTRY, 'create', ...LABEL_ARGS, ...flags, TEST_IMAGE, ...cmd],
      env,
    );
    assert.equal(ours.code, 0, ours.stderr);
    const pick = async (id: string) => {
      const info = await engine.containers.inspect(id);
      const config = info.Config ?? {};
      const host = info.HostConfig ?? {};
      return {
        config: Object.fromEntries(
          [
            'Env',
            'Cmd',
            'Entrypoint',
            'Labels',
            'ExposedPorts',
            'Volumes',
            'WorkingDir',
            'User',
            'Tty',
            'OpenStdin',
            'StdinOnce',
            'AttachStdin',
            'AttachStdout',
            'AttachStderr',
            'StopSignal',
            'StopTimeout',
            'Hostname',
          ].map((key) => [
            key,
            // docker 28 sends -e entries in an order that changes from run to run (gantry keeps the
            // command line's); the daemon keeps whatever it got, so Env is compared as a set.
            key === 'Env' ? [...(config.Env ?? [])].sort() : (config as Record<string, unknown>)[key],
          ]),
        ),
        host: Object.fromEntries(
          [
            'Binds',
            'PortBindings',
            'RestartPolicy',
            'AutoRemove',
            'Memory',
            'NanoCpus',
            'CapAdd',
            'CapDrop',
            'ExtraHosts',
            'Mounts',
            'Privileged',
            'ReadonlyRootfs',
            'Init',
            'Tmpfs',
            'PublishAllPorts',
            'NetworkMode',
            'ShmSize',
          ].map((key) => [key, (host as Record<string, unknown>)[key]]),
        ),
      };
    };
    const gantryView = await pick(ours.stdout.trim());
    assert.deepEqual(gantryView.config.Env?.toString().includes('PATH_FROM_HOST=from-host'), true);
    assert.equal(gantryView.host.Memory, 64 * 1024 * 1024);
    assert.equal(gantryView.host.NanoCpus, 500_000_000);
    if (noDocker) return;
    const theirs = await runProcess(DOCKER_CLI, ['create', ...LABEL_ARGS, ...flags, TEST_IMAGE, ...cmd], env);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(gantryView, await pick(theirs.stdout.trim()));
  });

  it('create: resource, device, security and healthcheck flags reach the engine as docker sends them', {
    skip: noDocker,
  }, async () => {
    const flags = [
      '--ulimit',
      'nofile=1024:2048',
      '--ulimit',
      'nproc=512',
      '--sysctl',
      'net.ipv4.ip_forward=1',
      '--health-cmd',
      'true',
      '--health-interval',
      '30s',
      '--health-timeout',
      '5s',
      '--health-start-period',
      '1m',
      '--health-retries',
      '2',
      '--device',
      '/dev/null:/dev/mynull:rw',
      '--device-cgroup-rule',
      'c 1:3 mr',
      '--security-opt',
      'no-new-privileges',
      '--security-opt',
      'systempaths=unconfined',
      '--pids-limit',
      '64',
      '-c',
      '512',
      '--cpu-period',
      '100000',
      '--cpu-quota',
      '50000',
      '--cpuset-cpus',
      '0',
      '--memory-reservation',
      '32m',
      '--group-add',
      '1234',
      '--oom-score-adj',
      '100',
      '--link',
      `${web}:webalias`,
      '--volumes-from',
      `${exited}:ro`,
      '--domainname',
      'example.org',
      '--cgroupns',
      'private',
      '--ipc',
      'shareable',
      '--isolation',
      'default',
      '--runtime',
      'runc',
    ];
    const HOST_KEYS = [
      'Ulimits',
      'Sysctls',
      'Devices',
      'DeviceCgroupRules',
      'SecurityOpt',
      'MaskedPaths',
      'ReadonlyPaths',
      'PidsLimit',
      'CpuShares',
      'CpuPeriod',
      'CpuQuota',
      'CpusetCpus',
      'MemoryReservation',
      'GroupAdd',
      'OomScoreAdj',
      'Links',
      'VolumesFrom',
      'CgroupnsMode',
      'IpcMode',
      'Isolation',
      'Runtime',
      'NetworkMode',
    ];
    const settings = async (command: string, args: readonly string[]) => {
      const created = await runProcess(command, args);
      assert.equal(created.code, 0, created.stderr);
      const info = await engine.containers.inspect(created.stdout.trim());
      const host = (info.HostConfig ?? {}) as Record<string, unknown>;
      // The engine writes links as /<target>:/<this container's random name>/<alias>.
      const links = info.HostConfig?.Links?.map((link) => link.replace(`${info.Name}/`, '/<self>/'));
      return {
        healthcheck: info.Config?.Healthcheck,
        domainname: info.Config?.Domainname,
        host: { ...Object.fromEntries(HOST_KEYS.map((key) => [key, host[key]])), Links: links } as Record<
          string,
          unknown
        >,
      };
    };
    const args = ['create', ...LABEL_ARGS, ...flags, TEST_IMAGE, 'true'];
    const ours = await settings(process.execPath, [GANTRY_ENTRY, ...args]);
    assert.deepEqual(ours.healthcheck, {
      Test: ['CMD-SHELL', 'true'],
      Interval: 30e9,
      Timeout: 5e9,
      StartPeriod: 60e9,
      Retries: 2,
    });
    assert.deepEqual(ours.host.Ulimits, [
      { Name: 'nofile', Soft: 1024, Hard: 2048 },
      { Name: 'nproc', Soft: 512, Hard: 512 },
    ]);
    assert.deepEqual(ours.host.Devices, [
      { PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rw' },
    ]);
    assert.deepEqual(ours.host.MaskedPaths, []);
    assert.deepEqual(ours.host.Links, [`/${web}:/<self>/webalias`]);
    const theirs = await settings(DOCKER_CLI, args);
    assert.deepEqual(ours.healthcheck, theirs.healthcheck);
    assert.equal(ours.domainname, theirs.domainname);
    for (const key of HOST_KEYS) assert.deepEqual(ours.host[key], theirs.host[key], `HostConfig.${key}`);
  });

  it("create: docker's errors and exit codes for unusable flags", { skip: noDocker }, async () => {
    for (const bad of [
      ['-p', 'abc'],
      ['-p', '8000-8001:80-82'],
      ['--mount', 'foo'],
      ['-m', '12x'],
      ['--cpus', 'x'],
      // (`--env-file` is left out: Node 24 itself reads a script argument named --env-file, nodejs/node#54232.)
      ['--restart', 'on-failure:x'],
      ['-e', '=x'],
      ['--pull', 'bogus'],
      ['--rm', '--restart', 'always'],
      ['-v', ':/x'],
    ]) {
      const result = await assertParity(['create', ...LABEL_ARGS, ...bad, TEST_IMAGE]);
      assert.equal(result.code, 125, bad.join(' '));
    }
    const missing = await assertParity([
      'create',
      '--pull',
      'never',
      ...LABEL_ARGS,
      `gantry-test/missing-${run}:1`,
    ]);
    assert.equal(missing.code, 1);
  });

  it('create pulls a missing image ("Unable to find image … locally"), -q hides the progress', async () => {
    const registry = process.env.GANTRY_TEST_REGISTRY;
    const user = process.env.GANTRY_TEST_REGISTRY_USER;
    const password = process.env.GANTRY_TEST_REGISTRY_PASSWORD;
    if (!registry || !user || !password) return;
    const config = mkdtempSync(join(work, 'config-'));
    const auth = Buffer.from(`${user}:${password}`).toString('base64');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [registry]: { auth } } }));
    const env = { ...process.env, DOCKER_CONFIG: config };
    const local = `${registry}/gantry-test/cc-${run}:latest`;
    try {
      // A repository of its own: the shared registry image keeps exactly the tags other tests expect.
      await engine.images.tag(TEST_IMAGE, { repo: `${registry}/gantry-test/cc-${run}`, tag: 'latest' });
      await engine.images.push(local, { auth: { username: user, password } }).wait();
      await engine.images.remove(local);
      const result = await runProcess(process.execPath, [GANTRY_ENTRY, 'create', ...LABEL_ARGS, local], env);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^[0-9a-f]{64}\n$/);
      assert.ok(result.stderr.startsWith(`Unable to find image '${local}' locally\n`), result.stderr);
      assert.match(result.stderr, /Status: Downloaded newer image for /);
      const quiet = await runProcess(
        process.execPath,
        [GANTRY_ENTRY, 'create', '-q', '--pull', 'always', ...LABEL_ARGS, local],
        env,
      );
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.stderr, '');
    } finally {
      await engine.images.remove(local, { force: true }).catch(() => undefined);
    }
  });

  it('logs: stdout to stdout, stderr to stderr; -t and --tail as docker', async () => {
    const plain = await gantry(['logs', web]);
    assert.deepEqual(plain, { code: 0, stdout: 'out\n', stderr: 'err\n' });
    if (noDocker) return;
    await assertParity(['logs', '-t', web]);
    await assertParity(['logs', '--tail', '1', exited]);
    await assertParity(['logs', '--since', '2000-01-01', '--until', '2100-01-01T00:00:00Z', web]);
    await assertParity(['logs', `nope-${run}`]);
  });

  it('logs of a TTY container come raw; -f ends when the container stops', async () => {
    const tty = await create(['-t'], ['sh', '-c', 'sleep 1; echo tty-line']);
    await engine.containers.start(tty);
    const followed = await gantry(['logs', '-f', tty]);
    assert.deepEqual(followed, { code: 0, stdout: 'tty-line\r\n', stderr: '' });
  });

  it("top: ps output in docker's columns; extra words are ps options", async () => {
    const result = await gantry(['top', web]);
    assert.equal(result.code, 0);
    const [header = '', row = ''] = result.stdout.split('\n');
    assert.equal(
      header,
      `${['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME'].map((t) => t.padEnd(20)).join('')}CMD`,
    );
    assert.match(row, /^root {16}\d+ +\d+ +\d+ .*sleep 300$/);
    if (noDocker) return;
    const options = await assertParity(['top', web, '-o', 'pid,comm']);
    assert.match(options.stdout, /^PID {17}COMMAND\n\d+ +sleep\n$/);
    await assertParity(['top', exited]);
  });

  it("port: all mappings sorted, one mapping, and docker's errors", { skip: noDocker }, async () => {
    const all = await assertParity(['port', web]);
    assert.match(all.stdout, /^53\/udp -> 127\.0\.0\.1:\d+\n80\/tcp -> 127\.0\.0\.1:\d+\n$/);
    await assertParity(['port', web, '80']);
    await assertParity(['port', web, '53/udp']);
    assert.equal((await assertParity(['port', web, '81'])).code, 1);
    assert.equal((await assertParity(['port', web, 'abc'])).code, 1);
    await assertParity(['port', exited]);
  });

  it('diff: C/A/D lines as docker', { skip: noDocker }, async () => {
    // Both print the daemon's order, and the daemon's order changes from call to call (it walks a
    // map): the lines are compared as sets, everything else exactly.
    const ours = await gantry(['diff', web]);
    const theirs = asGantry(await docker(['diff', web]));
    const lines = (output: Captured) => output.stdout.split('\n').sort();
    assert.deepEqual({ ...ours, stdout: lines(ours) }, { ...theirs, stdout: lines(theirs) });
    assert.deepEqual(lines(ours), ['', 'A /newfile', 'C /etc', 'D /etc/group']);
    await assertParity(['diff', `nope-${run}`]);
  });

  it('wait prints exit codes; a missing container is an error line and exit 1', {
    skip: noDocker,
  }, async () => {
    const result = await assertParity(['wait', exited]);
    assert.equal(result.stdout, '3\n');
    const mixed = await assertParity(['wait', exited, `nope-${run}`]);
    assert.equal(mixed.code, 1);
  });

  it("rm: docker's per-container error lines and exit 1; -f removes a running one", async () => {
    const victim = await create([], ['sleep', '300']);
    await engine.containers.start(victim);
    if (!noDocker) {
      const refused = await assertParity(['rm', victim]);
      assert.equal(refused.code, 1);
      const missing = await assertParity(['rm', `nope1-${run}`, `nope2-${run}`]);
      assert.equal(missing.stderr.split('\n').length, 3);
    }
    const forced = await gantry(['rm', '-f', '-v', victim, `nope-${run}`]);
    assert.equal(forced.code, 1);
    assert.equal(forced.stdout, `${victim}\n`);
    assert.equal(forced.stderr, `Error response from daemon: No such container: nope-${run}\n`);
    const stopped = await create([], ['true']);
    assert.deepEqual(await gantry(['container', 'remove', stopped]), {
      code: 0,
      stdout: `${stopped}\n`,
      stderr: '',
    });
  });

  it('stop, restart, kill -s, pause, unpause', async () => {
    const box = name('box');
    await create(['--name', box], ['sh', '-c', 'trap "exit 7" TERM; while true; do sleep 0.1; done']);
    await engine.containers.start(box);
    assert.deepEqual(await gantry(['pause', box]), { code: 0, stdout: `${box}\n`, stderr: '' });
    assert.equal((await engine.containers.inspect(box)).State?.Paused, true);
    if (!noDocker) assert.equal((await assertParity(['pause', box])).code, 1);
    assert.deepEqual(await gantry(['container', 'unpause', box]), {
      code: 0,
      stdout: `${box}\n`,
      stderr: '',
    });
    if (!noDocker) assert.equal((await assertParity(['unpause', box])).code, 1);
    assert.deepEqual(await gantry(['restart', '-t', '5', box]), { code: 0, stdout: `${box}\n`, stderr: '' });
    assert.equal((await engine.containers.inspect(box)).State?.Running, true);
    if (!noDocker) assert.equal((await assertParity(['kill', '-s', 'FOO', box])).code, 1);
    assert.deepEqual(await gantry(['stop', '-t', '5', box]), { code: 0, stdout: `${box}\n`, stderr: '' });
    assert.equal((await engine.containers.inspect(box)).State?.ExitCode, 7);
    await engine.containers.start(box);
    assert.deepEqual(await gantry(['kill', '-s', 'KILL', box]), { code: 0, stdout: `${box}\n`, stderr: '' });
    assert.equal((await engine.containers.wait(box)).StatusCode, 137);
    if (!noDocker) {
      assert.equal((await assertParity(['stop', `nope1-${run}`, `nope2-${run}`])).code, 1);
      assert.equal((await assertParity(['kill', box])).code, 1);
    }
  });

  it("rename, with docker's two error lines", async () => {
    const before = name('before');
    const renamed = name('after');
    await create(['--name', before], ['true']);
    assert.deepEqual(await gantry(['rename', before, renamed]), { code: 0, stdout: '', stderr: '' });
    assert.equal((await engine.containers.inspect(renamed)).Name, `/${renamed}`);
    if (noDocker) return;
    assert.equal((await assertParity(['rename', renamed, renamed])).code, 1);
    assert.equal((await assertParity(['rename', `nope-${run}`, 'x'])).code, 1);
    assert.equal((await assertParity(['rename', ' ', 'x'])).code, 1);
  });

  it("update: limits and restart policy; no flags is docker's error", async () => {
    const result = await gantry([
      'update',
      '--cpus',
      '0.5',
      '-m',
      '64m',
      '--memory-swap',
      '128m',
      '--restart',
      'always',
      web,
    ]);
    assert.deepEqual(result, { code: 0, stdout: `${web}\n`, stderr: '' });
    const host = (await engine.containers.inspect(web)).HostConfig;
    assert.equal(host?.NanoCpus, 500_000_000);
    assert.equal(host?.Memory, 64 * 1024 * 1024);
    assert.equal(host?.MemorySwap, 128 * 1024 * 1024);
    assert.equal(host?.RestartPolicy?.Name, 'always');
    await gantry(['update', '--restart', 'no', web]);
    if (noDocker) return;
    assert.equal((await assertParity(['update', web])).code, 1);
    assert.equal((await assertParity(['update', '--restart', 'on-failure:x', web])).code, 1);
    assert.equal((await assertParity(['update', '--pids-limit', '100', `nope-${run}`])).code, 1);
  });

  it('export: a tar to -o FILE or to stdout', async () => {
    const file = join(work, 'export.tar');
    assert.deepEqual(await gantry(['export', '-o', file, exited]), { code: 0, stdout: '', stderr: '' });
    const tar = readFileSync(file);
    assert.equal(tar.subarray(257, 262).toString(), 'ustar');
    assert.ok(tar.includes(Buffer.from('bin/busybox')));
    const piped = await gantry(['export', exited]);
    assert.equal(piped.code, 0);
    assert.ok(piped.stdout.length > 1_000_000);
    if (noDocker) return;
    assert.equal((await assertParity(['export', '-o', '/nonexistent/x.tar', exited])).code, 1);
  });

  it("stats --no-stream: docker's columns and JSON keys", async () => {
    const table = await gantry(['stats', '--no-stream', web]);
    assert.equal(table.code, 0, table.stderr);
    const [header = '', row = ''] = table.stdout.split('\n');
    assert.match(
      header,
      /^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/,
    );
    assert.match(
      row,
      new RegExp(
        `^[0-9a-f]{12} +${web} +\\d+\\.\\d\\d% +[\\d.]+\\w?i?B / [\\d.]+\\w?i?B +\\d+\\.\\d\\d% .* \\d+$`,
      ),
    );
    const json = await gantry(['stats', '--no-stream', '--format', 'json', web]);
    const parsed = JSON.parse(json.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(parsed), [
      'BlockIO',
      'CPUPerc',
      'Container',
      'ID',
      'MemPerc',
      'MemUsage',
      'Name',
      'NetIO',
      'PIDs',
    ]);
    assert.equal(parsed.Container, web);
    assert.equal(parsed.PIDs, '1');
    if (noDocker) return;
    await assertParity([
      'stats',
      '--no-stream',
      '--format',
      '{{.Container}} {{.Name}} {{.ID}} {{.PIDs}}',
      web,
    ]);
    await assertParity(['stats', '--no-stream', '--no-trunc', '--format', '{{.ID}}', web]);
    await assertParity(['stats', '--no-stream', `nope-${run}`]);
  });

  it('stats streams a table every second until interrupted', async () => {
    const child = spawn(process.execPath, [GANTRY_ENTRY, 'stats', '--format', '{{.Name}}', web], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 3500));
    child.kill('SIGINT');
    const code = await closed;
    assert.equal(code, 130);
    assert.ok(out.split(`${web}\n`).length - 1 >= 2, out);
  });

  it('container prune: the prompt (refused), then -f with a filter', async () => {
    const refused = await gantryWithInput(['container', 'prune', '--filter', `label=${RUN_LABEL}`], 'n\n');
    assert.deepEqual(refused, {
      code: 0,
      stdout: 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ',
      stderr: '',
    });
    const exitedId = (await engine.containers.inspect(exited)).Id;
    const pruned = await gantry(['container', 'prune', '-f', '--filter', `label=${RUN_LABEL}`]);
    assert.equal(pruned.code, 0);
    assert.match(pruned.stdout, /^Deleted Containers:\n([0-9a-f]{64}\n)+\nTotal reclaimed space: .+B\n$/);
    assert.ok(pruned.stdout.includes(`${exitedId}\n`));
    assert.equal((await engine.containers.list({ all: true, filters: { id: [exitedId ?? ''] } })).length, 0);
  });
});
