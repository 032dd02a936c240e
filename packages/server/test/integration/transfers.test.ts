import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildContext } from '@gantry/engine';
import { docker, TEST_IMAGE, TEST_LABEL } from '../realtime-support.ts';
import { startTestConsole } from '../support.ts';

const REGISTRY = process.env.GANTRY_TEST_REGISTRY ?? '';
const REGISTRY_IMAGE = process.env.GANTRY_TEST_REGISTRY_IMAGE ?? '';
const auth = {
  username: process.env.GANTRY_TEST_REGISTRY_USER ?? '',
  password: process.env.GANTRY_TEST_REGISTRY_PASSWORD ?? '',
  serveraddress: REGISTRY,
};

/** POSTs and reads the NDJSON answer line by line. */
async function transfer(url: string, token: string, body: BodyInit, contentType = 'application/json') {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  const text = await response.text();
  const lines =
    response.headers.get('content-type')?.startsWith('application/x-ndjson') === true
      ? text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
      : [];
  return { status: response.status, lines, text };
}

const uniqueTag = () => randomBytes(4).toString('hex');

test('pull from the harness registry with credentials: per-layer progress to 100 %', {
  skip: !REGISTRY && 'no test registry',
}, async () => {
  const c = await startTestConsole();
  const token = await c.createToken('operator', '*');
  // An image with a layer this engine does not have: pushed, then removed, so the pull transfers it.
  const directory = await mkdtemp(join(tmpdir(), 'gantry-rt-pull-'));
  after(() => rm(directory, { recursive: true, force: true }));
  await writeFile(
    join(directory, 'Dockerfile'),
    `FROM ${TEST_IMAGE}\nRUN head -c 3000000 /dev/urandom > /blob\n`,
  );
  const image = `${REGISTRY}/gantry-test/rt-pull:${uniqueTag()}`;
  await docker.images
    .build({ directory }, { t: image, labels: { [TEST_LABEL]: '1', [`${TEST_LABEL}.created`]: '1' } })
    .wait();
  await docker.images.push(image, { auth }).wait();
  await docker.images.remove(image, { force: true });
  after(() => docker.images.remove(image, { force: true }).catch(() => {}));
  const { status, lines, text } = await transfer(
    `${c.url}/api/engines/${c.localEngineId}/images/pull`,
    token,
    JSON.stringify({ image, auth }),
  );
  assert.equal(status, 200, text);
  const progress = lines.filter((line) => line.type === 'progress');
  assert.ok(progress.length >= 1);
  const layered = progress.find((line) => Object.keys(line.layers).length > 0);
  assert.ok(layered, `a frame with per-layer state: ${text}`);
  const layers = Object.values(progress.at(-1).layers) as { status: string; percent: number }[];
  assert.ok(layers.length >= 1 && layers.every((layer) => layer.percent === 100), JSON.stringify(layers));
  assert.ok(
    progress.some((line) =>
      Object.values(line.layers).some((layer: any) => layer.percent > 0 && layer.percent < 100),
    ),
    'a layer was seen part-way',
  );
  assert.equal(progress.at(-1).overall, 100);
  const done = lines.at(-1);
  assert.equal(done.type, 'done', text);
  assert.match(done.image, /^sha256:/);

  const audit = await (await c.asAdmin()).get('/api/audit?operation=images.pull');
  const rows = JSON.stringify(audit.body);
  assert.ok(rows.includes('images.pull') && rows.includes('success'), rows);
  assert.ok(!rows.includes(auth.password), 'the registry password is not in the audit log');

  // Wrong credentials: refused before any progress, a plain HTTP error, audited as a failure.
  const refused = await transfer(
    `${c.url}/api/engines/${c.localEngineId}/images/pull`,
    token,
    JSON.stringify({ image: REGISTRY_IMAGE, auth: { ...auth, password: 'wrong-password' } }),
  );
  assert.ok(refused.status === 424 || refused.lines.at(-1)?.type === 'error', refused.text);
  assert.ok(!refused.text.includes('wrong-password'));
});

