/**
 * What Podman's Docker-compatible API does differently, asserted as it is (Podman pass only): a
 * change in Podman, or in how the SDK copes with it, shows up here. docs/podman.md lists every
 * difference with the test that shows it.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineApiError, type EventMessage } from '../../src/index.ts';
import { ENGINE, registry, TEST_IMAGE, TEST_LABEL, TEST_LABELS, testClient, uniqueName } from '../support.ts';

const containers: string[] = [];
const images: string[] = [];
// Registered before testClient() so it runs before the client is closed.
after(async () => {
  for (const id of containers) await docker.containers.remove(id, { force: true }).catch(() => {});
  for (const ref of images) await docker.images.remove(ref).catch(() => {});
});
const docker = testClient();

async function runningContainer(): Promise<string> {
  const { Id } = await docker.containers.create({
    Image: TEST_IMAGE,
    Cmd: ['sleep', '300'],
    Labels: TEST_LABELS,
  });
  containers.push(Id);
  await docker.containers.start(Id);
  return Id;
}

describe('Podman 4.3 differences', { skip: ENGINE === 'podman' ? false : 'Podman pass only' }, () => {
  test('ping has no OSType and says experimental; version names the Podman Engine component', async () => {
    const ping = await docker.system.ping();
    assert.equal(ping.apiVersion, '1.41');
    assert.equal(ping.osType, undefined);
    assert.equal(ping.experimental, true);
    const version = await docker.system.version();
    assert.equal(version.ApiVersion, '1.41');
    assert.equal(version.MinAPIVersion, '1.24');
    assert.match(version.Version ?? '', /^4\.\d+\.\d+$/);
    assert.deepEqual(
      version.Components?.map((component) => component.Name),
      ['Podman Engine', 'Conmon', 'OCI Runtime (runc)'],
    );
  });

  test("a container being stopped is in the state 'stopping' (typed)", async () => {
    const id = await runningContainer();
    // sleep as pid 1 ignores SIGTERM: the stop waits its full 3 s before SIGKILL.
    const stopped = docker.containers.stop(id, { t: 3 });
    let status = (await docker.containers.inspect(id)).State?.Status;
    for (let i = 0; i < 40 && status !== 'stopping'; i++) {
      await sleep(50);
      status = (await docker.containers.inspect(id)).State?.Status;
    }
    assert.equal(status, 'stopping');
    const [listed] = await docker.containers.list({ all: true, filters: { id: [id] } });
    assert.equal(listed?.State, 'stopping');
    await stopped;
    assert.equal((await docker.containers.inspect(id)).State?.Status, 'exited');
  });

  test('a stats sample names the container id `Id`', async () => {
    const id = await runningContainer();
    const sample = await docker.containers.stats(id, { stream: false, 'one-shot': true });
    assert.equal(sample.Id, id);
    assert.equal(sample.id, undefined);
  });

  test("container removal is the event 'remove'; 'init' and 'cleanup' come in between", async () => {
    const tag = uniqueName('events');
    const since = new Date(Date.now() - 2_000);
    const seen: EventMessage[] = [];
    const listening = (async () => {
      for await (const event of docker.system.events({
        since,
        filters: { label: [`${TEST_LABEL}.events=${tag}`] },
      })) {
        seen.push(event);
        if (event.Action === 'remove') break;
      }
    })();
    const { Id } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['true'],
      Labels: { ...TEST_LABELS, [`${TEST_LABEL}.events`]: tag },
    });
    await docker.containers.start(Id);
    await docker.containers.wait(Id);
    await docker.containers.remove(Id);
    await listening;
    assert.deepEqual(
      seen.map((event) => event.Action),
      ['create', 'init', 'start', 'die', 'cleanup', 'remove'],
    );
  });

  test('RepoTags are fully qualified; commit answers the Id without sha256:', async () => {
    const repo = `gantry-test-tmp/${uniqueName('podman')}`;
    await docker.images.tag(TEST_IMAGE, { repo, tag: 'v1' });
    images.push(`${repo}:v1`);
    assert.ok((await docker.images.inspect(`${repo}:v1`)).RepoTags?.includes(`docker.io/${repo}:v1`));

    const id = await runningContainer();
    const { Id } = await docker.images.commit({ container: id, repo, tag: 'c1', Labels: TEST_LABELS });
    images.push(`${repo}:c1`);
    assert.match(Id, /^[0-9a-f]{64}$/);
    assert.equal((await docker.images.inspect(`${repo}:c1`)).Id, `sha256:${Id}`);
  });

  test('a name in use and exec in a stopped container are 500s, not 409s', async () => {
    const name = uniqueName('dup');
    const { Id } = await docker.containers.create({ name, Image: TEST_IMAGE, Labels: TEST_LABELS });
    containers.push(Id);
    await assert.rejects(
      docker.containers.create({ name, Image: TEST_IMAGE, Labels: TEST_LABELS }),
      (err) => {
        assert.ok(err instanceof EngineApiError);
        assert.equal(err.status, 500);
        assert.match(err.message, /is already in use/);
        return true;
      },
    );
    await assert.rejects(docker.exec.create(Id, { Cmd: ['true'] }), (err) => {
      assert.ok(err instanceof EngineApiError);
      assert.equal(err.status, 500);
      assert.match(err.message, /container state improper/);
      return true;
    });
  });

  test('connect with an alias and disconnect work; NetworkID is the name; removal while attached succeeds', async () => {
    const id = await runningContainer();
    const name = uniqueName('net');
    const { Id: network = '' } = await docker.networks.create({ Name: name, Labels: TEST_LABELS });
    await docker.networks.connect(network, { Container: id, EndpointConfig: { Aliases: ['gantry-alias'] } });
    const settings = (await docker.containers.inspect(id)).NetworkSettings?.Networks?.[name];
    assert.equal(settings?.NetworkID, name);
    assert.ok(settings?.Aliases?.includes('gantry-alias'));
    await docker.networks.disconnect(network, { Container: id });
    assert.equal((await docker.networks.inspect(network)).Containers?.[id], undefined);
    await docker.networks.connect(network, { Container: id });
    await docker.networks.remove(network);
    await assert.rejects(docker.networks.inspect(network), { code: 'API_NOT_FOUND' });
    const attached = (await docker.containers.inspect(id)).NetworkSettings?.Networks ?? {};
    assert.equal(attached[name]?.NetworkID, name, 'a stale entry is left');
  });

  test('push with credentials resolves with the digest; pulled back by digest it is the test image', async () => {
    const auth = { username: registry.user, password: registry.password, serveraddress: registry.host };
    const repo = `${registry.host}/gantry-test-tmp/${uniqueName('push')}`;
    await docker.images.tag(TEST_IMAGE, { repo, tag: 'v1' });
    images.push(`${repo}:v1`);
    const { digest } = await docker.images.push(`${repo}:v1`, { auth }).wait();
    assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    await docker.images.remove(`${repo}:v1`);
    const { image } = await docker.images.pull(`${repo}@${digest}`, { auth }).wait();
    assert.equal(image.Id, (await docker.images.inspect(TEST_IMAGE)).Id);
  });
});
