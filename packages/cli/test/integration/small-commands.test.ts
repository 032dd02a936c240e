/**
 * `search`, `builder prune`, `logs --details`, `node inspect --pretty` and `service inspect
 * --pretty` as processes against the harness engine, compared byte for byte with
 * `/usr/local/bin/docker` on the same engine. The swarm part initialises a one-node swarm only when
 * the engine is in none, and leaves it afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { connect } from '@gantry/engine';
import { markSwarmInitialisedByTests } from '../../../../test/harness/cleanup.ts';
import { type Captured, gantry, runProcess } from '../support.ts';

const DOCKER_CLI = '/usr/local/bin/docker';
const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman'
    ? 'Podman: the CLI is verified on Docker Engine first'
    : !existsSync(DOCKER_CLI)
      ? `${DOCKER_CLI} is not installed`
      : false;

const run = randomBytes(4).toString('hex');
const labels = ['--label', `${TEST_LABEL}=1`];
/** docker's notice that buildx is missing (on `builder` commands): not part of what is compared. */
const BUILDX_NOTICE = /^DEPRECATED: The legacy builder is deprecated[^\n]*\n(?: {2,}[^\n]*\n)*\n?/;

/** `mask` hides what differs between two runs only because time passes. */
type Mask = (text: string) => string;
const asIs: Mask = (text) => text;

/** Same bytes and exit code from both tools (docker run before and after gantry, for ticking clocks). */
async function assertParity(args: readonly string[], mask: Mask = asIs): Promise<Captured> {
  const normalise = (result: Captured): Captured => ({
    code: result.code,
    stdout: mask(result.stdout),
    stderr: mask(result.stderr.replace(BUILDX_NOTICE, '').replaceAll('docker', 'gantry')),
  });
  const first = normalise(await runProcess(DOCKER_CLI, args));
  const ours = normalise(await gantry(args));
  const second = normalise(await runProcess(DOCKER_CLI, args));
  const same = (theirs: Captured) =>
    ours.code === theirs.code && ours.stdout === theirs.stdout && ours.stderr === theirs.stderr;
  if (!same(first) && !same(second)) assert.deepEqual(ours, second, `gantry ${args.join(' ')}`);
  return ours;
}

describe('search, builder prune and logs --details against the engine', { skip }, () => {
  const engine = connect();
  const container = `gantry-test-cli-details-${run}`;

  after(async () => {
    await engine.containers.remove(container, { force: true }).catch(() => undefined);
    await engine.close();
  });

  it("search: the engine reaches no registry here; docker's error and exit code", async () => {
    const result = await assertParity(['search', 'busybox']);
    // Without internet the daemon's error; with it, a table. Either way docker's bytes (above).
    if (result.code !== 0) assert.match(result.stderr, /^Error response from daemon: /);
    else assert.match(result.stdout, /^NAME {2,}DESCRIPTION {2,}STARS {2,}OFFICIAL\n/);
    await assertParity(['search', '--limit', '5', '--filter', 'is-official=true', '--no-trunc', 'busybox']);
    const bad = await assertParity(['search', '--filter', 'nonsense', 'busybox']);
    assert.equal(bad.code, 125);
    const noTerm = await assertParity(['search']);
    assert.equal(noTerm.code, 1);
  });

  it('builder prune: prompt, -f with filters and --keep-storage, bad sizes', async () => {
    // No answer (stdin at its end) is "no": nothing is removed and the exit code is 0.
    const declined = await assertParity(['builder', 'prune']);
    assert.equal(
      declined.stdout,
      'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ',
    );
    await assertParity(['builder', 'prune', '-a']);
    // `until` far in the past of every record: nothing that other tests built goes.
    const pruned = await assertParity([
      'builder',
      'prune',
      '-f',
      '-a',
      '--filter',
      'until=100000h',
      '--keep-storage',
      '10m',
    ]);
    assert.match(pruned.stdout, /Total reclaimed space: \S+\n$/);
    assert.equal((await assertParity(['builder', 'prune', '-f', '--keep-storage', '1x'])).code, 125);
    assert.equal((await assertParity(['builder', 'prune', '-f', '--filter', 'until'])).code, 125);
  });

  it('logs --details: the log attributes before each line, as docker prints them', async () => {
    const created = await engine.containers.create({
      name: container,
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo one; echo two >&2; echo three'],
      Env: ['FOO=x', 'BAR=y z'],
      Labels: { [TEST_LABEL]: '1', team: 'blue' },
      HostConfig: { LogConfig: { Type: 'json-file', Config: { labels: 'team', env: 'FOO,BAR' } } },
    });
    await engine.containers.start(created.Id);
    await engine.containers.wait(created.Id);
    const details = await assertParity(['logs', '--details', container]);
    assert.equal(details.stdout, 'BAR=y+z,FOO=x,team=blue one\nBAR=y+z,FOO=x,team=blue three\n');
    assert.equal(details.stderr, 'BAR=y+z,FOO=x,team=blue two\n');
    await assertParity(['logs', '--details', '--timestamps', container]);
    await assertParity(['logs', '--details', '--tail', '1', container]);
    assert.equal((await assertParity(['logs', container])).stdout, 'one\nthree\n');
  });
});