test('build from a Dockerfile alone and from a tar context; push the result with credentials', async () => {
  const c = await startTestConsole();
  const token = await c.createToken('operator', '*');
  const base = `${c.url}/api/engines/${c.localEngineId}/images`;
  const labels = encodeURIComponent(JSON.stringify({ [TEST_LABEL]: '1', [`${TEST_LABEL}.created`]: '1' }));
  const tag = `gantry-test-tmp/rt-build:${uniqueTag()}`;
  after(() => docker.images.remove(tag, { force: true }).catch(() => {}));
  const dockerfile = `FROM ${TEST_IMAGE}\nARG WORD\nRUN echo "$WORD" > /word\n`;
  const built = await transfer(
    `${base}/build?tags=${tag}&labels=${labels}&buildargs=${encodeURIComponent('{"WORD":"hello"}')}`,
    token,
    JSON.stringify({ dockerfile }),
  );
  assert.equal(built.status, 200, built.text);
  assert.equal(built.lines.at(-1).type, 'done', built.text);
  assert.match(built.lines.at(-1).image, /^sha256:/);
  assert.ok(built.lines.some((line) => line.type === 'progress' && /RUN echo/.test(line.output ?? '')));
  const run = await docker.run(tag, ['cat', '/word'], { remove: true, labels: { [TEST_LABEL]: '1' } });
  assert.equal(String(run.stdout).trim(), 'hello');

  // A tar context with a file the Dockerfile copies.
  const directory = await mkdtemp(join(tmpdir(), 'gantry-rt-ctx-'));
  after(() => rm(directory, { recursive: true, force: true }));
  await writeFile(join(directory, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY note.txt /note.txt\n`);
  await writeFile(join(directory, 'note.txt'), 'from the tar\n');
  const chunks: Buffer[] = [];
  for await (const chunk of buildContext(directory)) chunks.push(chunk as Buffer);
  const tarTag = `gantry-test-tmp/rt-build:${uniqueTag()}`;
  after(() => docker.images.remove(tarTag, { force: true }).catch(() => {}));
  const fromTar = await transfer(
    `${base}/build?tags=${tarTag}&labels=${labels}`,
    token,
    Buffer.concat(chunks),
    'application/x-tar',
  );
  assert.equal(fromTar.lines.at(-1)?.type, 'done', fromTar.text);

  const failing = await transfer(
    `${base}/build?labels=${labels}`,
    token,
    JSON.stringify({ dockerfile: `FROM ${TEST_IMAGE}\nRUN exit 7\n` }),
  );
  assert.equal(failing.lines.at(-1).type, 'error', failing.text);
  // Docker: "returned a non-zero code: 7"; Podman (buildah): "exit status 7".
  assert.match(failing.lines.at(-1).message, /non-zero code: 7|exit status 7/);
  const audit = JSON.stringify((await (await c.asAdmin()).get('/api/audit?operation=images.build')).body);
  assert.ok(audit.includes('failure') && audit.includes('success'), audit);

  if (!REGISTRY) return;
  const remote = `${REGISTRY}/gantry-test/rt-push:${uniqueTag()}`;
  const [repo, remoteTag] = [
    remote.slice(0, remote.lastIndexOf(':')),
    remote.slice(remote.lastIndexOf(':') + 1),
  ];
  await docker.images.tag(tag, { repo, tag: remoteTag });
  after(() => docker.images.remove(remote, { force: true }).catch(() => {}));
  const pushed = await transfer(`${base}/push`, token, JSON.stringify({ image: remote, auth }));
  assert.equal(pushed.status, 200, pushed.text);
  assert.equal(pushed.lines.at(-1).type, 'done', pushed.text);
  assert.match(pushed.lines.at(-1).digest, /^sha256:/);
  const final = pushed.lines.filter((line) => line.type === 'progress').at(-1);
  assert.equal(final.overall, 100);
});
