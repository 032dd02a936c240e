/**
 * swarm.*, nodes.*, secrets.*, configs.*, services.* and tasks.* on a one-node swarm the test
 * initialises — only when the engine is in no swarm yet (a swarm someone else runs is not ours to
 * change). The harness is told at once, so it leaves the swarm even if this file crashes.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { markSwarmInitialisedByTests } from '../../../../test/harness/cleanup.ts';
import { type EngineError, isNotFound, type Task } from '../../src/index.ts';
import { skipOnPodman, TEST_IMAGE, TEST_LABEL, TEST_LABELS, testClient, uniqueName } from '../support.ts';

const docker = testClient();
const info = await docker.system.info();
const state = info.Swarm?.LocalNodeState;
const skip =
  state === 'inactive'
    ? false
    : `the engine is already in a swarm (LocalNodeState: ${state}) — not ours to change`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined) or `ms` pass. */
async function eventually<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(500);
  }
}

describe('swarm', { skip: skipOnPodman('no Swarm: POST /swarm/init is a 503') || skip }, () => {
  let nodeId = '';
  let gwbridgeExisted = true;

  before(async () => {
    gwbridgeExisted = (await docker.networks.list({ filters: { name: ['^docker_gwbridge$'] } })).length > 0;
    nodeId = await docker.swarm.init({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
    markSwarmInitialisedByTests();
  });

  after(async () => {
    await docker.swarm.leave({ force: true });
    const left = await docker.system.info();
    assert.equal(left.Swarm?.LocalNodeState, 'inactive');
    // `swarm init` creates docker_gwbridge and `leave` keeps it: remove it when the test made it.
    if (!gwbridgeExisted) await docker.networks.remove('docker_gwbridge');
  });

  test('init resolved with this node, now an active manager', async () => {
    assert.match(nodeId, /^[0-9a-z]{25}$/);
    const now = await docker.system.info();
    assert.equal(now.Swarm?.LocalNodeState, 'active');
    assert.equal(now.Swarm?.NodeID, nodeId);
    assert.equal(now.Swarm?.ControlAvailable, true);
  });

  test('inspect: id, version, join tokens', async () => {
    const swarm = await docker.swarm.inspect();
    assert.ok(swarm.ID);
    assert.ok((swarm.Version?.Index ?? 0) > 0);
    assert.match(swarm.JoinTokens?.Worker ?? '', /^SWMTKN-1-/);
    assert.match(swarm.JoinTokens?.Manager ?? '', /^SWMTKN-1-/);
  });

  test('unlockKey: empty while autolock is off', async () => {
    const { UnlockKey } = await docker.swarm.unlockKey();
    assert.equal(UnlockKey ?? '', '');
  });

  test('update with the current version; a stale version is refused; rotating the worker token', async () => {
    const before = await docker.swarm.inspect();
    const version = before.Version?.Index ?? 0;
    await docker.swarm.update({
      ...before.Spec,
      Labels: { ...before.Spec?.Labels, ...TEST_LABELS },
      version,
      rotateWorkerToken: true,
    });
    const updated = await docker.swarm.inspect();
    assert.equal(updated.Spec?.Labels?.[TEST_LABEL], '1');
    assert.ok((updated.Version?.Index ?? 0) > version);
    assert.notEqual(updated.JoinTokens?.Worker, before.JoinTokens?.Worker, 'a new worker token');
    assert.equal(updated.JoinTokens?.Manager, before.JoinTokens?.Manager, 'the manager token is kept');
    await assert.rejects(docker.swarm.update({ ...updated.Spec, version }), (err: unknown) =>
      /out of sequence/i.test((err as Error).message),
    );
  });

  test('nodes: list, inspect, update a label, and it sticks', async () => {
    const nodes = await docker.nodes.list();
    assert.deepEqual(
      nodes.map((node) => node.ID),
      [nodeId],
    );
    const managers = await docker.nodes.list({ filters: { role: ['manager'] } });
    assert.equal(managers.length, 1);
    const node = await docker.nodes.inspect(nodeId);
    assert.equal(node.ManagerStatus?.Leader, true);
    assert.equal(node.Status?.State, 'ready');
    await docker.nodes.update(nodeId, {
      ...node.Spec,
      Labels: { ...node.Spec?.Labels, 'gantry.zone': 'a' },
      version: node.Version?.Index ?? 0,
    });
    const updated = await docker.nodes.inspect(nodeId);
    assert.equal(updated.Spec?.Labels?.['gantry.zone'], 'a');
    assert.equal(updated.Spec?.Availability, 'active');
    const labelled = await docker.nodes.list({ filters: { 'node.label': ['gantry.zone=a'] } });
    assert.equal(labelled.length, 1);
  });

  for (const kind of ['secrets', 'configs'] as const) {
    test(`${kind}: create, inspect, list, update labels, remove`, async () => {
      const api = docker[kind];
      const name = uniqueName(kind);
      const data = Buffer.from(`value of ${name}\n`).toString('base64');
      const { Id } = await api.create({ Name: name, Data: data, Labels: TEST_LABELS });
      assert.match(Id, /^[0-9a-z]{25}$/);
      try {
        const inspected = await api.inspect(name);
        assert.equal(inspected.ID, Id);
        assert.equal(inspected.Spec?.Name, name);
        // A secret's data never comes back; a config's does.
        assert.equal(inspected.Spec?.Data, kind === 'secrets' ? undefined : data);
        const listed = await api.list({ filters: { name: [name] } });
        assert.deepEqual(
          listed.map((item) => item.ID),
          [Id],
        );
        await api.update(Id, {
          ...inspected.Spec,
          Labels: { ...inspected.Spec?.Labels, rotated: 'no' },
          version: inspected.Version?.Index ?? 0,
        });
        const updated = await api.inspect(Id);
        assert.equal(updated.Spec?.Labels?.rotated, 'no');
        const byLabel = await api.list({ filters: { label: ['rotated=no'], name: [name] } });
        assert.equal(byLabel.length, 1);
        await assert.rejects(
          api.update(Id, {
            ...updated.Spec,
            Data: Buffer.from('other').toString('base64'),
            version: updated.Version?.Index ?? 0,
          }),
          (err: unknown) => /only updates to Labels are allowed/i.test((err as Error).message),
        );
      } finally {
        await api.remove(Id);
      }
      await assert.rejects(api.inspect(Id), (err: unknown) => isNotFound(err));
    });
  }

  describe('services and tasks', () => {
    const name = uniqueName('svc');
    let serviceId = '';

    after(async () => {
      if (serviceId) await docker.services.remove(serviceId).catch(() => undefined);
    });

    test('create', async () => {
      const result = await docker.services.create({
        Name: name,
        Labels: TEST_LABELS,
        TaskTemplate: {
          ContainerSpec: {
            Image: TEST_IMAGE,
            Command: ['sh', '-c', 'echo hello-from-service; sleep 300'],
            Labels: TEST_LABELS,
            // `sh` as pid 1 ignores SIGTERM: without this, removing the service waits 10 s per task.
            StopGracePeriod: 1_000_000_000, // ns
          },
          RestartPolicy: { Condition: 'none' },
        },
        Mode: { Replicated: { Replicas: 1 } },
      });
      assert.match(result.ID ?? '', /^[0-9a-z]{25}$/);
      // Since API 1.30 the daemon does not resolve image digests (the CLI does): no warnings.
      assert.deepEqual(result.Warnings ?? [], []);
      serviceId = result.ID ?? '';
    });

    test('inspect and list', async () => {
      const service = await docker.services.inspect(serviceId);
      assert.equal(service.Spec?.Name, name);
      assert.equal(service.Spec?.Mode?.Replicated?.Replicas, 1);
      assert.equal(service.Spec?.TaskTemplate?.ContainerSpec?.Image, TEST_IMAGE);
      const withDefaults = await docker.services.inspect(name, { insertDefaults: true });
      assert.ok(withDefaults.Spec?.UpdateConfig, 'insertDefaults fills the update config');
      const listed = await docker.services.list({ filters: { label: [TEST_LABEL] }, status: true });
      const mine = listed.find((s) => s.ID === serviceId);
      assert.ok(mine);
      assert.equal(mine.ServiceStatus?.DesiredTasks, 1);
    });

    test('tasks list filtered by service, task inspect: the task runs', async () => {
      const running = await eventually('the task runs', 60_000, async () => {
        const tasks = await docker.tasks.list({ filters: { service: [serviceId] } });
        return tasks.find((task) => task.Status?.State === 'running');
      });
      assert.equal(running.ServiceID, serviceId);
      const task = await docker.tasks.inspect(running.ID ?? '');
      assert.equal(task.ID, running.ID);
      assert.equal(task.Slot, 1);
      assert.equal(task.DesiredState, 'running');
      assert.match(task.Status?.ContainerStatus?.ContainerID ?? '', /^[0-9a-f]{64}$/);
    });

    test('service logs: the line the task echoed', async () => {
      const signal = AbortSignal.timeout(30_000);
      let text = '';
      try {
        for await (const frame of docker.services.logs(serviceId, { follow: true, signal })) {
          assert.equal(frame.stream, 'stdout', 'no TTY: a multiplexed stream');
          text += frame.data.toString('utf8');
          if (text.includes('hello-from-service')) break; // closes the follow request
        }
      } catch (err) {
        throw new Error(`"hello-from-service" not seen within 30 s; got ${JSON.stringify(text)}`, {
          cause: err,
        });
      }
      assert.match(text, /hello-from-service/);
    });

    test('task logs: the same line, as a stdout frame', async () => {
      const [task] = await docker.tasks.list({
        filters: { service: [serviceId], 'desired-state': ['running'] },
      });
      assert.ok(task?.ID);
      const frames: string[] = [];
      for await (const frame of docker.tasks.logs(task.ID, { tail: 'all' })) {
        assert.equal(frame.stream, 'stdout');
        frames.push(frame.data.toString('utf8'));
      }
      assert.match(frames.join(''), /hello-from-service/);
    });

    test('update to 2 replicas with the current version; a stale version is refused', async () => {
      const service = await docker.services.inspect(serviceId);
      const version = service.Version?.Index ?? 0;
      const result = await docker.services.update(serviceId, {
        ...service.Spec,
        Mode: { Replicated: { Replicas: 2 } },
        version,
      });
      assert.deepEqual(result.Warnings ?? [], []);
      const updated = await docker.services.inspect(serviceId);
      assert.equal(updated.Spec?.Mode?.Replicated?.Replicas, 2);
      assert.ok((updated.Version?.Index ?? 0) > version);
      await eventually('two running tasks', 60_000, async () => {
        const tasks: Task[] = await docker.tasks.list({
          filters: { service: [serviceId], 'desired-state': ['running'] },
        });
        const slots = tasks.filter((task) => task.Status?.State === 'running').map((task) => task.Slot);
        return slots.length === 2 ? slots : undefined;
      });
      await assert.rejects(docker.services.update(serviceId, { ...updated.Spec, version }), (err: unknown) =>
        /out of sequence/i.test((err as EngineError).message),
      );
    });

    test('remove', async () => {
      await docker.services.remove(serviceId);
      await assert.rejects(docker.services.inspect(serviceId), (err: unknown) => isNotFound(err));
      serviceId = '';
      // The tasks' containers go asynchronously; wait so leaving the swarm finds nothing running.
      await eventually('the tasks are gone', 30_000, async () => {
        const containers = await docker.containers.list({
          filters: { label: [`com.docker.swarm.service.name=${name}`] },
        });
        return containers.length === 0 ? true : undefined;
      });
    });
  });
});

describe('services: registry auth and update query, as sent on the wire', () => {
  interface Seen {
    method: string;
    url: string;
    auth: string | undefined;
    body: unknown;
  }
  const seen: Seen[] = [];
  let server: Server;
  let host = '';

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          auth: req.headers['x-registry-auth'] as string | undefined,
          body: text ? JSON.parse(text) : undefined,
        });
        res.writeHead(req.url?.includes('/create') ? 201 : 200, { 'Content-Type': 'application/json' });
        res.end(req.url?.includes('/create') ? '{"ID":"svc1","Warnings":null}' : '{"Warnings":null}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const credentials = { username: 'ci', password: 'p<a>ss&word', serveraddress: '127.0.0.1:5000' };
  const decode = (header: string | undefined) =>
    JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as Record<string, string>;

  test('create sends auth as X-Registry-Auth, never in the body', async () => {
    seen.length = 0;
    const client = testClient({ host, env: {}, apiVersion: '1.41' });
    const result = await client.services.create({
      Name: 'web',
      TaskTemplate: { ContainerSpec: { Image: '127.0.0.1:5000/web:1' } },
      auth: credentials,
    });
    assert.equal(result.ID, 'svc1');
    assert.equal(seen.length, 1);
    const [request] = seen;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, '/v1.41/services/create');
    assert.deepEqual(decode(request?.auth), credentials);
    assert.deepEqual(request?.body, {
      Name: 'web',
      TaskTemplate: { ContainerSpec: { Image: '127.0.0.1:5000/web:1' } },
    });
  });

  test('create without auth sends no header', async () => {
    seen.length = 0;
    const client = testClient({ host, env: {}, apiVersion: '1.41' });
    await client.services.create({ Name: 'web' });
    assert.equal(seen[0]?.auth, undefined);
  });

  test('update splits version / registryAuthFrom / rollback into the query, the spec into the body', async () => {
    seen.length = 0;
    const client = testClient({ host, env: {}, apiVersion: '1.41' });
    await client.services.update('web', {
      version: 42,
      registryAuthFrom: 'previous-spec',
      rollback: 'previous',
      auth: credentials,
      Name: 'web',
      Mode: { Replicated: { Replicas: 3 } },
    });
    const [request] = seen;
    assert.equal(
      request?.url,
      '/v1.41/services/web/update?version=42&registryAuthFrom=previous-spec&rollback=previous',
    );
    assert.deepEqual(decode(request?.auth), credentials);
    assert.deepEqual(request?.body, { Name: 'web', Mode: { Replicated: { Replicas: 3 } } });
  });
});
