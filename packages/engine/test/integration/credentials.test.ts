/**
 * Registry credentials from the docker config, against the harness's htpasswd registry: `auths`,
 * a real credential-helper process, the retry after a refusal, explicit `auth` winning, and a
 * config written by the real docker CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type ConnectOptions,
  CredentialStore,
  type DockerClient,
  EngineError,
  EngineStreamError,
  RegistryAuthError,
} from '../../src/index.ts';
import {
  assertNoSecret,
  basicAuth,
  envWith,
  fakeHelper,
  helperAnswer,
  tempDir,
  writeDockerConfig,
} from '../credential-fixtures.ts';
import { collect, ENGINE, registry, TEST_IMAGE, testClient, uniqueName } from '../support.ts';

/** References this file tagged or pulled; untagged in `after`. */
const createdImages = new Set<string>();

// Registered before testClient() registers the client's close: hooks run in registration order.
after(async () => {
  for (const ref of createdImages) await docker.images.remove(ref).catch(() => {});
});

const docker = testClient({ credentials: false });

/** A client whose DOCKER_CONFIG and first PATH entry are `dir`; closed after the file. */
function clientIn(dir: string, options: ConnectOptions = {}): DockerClient {
  return testClient({ env: envWith(dir), ...options });
}

/** A config dir whose `docker-credential-gantrytest` runs `body` (see fakeHelper) for every registry. */
function helperConfig(what: string, body: string) {
  const dir = tempDir(what);
  const helper = fakeHelper(dir, 'gantrytest', body);
  writeDockerConfig(dir, { credsStore: 'gantrytest' });
  return { dir, helper };
}

/** A helper body answering the registry's real credentials for it, "not found" for any other. */
function registryAnswer(password = registry.password): string {
  return [
    `if [ "$host" = '${registry.host}' ]; then ${helperAnswer(registry.user, password)};`,
    `else echo 'credentials not found in native keychain'; exit 1; fi`,
  ].join('\n');
}

/** The pulled image goes away first, so each pull really pulls. */
async function withoutRegistryImage(): Promise<void> {
  await docker.images.remove(registry.image).catch(() => {});
  createdImages.add(registry.image);
}

