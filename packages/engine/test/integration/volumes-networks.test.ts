/**
 * volumes.* and networks.* against the harness engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EngineVersionError, isNotFound } from '../../src/index.ts';
import { skipOnPodman, TEST_IMAGE, TEST_LABEL, TEST_LABELS, testClient, uniqueName } from '../support.ts';

const docker = testClient();

/** Resolves when `promise` rejects with a 404; fails otherwise. */
async function assertGone(promise: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => isNotFound(err), `${what} should be gone`);
}

describe('volumes', () => {
  const name = uniqueName('vol');
  const tag = uniqueName('voltag');
  const labels = { ...TEST_LABELS, [`${TEST_LABEL}.volumes`]: tag };

  after(async () => {
    await docker.volumes.remove(name, { force: true }).catch(() => undefined);
  });

  test('create returns the volume', async () => {
    const volume = await docker.volumes.create({ Name: name, Labels: labels, Driver: 'local' });
    assert.equal(volume.Name, name);
    assert.equal(volume.Driver, 'local');
    assert.equal(volume.Scope, 'local');
    assert.deepEqual(volume.Labels, labels);
    assert.match(volume.Mountpoint, new RegExp(`/${name}/_data$`));
  });

  test('inspect', async () => {
    const volume = await docker.volumes.inspect(name);
    assert.equal(volume.Name, name);
    assert.equal(volume.Labels[`${TEST_LABEL}.volumes`], tag);
    assert.ok(volume.CreatedAt && !Number.isNaN(Date.parse(volume.CreatedAt)));
  });

  test('list with a label filter: { Volumes, Warnings }', async () => {
    const result = await docker.volumes.list({ filters: { label: [`${TEST_LABEL}.volumes=${tag}`] } });
    assert.ok('Warnings' in result, 'the answer carries Warnings (null when none)');
    assert.deepEqual(
      result.Volumes?.map((volume) => volume.Name),
      [name],
    );
    const none = await docker.volumes.list({
      filters: { label: [`${TEST_LABEL}.volumes=${uniqueName('x')}`] },
    });
    assert.deepEqual(none.Volumes ?? [], []);
  });

  test('update (API 1.42+) throws EngineVersionError before sending', async () => {
    await assert.rejects(
      docker.volumes.update(name, { version: 1, Spec: { Availability: 'drain' } }),
      (err: unknown) => {
        // A request reaching this 1.41 daemon would have come back as a 404 "page not found".
        assert.ok(err instanceof EngineVersionError, String(err));
        assert.equal(err.code, 'VERSION_UNSUPPORTED');
        assert.equal(err.required, '1.42');
        assert.equal(err.negotiated, '1.41');
        assert.match(err.message, /VolumeUpdate/);
        return true;
      },
    );
  });

  test('remove; a second remove is a 404, and force ignores it', async () => {
    await docker.volumes.remove(name);
    await assertGone(docker.volumes.inspect(name), 'the volume');
    await assertGone(docker.volumes.remove(name), 'the volume');
    await docker.volumes.remove(name, { force: true });
  });

  test('remove refuses a volume in use (409)', async () => {
    const busy = uniqueName('busyvol');
    await docker.volumes.create({ Name: busy, Labels: TEST_LABELS });
    const { Id } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['true'],
      Labels: TEST_LABELS,
      HostConfig: { Binds: [`${busy}:/data`] },
    });
    try {
      await assert.rejects(
        docker.volumes.remove(busy),
        (err: unknown) => (err as { code?: string }).code === 'API_CONFLICT',
      );
    } finally {
      await docker.containers.remove(Id, { force: true });
      await docker.volumes.remove(busy);
    }
  });

  test('prune with a unique label removes only those volumes', async () => {
    const pruneTag = uniqueName('prune');
    const pruneLabels = { ...TEST_LABELS, [`${TEST_LABEL}.prune`]: pruneTag };
    const doomed = [uniqueName('pv'), uniqueName('pv')];
    for (const volume of doomed) await docker.volumes.create({ Name: volume, Labels: pruneLabels });
    const kept = uniqueName('kept');
    await docker.volumes.create({ Name: kept, Labels: TEST_LABELS });
    try {
      const result = await docker.volumes.prune({ filters: { label: [`${TEST_LABEL}.prune=${pruneTag}`] } });
      assert.deepEqual([...(result.VolumesDeleted ?? [])].sort(), [...doomed].sort());
      assert.equal(typeof result.SpaceReclaimed, 'number');
      for (const volume of doomed) await assertGone(docker.volumes.inspect(volume), volume);
      assert.equal((await docker.volumes.inspect(kept)).Name, kept);
    } finally {
      await docker.volumes.remove(kept, { force: true });
      for (const volume of doomed) await docker.volumes.remove(volume, { force: true });
    }
  });
});

