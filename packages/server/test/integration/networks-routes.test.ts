/**
 * Network routes through a real console on the harness engine: create with IPAM, inspect, connect
 * and disconnect a container (with an alias and a fixed address), remove, prune by label, and the
 * engine's refusals as statuses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runLabels, skipOnPodman, startResourceConsole, TEST_IMAGE } from './resource-support.ts';

const { labels, filters, name } = runLabels('networks');
const api = await startResourceConsole();
const networks = (suffix: string) => `${api.engine}/networks${suffix}`;
/** A subnet of its own per run, so parallel runs do not overlap. */
const octet = 100 + Math.floor(Math.random() * 100);
const subnet = `10.231.${octet}`;

describe('network routes', {
  skip: skipOnPodman('Podman 4.3 answers 500 (Docker: 403) for removing a network in use'),
}, () => {
  const network = name('net');
  const container = name('member');

  test('create with IPAM, inspect', async () => {
    const created = await api.admin.post(networks(''), {
      Name: network,
      Driver: 'bridge',
      Labels: labels,
      IPAM: { Config: [{ Subnet: `${subnet}.0/24`, Gateway: `${subnet}.1` }] },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const inspected = await api.admin.get(networks(`/${network}`));
    assert.equal(inspected.status, 200);
    assert.equal(inspected.body.Id, created.body.Id);
    assert.deepEqual(inspected.body.IPAM.Config, [{ Subnet: `${subnet}.0/24`, Gateway: `${subnet}.1` }]);
  });

  test('connect a container with an alias and an address, then disconnect it', async () => {
    const made = await api.admin.post(`${api.engine}/containers?name=${container}`, {
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: labels,
    });
    assert.equal(made.status, 200);
    assert.equal((await api.admin.post(`${api.engine}/containers/${container}/start`)).status, 204);
    const connected = await api.admin.post(networks(`/${network}/connect`), {
      Container: container,
      EndpointConfig: { Aliases: ['db'], IPAMConfig: { IPv4Address: `${subnet}.9` } },
    });
    assert.equal(connected.status, 204, JSON.stringify(connected.body));
    const inspected = await api.admin.get(`${api.engine}/containers/${container}`);
    const endpoint = inspected.body.NetworkSettings.Networks[network];
    assert.equal(endpoint.IPAddress, `${subnet}.9`);
    assert.ok(endpoint.Aliases.includes('db'));

    const busy = await api.admin.delete(networks(`/${network}`));
    // Docker answers 403 for a network with endpoints; the code tells it from a console denial.
    assert.equal(busy.status, 403, JSON.stringify(busy.body));
    assert.equal(busy.body.error.code, 'API_FORBIDDEN');
    assert.match(busy.body.error.message, /active endpoints/);

    const disconnected = await api.admin.post(networks(`/${network}/disconnect`), { Container: container });
    assert.equal(disconnected.status, 204);
    const after = await api.admin.get(`${api.engine}/containers/${container}`);
    assert.equal(after.body.NetworkSettings.Networks[network], undefined);
    await api.admin.delete(`${api.engine}/containers/${container}?force=1`);
  });

  test('prune by label removes the unused network; a missing one is then a 404', async () => {
    const pruned = await api.admin.post(networks(`/prune?filters=${filters}`));
    assert.equal(pruned.status, 200);
    assert.deepEqual(pruned.body.NetworksDeleted, [network]);
    const missing = await api.admin.delete(networks(`/${network}`));
    assert.equal(missing.status, 404);
  });

  test('validation names the field', async () => {
    const noName = await api.admin.post(networks(''), { Driver: 'bridge' });
    assert.equal(noName.status, 400);
    assert.match(noName.body.error.message, /body\.Name/);
    const noContainer = await api.admin.post(networks(`/${network}/connect`), {});
    assert.equal(noContainer.status, 400);
    assert.match(noContainer.body.error.message, /body\.Container/);
  });
});
