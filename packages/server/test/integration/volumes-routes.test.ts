/** Volume routes through a real console on the harness engine: create, inspect, in-use refusal, remove, prune by label. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readTar } from '@gantry/engine';
import { bytesOf, chunksOf, runLabels, startResourceConsole, TEST_IMAGE } from './resource-support.ts';

const { labels, filters, name } = runLabels('volumes');
const api = await startResourceConsole();
const volumes = (suffix: string) => `${api.engine}/volumes${suffix}`;

describe('volume routes', () => {
  const volume = name('vol');

  test('create with labels and driver options; inspect', async () => {
    const created = await api.admin.post(volumes(''), {
      Name: volume,
      Labels: labels,
      DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'mode=0755' },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.Name, volume);
    const inspected = await api.admin.get(volumes(`/${volume}`));
    assert.equal(inspected.status, 200);
    assert.deepEqual(inspected.body.Options, { type: 'tmpfs', device: 'tmpfs', o: 'mode=0755' });
    assert.deepEqual(inspected.body.Labels, labels);
    const audit = await api.admin.get('/api/audit?operation=volumes.create');
    assert.deepEqual(audit.body.items[0].params.driverOpts, ['type', 'device', 'o']);
  });

  test('a volume in use is a 409 unless forced away with its container', async () => {
    const container = await api.admin.post(`${api.engine}/containers?name=${name('user')}`, {
      Image: TEST_IMAGE,
      Labels: labels,
      HostConfig: { Binds: [`${volume}:/data`] },
    });
    assert.equal(container.status, 200);
    const refused = await api.admin.delete(volumes(`/${volume}`));
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /in use|being used/);
    await api.admin.delete(`${api.engine}/containers/${container.body.Id}?force=1`);
    assert.equal((await api.admin.delete(volumes(`/${volume}`))).status, 204);
    assert.equal((await api.admin.get(volumes(`/${volume}`))).status, 404);
  });

  test('prune by label', async () => {
    const made = await api.admin.post(volumes(''), { Name: name('unused'), Labels: labels });
    assert.equal(made.status, 200);
    const pruned = await api.admin.post(volumes(`/prune?filters=${filters}`));
    assert.equal(pruned.status, 200);
    assert.deepEqual(pruned.body.VolumesDeleted, [name('unused')]);
  });

  test('validation', async () => {
    const slash = await api.admin.post(volumes(''), { Name: 'a/b' });
    assert.equal(slash.status, 400);
    assert.match(slash.body.error.message, /body\.Name: a volume id or name cannot contain "\/"|body\.Name/);
    const badFilters = await api.admin.post(volumes('/prune?filters=label'));
    assert.equal(badFilters.status, 400);
    assert.match(badFilters.body.error.message, /query\.filters: filters must be JSON/);
  });

  test('files of a volume no container mounts, through a reader removed afterwards', async () => {
    const filled = name('filled');
    assert.equal((await api.admin.post(volumes(''), { Name: filled, Labels: labels })).status, 200);
    // A labelled container writes the files and is removed: nothing mounts the volume after.
    const writer = await api.admin.post(`${api.engine}/containers?name=${name('writer')}`, {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'mkdir -p /data/sub && echo hello-volume > /data/sub/greeting.txt'],
      Labels: labels,
      HostConfig: { Binds: [`${filled}:/data`] },
    });
    assert.equal(writer.status, 200, JSON.stringify(writer.body));
    assert.equal((await api.admin.post(`${api.engine}/containers/${writer.body.Id}/start`)).status, 204);
    await api.admin.post(`${api.engine}/containers/${writer.body.Id}/wait`);
    await api.admin.delete(`${api.engine}/containers/${writer.body.Id}?force=1`);

    const whole = await api.raw('GET', volumes(`/${filled}/archive`));
    assert.equal(whole.status, 200, await whole.clone().text());
    const entries: Record<string, string> = {};
    for await (const entry of readTar(chunksOf(whole))) {
      let text = '';
      for await (const chunk of entry.content()) text += chunk.toString();
      // Docker names entries under the directory's base name (`volume/sub`), Podman from `/`.
      entries[entry.name.replace(/^(volume)?\/+/, '')] = text;
    }
    assert.equal(entries['sub/greeting.txt'], 'hello-volume\n', Object.keys(entries).join(', '));

    const file = await api.raw('GET', volumes(`/${filled}/archive?path=/sub/greeting.txt`));
    assert.equal(file.status, 200);
    const stat = JSON.parse(
      Buffer.from(file.headers.get('x-docker-container-path-stat') ?? '', 'base64').toString(),
    );
    assert.equal(stat.name, 'greeting.txt');
    assert.ok((await bytesOf(file)).includes('hello-volume'));

    const climbing = await api.admin.get(volumes(`/${filled}/archive?path=/../../etc`));
    assert.equal(climbing.status, 400);
    assert.match(climbing.body.error.message, /query\.path/);
    assert.equal((await api.admin.get(volumes(`/${name('missing')}/archive`))).status, 404);
    const viewer = api.console.client({ token: await api.console.createToken('viewer', '*') });
    const refused = await viewer.get(volumes(`/${filled}/archive`));
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /containers\.files\.read/);

    // Every reader is gone once its stream ended; then the volume is free to remove.
    let readers: unknown[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const listed = await api.admin.get(
        `${api.engine}/containers?label=io.gantry.volume-reader&pageSize=100`,
      );
      readers = listed.body.items;
      if (readers.length === 0) break;
      await sleep(250);
    }
    assert.deepEqual(readers, []);
    assert.equal((await api.admin.delete(volumes(`/${filled}`))).status, 204);
  });
});
