/**
 * Plugin routes through a real console: a plugin created from a local tarball (no registry needed)
 * is inspected, configured and removed; a missing one is a 404. Installing from a registry needs
 * the internet (skipped when the engine cannot reach Docker Hub).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tarPath } from '@gantry/engine';
import { bytesFrom, ON_PODMAN, runLabels, startResourceConsole } from './resource-support.ts';

const { run } = runLabels('plugins');
const api = await startResourceConsole();
const work = mkdtempSync(join(tmpdir(), 'gantry-plugin-routes-'));
const plugin = `gantry-test-tmp/plugin-${run}:latest`;
const plugins = (suffix: string) => `${api.engine}/plugins${suffix}`;
const ref = encodeURIComponent(plugin);

/** A plugin's build context: config.json and a (nearly empty) rootfs, as `docker plugin create` takes it. */
function pluginTarball(): Promise<Buffer> {
  const root = join(work, 'plugin');
  mkdirSync(join(root, 'rootfs'), { recursive: true });
  writeFileSync(join(root, 'rootfs', 'README'), 'a test plugin that is never enabled\n');
  writeFileSync(
    join(root, 'config.json'),
    JSON.stringify({
      description: 'gantry test plugin',
      documentation: 'https://example.invalid',
      entrypoint: ['/never-run'],
      interface: { types: ['docker.volumedriver/1.0'], socket: 'gantry.sock' },
      network: { type: 'host' },
      env: [{ name: 'DEBUG', description: 'debug output', settable: ['value'], value: '0' }],
    }),
  );
  return bytesFrom(tarPath(root, { name: '.' }) as AsyncIterable<Buffer>);
}

describe('plugin routes', { skip: ON_PODMAN ? 'Podman has no plugin API' : false }, () => {
  // In the suite, so it runs while the console is still up (its own after() closes it last).
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    // The harness does not sweep plugins: this file removes its own.
    await api.admin.delete(plugins(`/${ref}?force=true`));
  });

  test('create from a tarball, inspect, set, remove', async () => {
    const created = await api.raw('POST', plugins(`/create?name=${encodeURIComponent(plugin)}`), {
      body: await pluginTarball(),
      headers: { 'content-type': 'application/x-tar' },
    });
    assert.equal(created.status, 204, await created.text());

    const inspected = await api.admin.get(plugins(`/${ref}`));
    assert.equal(inspected.status, 200);
    assert.equal(inspected.body.Name, plugin);
    assert.equal(inspected.body.Enabled, false);

    const set = await api.admin.post(plugins(`/${ref}/set`), { settings: ['DEBUG=1'] });
    assert.equal(set.status, 204, JSON.stringify(set.body));
    assert.deepEqual((await api.admin.get(plugins(`/${ref}`))).body.Settings.Env, ['DEBUG=1']);

    assert.equal((await api.admin.delete(plugins(`/${ref}`))).status, 204);
    const missing = await api.admin.get(plugins(`/${ref}`));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'API_NOT_FOUND');
  });

  test('install from Docker Hub', async (t) => {
    const privileges = await api.admin.get(plugins('/privileges?remote=vieux/sshfs:latest'));
    // Offline, Docker 20.10 answers an empty list rather than an error.
    if (privileges.status >= 500 || privileges.body.length === 0)
      return t.skip(
        `Docker Hub unreachable from the engine: ${privileges.body.error?.message ?? 'no privileges listed'}`,
      );
    assert.equal(privileges.status, 200, JSON.stringify(privileges.body));
    assert.ok(privileges.body.some((privilege: { Name: string }) => privilege.Name === 'network'));
    // Installing it would change the engine for good: the privileges answer is as far as this goes.
  });

  test('validation names the field', async () => {
    const noRemote = await api.admin.post(plugins('/pull'), {});
    assert.equal(noRemote.status, 400);
    assert.match(noRemote.body.error.message, /body\.remote/);
    const badSetting = await api.admin.post(plugins(`/${ref}/set`), { settings: ['DEBUG'] });
    assert.equal(badSetting.status, 400);
    assert.match(badSetting.body.error.message, /body\.settings\[0\]: a setting is "NAME=value"/);
  });
});
