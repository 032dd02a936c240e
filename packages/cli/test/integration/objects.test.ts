/**
 * The object commands as processes against the harness engine: network, volume, system df / events
 * / prune, context (gantry and the docker CLI reading each other's contexts), plugin, and — on a
 * one-node swarm this file initialises only when the engine is in none — swarm, node, secret,
 * config and service. Where docker's output is comparable byte for byte, it is compared with
 * `/usr/local/bin/docker` on the same engine.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
/** On everything this file creates: the harness's label, and one that selects only this run's objects. */
const RUN_LABEL = `io.gantry.cli-objects=${run}`;
const labels = ['--label', `${TEST_LABEL}=1`, '--label', RUN_LABEL];
const runFilter = ['--filter', `label=${RUN_LABEL}`];

const docker = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  runProcess(DOCKER_CLI, args, env);

function ok(result: Captured, what: string): string {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`);
  return result.stdout;
}

/**
 * docker joins a `"Labels":"k=v,k2=v2"` JSON field in Go map order, which changes from run to run
 * (secret, config, network ls); gantry sorts it. Both are compared sorted.
 */
const sortedLabelLists = (stdout: string) =>
  stdout.replace(
    /"Labels":"([^"]*)"/g,
    (_, list: string) => `"Labels":"${list.split(',').sort().join(',')}"`,
  );

/** Same bytes and exit code from both tools (docker run before and after gantry, for ticking clocks). */
async function assertParity(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Captured> {
  const asGantry = (result: Captured) => ({
    ...result,
    stdout: sortedLabelLists(result.stdout),
    stderr: result.stderr.replaceAll('docker', 'gantry'),
  });
  const first = asGantry(await docker(args, env));
  const ours = asGantry(await gantry(args, env));
  const second = asGantry(await docker(args, env));
  const same = (theirs: Captured) =>
    ours.code === theirs.code && ours.stdout === theirs.stdout && ours.stderr === theirs.stderr;
  if (!same(first) && !same(second)) assert.deepEqual(ours, second, `gantry ${args.join(' ')}`);
  return ours;
}

describe('object commands against the engine', { skip }, () => {
  const engine = connect();
  const network = `gantry-test-cli-net-${run}`;
  const volume = `gantry-test-cli-vol-${run}`;
  const container = `gantry-test-cli-obj-${run}`;

  before(async () => {
    const created = await engine.containers.create({
      name: container,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { [TEST_LABEL]: '1' },
    });
    await engine.containers.start(created.Id);
  });

  after(async () => {
    await engine.containers.remove(container, { force: true }).catch(() => undefined);
    await engine.networks.remove(network).catch(() => undefined);
    await engine.volumes.remove(volume, { force: true }).catch(() => undefined);
    await engine.close();
  });

  describe('network', () => {
    it('create with IPAM flags prints the id; ls and inspect match docker', async () => {
      const id = ok(
        await gantry([
          'network',
          'create',
          ...labels,
          '--subnet',
          '10.231.7.0/24',
          '--gateway',
          '10.231.7.1',
          '--ip-range',
          '10.231.7.128/25',
          '--internal',
          '--attachable',
          '-o',
          'com.docker.network.driver.mtu=1400',
          network,
        ]),
        'network create',
      ).trim();
      assert.match(id, /^[0-9a-f]{64}$/);
      const inspected = await engine.networks.inspect(network);
      assert.deepEqual(inspected.IPAM?.Config, [
        { Subnet: '10.231.7.0/24', IPRange: '10.231.7.128/25', Gateway: '10.231.7.1' },
      ]);
      assert.equal(inspected.Internal, true);
      assert.equal(inspected.Options?.['com.docker.network.driver.mtu'], '1400');
      for (const args of [
        ['network', 'ls', ...runFilter],
        ['network', 'ls', '--no-trunc', ...runFilter],
        ['network', 'ls', '--format', 'json', ...runFilter],
        ['network', 'ls', '-q', ...runFilter],
        [
          'network',
          'ls',
          '--format',
          '{{.Name}} {{.Internal}} {{.IPv6}} {{.Label "io.gantry.cli-objects"}}',
          ...runFilter,
        ],
        ['network', 'inspect', network],
        ['network', 'inspect', network, `gantry-test-missing-${run}`],
        ['network', 'create', network],
      ])
        await assertParity(args);
    });

    it('connect --ip --alias and disconnect', async () => {
      ok(
        await gantry([
          'network',
          'connect',
          '--ip',
          '10.231.7.200',
          '--alias',
          'db,primary',
          network,
          container,
        ]),
        'connect',
      );
      const settings = (await engine.containers.inspect(container)).NetworkSettings?.Networks?.[network];
      assert.equal(settings?.IPAddress, '10.231.7.200');
      assert.ok(settings?.Aliases?.includes('db') && settings.Aliases.includes('primary'));
      ok(await gantry(['network', 'disconnect', network, container]), 'disconnect');
      const after = (await engine.containers.inspect(container)).NetworkSettings?.Networks ?? {};
      assert.equal(network in after, false);
      await assertParity(['network', 'disconnect', network, `gantry-test-missing-${run}`]);
    });

    it('prune without -f asks, and no answer keeps everything', async () => {
      const result = await gantry(['network', 'prune', ...runFilter]);
      assert.equal(result.code, 0);
      assert.equal(
        result.stdout,
        'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ',
      );
      await engine.networks.inspect(network);
    });

    it('rm prints the name; a missing one fails as docker does; -f forgives it', async () => {
      await assertParity(['network', 'rm', `gantry-test-missing-${run}`]);
      await assertParity(['network', 'rm', '-f', `gantry-test-missing-${run}`]);
      assert.equal(ok(await gantry(['network', 'rm', network]), 'network rm'), `${network}\n`);
    });

    it('prune -f removes an unused labelled network and lists it', async () => {
      ok(await gantry(['network', 'create', ...labels, network]), 'create');
      const result = await gantry(['network', 'prune', '-f', ...runFilter]);
      assert.equal(ok(result, 'prune'), `Deleted Networks:\n${network}\n\n`);
    });
  });

  describe('volume', () => {
    it('create, ls, inspect match docker; rm -f of a missing volume prints its name', async () => {
      assert.equal(
        ok(
          await gantry(['volume', 'create', ...labels, '-o', 'type=tmpfs', '-o', 'device=tmpfs', volume]),
          'create',
        ),
        `${volume}\n`,
      );
      assert.equal((await engine.volumes.inspect(volume)).Options?.type, 'tmpfs');
      for (const args of [
        ['volume', 'ls', ...runFilter],
        ['volume', 'ls', '--format', 'json', ...runFilter],
        ['volume', 'ls', '-q', ...runFilter],
        ['volume', 'inspect', volume],
        ['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{json .Labels}}', volume],
        ['volume', 'inspect', `gantry-test-missing-${run}`],
        ['volume', 'rm', `gantry-test-missing-${run}`],
        ['volume', 'rm', '-f', `gantry-test-missing-${run}`],
      ])
        await assertParity(args);
    });

    it('prune -f with a label filter removes the unused volume', async () => {
      // A volume with driver options (the tmpfs one above) is not pruned by Docker 20.10: remove it first.
      ok(await gantry(['volume', 'rm', volume]), 'rm');
      ok(await gantry(['volume', 'create', ...labels, volume]), 'create');
      const result = await gantry(['volume', 'prune', '-f', ...runFilter]);
      assert.equal(ok(result, 'prune'), `Deleted Volumes:\n${volume}\n\nTotal reclaimed space: 0B\n`);
    });
  });

  describe('system', () => {
    it('df: the same rows and columns as docker', async () => {
      // Other tests change the counts at any moment: compare the layout (types, columns), not the numbers.
      const layout = (text: string) =>
        text
          .split('\n')
          .map((line) => line.replace(/\d[\d.]*[kMGT]?B( \(\d+%\))?|\b\d+\b/g, 'N').replace(/ +/g, ' '));
      const ours = ok(await gantry(['system', 'df']), 'df');
      const theirs = ok(await docker(['system', 'df']), 'docker df');
      assert.deepEqual(layout(ours), layout(theirs));
      assert.match(ours, /^TYPE {12}TOTAL {5}ACTIVE {4}SIZE {6}RECLAIMABLE\nImages /);
      await assertParity(['system', 'df', '--format', '{{.Type}}']);
      const verbose = ok(await gantry(['system', 'df', '-v']), 'df -v');
      assert.match(
        verbose,
        /^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS\n/,
      );
      assert.match(
        verbose,
        /\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n/,
      );
      assert.match(
        verbose,
        /\nBuild cache usage: \S+\n\nCACHE ID +CACHE TYPE +SIZE +CREATED +LAST USED +USAGE +SHARED\n/,
      );
      assert.match(verbose, new RegExp(`\\n[0-9a-f]{12} .* ${container}\\n`));
    });

    it('events --since/--until: the same lines as docker, for durations and timestamps', async () => {
      const since = Math.floor(Date.now() / 1000) - 1;
      const name = `gantry-test-cli-ev-${run}`;
      ok(await gantry(['volume', 'create', ...labels, name]), 'create');
      ok(await gantry(['volume', 'rm', name]), 'rm');
      const until = new Date(Date.now() + 1000).toISOString();
      const filter = ['--filter', 'type=volume', '--filter', `volume=${name}`];
      const lines = await assertParity(['events', '--since', String(since), '--until', until, ...filter]);
      assert.match(
        lines.stdout,
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\dT[\\d:]+\\.\\d{9}(Z|[+-]\\d\\d:\\d\\d) volume create ${name} \\(driver=local\\)\\n`,
        ),
      );
      assert.match(lines.stdout, new RegExp(`volume destroy ${name} \\(driver=local\\)\\n$`));
      await assertParity(['system', 'events', '--since', '5m', '--until', '0s', ...filter]);
      await assertParity(['events', '--since', '5m', '--until', '0s', '--format', 'json', ...filter]);
      await assertParity([
        'events',
        '--since',
        '5m',
        '--until',
        '0s',
        '--format',
        '{{.Type}} {{.Action}} {{.Actor.Attributes.driver}} {{.Scope}}',
        ...filter,
      ]);
      await assertParity(['events', '--since', 'yesterday']);
    });

    it('events without --until follows until interrupted', async () => {
      const { spawn } = await import('node:child_process');
      const { GANTRY_ENTRY } = await import('../support.ts');
      const name = `gantry-test-cli-follow-${run}`;
      // Volume events carry no labels: select by name.
      const child = spawn(process.execPath, [
        GANTRY_ENTRY,
        'events',
        '--filter',
        'type=volume',
        '--filter',
        `volume=${name}`,
      ]);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      ok(await gantry(['volume', 'create', ...labels, name]), 'create');
      for (let waited = 0; !out.includes(name) && waited < 100; waited++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      child.kill('SIGINT');
      const code = await new Promise((resolve) => child.on('close', resolve));
      await engine.volumes.remove(name).catch(() => undefined);
      assert.match(out, new RegExp(`volume create ${name} `));
      assert.equal(code, 130);
    });

    it('system prune without -f shows docker’s warning and changes nothing', async () => {
      const result = await gantry(['system', 'prune', '-a', '--volumes']);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /^WARNING! This will remove:\n {2}- all stopped containers\n/);
      assert.match(result.stdout, / {2}- all anonymous volumes not used by at least one container\n/);
      assert.match(result.stdout, /\n\nAre you sure you want to continue\? \[y\/N\] $/);
    });
  });

  describe('plugin', () => {
    it('ls and a missing plugin match docker', async () => {
      await assertParity(['plugin', 'ls', '--filter', `capability=gantry-none-${run}`]);
      await assertParity(['plugin', 'inspect', `gantry-missing-${run}`]);
      await assertParity(['plugin', 'rm', `gantry-missing-${run}`]);
    });
  });
});

