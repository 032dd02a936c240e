/** Volume routes through a real console on the harness engine: create, inspect, in-use refusal, remove, prune by label. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runLabels, startResourceConsole, TEST_IMAGE } from './resource-support.ts';

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
});
