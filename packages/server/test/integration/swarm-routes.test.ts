/**
 * Swarm, node, service, task, secret and config routes through a real console, on a one-node
 * swarm this file initialises only when the engine is in none (and then leaves). Secrets' content
 * must never come back nor reach the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@gantry/engine';
import { markSwarmInitialisedByTests } from '../../../../test/harness/cleanup.ts';
import { ON_PODMAN, runLabels, startResourceConsole, TEST_IMAGE } from './resource-support.ts';

const { labels, name } = runLabels('swarm');
const api = await startResourceConsole();
const docker = connect();
after(() => docker.close());

const path = (suffix: string) => `${api.engine}${suffix}`;

/** Polls `probe` until it returns a value (not undefined), for at most `ms`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(250);
  }
}

describe('swarm routes on a one-node swarm', { skip: ON_PODMAN ? 'Podman has no swarm mode' : false }, () => {
  let skipReason: string | undefined;
  let initialised = false;
  let gwbridgeExisted = true;
  let nodeId = '';

  before(async () => {
    const info = await api.admin.get(path('/system/info'));
    const state = info.body.Swarm?.LocalNodeState;
    gwbridgeExisted = (await api.admin.get(path('/networks/docker_gwbridge'))).status === 200;
    if (state === 'inactive') {
      markSwarmInitialisedByTests();
      const init = await api.admin.post(path('/swarm/init'), {
        ListenAddr: '127.0.0.1:2377',
        AdvertiseAddr: '127.0.0.1',
      });
      if (init.status !== 200) skipReason = `swarm init failed: ${JSON.stringify(init.body)}`;
      else {
        initialised = true;
        nodeId = init.body.nodeId;
      }
    } else if (!info.body.Swarm?.ControlAvailable)
      skipReason = `the engine is in a swarm as a worker (${state})`;
    else nodeId = info.body.Swarm.NodeID;
  });

  after(async () => {
    for (const service of [name('web'), name('everywhere')])
      await api.admin.delete(path(`/services/${service}`));
    if (initialised) {
      const left = await api.admin.post(path('/swarm/leave?force=true'));
      assert.equal(left.status, 204, JSON.stringify(left.body));
      if (!gwbridgeExisted) await api.admin.delete(path('/networks/docker_gwbridge'));
    }
  });

  test('swarm inspect leaves out the join tokens; join-tokens, unlockkey and update need swarm.manage', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const swarm = await api.admin.get(path('/swarm'));
    assert.equal(swarm.status, 200);
    assert.equal(swarm.body.JoinTokens, undefined);
    assert.equal(typeof swarm.body.ID, 'string');

    const tokens = await api.admin.get(path('/swarm/join-tokens'));
    assert.match(tokens.body.Worker, /^SWMTKN-1-/);
    const unlock = await api.admin.get(path('/swarm/unlockkey'));
    assert.equal(unlock.status, 200);

    const viewer = await api.console.createUser('viewer', '*');
    assert.equal((await viewer.get(path('/swarm'))).status, 200);
    assert.equal((await viewer.get(path('/swarm/join-tokens'))).status, 403);
    assert.equal((await viewer.get(path('/swarm/unlockkey'))).status, 403);

    const updated = await api.admin.post(
      path(`/swarm/update?version=${swarm.body.Version.Index}&rotateWorkerToken=true`),
      {
        ...swarm.body.Spec,
        Labels: { ...swarm.body.Spec.Labels, 'io.gantry.test.routes': 'swarm' },
      },
    );
    assert.equal(updated.status, 204, JSON.stringify(updated.body));
    const after = await api.admin.get(path('/swarm'));
    assert.equal(after.body.Spec.Labels['io.gantry.test.routes'], 'swarm');
    assert.notEqual((await api.admin.get(path('/swarm/join-tokens'))).body.Worker, tokens.body.Worker);
    // Leave the swarm's spec as it was.
    await api.admin.post(path(`/swarm/update?version=${after.body.Version.Index}`), swarm.body.Spec);
  });

  test('nodes: inspect self, update labels and availability, a manager cannot be removed', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const node = await api.admin.get(path(`/nodes/${nodeId}`));
    assert.equal(node.status, 200);
    assert.equal(node.body.Spec.Role, 'manager');
    const updated = await api.admin.post(path(`/nodes/${nodeId}/update?version=${node.body.Version.Index}`), {
      ...node.body.Spec,
      Labels: { ...node.body.Spec.Labels, 'io.gantry.test.routes': 'node' },
    });
    assert.equal(updated.status, 204, JSON.stringify(updated.body));
    const after = await api.admin.get(path(`/nodes/${nodeId}`));
    assert.equal(after.body.Spec.Labels['io.gantry.test.routes'], 'node');
    await api.admin.post(path(`/nodes/${nodeId}/update?version=${after.body.Version.Index}`), node.body.Spec);

    const stale = await api.admin.post(
      path(`/nodes/${nodeId}/update?version=${node.body.Version.Index}`),
      node.body.Spec,
    );
    // The daemon answers a stale version with a 500 ("update out of sequence"): an engine error here.
    assert.equal(stale.status, 502, JSON.stringify(stale.body));
    assert.match(stale.body.error.message, /out of sequence/);
    const removed = await api.admin.delete(path(`/nodes/${nodeId}`));
    assert.ok(removed.status >= 400 && removed.status < 500, JSON.stringify(removed.body));
    assert.match(removed.body.error.message, /manager|demote|itself|current node/i);
  });

  test('secrets: created from text, never answered nor audited; labels updated; removed', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const secret = name('secret');
    const created = await api.admin.post(path('/secrets'), {
      Name: secret,
      Labels: labels,
      text: 'hunter2-the-value',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.match(created.body.Id, /^\w{25}$/);
    const inspected = await api.admin.get(path(`/secrets/${secret}`));
    assert.equal(inspected.status, 200);
    assert.equal(inspected.body.Spec.Name, secret);
    assert.equal(inspected.body.Spec.Data, undefined);

    const updated = await api.admin.post(
      path(`/secrets/${secret}/update?version=${inspected.body.Version.Index}`),
      {
        Labels: { ...labels, extra: 'yes' },
      },
    );
    assert.equal(updated.status, 204, JSON.stringify(updated.body));
    assert.equal((await api.admin.get(path(`/secrets/${secret}`))).body.Spec.Labels.extra, 'yes');

    const audit = await api.admin.get('/api/audit?operation=secrets.');
    assert.ok(audit.body.items.some((row: { operation: string }) => row.operation === 'secrets.create'));
    assert.doesNotMatch(JSON.stringify(audit.body.items), /hunter2|aHVudGVyMi/);

    assert.equal((await api.admin.delete(path(`/secrets/${created.body.Id}`))).status, 204);
    assert.equal((await api.admin.get(path(`/secrets/${secret}`))).status, 404);
  });

  test('configs: created from base64 Data, answered by inspect; labels updated; removed', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const config = name('config');
    const data = Buffer.from('listen 80;\n').toString('base64');
    const created = await api.admin.post(path('/configs'), { Name: config, Labels: labels, Data: data });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const inspected = await api.admin.get(path(`/configs/${config}`));
    assert.equal(inspected.body.Spec.Data, data);
    const updated = await api.admin.post(
      path(`/configs/${config}/update?version=${inspected.body.Version.Index}`),
      {
        Labels: { ...labels, extra: 'yes' },
      },
    );
    assert.equal(updated.status, 204, JSON.stringify(updated.body));
    assert.equal((await api.admin.delete(path(`/configs/${config}`))).status, 204);
  });

  test('services: create, inspect, scale, update, tasks, logs, remove', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const service = name('web');
    const created = await api.admin.post(path('/services'), {
      Name: service,
      Labels: labels,
      TaskTemplate: {
        ContainerSpec: {
          Image: TEST_IMAGE,
          Command: ['sh', '-c', 'echo service-says-hi; exec sleep 300'],
          Env: ['DB_PASSWORD=never-audited'],
          Labels: labels,
        },
      },
      Mode: { Replicated: { Replicas: 1 } },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const id = created.body.ID;
    const inspected = await api.admin.get(path(`/services/${service}`));
    assert.equal(inspected.body.ID, id);

    const scaled = await api.admin.post(path(`/services/${service}/scale`), { replicas: 2 });
    assert.equal(scaled.status, 200, JSON.stringify(scaled.body));
    const afterScale = await api.admin.get(path(`/services/${service}`));
    assert.equal(afterScale.body.Spec.Mode.Replicated.Replicas, 2);

    const updated = await api.admin.post(
      path(`/services/${service}/update?version=${afterScale.body.Version.Index}`),
      {
        ...afterScale.body.Spec,
        Labels: { ...labels, tier: 'front' },
      },
    );
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal((await api.admin.get(path(`/services/${service}`))).body.Spec.Labels.tier, 'front');

    const task = await eventually('a running task', async () => {
      const tasks = await docker.tasks.list({ filters: { service: [id], 'desired-state': ['running'] } });
      return tasks.find((candidate) => candidate.Status?.State === 'running');
    });
    // The console's task list comes from its inventory, which no task event updates: it must still
    // reach `running` (tasks are re-listed while one is on its way).
    await eventually(
      'the running task in the console list',
      async () => {
        const listed = await api.admin.get(path(`/tasks?pageSize=100`));
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        const item = listed.body.items.find((candidate: { ID: string }) => candidate.ID === task.ID);
        return item?.Status?.State === 'running' ? item : undefined;
      },
      15_000,
    );
    const taskInspected = await api.admin.get(path(`/tasks/${task.ID}`));
    assert.equal(taskInspected.status, 200);
    assert.equal(taskInspected.body.ServiceID, id);

    const logs = await eventually('the service logs', async () => {
      const answer = await api.admin.get(path(`/services/${service}/logs?tail=all`));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const text = answer.body.frames.map((frame: { text: string }) => frame.text).join('');
      return text.includes('service-says-hi') ? answer.body : undefined;
    });
    assert.equal(logs.truncated, false);
    assert.equal(logs.frames[0].stream, 'stdout');
    const taskLogs = await api.admin.get(path(`/tasks/${task.ID}/logs?tail=5`));
    assert.equal(taskLogs.status, 200);

    const audit = await api.admin.get('/api/audit?operation=services.create');
    assert.deepEqual(audit.body.items[0].params.envNames, ['DB_PASSWORD']);
    assert.doesNotMatch(JSON.stringify(audit.body.items[0]), /never-audited/);

    assert.equal((await api.admin.delete(path(`/services/${service}`))).status, 204);
    assert.equal((await api.admin.get(path(`/services/${service}`))).status, 404);
  });

  test('a global service cannot be scaled: 409 NOT_REPLICATED', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const service = name('everywhere');
    const created = await api.admin.post(path('/services'), {
      Name: service,
      Labels: labels,
      TaskTemplate: { ContainerSpec: { Image: TEST_IMAGE, Command: ['sleep', '300'], Labels: labels } },
      Mode: { Global: {} },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const scaled = await api.admin.post(path(`/services/${service}/scale`), { replicas: 3 });
    assert.equal(scaled.status, 409);
    assert.equal(scaled.body.error.code, 'NOT_REPLICATED');
    assert.equal((await api.admin.delete(path(`/services/${service}`))).status, 204);
  });

  test('validation names the field', async () => {
    const noImage = await api.admin.post(path('/services'), {
      Name: 'x',
      TaskTemplate: { ContainerSpec: {} },
    });
    assert.equal(noImage.status, 400);
    assert.match(noImage.body.error.message, /body\.TaskTemplate\.ContainerSpec\.Image/);
    const badToken = await api.admin.post(path('/swarm/join'), {
      RemoteAddrs: ['10.0.0.1:2377'],
      JoinToken: 'nope',
    });
    assert.equal(badToken.status, 400);
    assert.match(badToken.body.error.message, /body\.JoinToken/);
    const noVersion = await api.admin.post(path('/secrets/whatever/update'), { Labels: {} });
    assert.equal(noVersion.status, 400);
    assert.match(noVersion.body.error.message, /query\.version/);
  });
});
