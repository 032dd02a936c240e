/**
 * Container routes through a real console on the harness engine: a container's life (create with
 * ports, env, a volume and a restart policy; start, top, stop, rename, update, wait, exec, files in
 * and out, export, remove), the engine's refusals as HTTP statuses, validation 400s, and what the
 * audit row of a create keeps (no environment values).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readTar, tarPath } from '@gantry/engine';
import {
  bytesFrom,
  chunksOf,
  runLabels,
  skipOnPodman,
  startResourceConsole,
  TEST_IMAGE,
} from './resource-support.ts';

const { labels, filters, name } = runLabels('containers');
// At the top level: the console's after() hook then closes it when the file is done.
const api = await startResourceConsole();

describe('container routes', {
  skip: skipOnPodman(
    'Podman 4.3 has no container update endpoint, answers 500 (not 409) for removing a running container, and fills in HostPort',
  ),
}, () => {
  const work = mkdtempSync(join(tmpdir(), 'gantry-container-routes-'));
  const volume = name('data');
  const container = name('main');
  let id = '';

  before(async () => {
    const created = await api.admin.post(`${api.engine}/volumes`, { Name: volume, Labels: labels });
    assert.equal(created.status, 200, JSON.stringify(created.body));
  });

  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await api.admin.delete(`${api.engine}/containers/${container}?force=true&volumes=true`);
    await api.admin.delete(`${api.engine}/volumes/${volume}?force=true`);
  });

  const path = (suffix: string) => `${api.engine}/containers${suffix}`;

  test('create with ports, env, a volume and a restart policy; inspect shows them', async () => {
    const created = await api.admin.post(path(`?name=${container}`), {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo started; exec sleep 300'],
      Env: ['GREETING=hello', 'API_TOKEN=very-secret-value'],
      Labels: labels,
      ExposedPorts: { '80/tcp': {} },
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        Binds: [`${volume}:/data`],
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
      },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.match(created.body.Id, /^[0-9a-f]{64}$/);
    id = created.body.Id;

    const { status, body } = await api.admin.get(path(`/${container}`));
    assert.equal(status, 200);
    assert.equal(body.Id, id);
    assert.equal(body.Name, `/${container}`);
    assert.ok(body.Config.Env.includes('GREETING=hello'));
    assert.deepEqual(body.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
    assert.deepEqual(body.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    assert.deepEqual(body.HostConfig.Binds, [`${volume}:/data`]);
  });

  test("the create's audit row names the image and the env keys, never an env value", async () => {
    const { body } = await api.admin.get('/api/audit?operation=containers.create&pageSize=10');
    const row = body.items.find((item: { target?: string }) => item.target === id);
    assert.ok(row, JSON.stringify(body.items));
    assert.equal(row.outcome, 'success');
    assert.equal(row.params.image, TEST_IMAGE);
    assert.deepEqual(row.params.envNames, ['GREETING', 'API_TOKEN']);
    assert.doesNotMatch(JSON.stringify(row), /very-secret-value|hello/);
  });

  test('start, top, exec (output, stderr, exit code, env), stats', async () => {
    assert.equal((await api.admin.post(path(`/${id}/start`))).status, 204);
    const top = await api.admin.get(path(`/${id}/top`));
    assert.equal(top.status, 200);
    assert.ok(
      top.body.Processes.some((process: string[]) => process.join(' ').includes('sleep 300')),
      JSON.stringify(top.body),
    );

    const exec = await api.admin.post(path(`/${id}/exec`), {
      Cmd: ['sh', '-c', 'echo out; echo err >&2; echo "$X"; exit 4'],
      Env: ['X=42'],
    });
    assert.equal(exec.status, 200, JSON.stringify(exec.body));
    assert.deepEqual(exec.body, { exitCode: 4, stdout: 'out\n42\n', stderr: 'err\n', truncated: false });

    const stats = await api.admin.get(path(`/${id}/stats`));
    assert.equal(stats.status, 200);
    assert.equal(typeof stats.body.memory_stats, 'object');
  });

  test('exec output past 1 MiB is cut and says so; a command past its timeout is a 504', async () => {
    const big = await api.admin.post(path(`/${id}/exec`), { Cmd: ['head', '-c', '1500000', '/dev/zero'] });
    assert.equal(big.status, 200);
    assert.equal(big.body.exitCode, 0);
    assert.equal(big.body.truncated, true);
    assert.equal(big.body.stdout.length, 1024 ** 2);

    const slow = await api.admin.post(path(`/${id}/exec`), { Cmd: ['sleep', '30'], timeout: 1 });
    assert.equal(slow.status, 504);
    assert.equal(slow.body.error.code, 'EXEC_TIMEOUT');
  });

  test('files: put a tar, stat a path, get it back, 404 for a missing path', async () => {
    const file = join(work, 'hello.txt');
    writeFileSync(file, 'hello from the console\n');
    const tar = await bytesFrom(tarPath(file) as AsyncIterable<Buffer>);
    const put = await api.raw('PUT', path(`/${id}/archive?path=/data`), {
      body: tar,
      headers: { 'content-type': 'application/x-tar' },
    });
    assert.equal(put.status, 204, await put.text());

    const stat = await api.admin.get(path(`/${id}/archive/stat?path=/data/hello.txt`));
    assert.equal(stat.status, 200);
    assert.equal(stat.body.name, 'hello.txt');
    assert.equal(stat.body.size, 23);

    const got = await api.raw('GET', path(`/${id}/archive?path=/data/hello.txt`));
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'application/x-tar');
    assert.match(got.headers.get('content-disposition') ?? '', /^attachment; filename="hello\.txt\.tar"/);
    const header = JSON.parse(
      Buffer.from(got.headers.get('x-docker-container-path-stat') ?? '', 'base64').toString('utf8'),
    );
    assert.equal(header.name, 'hello.txt');
    const entries: { name: string; text: string }[] = [];
    for await (const entry of readTar(chunksOf(got))) {
      const parts: Buffer[] = [];
      for await (const part of entry.content()) parts.push(part);
      entries.push({ name: entry.name, text: Buffer.concat(parts).toString('utf8') });
    }
    assert.deepEqual(entries, [{ name: 'hello.txt', text: 'hello from the console\n' }]);

    const missing = await api.admin.get(path(`/${id}/archive/stat?path=/data/nothing-here`));
    assert.equal(missing.status, 404);
  });

  test('export streams the filesystem as a tar', async () => {
    const response = await api.raw('GET', path(`/${id}/export`));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', new RegExp(`filename="${id}\\.tar"`));
    const names = new Set<string>();
    for await (const entry of readTar(chunksOf(response))) names.add(entry.name);
    assert.ok(names.has('etc/passwd'), [...names].slice(0, 20).join(', '));
  });

  test('removing a running container without force is a 409; a missing one is a 404', async () => {
    const refused = await api.admin.delete(path(`/${id}`));
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'API_CONFLICT');
    const missing = await api.admin.get(path(`/${name('nowhere')}`));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'API_NOT_FOUND');
    assert.match(missing.body.error.message, /No such container/i);
  });

  test('stop, rename, update, restart, kill, wait', async () => {
    assert.equal((await api.admin.post(path(`/${id}/stop?t=1`))).status, 204);
    assert.equal((await api.admin.get(path(`/${id}`))).body.State.Running, false);

    const renamed = `${container}-renamed`;
    assert.equal((await api.admin.post(path(`/${id}/rename?name=${renamed}`))).status, 204);
    assert.equal((await api.admin.get(path(`/${renamed}`))).body.Id, id);
    assert.equal((await api.admin.post(path(`/${id}/rename?name=${container}`))).status, 204);

    const updated = await api.admin.post(path(`/${id}/update`), {
      Memory: 64 * 1024 ** 2,
      MemorySwap: -1,
      RestartPolicy: { Name: 'no' },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const inspected = (await api.admin.get(path(`/${id}`))).body;
    assert.equal(inspected.HostConfig.Memory, 64 * 1024 ** 2);
    assert.equal(inspected.HostConfig.RestartPolicy.Name, 'no');

    assert.equal((await api.admin.post(path(`/${id}/restart?t=1`))).status, 204);
    assert.equal((await api.admin.get(path(`/${id}`))).body.State.Running, true);
    assert.equal((await api.admin.post(path(`/${id}/kill?signal=SIGKILL`))).status, 204);
    const waited = await api.admin.post(path(`/${id}/wait`));
    assert.equal(waited.status, 200);
    assert.equal(waited.body.StatusCode, 137);
  });

  test('wait answers the exit code of a short-lived container; prune by label removes it', async () => {
    const created = await api.admin.post(path(`?name=${name('short')}`), {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'exit 3'],
      Labels: labels,
    });
    assert.equal(created.status, 200);
    assert.equal((await api.admin.post(path(`/${created.body.Id}/start`))).status, 204);
    const waited = await api.admin.post(path(`/${created.body.Id}/wait`));
    assert.equal(waited.body.StatusCode, 3);

    const pruned = await api.admin.post(path(`/prune?filters=${filters}`));
    assert.equal(pruned.status, 200);
    assert.ok(pruned.body.ContainersDeleted.includes(created.body.Id), JSON.stringify(pruned.body));
    assert.ok(
      pruned.body.ContainersDeleted.includes(id),
      'the stopped main container matches the run label too',
    );
    id = '';
  });

  test('validation: the field is named; ids with "/" are refused', async () => {
    const noImage = await api.admin.post(path(''), { Cmd: ['true'] });
    assert.equal(noImage.status, 400);
    assert.equal(noImage.body.error.code, 'VALIDATION');
    assert.match(noImage.body.error.message, /body\.Image: Image is required/);

    const badPorts = await api.admin.post(path(''), {
      Image: TEST_IMAGE,
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 8080 }] } },
    });
    assert.equal(badPorts.status, 400);
    assert.match(badPorts.body.error.message, /body\.HostConfig\.PortBindings\.80\/tcp\[0\]\.HostPort/);

    const slash = await api.admin.get(path('/a%2Fjson'));
    assert.equal(slash.status, 400);
    assert.match(slash.body.error.message, /params\.id: a container id or name cannot contain "\/"/);

    const noPath = await api.admin.get(path('/whatever/archive'));
    assert.equal(noPath.status, 400);
    assert.match(noPath.body.error.message, /query\.path/);
  });

  test('a viewer may inspect but not exec, and its refusal names the permission', async () => {
    const viewer = await api.console.createUser('viewer', '*');
    const probe = await api.admin.post(path(`?name=${name('probe')}`), { Image: TEST_IMAGE, Labels: labels });
    assert.equal((await viewer.get(path(`/${probe.body.Id}`))).status, 200);
    const denied = await viewer.post(path(`/${probe.body.Id}/exec`), { Cmd: ['true'] });
    assert.equal(denied.status, 403);
    assert.match(denied.body.error.message, /containers\.exec/);
    assert.equal((await api.admin.delete(path(`/${probe.body.Id}?force=1`))).status, 204);
  });
});
