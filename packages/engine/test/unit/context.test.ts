/**
 * Docker contexts and socket discovery: which engine `connect()` picks with no host, as the docker CLI
 * would on this machine. Context stores are temporary DOCKER_CONFIG directories, written by the real
 * docker CLI where the test is about the store's layout.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EngineError } from '../../src/errors.ts';
import { chooseHost, DEFAULT_UNIX_SOCKET, discoverSocket } from '../../src/transport/context.ts';
import { resolveEndpoint } from '../../src/transport/endpoint.ts';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-context-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a context the way the CLI stores it: meta.json under sha256(name), PEMs under tls/. */
function storeContext(
  configDir: string,
  name: string,
  docker: { Host: string; SkipTLSVerify?: boolean },
  pems: Record<string, string> = {},
): void {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = join(configDir, 'contexts', 'meta', id);
  mkdirSync(meta, { recursive: true });
  const endpoint = { SkipTLSVerify: false, ...docker };
  writeFileSync(
    join(meta, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: endpoint } }),
  );
  if (Object.keys(pems).length === 0) return;
  const tls = join(configDir, 'contexts', 'tls', id, 'docker');
  mkdirSync(tls, { recursive: true });
  for (const [file, text] of Object.entries(pems)) writeFileSync(join(tls, file), text);
}

function configWithCurrent(name: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: name }));
  return dir;
}

const DOCKER_CLI = ['/usr/local/bin/docker', '/usr/bin/docker'].find((path) => existsSync(path));

