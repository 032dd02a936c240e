import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CredentialStore,
  DOCKER_HUB_SERVER,
  EngineError,
  registryConfigFor,
  registryKey,
} from '../../src/index.ts';
import {
  basicAuth,
  envWith,
  fakeHelper,
  helperAnswer,
  tempDir,
  writeDockerConfig,
} from '../credential-fixtures.ts';

/** A store over `dir` whose helpers are found in `dir`. */
function storeIn(dir: string, helperTimeout?: number): CredentialStore {
  return new CredentialStore({ env: envWith(dir), helperTimeout });
}

async function configError(promise: Promise<unknown>, ...secrets: string[]): Promise<EngineError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EngineError, String(err));
    assert.equal(err.code, 'CONFIG', err.message);
    const text = `${err.message}\n${err.stack ?? ''}\n${JSON.stringify(err)}`;
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `the error leaks a secret: ${err.message}`);
    return err;
  }
  assert.fail('expected a CONFIG error');
}

describe('registryKey: the key credentials are filed under', () => {
  test('every spelling of Docker Hub is the index server', () => {
    for (const hub of [
      'docker.io',
      'index.docker.io',
      'registry-1.docker.io',
      '',
      'https://index.docker.io/v1/',
      'https://registry-1.docker.io/v2/',
      'http://docker.io',
    ]) {
      assert.equal(registryKey(hub), DOCKER_HUB_SERVER, hub);
    }
    assert.equal(DOCKER_HUB_SERVER, 'https://index.docker.io/v1/');
  });

  test('other registries are host[:port], scheme and path dropped', () => {
    assert.equal(registryKey('127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(registryKey('https://registry.example:5000/v2/'), 'registry.example:5000');
    assert.equal(registryKey('http://registry.example/some/path'), 'registry.example');
    assert.equal(registryKey('ghcr.io'), 'ghcr.io');
    // Only one scheme is stripped, as the CLI's ConvertToHostname does.
    assert.equal(registryKey('https://http://x'), 'http:');
  });
});

describe('CredentialStore: auths', () => {
  test('no config file, an empty file or `null` means anonymous', async () => {
    const dir = tempDir('creds-none');
    assert.equal(await storeIn(dir).get('127.0.0.1:5000'), undefined);
    writeDockerConfig(dir, '  \n');
    assert.equal(await storeIn(dir).get('127.0.0.1:5000'), undefined);
    writeDockerConfig(dir, 'null');
    assert.equal(await storeIn(dir).get('127.0.0.1:5000'), undefined);
  });

  test('a base64 user:password, split at the first colon, with the key as server address', async () => {
    const dir = tempDir('creds-auths');
    writeDockerConfig(dir, {
      auths: {
        'registry.example:5000': { auth: basicAuth('ci', 'pa:ss:word') },
        [DOCKER_HUB_SERVER]: { auth: basicAuth('hubber', 'hub-secret'), email: 'me@example.com' },
        'token.example': { identitytoken: 'refresh-token' },
        'empty.example': {},
      },
    });
    const store = storeIn(dir);
    assert.deepEqual(await store.get('registry.example:5000'), {
      username: 'ci',
      password: 'pa:ss:word',
      email: undefined,
      identitytoken: undefined,
      registrytoken: undefined,
      serveraddress: 'registry.example:5000',
    });
    const hub = await store.get('docker.io');
    assert.equal(hub?.username, 'hubber');
    assert.equal(hub?.password, 'hub-secret');
    assert.equal(hub?.email, 'me@example.com');
    assert.equal(hub?.serveraddress, DOCKER_HUB_SERVER);
    assert.equal((await store.get('token.example'))?.identitytoken, 'refresh-token');
    assert.equal(await store.get('empty.example'), undefined, 'an entry without secrets is anonymous');
    assert.equal(await store.get('other.example'), undefined);
  });

  test('keys match with scheme and path stripped; an exact key wins', async () => {
    const dir = tempDir('creds-legacy');
    writeDockerConfig(dir, {
      auths: {
        'https://legacy.example/v1/': { auth: basicAuth('legacy', 'one') },
        'http://both.example/v2/': { auth: basicAuth('url', 'two') },
        'both.example': { auth: basicAuth('exact', 'three') },
      },
    });
    const store = storeIn(dir);
    const legacy = await store.get('legacy.example');
    assert.equal(legacy?.username, 'legacy');
    assert.equal(legacy?.serveraddress, 'https://legacy.example/v1/', 'the address as the file has it');
    assert.equal((await store.get('both.example'))?.username, 'exact');
  });

  test('Docker Hub credentials are found only under the index server key, as in the CLI', async () => {
    const dir = tempDir('creds-hubkey');
    writeDockerConfig(dir, { auths: { 'docker.io': { auth: basicAuth('u', 'p') } } });
    assert.equal(await storeIn(dir).get('docker.io'), undefined);
  });

  test('fields match case-insensitively, the last one winning, as Go decodes them', async () => {
    const dir = tempDir('creds-case');
    writeDockerConfig(
      dir,
      `{"Auths": {"r.example": {"Auth": "${basicAuth('first', 'p')}", "AUTH": "${basicAuth('last', 'p')}"}}}`,
    );
    assert.equal((await storeIn(dir).get('r.example'))?.username, 'last');
  });

  test('DOCKER_CONFIG, then HOME/.docker, unless configDir is given', () => {
    const env = { DOCKER_CONFIG: '/cfg', HOME: '/home/me' };
    assert.equal(new CredentialStore({ env }).configFile, '/cfg/config.json');
    assert.equal(
      new CredentialStore({ env: { HOME: '/home/me' } }).configFile,
      '/home/me/.docker/config.json',
    );
    assert.equal(new CredentialStore({ env, configDir: '/elsewhere' }).configFile, '/elsewhere/config.json');
  });

  test('a broken config is a CONFIG error that quotes none of it', async () => {
    const dir = tempDir('creds-broken');
    const store = storeIn(dir);
    writeDockerConfig(dir, '{"auths": {"r.example": {"auth": "c2VjcmV0LXZhbHVl"}}, oops');
    const invalid = await configError(store.get('r.example'), 'c2VjcmV0LXZhbHVl', 'oops');
    assert.match(invalid.message, /config\.json is invalid: it is not valid JSON/);
    assert.ok(invalid.message.includes(join(dir, 'config.json')));

    writeDockerConfig(dir, {
      auths: { 'r.example': { auth: Buffer.from('no-colon-secret').toString('base64') } },
    });
    const noColon = await configError(store.get('r.example'), 'no-colon-secret');
    assert.match(noColon.message, /auths\["r\.example"\]\.auth is not base64 of "user:password"/);

    writeDockerConfig(dir, { auths: { 'r.example': { auth: 'not base64!' } } });
    await configError(store.get('r.example'));
    writeDockerConfig(dir, { auths: [] });
    assert.match((await configError(store.get('r.example'))).message, /auths is not an object/);
    writeDockerConfig(dir, { credHelpers: { 'r.example': 7 } });
    assert.match(
      (await configError(store.get('r.example'))).message,
      /credHelpers\["r\.example"\] is not a string/,
    );
  });
});

describe('CredentialStore: credential helpers', () => {
  test('credHelpers beats credsStore beats auths; an empty credHelpers entry means the file', async () => {
    const dir = tempDir('creds-order');
    const perHost = fakeHelper(dir, 'perhost', helperAnswer('from-credhelpers', 'secret-1'));
    const store = fakeHelper(dir, 'store', helperAnswer('from-credsstore', 'secret-2'));
    writeDockerConfig(dir, {
      auths: {
        'a.example': { auth: basicAuth('from-auths', 'p') },
        'b.example': { auth: basicAuth('from-auths', 'p') },
        'c.example': { auth: basicAuth('from-auths', 'p') },
      },
      credsStore: 'store',
      credHelpers: { 'a.example': 'perhost', 'c.example': '' },
    });
    const credentials = storeIn(dir);
    assert.deepEqual(await credentials.get('a.example'), {
      email: undefined,
      registrytoken: undefined,
      username: 'from-credhelpers',
      password: 'secret-1',
      serveraddress: 'a.example',
    });
    assert.equal((await credentials.get('b.example'))?.username, 'from-credsstore');
    assert.equal((await credentials.get('c.example'))?.username, 'from-auths');
    assert.deepEqual(perHost.calls(), [{ argv: ['get'], stdin: 'a.example' }]);
    assert.deepEqual(store.calls(), [{ argv: ['get'], stdin: 'b.example' }]);
  });

  test('the helper is asked with the index server address for Docker Hub; <token> means an identity token', async () => {
    const dir = tempDir('creds-token');
    const helper = fakeHelper(dir, 'tok', helperAnswer('<token>', 'refresh-123', 'https://elsewhere'));
    writeDockerConfig(dir, { credsStore: 'tok' });
    const hub = await storeIn(dir).get('registry-1.docker.io');
    assert.deepEqual(hub, {
      email: undefined,
      registrytoken: undefined,
      identitytoken: 'refresh-123',
      serveraddress: DOCKER_HUB_SERVER, // the address asked for, not the helper's ServerURL
    });
    assert.deepEqual(helper.calls(), [{ argv: ['get'], stdin: DOCKER_HUB_SERVER }]);
  });

  test('"credentials not found" is anonymous; the lookup is cached until forget()', async () => {
    const dir = tempDir('creds-notfound');
    const helper = fakeHelper(dir, 'nf', `echo 'credentials not found in native keychain'; exit 1`);
    writeDockerConfig(dir, { credsStore: 'nf' });
    const store = storeIn(dir);
    const [first, second] = await Promise.all([store.get('r.example'), store.get('https://r.example/v2/')]);
    assert.equal(first, undefined);
    assert.equal(second, undefined);
    assert.equal(helper.calls().length, 1, 'concurrent lookups of one registry share one helper run');
    await store.get('r.example');
    assert.equal(helper.calls().length, 1);
    store.forget('r.example');
    await store.get('r.example');
    assert.equal(helper.calls().length, 2);
  });

  test('a failing helper is a CONFIG error without its output, and is not cached', async () => {
    const dir = tempDir('creds-fail');
    const helper = fakeHelper(
      dir,
      'bad',
      `echo 'leaked-stdout-secret'; echo 'leaked-stderr-secret' >&2; exit 3`,
    );
    writeDockerConfig(dir, { credHelpers: { 'r.example': 'bad' } });
    const store = storeIn(dir);
    const err = await configError(store.get('r.example'), 'leaked-stdout-secret', 'leaked-stderr-secret');
    assert.match(
      err.message,
      /docker-credential-bad \(credHelpers\["r\.example"\] in .*config\.json\) failed/,
    );
    assert.match(err.message, /exit code 3/);
    await configError(store.get('r.example'));
    assert.equal(helper.calls().length, 2);
  });

  test('a helper answering something other than JSON is a CONFIG error without the answer', async () => {
    const dir = tempDir('creds-garbage');
    fakeHelper(dir, 'garbage', `echo 'password=hunter2-secret'`);
    writeDockerConfig(dir, { credsStore: 'garbage' });
    const err = await configError(storeIn(dir).get('r.example'), 'hunter2-secret');
    assert.match(err.message, /answered something other than JSON/);
  });

  test('a missing helper, a path in its name, or a slow helper are CONFIG errors', async () => {
    const dir = tempDir('creds-missing');
    writeDockerConfig(dir, { credsStore: 'not-installed-anywhere' });
    const missing = await configError(storeIn(dir).get('r.example'));
    assert.match(missing.message, /docker-credential-not-installed-anywhere .*cannot be started \(ENOENT\)/);

    writeDockerConfig(dir, { credsStore: '../../bin/sh' });
    assert.match((await configError(storeIn(dir).get('r.example'))).message, /path separator/);

    fakeHelper(dir, 'slow', 'sleep 5');
    writeDockerConfig(dir, { credsStore: 'slow' });
    const started = Date.now();
    const slow = await configError(storeIn(dir, 200).get('r.example'));
    assert.match(slow.message, /did not answer within 200 ms/);
    assert.ok(Date.now() - started < 4_000, 'the helper was killed at the timeout');
  });
});

describe('registryConfigFor: X-Registry-Config for a build', () => {
  test('only the registries asked for, explicit entries first, anonymous ones left out', async () => {
    const dir = tempDir('creds-build');
    const helper = fakeHelper(dir, 'all', helperAnswer('helper-user', 'helper-secret'));
    writeDockerConfig(dir, {
      auths: {
        'a.example': { auth: basicAuth('a-user', 'a-secret') },
        'unused.example': { auth: basicAuth('u', 'unused-secret') },
        [DOCKER_HUB_SERVER]: { auth: basicAuth('hub-user', 'hub-secret') },
      },
      credHelpers: { 'h.example:5000': 'all' },
    });
    const store = storeIn(dir);
    const config = await registryConfigFor(
      ['a.example', 'docker.io', 'h.example:5000', 'nothing.example', 'index.docker.io'],
      store,
    );
    assert.deepEqual(Object.keys(config).sort(), ['a.example', DOCKER_HUB_SERVER, 'h.example:5000'].sort());
    assert.equal(config['a.example']?.password, 'a-secret');
    assert.equal(config[DOCKER_HUB_SERVER]?.username, 'hub-user');
    assert.equal(config['h.example:5000']?.username, 'helper-user');
    assert.deepEqual(helper.calls(), [{ argv: ['get'], stdin: 'h.example:5000' }]);

    const explicit = { 'https://a.example/v1/': { username: 'given', password: 'given-secret' } };
    const withExplicit = await registryConfigFor(['a.example'], store, explicit);
    assert.deepEqual(withExplicit, explicit, 'an explicit entry covers its registry in any spelling');

    assert.deepEqual(await registryConfigFor(['a.example'], undefined), {});
  });
});
