/**
 * Owner scope through the gateway against the real engine: with `scope: owner` in the policy
 * document, what a token creates carries its owner label, and another token's lists, inspects,
 * logs, exec and references (VolumesFrom, network connect) cannot see or reach it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNER_LABEL } from '../../src/gateway/scope.ts';
import {
  type CliResult,
  dockerCli,
  type GatewayConsole,
  startGatewayConsole,
  TEST_IMAGE,
  TEST_LABEL,
  uniqueSuffix,
} from './gateway-support.ts';
import { skipOnPodman } from './resource-support.ts';

const noSuch = (result: CliResult) => {
  assert.notEqual(result.code, 0, 'refused');
  assert.match(result.stderr, /No such (container|network|volume|object)/i);
};

describe('owner scope through the gateway', {
  skip: skipOnPodman('the gateway tests run the docker CLI against Docker'),
}, () => {
  let gateway: GatewayConsole;
  let alice: ReturnType<typeof dockerCli>;
  let bob: ReturnType<typeof dockerCli>;
  let admin: ReturnType<typeof dockerCli>;
  let aliceTokenId: string;
  const run = uniqueSuffix();
  const mine = `gantry-test-gw-alice-${run}`;
  const label = ['--label', `${TEST_LABEL}=1`];

  before(async () => {
    gateway = await startGatewayConsole({
      autoClose: false,
      policy: { version: 1, roles: { operator: { scope: 'owner' } } },
    });
    const engines = [gateway.console.localEngineId];
    const adminClient = await gateway.console.asAdmin();
    const created = await adminClient.post('/api/tokens', {
      name: `alice-${run}`,
      role: 'operator',
      engines,
    });
    aliceTokenId = created.body.id;
    alice = dockerCli(gateway, created.body.token);
    bob = dockerCli(gateway, await gateway.console.createToken('operator', engines));
    admin = dockerCli(gateway, await gateway.console.createToken('admin', engines));
    const started = await alice.run([
      'run',
      '-d',
      ...label,
      '--name',
      mine,
      TEST_IMAGE,
      'sh',
      '-c',
      'echo secret-log; sleep 300',
    ]);
    assert.equal(started.code, 0, started.stderr);
  });
  after(async () => {
    await admin?.run(['rm', '-f', mine, `${mine}-bob`]);
    await admin?.run(['network', 'rm', `${mine}-net`]);
    for (const cli of [alice, bob, admin]) cli?.cleanup();
    await gateway?.console.close();
    gateway?.cleanup();
  });

  test("the creator's container carries its owner label and is in its own list", async () => {
    const labels = await admin.run([
      'inspect',
      mine,
      '--format',
      `{{index .Config.Labels "${OWNER_LABEL}"}}`,
    ]);
    assert.equal(labels.stdout.trim(), `token:${aliceTokenId}`);
    const listed = await alice.run(['ps', '--format', '{{.Names}}']);
    assert.ok(listed.stdout.split('\n').includes(mine));
    const logs = await alice.run(['logs', mine]);
    assert.equal(logs.stdout, 'secret-log\n');
  });

  test('another token cannot list, inspect, read logs of, exec in or stop it', async () => {
    const listed = await bob.run(['ps', '-a', '--format', '{{.Names}}']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(!listed.stdout.split('\n').includes(mine), 'invisible in lists');
    noSuch(await bob.run(['inspect', mine]));
    noSuch(await bob.run(['logs', mine]));
    noSuch(await bob.run(['exec', mine, 'true']));
    noSuch(await bob.run(['stop', mine]));
    // By its id prefix too: the object is resolved first, then its owner checked.
    const id = (await admin.run(['inspect', mine, '--format', '{{.Id}}'])).stdout.trim();
    noSuch(await bob.run(['inspect', id.slice(0, 12)]));
  });

  test('references escape no scope: volumes-from and network connect to a foreign container', async () => {
    const sharing = await bob.run([
      'run',
      '-d',
      ...label,
      '--name',
      `${mine}-bob`,
      '--volumes-from',
      mine,
      TEST_IMAGE,
      'true',
    ]);
    assert.notEqual(sharing.code, 0);
    const network = await bob.run(['network', 'create', ...label, `${mine}-net`]);
    assert.equal(network.code, 0, network.stderr);
    noSuch(await bob.run(['network', 'connect', `${mine}-net`, mine]));
    noSuch(await alice.run(['network', 'inspect', `${mine}-net`]));
  });

  test('events are filtered to the caller', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await alice.run(['restart', '-t', '0', mine]);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const window = [
      'events',
      '--since',
      String(since),
      '--until',
      until,
      '--filter',
      'type=container',
      '--format',
      '{{.Actor.Attributes.name}}',
    ];
    const own = await alice.run(window);
    assert.ok(own.stdout.split('\n').includes(mine), own.stderr);
    const foreign = await bob.run(window);
    assert.equal(foreign.code, 0, foreign.stderr);
    assert.ok(!foreign.stdout.split('\n').includes(mine));
  });

  test('audit rows name the full id the request was forwarded with', async () => {
    const client = await gateway.console.asAdmin();
    const { body } = await client.get('/api/audit?operation=gateway.ContainerLogs&outcome=success');
    const id = (await admin.run(['inspect', mine, '--format', '{{.Id}}'])).stdout.trim();
    assert.ok(body.items.some((row: { target?: string }) => row.target === id));
    const { body: denied } = await client.get('/api/audit?operation=gateway.ContainerInspect&outcome=denied');
    assert.ok(
      denied.items.some((row: { params: { rule?: string } }) => row.params.rule === 'scope.not-owned'),
    );
  });
});