describe('context: gantry and the docker CLI share the store', { skip }, () => {
  let config = '';
  let env: NodeJS.ProcessEnv = {};
  const certs = process.env.GANTRY_TEST_TLS_CERTS;

  before(() => {
    config = mkdtempSync(join(tmpdir(), 'gantry-contexts-'));
    // DOCKER_HOST unset: the current context decides (the harness's engine is the default socket or DOCKER_HOST).
    env = { ...process.env, DOCKER_CONFIG: config };
  });
  after(() => rmSync(config, { recursive: true, force: true }));

  it('gantry creates, docker reads; docker creates, gantry reads; ls and inspect match', async () => {
    const tls = certs
      ? `,ca=${join(certs, 'ca.pem')},cert=${join(certs, 'cert.pem')},key=${join(certs, 'key.pem')}`
      : '';
    const made = await gantry(
      [
        'context',
        'create',
        'g-tls',
        '--description',
        'made <by> gantry',
        '--docker',
        `host=tcp://127.0.0.1:2376${tls}`,
      ],
      env,
    );
    assert.equal(made.stdout, 'g-tls\n');
    assert.equal(made.stderr, 'Successfully created context "g-tls"\n');
    ok(
      await gantry(
        ['context', 'create', 'g-skip', '--docker', 'host=unix:///var/run/docker.sock,skip-tls-verify=true'],
        env,
      ),
      'create',
    );
    ok(
      await docker(['context', 'create', 'd-plain', '--docker', 'host=tcp://127.0.0.1:1'], env),
      'docker create',
    );
    ok(await gantry(['context', 'create', 'g-from', '--from', 'd-plain'], env), 'create --from');
    ok(await docker(['context', 'create', 'd-from', '--from', 'g-tls'], env), 'docker create --from');
    for (const args of [
      ['context', 'ls'],
      ['context', 'ls', '--format', 'json'],
      ['context', 'ls', '-q'],
      ['context', 'inspect', 'g-tls', 'g-skip', 'd-plain', 'g-from', 'd-from', 'default'],
      ['context', 'inspect'],
      ['context', 'inspect', 'nope'],
      ['context', 'use', 'nope'],
      ['context', 'rm', 'nope'],
      ['context', 'create', 'g-tls'],
    ])
      await assertParity(args, env);
    if (certs) {
      const stored = join(config, 'contexts', 'tls');
      assert.ok(existsSync(stored));
    }
  });

  it('use writes currentContext as docker does; ls marks it; rm refuses it without -f', async () => {
    assert.equal(ok(await gantry(['context', 'use', 'g-skip'], env), 'use'), 'g-skip\n');
    assert.equal(JSON.parse(readFileSync(join(config, 'config.json'), 'utf8')).currentContext, 'g-skip');
    await assertParity(['context', 'ls'], env);
    // With DOCKER_HOST set, `default` is in use instead: refused only without it.
    const noHost = { ...env, DOCKER_HOST: undefined };
    const refused = await assertParity(['context', 'rm', 'g-skip'], noHost);
    assert.equal(refused.stderr, 'context "g-skip" is in use, set -f flag to force remove\n');
    await assertParity(['context', 'ls'], noHost);
    await assertParity(['--context', 'd-plain', 'context', 'ls'], env);
    ok(await docker(['context', 'use', 'default'], env), 'docker use default');
    assert.equal(JSON.parse(readFileSync(join(config, 'config.json'), 'utf8')).currentContext, undefined);
    assert.equal(ok(await gantry(['context', 'rm', 'g-skip', 'd-from'], env), 'rm'), 'g-skip\nd-from\n');
    assert.equal(ok(await docker(['context', 'ls', '-q'], env), 'ls'), 'd-plain\ndefault\ng-from\ng-tls\n');
  });

  it('the global --context and the current context pick the engine', async () => {
    const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    ok(await docker(['context', 'create', 'engine', '--docker', `host=${host}`], env), 'create');
    const withFlag = await gantry(
      ['--context', 'engine', 'version', '--format', '{{.Server.APIVersion}}'],
      env,
    );
    assert.match(ok(withFlag, '--context'), /^1\.\d+\n$/);
    const unreachable = await gantry(['--context', 'd-plain', 'ps'], env);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /127\.0\.0\.1:1/);
    ok(await gantry(['context', 'use', 'engine'], env), 'use');
    assert.match(
      ok(await gantry(['version', '--format', '{{.Server.APIVersion}}'], env), 'current'),
      /^1\.\d+\n$/,
    );
    writeFileSync(join(config, 'config.json'), '{}');
  });
});