describe('node and service inspect --pretty on a one-node swarm', { skip }, () => {
  const engine = connect();
  let initialised = false;
  let gwbridgeExisted = true;
  let skipReason: string | undefined;
  const name = (what: string) => `gantry-test-pretty-${what}-${run}`;
  const services = ['full', 'global', 'rich', 'job', 'globaljob'].map(name);
  const [full = '', global = '', rich = '', job = '', globalJob = ''] = services;

  const docker = async (args: readonly string[]) => {
    const result = await runProcess(DOCKER_CLI, args);
    assert.equal(result.code, 0, `docker ${args.join(' ')}: ${result.stderr}`);
  };

  before(async () => {
    const state = (await engine.system.info()).Swarm?.LocalNodeState;
    gwbridgeExisted = (await engine.networks.list({ filters: { name: ['^docker_gwbridge$'] } })).length > 0;
    if (state === 'inactive') {
      markSwarmInitialisedByTests();
      const result = await gantry(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      if (result.code !== 0) skipReason = `swarm init failed: ${result.stderr}`;
      else initialised = true;
    } else if (!(await engine.system.info()).Swarm?.ControlAvailable)
      skipReason = `the engine is in a swarm as a worker (${state})`;
  });

  after(async () => {
    for (const service of services) await engine.services.remove(service).catch(() => undefined);
    await engine.secrets.remove(name('sec')).catch(() => undefined);
    await engine.configs.remove(name('cfg')).catch(() => undefined);
    // The tasks' endpoints on the network go shortly after their service.
    for (let attempt = 0; attempt < 20; attempt++) {
      if (
        await engine.networks.remove(name('net')).then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await engine.volumes.remove(name('vol'), { force: true }).catch(() => undefined);
    if (initialised) {
      await gantry(['swarm', 'leave', '-f']);
      if (!gwbridgeExisted) await engine.networks.remove('docker_gwbridge').catch(() => undefined);
    }
    await engine.close();
  });

  it('node inspect --pretty: self, twice, and a missing node', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const self = await assertParity(['node', 'inspect', '--pretty', 'self']);
    assert.match(
      self.stdout,
      /^ID:\t\t\t\w+\nHostname: +\t.+\nJoined at: +\t.+\nStatus:\n State:\t\t\tReady\n/,
    );
    assert.match(
      self.stdout,
      /\nManager Status:\n Address:\t\t.+\n Raft Status:\t\tReachable\n Leader:\t\tYes\n/,
    );
    await assertParity(['node', 'inspect', '--pretty', 'self', 'self']);
    assert.equal((await assertParity(['node', 'inspect', '--pretty', 'self', 'nope'])).code, 1);
  });

  it("service inspect --pretty: docker's layout for replicated, global, job and many-option services", async (t) => {
    if (skipReason) return t.skip(skipReason);
    await docker(['network', 'create', '-d', 'overlay', ...labels, name('net')]);
    await docker(['secret', 'create', ...labels, name('sec'), '/etc/hostname']);
    await docker(['config', 'create', ...labels, name('cfg'), '/etc/hostname']);
    const create = (args: readonly string[]) => docker(['service', 'create', '-d', ...labels, ...args]);
    await create([
      ...['--name', full, '--label', 'a=b', '-e', 'FOO=bar', '-p', '80', '--replicas', '0'],
      ...['--limit-cpu', '0.5', '--limit-memory', '64m', '--reserve-memory', '32m'],
      ...['--mount', `type=volume,source=${name('vol')},target=/data`],
      ...['--update-parallelism', '2', '--update-delay', '5s', '--health-cmd', 'true'],
      ...['--user', 'nobody', '--workdir', '/tmp', TEST_IMAGE, 'sleep', '1000'],
    ]);
    await create(['--name', global, '--mode', 'global', '--constraint', 'node.labels.none==x', TEST_IMAGE]);
    await create([
      ...['--name', rich, '--label', 'empty=', '--replicas', '0', '--constraint', 'node.role==manager'],
      ...['--constraint', 'node.hostname!=x', '--placement-pref', 'spread=node.labels.dc'],
      ...['--replicas-max-per-node', '3', '--network', name('net'), '--secret', name('sec')],
      ...['--config', `source=${name('cfg')},target=/cfg`, '--log-driver', 'json-file'],
      ...['--log-opt', 'max-size=1m', '--log-opt', 'flag=', '--cap-add', 'NET_ADMIN'],
      ...['--cap-drop', 'CHOWN', '--sysctl', 'net.ipv4.ip_forward=1', '--ulimit', 'nofile=100:200'],
      ...['--limit-pids', '50', '--reserve-cpu', '0.25', '--init', '--health-cmd', 'true'],
      ...['--health-interval', '1500ms', '--health-retries', '2', '--rollback-delay', '2s'],
      ...['--update-failure-action', 'rollback', '--update-max-failure-ratio', '0.25'],
      ...['--update-order', 'start-first', TEST_IMAGE, 'sleep', '1000'],
    ]);
    await create(['--name', job, '--mode', 'replicated-job', '--replicas', '0', TEST_IMAGE, 'true']);
    await create([
      ...['--name', globalJob, '--mode', 'global-job', '--constraint', 'node.labels.none==x'],
      ...['--no-healthcheck', TEST_IMAGE, 'true'],
    ]);
    await docker(['service', 'update', '-d', '--env-add', 'X=1', full]);
    // "Started/Completed: … ago" of the update tick between the two runs.
    const started: Mask = (text) =>
      text.replace(/\n (Started|Completed):\t.* ago(?=\n)/g, '\n $1:\t(masked)');
    const all = await assertParity(['service', 'inspect', '--pretty', ...services], started);
    assert.equal(all.stdout.split('\nID:\t\t').length, services.length + 1);
    assert.match(all.stdout, /\nNetworks: gantry-test-pretty-net-\w+ \n/);
    assert.match(all.stdout, /\nPorts:\n PublishedPort = \d+\n {2}Protocol = tcp\n {2}TargetPort = 80\n/);
    for (const service of services) await assertParity(['service', 'inspect', '--pretty', service], started);
    assert.equal((await assertParity(['service', 'inspect', '--pretty', 'nope', full])).code, 1);
    await assertParity(['service', 'inspect', full, 'nope']);
  });
});
