/**
 * system.*: ping, version, info, df, auth, events — and API version negotiation (lazy, single-flight,
 * pinned by option or DOCKER_API_VERSION), against the harness engine; the ping counting uses a tiny
 * local node:http server because only a server can count the pings it receives.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  compareVersions,
  connect,
  EngineApiError,
  EngineError,
  type EventMessage,
  MAX_API_VERSION,
} from '../../src/index.ts';
import {
  registry,
  skipOnPodman,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_LABELS,
  testClient,
  uniqueName,
} from '../support.ts';

const docker = testClient();

/** Fails the test instead of hanging when `promise` does not settle in `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('system', () => {
  test('ping reads the daemon headers; HEAD gives the same', {
    skip: skipOnPodman('/_ping has no OSType header and says Docker-Experimental: true'),
  }, async () => {
    const { ApiVersion } = await docker.system.version();
    const ping = await docker.system.ping();
    assert.equal(ping.apiVersion, ApiVersion);
    assert.equal(ping.apiVersion, '1.41', 'the harness engine is Docker 20.10');
    assert.equal(ping.osType, 'linux');
    assert.equal(ping.experimental, false);
    const head = await docker.system.pingHead();
    assert.deepEqual(head, ping);
  });

  test('version', { skip: skipOnPodman("its component is 'Podman Engine', not 'Engine'") }, async () => {
    const version = await docker.system.version();
    assert.match(version.Version ?? '', /^\d+\.\d+\.\d+/);
    assert.match(version.ApiVersion ?? '', /^1\.\d+$/);
    assert.match(version.MinAPIVersion ?? '', /^1\.\d+$/);
    assert.equal(version.Os, 'linux');
    assert.ok(version.Components?.some((component) => component.Name === 'Engine'));
  });

  test('info', async () => {
    const info = await docker.system.info();
    assert.ok(info.ID, 'the engine has an id');
    assert.equal(typeof info.Containers, 'number');
    assert.ok((info.Images ?? 0) >= 1, 'at least the test image');
    assert.ok(
      ['inactive', 'pending', 'active', 'error', 'locked'].includes(info.Swarm?.LocalNodeState ?? ''),
    );
    assert.ok((info.NCPU ?? 0) >= 1);
  });

  test('df lists the test image (the pre-1.52 shape: LayersSize, Images, ...)', {
    skip: skipOnPodman('df image Ids lack sha256:'),
  }, async () => {
    const [image, usage] = await Promise.all([docker.images.inspect(TEST_IMAGE), docker.system.df()]);
    assert.equal(typeof usage.LayersSize, 'number');
    assert.ok(usage.Images?.some((summary) => summary.Id === image.Id));
    assert.ok(Array.isArray(usage.Containers));
    assert.ok(Array.isArray(usage.Volumes));
  });

  test('df type (API 1.42+) is refused before sending on this 1.41 engine', async () => {
    await assert.rejects(docker.system.df({ type: ['image'] }), (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.equal(err.code, 'VERSION_UNSUPPORTED');
      assert.match(err.message, /"type" parameter of SystemDataUsage requires API version 1\.42/);
      return true;
    });
  });

  describe('auth against the harness registry', () => {
    test('right password: Login Succeeded', async () => {
      const result = await docker.system.auth({
        username: registry.user,
        password: registry.password,
        serveraddress: registry.host,
      });
      assert.equal(result.Status, 'Login Succeeded');
    });

    test('wrong password: a typed error that does not quote the password', async (t) => {
      const wrong = `wrong-${uniqueName('pw')}`;
      await assert.rejects(
        docker.system.auth({ username: registry.user, password: wrong, serveraddress: registry.host }),
        (err: unknown) => {
          assert.ok(err instanceof EngineApiError, String(err));
          t.diagnostic(`${err.code} (HTTP ${err.status}): ${err.message}`);
          assert.ok(['API_UNAUTHORIZED', 'API_SERVER'].includes(err.code), err.code);
          assert.equal(err.operation, 'SystemAuth');
          assert.match(err.message, /unauthorized|authentication required|401/i);
          assert.ok(!err.message.includes(wrong), 'the password is not in the message');
          assert.ok(!String(err.stack).includes(wrong), 'nor in the stack');
          return true;
        },
      );
    });
  });

  describe('events', () => {
    test('a labelled container: create, start, destroy for its id, then break', {
      skip: skipOnPodman("removal is the event 'remove', not 'destroy'"),
    }, async () => {
      const tag = uniqueName('events');
      const filters = { type: ['container'], label: [`${TEST_LABEL}.events=${tag}`] };
      // `since` a moment back: the daemon replays from then, so nothing is lost between the request
      // being sent and the daemon registering the subscription.
      const since = new Date(Date.now() - 2_000);
      const seen: EventMessage[] = [];
      const listening = (async () => {
        for await (const event of docker.system.events({ since, filters })) {
          seen.push(event);
          if (event.Action === 'destroy') break;
        }
      })();
      const { Id } = await docker.containers.create({
        Image: TEST_IMAGE,
        Cmd: ['sleep', '300'],
        Labels: { ...TEST_LABELS, [`${TEST_LABEL}.events`]: tag },
      });
      try {
        await docker.containers.start(Id);
      } finally {
        await docker.containers.remove(Id, { force: true });
      }
      await within(30_000, 'waiting for the destroy event', listening);
      const actions = seen.filter((event) => event.Actor?.ID === Id).map((event) => event.Action);
      for (const action of ['create', 'start', 'destroy'])
        assert.ok(actions.includes(action), `${action} in ${actions}`);
      assert.ok(actions.indexOf('create') < actions.indexOf('start'));
      assert.ok(actions.indexOf('start') < actions.indexOf('destroy'));
      assert.ok(
        seen.every((event) => event.Type === 'container' && event.Actor?.ID === Id),
        'the filter held',
      );
      const created = seen.find((event) => event.Action === 'create');
      assert.equal(created?.Actor?.Attributes?.image, TEST_IMAGE);
      assert.equal(typeof created?.timeNano, 'number');
    });

    test('a since/until window in the past ends by itself', {
      skip: skipOnPodman('a since/until window in the past yields no events'),
    }, async () => {
      const tag = uniqueName('window');
      const { Id } = await docker.containers.create({
        Image: TEST_IMAGE,
        Cmd: ['true'],
        Labels: { ...TEST_LABELS, [`${TEST_LABEL}.events`]: tag },
      });
      await docker.containers.remove(Id);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const until = new Date();
      const since = Math.floor(until.getTime() / 1000) - 60; // unix seconds, as a number
      const events: EventMessage[] = [];
      await within(
        15_000,
        'a finished window should end the stream',
        (async () => {
          for await (const event of docker.system.events({
            since,
            until,
            filters: { label: [`${TEST_LABEL}.events=${tag}`] },
          })) {
            events.push(event);
          }
        })(),
      );
      assert.deepEqual(
        events.map((event) => event.Action),
        ['create', 'destroy'],
      );
      assert.ok(
        events.every((event) => (event.time ?? 0) >= since && (event.time ?? 0) <= until.getTime() / 1000),
      );
    });

    test('a bad time is refused before anything is sent', () => {
      assert.throws(
        () => docker.system.events({ since: 'yesterday-ish' }),
        (err: unknown) => err instanceof EngineError && err.code === 'INVALID_ARGUMENT',
      );
    });

    test('aborting the signal ends the loop with ABORTED', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      await assert.rejects(
        within(
          10_000,
          'abort',
          (async () => {
            for await (const _event of docker.system.events({
              filters: { label: [`${TEST_LABEL}.events=${uniqueName('none')}`] },
              signal: controller.signal,
            })) {
              // no event matches: only the abort ends this
            }
          })(),
        ),
        (err: unknown) => err instanceof EngineError && err.code === 'ABORTED',
      );
    });
  });
});

describe('API version negotiation', () => {
  test('the negotiated version is min(SDK max, daemon)', async () => {
    const fresh = testClient();
    const { ApiVersion = '' } = await docker.system.version();
    const expected = compareVersions(ApiVersion, MAX_API_VERSION) < 0 ? ApiVersion : MAX_API_VERSION;
    assert.equal(await fresh.apiVersion(), expected);
    assert.equal(expected, '1.41');
  });

  test('DOCKER_API_VERSION pins the version (given through the env option)', async () => {
    const pinned = testClient({ env: { ...process.env, DOCKER_API_VERSION: '1.41' } });
    assert.equal(await pinned.apiVersion(), '1.41');
    assert.equal((await pinned.system.ping()).apiVersion, '1.41');
  });

  describe('against a counting server', () => {
    let server: Server;
    let host = '';
    const requests: string[] = [];
    const pings = () => requests.filter((path) => path === '/_ping').length;

    before(async () => {
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        requests.push(req.url ?? '');
        if (req.url === '/_ping') {
          // Slow on purpose: the 16 concurrent calls all arrive while the first ping is in flight.
          setTimeout(() => {
            res.writeHead(200, { 'API-Version': '1.43', OSType: 'linux', 'Content-Type': 'text/plain' });
            res.end('OK');
          }, 100);
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'API-Version': '1.43' });
        res.end(req.url?.endsWith('/_ping') ? 'OK' : '{}');
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('16 concurrent first calls cause exactly one /_ping, then go to /v1.43/', async () => {
      requests.length = 0;
      const client = testClient({ host, env: {} });
      const results = await Promise.all(Array.from({ length: 16 }, () => client.system.version()));
      assert.equal(results.length, 16);
      assert.equal(pings(), 1);
      const calls = requests.filter((path) => path !== '/_ping');
      assert.equal(calls.length, 16);
      assert.ok(
        calls.every((path) => path === '/v1.43/version'),
        calls.join(' '),
      );
      assert.equal(await client.apiVersion(), '1.43');
      await client.system.info();
      assert.equal(pings(), 1, 'negotiated once for the life of the client');
    });

    test('a client pinned by option makes no ping and uses its version', async () => {
      requests.length = 0;
      const client = testClient({ host, env: {}, apiVersion: '1.44' });
      await Promise.all([client.system.version(), client.system.info()]);
      assert.equal(await client.apiVersion(), '1.44');
      assert.equal(pings(), 0);
      assert.deepEqual(requests.sort(), ['/v1.44/info', '/v1.44/version']);
    });

    test('a client pinned by DOCKER_API_VERSION makes no ping either', async () => {
      requests.length = 0;
      const client = testClient({ env: { DOCKER_HOST: host, DOCKER_API_VERSION: '1.42' } });
      await client.volumes.list();
      assert.equal(pings(), 0);
      assert.deepEqual(requests, ['/v1.42/volumes']);
    });

    test('a client pinned to 1.40 sends /v1.40/', async () => {
      requests.length = 0;
      const client = testClient({ host, env: {}, apiVersion: '1.40' });
      assert.equal(await client.apiVersion(), '1.40');
      await client.system.version();
      assert.equal(pings(), 0);
      assert.deepEqual(requests, ['/v1.40/version']);
    });
  });
});

test('connect() checks a pinned version at once', () => {
  assert.throws(
    () => connect({ apiVersion: 'abc', env: {} }),
    (err: unknown) => err instanceof EngineError && err.code === 'CONFIG' && err.message.includes('abc'),
  );
});

describe('passthrough (a proxy forwards requests as given)', () => {
  const text = async (body: AsyncIterable<Buffer | string>) => {
    let out = '';
    for await (const chunk of body) out += chunk.toString();
    return out;
  };

  test('any status resolves with its body; a JSON body goes as given', async () => {
    const version = await docker.apiVersion();
    const missing = await docker.passthrough({
      method: 'GET',
      path: `/v${version}/containers/gantry-no-such-container/json`,
    });
    assert.equal(missing.status, 404);
    assert.match(JSON.parse(await text(missing.body)).message, /gantry-no-such-container/);

    const name = uniqueName('passthrough');
    const created = await docker.passthrough({
      method: 'POST',
      path: `/v${version}/containers/create?name=${name}`,
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.from(JSON.stringify({ Image: TEST_IMAGE, Cmd: ['true'], Labels: TEST_LABELS })),
    });
    const answer = JSON.parse(await text(created.body)) as { Id: string };
    assert.equal(created.status, 201);
    assert.equal((await docker.containers.inspect(name)).Id, answer.Id);
    await docker.containers.remove(answer.Id, { force: true });

    const head = await docker.passthrough({ method: 'HEAD', path: '/_ping' });
    assert.equal(head.status, 200);
    assert.equal(await text(head.body), '');
  });

  test('sends the given headers, Host once, and not the client-wide ones', async () => {
    const seen: string[][] = [];
    const server = createServer((req, res) => {
      seen.push(req.rawHeaders);
      res.writeHead(418, { 'Content-Type': 'text/plain' });
      res.end('teapot');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = testClient({
        host: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`,
        env: {},
        headers: { Authorization: 'Bearer client-wide' },
      });
      const answer = await client.passthrough({
        method: 'GET',
        path: '/v1.41/info',
        headers: { 'User-Agent': 'docker-cli (via proxy)' },
      });
      assert.equal(answer.status, 418);
      assert.equal(await text(answer.body), 'teapot');
      const names = (seen[0] ?? []).filter((_, index) => index % 2 === 0).map((name) => name.toLowerCase());
      assert.equal(names.filter((name) => name === 'host').length, 1);
      assert.ok(!names.includes('authorization'), names.join(' '));
      assert.equal(seen[0]?.[seen[0].indexOf('User-Agent') + 1], 'docker-cli (via proxy)');
      await client.close();
    } finally {
      server.close();
    }
  });
});

test('passthrough with bodyBufferBytes 1: a body not being read leaves the writes in the kernel', async () => {
  // 1,000 writes of 100 bytes, each in its own tick (a daemon writing log lines): while the body is
  // not read, the connection must stop reading instead of taking them one by one; read afterwards,
  // they arrive in a few large pieces.
  const pieces = 1000;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    let sent = 0;
    const next = () => {
      if (sent === pieces) return void res.end();
      sent++;
      res.write(Buffer.alloc(100, 'l'));
      setImmediate(next);
    };
    next();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = testClient({ host: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`, env: {} });
  try {
    const answer = await client.passthrough({ method: 'GET', path: '/v1.41/logs', bodyBufferBytes: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    let chunks = 0;
    let bytes = 0;
    for await (const chunk of answer.body) {
      chunks++;
      bytes += (chunk as Buffer).length;
    }
    assert.equal(bytes, pieces * 100);
    assert.ok(chunks <= 20, `${chunks} pieces for ${pieces} writes made while the body waited`);
  } finally {
    await client.close();
    server.closeAllConnections();
    server.close();
  }
});

test('connect() checks maxConnections at once', () => {
  for (const maxConnections of [0, -1, 1.5]) {
    assert.throws(
      () => connect({ env: {}, maxConnections }),
      (err: unknown) =>
        err instanceof EngineError && err.code === 'INVALID_ARGUMENT' && /maxConnections/.test(err.message),
    );
  }
});
