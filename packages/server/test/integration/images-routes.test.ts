/**
 * Image routes through a real console on the harness engine: tag, inspect, history, save, remove,
 * load (a tar round trip), import, commit, prune by label, search (Docker Hub: skipped offline),
 * and the 404 / 400 answers. Every image made here is a `gantry-test-tmp/*` tag or carries
 * `io.gantry.test.created=1`, which the harness removes.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readTar, tarPath } from '@gantry/engine';
import {
  bytesFrom,
  bytesOf,
  runLabels,
  skipOnPodman,
  startResourceConsole,
  TEST_IMAGE,
} from './resource-support.ts';

const { run, labels, filters, name } = runLabels('images');
const api = await startResourceConsole();
const work = mkdtempSync(join(tmpdir(), 'gantry-image-routes-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** An image reference as one path segment. */
const ref = (reference: string) => encodeURIComponent(reference);
const images = (suffix: string) => `${api.engine}/images${suffix}`;
const repository = `gantry-test-tmp/routes-${run}`;

describe('image routes', {
  skip: skipOnPodman(
    'Podman 4.3 names tags docker.io/..., answers no image id for an import, and its commit wants a body',
  ),
}, () => {
  test('tag, inspect, history', async () => {
    const tagged = await api.admin.post(images(`/${ref(TEST_IMAGE)}/tag?repo=${repository}&tag=v1`));
    assert.equal(tagged.status, 204, JSON.stringify(tagged.body));
    const inspected = await api.admin.get(images(`/${ref(`${repository}:v1`)}`));
    assert.equal(inspected.status, 200);
    assert.ok(inspected.body.RepoTags.includes(`${repository}:v1`));
    const base = await api.admin.get(images(`/${ref(TEST_IMAGE)}`));
    assert.equal(inspected.body.Id, base.body.Id);
    const history = await api.admin.get(images(`/${ref(`${repository}:v1`)}/history`));
    assert.equal(history.status, 200);
    assert.ok(Array.isArray(history.body) && history.body.length >= 1);
  });

  test('save, remove the tag, load it back', async () => {
    const saved = await api.raw('GET', images(`/${ref(`${repository}:v1`)}/save`));
    assert.equal(saved.status, 200);
    assert.equal(saved.headers.get('content-type'), 'application/x-tar');
    assert.match(
      saved.headers.get('content-disposition') ?? '',
      /^attachment; filename="gantry-test-tmp_routes-/,
    );
    const tar = await bytesOf(saved);
    const names: string[] = [];
    for await (const entry of readTar(
      (async function* () {
        yield tar;
      })(),
    ))
      names.push(entry.name);
    assert.ok(names.includes('manifest.json'), names.join(', '));

    const removed = await api.admin.delete(images(`/${ref(`${repository}:v1`)}`));
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, [{ Untagged: `${repository}:v1` }]);
    assert.equal((await api.admin.get(images(`/${ref(`${repository}:v1`)}`))).status, 404);

    const loaded = await api.raw('POST', images('/load'), {
      body: tar,
      headers: { 'content-type': 'application/x-tar' },
    });
    assert.equal(loaded.status, 200, await loaded.clone().text());
    assert.deepEqual((await loaded.json()).images, [`${repository}:v1`]);
    assert.equal((await api.admin.get(images(`/${ref(`${repository}:v1`)}`))).status, 200);
  });

  test('import a root filesystem tarball', async () => {
    const root = join(work, 'rootfs');
    mkdirSync(root);
    writeFileSync(join(root, 'hello.txt'), 'imported\n');
    const tar = await bytesFrom(tarPath(root, { name: '.' }) as AsyncIterable<Buffer>);
    const imported = await api.raw(
      'POST',
      images(
        `/import?repo=${repository}-imported&tag=1&changes=${encodeURIComponent('LABEL io.gantry.test.created=1\nCMD ["/hello"]')}`,
      ),
      { body: tar, headers: { 'content-type': 'application/x-tar' } },
    );
    assert.equal(imported.status, 200, await imported.clone().text());
    const { imageId } = await imported.json();
    assert.match(imageId, /^sha256:[0-9a-f]{64}$/);
    const inspected = await api.admin.get(images(`/${ref(`${repository}-imported:1`)}`));
    assert.equal(inspected.body.Id, imageId);
    assert.deepEqual(inspected.body.Config.Cmd, ['/hello']);
  });

  test("commit a container's changes", async () => {
    const container = await api.admin.post(`${api.engine}/containers?name=${name('commit')}`, {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo committed > /committed.txt'],
      Labels: labels,
    });
    assert.equal(container.status, 200);
    await api.admin.post(`${api.engine}/containers/${container.body.Id}/start`);
    await api.admin.post(`${api.engine}/containers/${container.body.Id}/wait`);
    const committed = await api.admin.post(images('/commit'), {
      container: container.body.Id,
      repo: `${repository}-committed`,
      tag: '1',
      comment: 'from the console',
      changes: ['LABEL io.gantry.test.created=1', 'ENV SECRET_TOKEN=never-audited'],
    });
    assert.equal(committed.status, 200, JSON.stringify(committed.body));
    const inspected = await api.admin.get(images(`/${ref(`${repository}-committed:1`)}`));
    assert.equal(inspected.body.Id, committed.body.Id);
    assert.equal(inspected.body.Comment, 'from the console');
    const audit = await api.admin.get('/api/audit?operation=images.commit');
    assert.deepEqual(audit.body.items[0].params.changes, ['LABEL', 'ENV']);
    assert.doesNotMatch(JSON.stringify(audit.body.items[0]), /never-audited/);
    await api.admin.delete(`${api.engine}/containers/${container.body.Id}?force=1`);
  });

  test('prune only what the label filter selects', async () => {
    const pruned = await api.admin.post(images(`/prune?filters=${filters}`));
    assert.equal(pruned.status, 200);
    assert.equal(pruned.body.SpaceReclaimed, 0);
  });

  test('search Docker Hub', async (t) => {
    const found = await api.admin.get(images('/search?term=busybox&limit=1'));
    if (found.status >= 500)
      return t.skip(`Docker Hub unreachable from the engine: ${found.body.error?.message}`);
    assert.equal(found.status, 200);
    assert.equal(found.body.length, 1);
  });

  test('a missing image is a 404; a bad tag is a 400 naming the field', async () => {
    const missing = await api.admin.get(images(`/${ref(`${repository}:missing`)}`));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'API_NOT_FOUND');
    const badRepo = await api.admin.post(images(`/${ref(TEST_IMAGE)}/tag?repo=Upper/Case`));
    assert.equal(badRepo.status, 400);
    assert.match(badRepo.body.error.message, /query\.repo: a repository is lowercase/);
    const noTerm = await api.admin.get(images('/search'));
    assert.equal(noTerm.status, 400);
    assert.match(noTerm.body.error.message, /query\.term/);
  });
});
