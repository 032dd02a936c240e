/** System routes through a real console on the harness engine: info, version, ping, df, and prune limited by a label. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runLabels, startResourceConsole } from './resource-support.ts';

const { filters } = runLabels('system');
const api = await startResourceConsole();
const system = (suffix: string) => `${api.engine}/system${suffix}`;

describe('system routes', () => {
  test('info, version and ping describe the same engine', async () => {
    const info = await api.admin.get(system('/info'));
    const version = await api.admin.get(system('/version'));
    const ping = await api.admin.get(system('/ping'));
    assert.equal(info.status, 200);
    assert.equal(version.status, 200);
    assert.equal(ping.status, 200);
    assert.equal(typeof info.body.ID, 'string');
    assert.equal(info.body.ServerVersion, version.body.Version);
    assert.equal(ping.body.apiVersion, version.body.ApiVersion);
  });

  test('df reports images, containers and volumes', async () => {
    const df = await api.admin.get(system('/df'));
    assert.equal(df.status, 200);
    assert.ok(Array.isArray(df.body.Images));
    assert.ok(df.body.Images.length >= 1, 'at least the test image');
    assert.equal(typeof df.body.LayersSize, 'number');
    const bad = await api.admin.get(system('/df?type=everything'));
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /query\.type/);
  });

  test('prune with a label no object has removes nothing, and is audited', async () => {
    const pruned = await api.admin.post(system(`/prune?volumes=true&filters=${filters}`));
    assert.equal(pruned.status, 200, JSON.stringify(pruned.body));
    assert.deepEqual(pruned.body, {
      containersDeleted: [],
      networksDeleted: [],
      volumesDeleted: [],
      imagesDeleted: [],
      cachesDeleted: [],
      spaceReclaimed: 0,
    });
    const audit = await api.admin.get('/api/audit?operation=system.prune');
    assert.equal(audit.body.items[0].outcome, 'success');
    assert.equal(audit.body.items[0].params.volumes, true);
  });

  test('a viewer reads but may not prune', async () => {
    const viewer = await api.console.createUser('viewer', '*');
    assert.equal((await viewer.get(system('/info'))).status, 200);
    const denied = await viewer.post(system(`/prune?filters=${filters}`));
    assert.equal(denied.status, 403);
    assert.match(denied.body.error.message, /system\.prune/);
  });
});