/** A fresh tag of the test image in the registry's namespace, to push. */
async function pushable(what: string): Promise<string> {
  const repo = `${registry.host}/gantry-test-tmp/${uniqueName(what)}`;
  await docker.images.tag(TEST_IMAGE, { repo, tag: 'v1' });
  createdImages.add(`${repo}:v1`);
  return `${repo}:v1`;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

describe('login (system.auth) with config credentials', () => {
  test('given no credentials, it logs in with what config auths hold', async () => {
    const dir = tempDir('cred-login');
    writeDockerConfig(dir, {
      auths: { [registry.host]: { auth: basicAuth(registry.user, registry.password) } },
    });
    const result = await clientIn(dir).system.auth({ serveraddress: registry.host });
    assert.equal(result.Status, 'Login Succeeded');
  });

  test('with none configured it says what to pass; wrong stored ones are refused without leaking', async () => {
    const empty = tempDir('cred-login-empty');
    const none = await rejectionOf(clientIn(empty).system.auth({ serveraddress: registry.host }));
    assert.ok(none instanceof EngineError);
    assert.equal(none.code, 'INVALID_ARGUMENT');
    assert.match(none.message, new RegExp(`none configured for ${registry.host.replace(/\./g, '\\.')}`));

    const wrong = `${registry.password}-wrong`;
    const dir = tempDir('cred-login-wrong');
    writeDockerConfig(dir, { auths: { [registry.host]: { auth: basicAuth(registry.user, wrong) } } });
    const refused = await rejectionOf(clientIn(dir).system.auth({ serveraddress: registry.host }));
    assert.ok(refused instanceof EngineError, String(refused));
    assert.match(refused.code, /^API_(UNAUTHORIZED|SERVER)$/);
    assertNoSecret(refused, wrong, basicAuth(registry.user, wrong));
  });
});

describe('pull and push with credentials from the docker config', () => {
  test('pull with config auths resolves once the image is present', async () => {
    const dir = tempDir('cred-auths');
    writeDockerConfig(dir, {
      auths: { [`http://${registry.host}/v2/`]: { auth: basicAuth(registry.user, registry.password) } },
    });
    await withoutRegistryImage();
    const { image } = await clientIn(dir).images.pull(registry.image).wait();
    assert.ok(image.RepoTags?.includes(registry.image));
    assert.equal(image.Id, (await docker.images.inspect(TEST_IMAGE)).Id);
  });

  test('the credential helper runs lazily, with argv `get`, once per client, only for the registry in use', async () => {
    const { dir, helper } = helperConfig('cred-helper', registryAnswer());
    const client = clientIn(dir);
    await client.images.inspect(TEST_IMAGE);
    await client.images.list({ filters: { reference: [TEST_IMAGE] } });
    assert.deepEqual(helper.calls(), [], 'nothing that talks to no registry asks the helper');

    await withoutRegistryImage();
    await client.images.pull(registry.image).wait();
    assert.deepEqual(helper.calls(), [{ argv: ['get'], stdin: registry.host }]);
    await client.images.pull(registry.image).wait();
    assert.equal(helper.calls().length, 1, 'cached for the client');

    await clientIn(dir).images.pull(registry.image).wait();
    assert.equal(helper.calls().length, 2, 'another client looks up for itself');
  });

  test('push with helper credentials resolves with the digest', async () => {
    const { dir, helper } = helperConfig('cred-push', registryAnswer());
    const ref = await pushable('cred-push');
    const { digest } = await clientIn(dir).images.push(ref).wait();
    assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(helper.calls(), [{ argv: ['get'], stdin: registry.host }]);
  });

  test('push without credentials is a RegistryAuthError naming the registry, no password in it', async () => {
    const ref = await pushable('cred-anon');
    for (const client of [docker, clientIn(tempDir('cred-empty'))]) {
      const err = await rejectionOf(client.images.push(ref).wait());
      assert.ok(err instanceof RegistryAuthError, String(err));
      assert.equal(err.code, 'REGISTRY_UNAUTHORIZED');
      assert.equal(err.registry, registry.host);
      assert.equal(err.credentials, 'none');
      // Docker: "no basic auth credentials"; Podman: "unauthorized: authentication required".
      assert.match(err.message, /no basic auth credentials|unauthorized/);
      assert.match(err.message, new RegExp(`docker login ${registry.host.replace(/\./g, '\\.')}`));
      if (ENGINE === 'docker')
        assert.ok(err.cause instanceof EngineStreamError, 'reported inside the push stream');
      assertNoSecret(err, registry.password);
    }
  });

  test('credentials: false never reads the config', async () => {
    const { dir, helper } = helperConfig('cred-off', registryAnswer());
    await withoutRegistryImage();
    const err = await rejectionOf(clientIn(dir, { credentials: false }).images.pull(registry.image).wait());
    assert.ok(err instanceof RegistryAuthError, String(err));
    assert.equal(err.credentials, 'none');
    assert.deepEqual(helper.calls(), []);
  });
});

describe('retry after a refusal', () => {
  const wrong = () => `${registry.password}-stale`;

  test('pull: refused credentials are looked up again and the pull retried once', async () => {
    // The helper's first answer is stale, its second right: as after a `docker login` elsewhere.
    const { dir, helper } = helperConfig(
      'cred-retry-pull',
      `if [ "$calls" -eq 0 ]; then ${helperAnswer(registry.user, wrong())}; else ${helperAnswer(registry.user, registry.password)}; fi`,
    );
    await withoutRegistryImage();
    const { image } = await clientIn(dir).images.pull(registry.image).wait();
    assert.ok(image.RepoTags?.includes(registry.image));
    assert.deepEqual(helper.calls(), [
      { argv: ['get'], stdin: registry.host },
      { argv: ['get'], stdin: registry.host },
    ]);
  });

  test('push: an in-stream refusal is retried too, and messages() goes on with the second attempt', async () => {
    const { dir, helper } = helperConfig(
      'cred-retry-push',
      `if [ "$calls" -eq 0 ]; then ${helperAnswer(registry.user, wrong())}; else ${helperAnswer(registry.user, registry.password)}; fi`,
    );
    const ref = await pushable('cred-retry');
    const push = clientIn(dir).images.push(ref);
    const messages = await collect(push.messages());
    const { digest } = await push.wait();
    assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(helper.calls().length, 2);
    assert.ok(
      messages.every((m) => !m.error),
      'the refusal itself is not passed on',
    );
  });

  test('credentials that stay wrong: one retry, then a RegistryAuthError without either password', async () => {
    const { dir, helper } = helperConfig('cred-retry-fail', registryAnswer(wrong()));
    await withoutRegistryImage();
    const err = await rejectionOf(clientIn(dir).images.pull(registry.image).wait());
    assert.ok(err instanceof RegistryAuthError, String(err));
    assert.equal(err.credentials, 'configured');
    assert.match(err.message, /refused the configured credentials/);
    assert.equal(helper.calls().length, 2, 'looked up once more, then given up');
    assertNoSecret(err, wrong(), registry.password, basicAuth(registry.user, wrong()));
  });
});

describe('explicit auth overrides the config', () => {
  test('right explicit credentials win over wrong configured ones; the helper is not asked', async () => {
    const { dir, helper } = helperConfig('cred-explicit', registryAnswer(`${registry.password}-wrong`));
    const auth = { username: registry.user, password: registry.password, serveraddress: registry.host };
    await withoutRegistryImage();
    const { image } = await clientIn(dir).images.pull(registry.image, { auth }).wait();
    assert.ok(image.RepoTags?.includes(registry.image));
    assert.deepEqual(helper.calls(), []);
  });

  test('wrong explicit credentials are not retried with configured ones', async () => {
    const { dir, helper } = helperConfig('cred-explicit-wrong', registryAnswer());
    const wrong = `${registry.password}-explicit`;
    const ref = await pushable('cred-explicit');
    const err = await rejectionOf(
      clientIn(dir)
        .images.push(ref, { auth: { username: registry.user, password: wrong } })
        .wait(),
    );
    assert.ok(err instanceof RegistryAuthError, String(err));
    assert.equal(err.credentials, 'explicit');
    assert.deepEqual(helper.calls(), []);
    assertNoSecret(err, wrong, registry.password);
  });
});

describe('interop with the docker CLI', () => {
  let cli = '';
  before(() => {
    cli = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  });

  test('a config written by `docker login` is read back by the SDK', async () => {
    const dir = tempDir('cred-cli');
    // PATH without helpers: the CLI would otherwise pick a platform credential store it finds there.
    execFileSync(cli, ['login', registry.host, '--username', registry.user, '--password-stdin'], {
      input: registry.password,
      env: {
        DOCKER_CONFIG: dir,
        DOCKER_HOST: process.env.DOCKER_HOST,
        HOME: dir,
        PATH: join(dir, 'no-helpers'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const written = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth?: string }>;
    };
    assert.equal(written.auths[registry.host]?.auth, basicAuth(registry.user, registry.password));

    const stored = await new CredentialStore({ configDir: dir }).get(registry.host);
    assert.equal(stored?.username, registry.user);
    assert.equal(stored?.password, registry.password);
    assert.equal(stored?.serveraddress, registry.host);

    await withoutRegistryImage();
    const client = testClient({ env: { ...process.env, DOCKER_CONFIG: dir } });
    const { image } = await client.images.pull(registry.image).wait();
    assert.ok(image.RepoTags?.includes(registry.image));
  });
});
