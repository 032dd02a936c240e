/**
 * Parity with the docker CLI: the same command lines through `gantry` (a real process) and
 * `/usr/local/bin/docker`, against the same engine (the harness's DOCKER_HOST and empty DOCKER_CONFIG),
 * must print the same bytes and exit with the same code. Output with times in it ("2 seconds ago") is
 * compared with docker run just before and just after gantry, so a second ticking over in between
 * does not fail the test.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { connect } from '@gantry/engine';
import { type Captured, gantry, runProcess } from '../support.ts';

const DOCKER_CLI = '/usr/local/bin/docker';
const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman'
    ? 'Podman: parity is with the docker CLI on Docker Engine (Podman answers differently, docs/podman.md)'
    : !existsSync(DOCKER_CLI)
      ? `${DOCKER_CLI} is not installed`
      : false;

const run = randomBytes(4).toString('hex');
/** Every container of this file carries it, so the commands below see only them. */
const PARITY_LABEL = `io.gantry.cli-parity=${run}`;
const running = `gantry-test-cli-running-${run}`;
const exited = `gantry-test-cli-exited-${run}`;

const docker = (args: readonly string[]) => runProcess(DOCKER_CLI, args);

/** docker's own name in its messages, read as gantry's. */
const asGantry = (result: Captured): Captured => ({
  ...result,
  stderr: result.stderr.replaceAll('docker', 'gantry'),
});

/**
 * gantry's output must equal docker's run just before or just after it. Relative times ("7 seconds
 * ago") in two columns can each tick over between the runs, so that no docker run matches even when
 * gantry is right; such a trio is taken again, at most `attempts` times, and compared exactly.
 */
async function assertParity(args: readonly string[], attempts = 3): Promise<Captured> {
  for (let attempt = 1; ; attempt++) {
    const before = asGantry(await docker(args));
    const ours = await gantry(args);
    const afterwards = asGantry(await docker(args));
    const matches = (theirs: Captured) =>
      ours.code === theirs.code && ours.stdout === theirs.stdout && ours.stderr === theirs.stderr;
    if (matches(before) || matches(afterwards)) return ours;
    if (attempt === attempts) {
      assert.deepEqual(ours, afterwards, `gantry ${args.join(' ')}`);
      return ours;
    }
  }
}

describe('parity with the docker CLI', { skip }, () => {
  const engine = connect();
  let runningId = '';

  before(async () => {
    const labels = { [TEST_LABEL]: '1', 'io.gantry.cli-parity': run };
    const web = await engine.containers.create({
      name: running,
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo "a <b> & c" && sleep 300'],
      Labels: labels,
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      // An ephemeral host port: parallel runs on this machine never collide.
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    runningId = web.Id;
    await engine.containers.start(web.Id);
    const done = await engine.containers.create({
      name: exited,
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'exit 3'],
      Labels: labels,
    });
    await engine.containers.start(done.Id);
    await engine.containers.wait(done.Id);
  });

  after(async () => {
    for (const name of [running, exited])
      await engine.containers.remove(name, { force: true }).catch(() => undefined);
    await engine.close();
  });

  const filter = ['--filter', `label=${PARITY_LABEL}`];
  const cases: Array<{ name: string; args: () => string[] }> = [
    { name: 'ps -a (table)', args: () => ['ps', '-a', ...filter] },
    { name: 'ps (running only)', args: () => ['ps', ...filter] },
    { name: 'ps -a --format json', args: () => ['ps', '-a', '--format', 'json', ...filter] },
    { name: 'ps -a --no-trunc', args: () => ['ps', '-a', '--no-trunc', ...filter] },
    { name: 'ps -a -s', args: () => ['ps', '-a', '-s', ...filter] },
    { name: 'ps -aq', args: () => ['ps', '-aq', ...filter] },
    { name: 'ps -n 1', args: () => ['ps', '-n', '1', ...filter] },
    {
      name: 'ps custom template',
      args: () => [
        'ps',
        '-a',
        '--format',
        '{{.Names}}|{{.Ports}}|{{.State}}|{{.Label "io.gantry.cli-parity"}}',
        ...filter,
      ],
    },
    {
      name: 'ps custom table',
      args: () => ['ps', '-a', '--format', 'table {{.Names}}\\t{{.Status}}\\t{{.Labels}}', ...filter],
    },
    { name: 'container ls alias', args: () => ['container', 'ls', '-a', ...filter] },
    { name: 'images (reference filter)', args: () => ['images', '--filter', `reference=${TEST_IMAGE}`] },
    { name: 'images --format json', args: () => ['images', '--format', 'json', TEST_IMAGE] },
    { name: 'images -q', args: () => ['images', '-q', TEST_IMAGE] },
    { name: 'inspect a container', args: () => ['inspect', running] },
    {
      name: 'inspect by id, with a template',
      args: () => [
        'inspect',
        '-f',
        '{{.Name}} {{.State.Status}} {{json .Config.Labels}} {{.Config.Cmd}}',
        runningId,
      ],
    },
    { name: 'container inspect', args: () => ['container', 'inspect', exited] },
    { name: 'image inspect', args: () => ['image', 'inspect', TEST_IMAGE] },
    { name: 'inspect --format json', args: () => ['inspect', '--format', 'json', running, exited] },
    { name: 'inspect of a missing object: exit 1', args: () => ['inspect', `gantry-test-missing-${run}`] },
    { name: 'inspect found and missing', args: () => ['inspect', running, `gantry-test-missing-${run}`] },
    {
      name: 'container inspect of a missing container',
      args: () => ['container', 'inspect', `gantry-test-missing-${run}`],
    },
    { name: 'a template error', args: () => ['ps', '--format', '{{.Nope}}'] },
    { name: 'unknown flag: exit 125', args: () => ['ps', '--no-such-flag'] },
    { name: 'missing argument: exit 1', args: () => ['inspect'] },
    {
      name: 'version --format',
      args: () => ['version', '--format', '{{.Server.Version}} {{.Server.ApiVersion}} {{.Server.Os}}'],
    },
    {
      name: 'info --format',
      args: () => ['info', '--format', '{{.ServerVersion}} {{.Name}} {{.OSType}} {{.Driver}}'],
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, async () => {
      await assertParity(testCase.args());
    });
  }

  it('the exited container really exited with 3 (the fixture is what the cases assume)', async () => {
    const result = await gantry(['inspect', '-f', '{{.State.ExitCode}}', exited]);
    assert.equal(result.stdout, '3\n');
  });
});