describe('which engine: precedence as in the docker CLI', () => {
  test('the host option wins over everything; with a context option too it is a CONFIG error', () => {
    const config = configWithCurrent('remote');
    storeContext(config, 'remote', { Host: 'tcp://10.0.0.9:2375' });
    const env = { DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://10.0.0.1:2375', DOCKER_CONTEXT: 'remote' };
    assert.equal(resolveEndpoint({ host: 'unix:///tmp/x.sock' }, env).url, 'unix:///tmp/x.sock');
    assert.throws(
      () => resolveEndpoint({ host: 'unix:///tmp/x.sock', context: 'remote' }, env),
      (err: unknown) =>
        err instanceof EngineError && err.code === 'CONFIG' && /host.*context/.test(err.message),
    );
  });

  test('the context option beats DOCKER_HOST (as --context does)', () => {
    const config = tempDir();
    storeContext(config, 'remote', { Host: 'tcp://10.0.0.9:2375' });
    const endpoint = resolveEndpoint(
      { context: 'remote' },
      { DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://10.0.0.1:2375' },
    );
    assert.equal(endpoint.url, 'http://10.0.0.9:2375');
    assert.equal(endpoint.source, 'context:remote');
  });

  test('DOCKER_HOST beats DOCKER_CONTEXT and the current context', () => {
    const config = configWithCurrent('remote');
    storeContext(config, 'remote', { Host: 'tcp://10.0.0.9:2375' });
    const endpoint = resolveEndpoint(
      {},
      { DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://10.0.0.1:2375', DOCKER_CONTEXT: 'remote' },
    );
    assert.equal(endpoint.url, 'http://10.0.0.1:2375');
    assert.equal(endpoint.source, 'env');
  });

  test('DOCKER_CONTEXT beats currentContext in config.json', () => {
    const config = configWithCurrent('current');
    storeContext(config, 'current', { Host: 'tcp://10.0.0.2:2375' });
    storeContext(config, 'picked', { Host: 'tcp://10.0.0.3:2375' });
    const picked = resolveEndpoint({}, { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'picked' });
    assert.equal(picked.url, 'http://10.0.0.3:2375');
    const current = resolveEndpoint({}, { DOCKER_CONFIG: config });
    assert.equal(current.url, 'http://10.0.0.2:2375');
    assert.equal(current.source, 'context:current');
  });

  test('DOCKER_CONFIG defaults to $HOME/.docker', () => {
    const home = tempDir();
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'home' }));
    storeContext(join(home, '.docker'), 'home', { Host: 'ssh://me@build-box' });
    const endpoint = resolveEndpoint({}, { HOME: home });
    assert.equal(endpoint.kind, 'ssh');
    assert.equal(endpoint.url, 'ssh://me@build-box');
    assert.equal(endpoint.source, 'context:home');
  });

  test('the context "default" means DOCKER_HOST, else the default socket', () => {
    const config = configWithCurrent('default');
    assert.equal(resolveEndpoint({}, { DOCKER_CONFIG: config }).url, `unix://${DEFAULT_UNIX_SOCKET}`);
    const withEnv = resolveEndpoint(
      { context: 'default' },
      { DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://10.0.0.1:2375' },
    );
    assert.equal(withEnv.url, 'http://10.0.0.1:2375');
  });

  test('an unknown context: CONFIG error naming it and `docker context ls`', () => {
    const config = tempDir();
    for (const resolve of [
      () => resolveEndpoint({ context: 'nope' }, { DOCKER_CONFIG: config }),
      () => resolveEndpoint({}, { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nope' }),
      () => resolveEndpoint({}, { DOCKER_CONFIG: configWithCurrent('nope') }),
    ]) {
      assert.throws(
        resolve,
        (err: unknown) =>
          err instanceof EngineError &&
          err.code === 'CONFIG' &&
          err.message.includes('"nope"') &&
          err.message.includes('docker context ls'),
      );
    }
  });

  test('a config.json that is not JSON: CONFIG error naming the file', () => {
    const config = tempDir();
    writeFileSync(join(config, 'config.json'), '{ not json');
    assert.throws(
      () => resolveEndpoint({}, { DOCKER_CONFIG: config }),
      (err: unknown) =>
        err instanceof EngineError &&
        err.code === 'CONFIG' &&
        err.message.includes(join(config, 'config.json')),
    );
  });
});

describe('context TLS material', () => {
  test('PEMs in the store mean verified TLS; DOCKER_CERT_PATH / DOCKER_TLS_VERIFY do not apply', () => {
    const config = tempDir();
    storeContext(
      config,
      'tls',
      { Host: 'tcp://10.0.0.5:2376' },
      { 'ca.pem': 'c-ca', 'cert.pem': 'c-cert', 'key.pem': 'c-key' },
    );
    const endpoint = resolveEndpoint(
      { context: 'tls' },
      { DOCKER_CONFIG: config, DOCKER_CERT_PATH: '/elsewhere' },
    );
    assert.equal(endpoint.kind, 'tcp');
    if (endpoint.kind !== 'tcp') return;
    assert.equal(endpoint.url, 'https://10.0.0.5:2376');
    assert.deepEqual(
      [String(endpoint.tls?.ca), String(endpoint.tls?.cert), String(endpoint.tls?.key), endpoint.tls?.verify],
      ['c-ca', 'c-cert', 'c-key', true],
    );
  });

  test('SkipTLSVerify alone: TLS without verification; no PEMs and no skip: plain tcp', () => {
    const config = tempDir();
    storeContext(config, 'skip', { Host: 'tcp://10.0.0.5', SkipTLSVerify: true });
    storeContext(config, 'plain', { Host: 'tcp://10.0.0.5' });
    const skip = resolveEndpoint({ context: 'skip' }, { DOCKER_CONFIG: config, DOCKER_TLS_VERIFY: '1' });
    assert.equal(skip.kind === 'tcp' && skip.tls?.verify, false);
    assert.equal(skip.kind === 'tcp' && skip.port, 2376);
    const plain = resolveEndpoint({ context: 'plain' }, { DOCKER_CONFIG: config, DOCKER_TLS_VERIFY: '1' });
    assert.equal(plain.kind === 'tcp' && plain.tls, undefined);
    assert.equal(plain.url, 'http://10.0.0.5:2375');
  });

  test('what the real docker CLI writes is read back (context create with TLS files, and with ssh)', {
    skip: DOCKER_CLI ? false : 'no docker CLI on this machine',
  }, () => {
    const config = tempDir();
    const certs = tempDir();
    // The CLI checks the PEMs: a throwaway self-signed pair (also used as the CA).
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=gantry-context-test',
        '-keyout',
        join(certs, 'key.pem'),
        '-out',
        join(certs, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(join(certs, 'ca.pem'), readFileSync(join(certs, 'cert.pem')));
    const cli = (...args: string[]) =>
      execFileSync(DOCKER_CLI as string, args, {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: config, DOCKER_CONFIG: config },
        encoding: 'utf8',
      });
    const tlsOpts = `ca=${join(certs, 'ca.pem')},cert=${join(certs, 'cert.pem')},key=${join(certs, 'key.pem')}`;
    cli('context', 'create', 'secure', '--docker', `host=tcp://10.1.2.3:2376,${tlsOpts}`);
    cli('context', 'create', 'remote', '--docker', 'host=ssh://deploy@build-box:2222');
    cli('context', 'use', 'remote');

    const secure = resolveEndpoint({ context: 'secure' }, { DOCKER_CONFIG: config });
    assert.equal(secure.url, 'https://10.1.2.3:2376');
    assert.equal(secure.kind === 'tcp' && secure.tls?.verify, true);
    assert.equal(
      secure.kind === 'tcp' && String(secure.tls?.ca),
      readFileSync(join(certs, 'ca.pem'), 'utf8'),
    );
    assert.equal(
      secure.kind === 'tcp' && String(secure.tls?.cert),
      readFileSync(join(certs, 'cert.pem'), 'utf8'),
    );
    assert.match(secure.kind === 'tcp' ? String(secure.tls?.key) : '', /PRIVATE KEY/);

    // `docker context use` wrote currentContext into config.json: connect() with no host follows it.
    const current = resolveEndpoint({}, { DOCKER_CONFIG: config });
    assert.equal(current.source, 'context:remote');
    assert.equal(current.url, 'ssh://deploy@build-box:2222');
    const inspected = JSON.parse(cli('context', 'inspect', 'remote')) as [
      { Endpoints: { docker: { Host: string } } },
    ];
    assert.equal(inspected[0].Endpoints.docker.Host, 'ssh://deploy@build-box:2222');
    // The store layout the SDK reads: meta.json under the sha256 of the name.
    const id = createHash('sha256').update('remote').digest('hex');
    const meta = JSON.parse(readFileSync(join(config, 'contexts', 'meta', id, 'meta.json'), 'utf8'));
    assert.equal(meta.Name, 'remote');
  });
});

describe('socket discovery when the default socket is absent', () => {
  const servers: Server[] = [];
  after(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  async function socketAt(path: string): Promise<void> {
    mkdirSync(join(path, '..'), { recursive: true });
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path, resolve));
  }

  test('rootless, then Docker Desktop (desktop/, then run/), then Podman rootless, then rootful', async () => {
    const home = tempDir();
    const runtime = tempDir();
    const env = { HOME: home, XDG_RUNTIME_DIR: runtime };
    const order = [
      join(runtime, 'docker.sock'),
      join(home, '.docker', 'desktop', 'docker.sock'),
      join(home, '.docker', 'run', 'docker.sock'),
      join(runtime, 'podman', 'podman.sock'),
    ];
    // Real sockets, created last-first: each new one must take precedence over those before it.
    for (const path of [...order].reverse()) {
      await socketAt(path);
      assert.equal(discoverSocket(env), path);
    }
    // A regular file where a socket should be is not an engine.
    const notSocket = { HOME: tempDir(), XDG_RUNTIME_DIR: tempDir() };
    writeFileSync(join(notSocket.XDG_RUNTIME_DIR, 'docker.sock'), '');
    assert.notEqual(discoverSocket(notSocket), join(notSocket.XDG_RUNTIME_DIR, 'docker.sock'));
  });

  test('chooseHost: the default socket first; a discovered one says so; nothing found: the default', () => {
    const env = { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' };
    const present =
      (...paths: string[]) =>
      (path: string) =>
        paths.includes(path);
    assert.deepEqual(chooseHost({}, env, present(DEFAULT_UNIX_SOCKET, '/run/user/1000/docker.sock')), {
      host: `unix://${DEFAULT_UNIX_SOCKET}`,
      source: 'default',
    });
    assert.deepEqual(
      chooseHost({}, env, present('/run/podman/podman.sock', '/home/u/.docker/run/docker.sock')),
      {
        host: 'unix:///home/u/.docker/run/docker.sock',
        source: 'discovered',
      },
    );
    assert.deepEqual(chooseHost({}, env, present()), {
      host: `unix://${DEFAULT_UNIX_SOCKET}`,
      source: 'default',
    });
    // Discovery never overrides an explicit choice.
    assert.equal(
      chooseHost({}, { ...env, DOCKER_HOST: 'tcp://h:2375' }, present('/run/podman/podman.sock')).source,
      'env',
    );
  });
});
