/**
 * Checks the harness (test/harness) provides what the other tests rely on — with node:http only, so
 * a broken SDK cannot make the harness look broken: the engine, the mutual-TLS daemon (and that it
 * refuses wrong material), the registry with its auth, and a test image whose applets work.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describe, test } from 'node:test';

// The environment is read here rather than through ./support.ts, which loads the SDK.
function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set — run the tests with \`npm test\`, which provisions the engine`);
  return value;
}

const TEST_IMAGE = required('GANTRY_TEST_IMAGE');
const TEST_LABELS = { [required('GANTRY_TEST_LABEL')]: '1' };
const registry = {
  host: required('GANTRY_TEST_REGISTRY'),
  user: required('GANTRY_TEST_REGISTRY_USER'),
  password: required('GANTRY_TEST_REGISTRY_PASSWORD'),
  image: required('GANTRY_TEST_REGISTRY_IMAGE'),
};
const tlsDaemon = {
  host: required('GANTRY_TEST_TLS_HOST'),
  certs: required('GANTRY_TEST_TLS_CERTS'),
  wrongCerts: required('GANTRY_TEST_TLS_WRONG_CERTS'),
};

interface Reply {
  status: number;
  body: string;
}

function receive(resolve: (reply: Reply) => void, reject: (err: Error) => void) {
  return (response: IncomingMessage) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () =>
      resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
    );
    response.on('error', reject);
  };
}

/** A request to the engine DOCKER_HOST names (unix socket or plain tcp). */
function engine(method: string, path: string, body?: unknown): Promise<Reply> {
  const url = new URL(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  const target: RequestOptions =
    url.protocol === 'unix:' ? { socketPath: url.pathname } : { host: url.hostname, port: Number(url.port) };
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = payload === undefined ? {} : { 'Content-Type': 'application/json' };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...target, method, path, headers }, receive(resolve, reject));
    req.on('error', reject);
    req.end(payload);
  });
}

/** `/_ping` over mutual TLS: the daemon verified with `caDir`'s CA, the client certificate from `clientDir`. */
function tlsPing(caDir: string, clientDir = caDir): Promise<Reply> {
  const url = new URL(tlsDaemon.host);
  return new Promise((resolve, reject) => {
    const options = {
      host: url.hostname,
      port: Number(url.port),
      path: '/_ping',
      ca: readFileSync(join(caDir, 'ca.pem')),
      cert: readFileSync(join(clientDir, 'cert.pem')),
      key: readFileSync(join(clientDir, 'key.pem')),
    };
    const req = httpsRequest(options, receive(resolve, reject));
    req.on('error', reject);
    req.end();
  });
}

function registryGet(path: string, credentials?: string): Promise<Reply> {
  const headers = credentials
    ? { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }
    : {};
  return new Promise((resolve, reject) => {
    const req = httpRequest(`http://${registry.host}${path}`, { headers }, receive(resolve, reject));
    req.on('error', reject);
    req.end();
  });
}

describe('the test harness', () => {
  test('the engine answers /_ping on DOCKER_HOST', async () => {
    assert.deepEqual(await engine('GET', '/_ping'), { status: 200, body: 'OK' });
  });

  test('the test image exists, labelled, with CMD /bin/sh', async () => {
    const reply = await engine('GET', `/v1.41/images/${TEST_IMAGE}/json`);
    assert.equal(reply.status, 200);
    const image = JSON.parse(reply.body) as { Config: { Cmd: string[]; Labels: Record<string, string> } };
    assert.equal(image.Config.Labels['io.gantry.test'], '1');
    assert.deepEqual(image.Config.Cmd, ['/bin/sh']);
  });

  test('the test image runs the applets the tests use, as root, with nobody known', async () => {
    const applets = 'sh sleep cat echo top env id pwd head dd yes seq wc';
    const script = `for a in ${applets}; do command -v $a >/dev/null || echo missing:$a; done; id -un; id -u nobody; echo done`;
    const created = await engine('POST', '/v1.41/containers/create', {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', script],
      Tty: true, // raw output, no stdio multiplexing to undo
      Labels: TEST_LABELS,
    });
    assert.equal(created.status, 201, created.body);
    const { Id } = JSON.parse(created.body) as { Id: string };
    try {
      assert.equal((await engine('POST', `/v1.41/containers/${Id}/start`)).status, 204);
      const waited = JSON.parse((await engine('POST', `/v1.41/containers/${Id}/wait`)).body) as {
        StatusCode: number;
      };
      assert.equal(waited.StatusCode, 0);
      const logs = (await engine('GET', `/v1.41/containers/${Id}/logs?stdout=1&stderr=1`)).body;
      assert.deepEqual(logs.trim().split(/\r?\n/), ['root', '65534', 'done']);
    } finally {
      await engine('DELETE', `/v1.41/containers/${Id}?force=1`);
    }
  });

  test('the TLS daemon accepts the client certificate', async () => {
    assert.deepEqual(await tlsPing(tlsDaemon.certs), { status: 200, body: 'OK' });
  });

  test('the wrong CA does not verify the TLS daemon', async () => {
    await assert.rejects(tlsPing(tlsDaemon.wrongCerts), /certificate/i);
  });

  test('the TLS daemon refuses a client certificate from another CA', async () => {
    await assert.rejects(
      tlsPing(tlsDaemon.certs, tlsDaemon.wrongCerts),
      /certificate|ECONNRESET|socket hang up/i,
    );
  });

  test('the registry demands credentials and accepts the test ones', async () => {
    assert.equal((await registryGet('/v2/')).status, 401);
    assert.equal((await registryGet('/v2/', `${registry.user}:wrong`)).status, 401);
    assert.equal((await registryGet('/v2/', `${registry.user}:${registry.password}`)).status, 200);
  });

  test('the registry holds the test image, and the engine has no local copy of its tag', async () => {
    const repository = registry.image.slice(registry.host.length + 1).replace(/:latest$/, '');
    const tags = await registryGet(`/v2/${repository}/tags/list`, `${registry.user}:${registry.password}`);
    assert.equal(tags.status, 200);
    assert.deepEqual((JSON.parse(tags.body) as { tags: string[] }).tags, ['latest']);
    assert.equal((await engine('GET', `/v1.41/images/${registry.image}/json`)).status, 404);
  });
});