describe('swarm objects on a one-node swarm', { skip }, () => {
  const engine = connect();
  let initialised = false;
  let gwbridgeExisted = true;
  let skipReason: string | undefined;
  const service = `gantry-test-cli-svc-${run}`;
  const secret = `gantry-test-cli-sec-${run}`;
  const configName = `gantry-test-cli-cfg-${run}`;
  const dataFile = join(tmpdir(), `gantry-cli-config-${run}`);

  before(async () => {
    const state = (await engine.system.info()).Swarm?.LocalNodeState;
    gwbridgeExisted = (await engine.networks.list({ filters: { name: ['^docker_gwbridge$'] } })).length > 0;
    if (state === 'inactive') {
      markSwarmInitialisedByTests();
      const result = await gantry([
        'swarm',
        'init',
        '--advertise-addr',
        '127.0.0.1',
        '--listen-addr',
        '127.0.0.1:2377',
      ]);
      if (result.code !== 0) skipReason = `swarm init failed: ${result.stderr}`;
      else {
        initialised = true;
        assert.match(
          result.stdout,
          /^Swarm initialized: current node \(\w+\) is now a manager\.\n\nTo add a worker to this swarm, run the following command:\n\n {4}gantry swarm join --token SWMTKN-1-\S+ 127\.0\.0\.1:2377\n\n/,
        );
      }
    } else if (!(await engine.system.info()).Swarm?.ControlAvailable)
      skipReason = `the engine is in a swarm as a worker (${state})`;
    writeFileSync(dataFile, 'config data');
  });

  after(async () => {
    rmSync(dataFile, { force: true });
    await engine.services.remove(service).catch(() => undefined);
    await engine.secrets.remove(secret).catch(() => undefined);
    await engine.configs.remove(configName).catch(() => undefined);
    if (initialised) {
      const left = await gantry(['swarm', 'leave', '-f']);
      assert.equal(left.stdout, 'Node left the swarm.\n');
      if (!gwbridgeExisted) await engine.networks.remove('docker_gwbridge').catch(() => undefined);
    }
    await engine.close();
  });

  it('node ls, inspect self, update --availability --label-add', async (t) => {
    if (skipReason) return t.skip(skipReason);
    await assertParity(['node', 'ls']);
    await assertParity(['node', 'ls', '--format', 'json']);
    await assertParity(['node', 'inspect', '--format', '{{.ID}} {{.Spec.Role}}', 'self']);
    const self = (await engine.system.info()).Swarm?.NodeID ?? '';
    ok(
      await gantry([
        'node',
        'update',
        '--availability',
        'active',
        '--label-add',
        `${TEST_LABEL}.node=${run}`,
        self,
      ]),
      'update',
    );
    assert.equal((await engine.nodes.inspect(self)).Spec?.Labels?.[`${TEST_LABEL}.node`], run);
    ok(await gantry(['node', 'update', '--label-rm', `${TEST_LABEL}.node`, self]), 'update');
    assert.equal((await engine.nodes.inspect(self)).Spec?.Labels?.[`${TEST_LABEL}.node`], undefined);
    await assertParity(['swarm', 'join-token', '-q', 'worker']);
  });

  it('secret and config: create from stdin and file, ls, inspect, --pretty, rm', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { spawnSync } = await import('node:child_process');
    const { GANTRY_ENTRY } = await import('../support.ts');
    const created = spawnSync(process.execPath, [GANTRY_ENTRY, 'secret', 'create', ...labels, secret, '-'], {
      input: 's3cret',
    });
    assert.equal(created.status, 0, created.stderr.toString());
    assert.match(created.stdout.toString(), /^\w{25}\n$/);
    ok(await gantry(['config', 'create', ...labels, configName, dataFile]), 'config create');
    const data = (await engine.configs.inspect(configName)).Spec?.Data ?? '';
    assert.equal(Buffer.from(data, 'base64').toString(), 'config data');
    for (const args of [
      ['secret', 'ls', ...runFilter],
      ['secret', 'ls', '--format', 'json', ...runFilter],
      ['secret', 'inspect', secret],
      ['secret', 'inspect', '--pretty', secret],
      ['config', 'ls', ...runFilter],
      ['config', 'inspect', '--pretty', configName],
      ['config', 'inspect', '-f', '{{.Spec.Name}}', configName],
      ['secret', 'rm', `gantry-test-missing-${run}`],
    ])
      await assertParity(args);
    assert.equal(ok(await gantry(['secret', 'rm', secret]), 'rm'), `${secret}\n`);
    assert.equal(ok(await gantry(['config', 'rm', configName]), 'rm'), `${configName}\n`);
  });

  it('service create, ls, ps, logs, scale, update, rm', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const created = await gantry([
      'service',
      'create',
      '--name',
      service,
      '--replicas',
      '2',
      ...labels,
      '-e',
      'GREETING=hello',
      '--constraint',
      'node.role==manager',
      '--mount',
      'type=tmpfs,target=/scratch',
      '--mode',
      'replicated',
      TEST_IMAGE,
      'sh',
      '-c',
      'while true; do echo "$GREETING"; sleep 1; done',
    ]);
    const out = ok(created, 'service create');
    assert.match(out, /^\w{25}\noverall progress: /);
    assert.match(out, /overall progress: 2 out of 2 tasks\nverify: Service converged\n$/);
    const spec = (await engine.services.inspect(service)).Spec;
    assert.deepEqual(spec?.TaskTemplate?.ContainerSpec?.Env, ['GREETING=hello']);
    assert.deepEqual(spec?.TaskTemplate?.Placement?.Constraints, ['node.role==manager']);
    assert.equal(spec?.TaskTemplate?.ContainerSpec?.Mounts?.[0]?.Type, 'tmpfs');
    for (const args of [
      ['service', 'ls', ...runFilter],
      ['service', 'ls', '--format', 'json', ...runFilter],
      // CURRENT STATE says "Running 2 seconds ago": compared by its header and the other columns.
      [
        'service',
        'ps',
        '--format',
        'table {{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.Error}}',
        service,
      ],
      ['service', 'ps', '--format', '{{json .Name}} {{.ID}} {{.Ports}}', '--no-trunc', service],
      ['service', 'inspect', '--format', '{{.Spec.Name}} {{.Spec.Mode.Replicated.Replicas}}', service],
    ])
      await assertParity(args);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const logs = ok(await gantry(['service', 'logs', '--tail', '1', service]), 'logs');
    assert.match(logs, new RegExp(`^${service}\\.[12]\\.\\w{12}@\\S+ +\\| hello\\n`));
    const stamped = ok(
      await gantry(['service', 'logs', '-t', '--tail', '1', '--no-task-ids', service]),
      'logs -t',
    );
    assert.match(stamped, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z ${service}\\.[12]@\\S+ +\\| hello\\n`));
    assert.match(
      ok(await gantry(['service', 'scale', '-d', `${service}=1`]), 'scale'),
      new RegExp(`^${service} scaled to 1\\n$`),
    );
    assert.equal((await engine.services.inspect(service)).Spec?.Mode?.Replicated?.Replicas, 1);
    ok(
      await gantry(['service', 'update', '-d', '--env-add', 'OTHER=2', '--label-add', 'tier=web', service]),
      'update',
    );
    const updated = (await engine.services.inspect(service)).Spec;
    assert.deepEqual(updated?.TaskTemplate?.ContainerSpec?.Env, ['GREETING=hello', 'OTHER=2']);
    assert.equal(updated?.Labels?.tier, 'web');
    assert.equal(updated?.Mode?.Replicated?.Replicas, 1, 'update leaves the replicas alone');
    await assertParity(['service', 'rm', `gantry-test-missing-${run}`]);
    assert.equal(ok(await gantry(['service', 'rm', service]), 'rm'), `${service}\n`);
  });
});