describe('networks', () => {
  const name = uniqueName('net');
  const tag = uniqueName('nettag');
  const labels = { ...TEST_LABELS, [`${TEST_LABEL}.networks`]: tag };
  let networkId = '';
  let containerId = '';

  before(async () => {
    const { Id } = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: TEST_LABELS,
    });
    containerId = Id;
    await docker.containers.start(containerId);
  });

  after(async () => {
    if (containerId) await docker.containers.remove(containerId, { force: true }).catch(() => undefined);
    if (networkId) await docker.networks.remove(networkId).catch(() => undefined);
  });

  test('create', async () => {
    const result = await docker.networks.create({ Name: name, Driver: 'bridge', Labels: labels });
    assert.match(result.Id ?? '', /^[0-9a-f]{64}$/);
    networkId = result.Id ?? '';
  });

  test('inspect by id and by name', async () => {
    const byId = await docker.networks.inspect(networkId);
    assert.equal(byId.Name, name);
    assert.equal(byId.Driver, 'bridge');
    assert.deepEqual(byId.Labels, labels);
    assert.ok(byId.IPAM?.Config?.[0]?.Subnet, 'the daemon allocated a subnet');
    const byName = await docker.networks.inspect(name, { verbose: false });
    assert.equal(byName.Id, networkId);
  });

  test('list with a label filter', async () => {
    const listed = await docker.networks.list({ filters: { label: [`${TEST_LABEL}.networks=${tag}`] } });
    assert.deepEqual(
      listed.map((network) => network.Id),
      [networkId],
    );
  });

  test('connect a running container, with an alias', {
    skip: skipOnPodman('NetworkSettings.Networks[...].NetworkID is the name, not the id'),
  }, async () => {
    await docker.networks.connect(networkId, {
      Container: containerId,
      EndpointConfig: { Aliases: ['gantry-alias'] },
    });
    const network = await docker.networks.inspect(networkId);
    const endpoint = network.Containers?.[containerId];
    assert.ok(endpoint, 'the container is on the network');
    assert.match(endpoint.IPv4Address ?? '', /^\d+\.\d+\.\d+\.\d+\/\d+$/);
    const container = await docker.containers.inspect(containerId);
    const settings = container.NetworkSettings?.Networks?.[name];
    assert.equal(settings?.NetworkID, networkId);
    assert.ok(settings?.Aliases?.includes('gantry-alias'));
  });

  test('remove refuses a network with a container on it', {
    skip: skipOnPodman('a network with a running container on it is removed (204)'),
  }, async () => {
    await assert.rejects(docker.networks.remove(networkId), (err: unknown) =>
      ['API_CONFLICT', 'API_FORBIDDEN', 'API_SERVER'].includes((err as { code?: string }).code ?? ''),
    );
  });

  test('disconnect', {
    skip: skipOnPodman('needs the connect test above (skipped); podman.test.ts connects'),
  }, async () => {
    await docker.networks.disconnect(networkId, { Container: containerId });
    const network = await docker.networks.inspect(networkId);
    assert.equal(network.Containers?.[containerId], undefined);
    const container = await docker.containers.inspect(containerId);
    assert.equal(container.NetworkSettings?.Networks?.[name], undefined);
  });

  test('remove', async () => {
    await docker.networks.remove(networkId);
    await assertGone(docker.networks.inspect(networkId), 'the network');
    networkId = '';
  });

  test('prune with a unique label removes only those networks', async () => {
    const pruneTag = uniqueName('prune');
    const doomed = uniqueName('pnet');
    const kept = uniqueName('knet');
    const doomedId =
      (
        await docker.networks.create({
          Name: doomed,
          Labels: { ...TEST_LABELS, [`${TEST_LABEL}.prune`]: pruneTag },
        })
      ).Id ?? '';
    const keptId = (await docker.networks.create({ Name: kept, Labels: TEST_LABELS })).Id ?? '';
    try {
      const result = await docker.networks.prune({ filters: { label: [`${TEST_LABEL}.prune=${pruneTag}`] } });
      assert.deepEqual(result.NetworksDeleted, [doomed]);
      await assertGone(docker.networks.inspect(doomedId), doomed);
      assert.equal((await docker.networks.inspect(keptId)).Name, kept);
    } finally {
      await docker.networks.remove(keptId).catch(() => undefined);
      await docker.networks.remove(doomedId).catch(() => undefined);
    }
  });
});
