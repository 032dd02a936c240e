/**
 * Endpoint resolution as the docker CLI does it (pure: no engine, no network).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EngineError } from '../../src/errors.ts';
import { DEFAULT_UNIX_SOCKET, resolveEndpoint } from '../../src/transport/endpoint.ts';

/** A DOCKER_CERT_PATH-style directory holding recognisable (fake) PEM contents. */
function certDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-endpoint-'));
  for (const name of ['ca', 'cert', 'key']) writeFileSync(join(dir, `${name}.pem`), `${tag}-${name}`);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tcp(endpoint: ReturnType<typeof resolveEndpoint>) {
  assert.equal(endpoint.kind, 'tcp');
  return endpoint as Extract<ReturnType<typeof resolveEndpoint>, { kind: 'tcp' }>;
}

describe('resolveEndpoint', () => {
  test('nothing set: the default unix socket', () => {
    const endpoint = resolveEndpoint({}, { HOME: '/nonexistent' });
    assert.deepEqual(endpoint, {
      kind: 'unix',
      socketPath: DEFAULT_UNIX_SOCKET,
      url: `unix://${DEFAULT_UNIX_SOCKET}`,
      source: 'default',
    });
  });

  test('an empty DOCKER_HOST counts as unset, as in the CLI', () => {
    assert.equal(resolveEndpoint({}, { DOCKER_HOST: '' }).url, 'unix:///var/run/docker.sock');
  });

  test('unix:// from DOCKER_HOST; an explicit host wins over DOCKER_HOST', () => {
    assert.deepEqual(resolveEndpoint({}, { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }), {
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
      url: 'unix:///run/user/1000/docker.sock',
      source: 'env',
    });
    const explicit = resolveEndpoint({ host: 'unix:///tmp/d.sock' }, { DOCKER_HOST: 'tcp://10.0.0.1:2375' });
    assert.equal(explicit.url, 'unix:///tmp/d.sock');
    assert.equal(explicit.source, 'option');
  });

  test('tcp:// without a port: 2375 in plain text', () => {
    const endpoint = tcp(resolveEndpoint({}, { DOCKER_HOST: 'tcp://10.0.0.5' }));
    assert.equal(endpoint.port, 2375);
    assert.equal(endpoint.tls, undefined);
    assert.equal(endpoint.url, 'http://10.0.0.5:2375');
  });

  test('tcp:// without a port and DOCKER_TLS_VERIFY=1: 2376, verified TLS from DOCKER_CERT_PATH', () => {
    const dir = certDir('verify');
    const endpoint = tcp(
      resolveEndpoint(
        {},
        { DOCKER_HOST: 'tcp://docker.example:', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir },
      ),
    );
    assert.equal(endpoint.port, 2376);
    assert.equal(endpoint.url, 'https://docker.example:2376');
    assert.equal(endpoint.tls?.verify, true);
    assert.equal(String(endpoint.tls?.ca), 'verify-ca');
    assert.equal(String(endpoint.tls?.cert), 'verify-cert');
    assert.equal(String(endpoint.tls?.key), 'verify-key');
  });

  test('an explicit port is kept with TLS', () => {
    const endpoint = tcp(
      resolveEndpoint(
        {},
        { DOCKER_HOST: 'tcp://10.0.0.5:4243', DOCKER_TLS_VERIFY: '1', HOME: '/nonexistent' },
      ),
    );
    assert.equal(endpoint.port, 4243);
    assert.equal(endpoint.url, 'https://10.0.0.5:4243');
  });

  test('DOCKER_TLS_VERIFY: any non-empty value means verify (even "0" and "false"); empty means off', () => {
    for (const value of ['1', '0', 'false', 'yes']) {
      const endpoint = tcp(
        resolveEndpoint({}, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: value, HOME: '/nonexistent' }),
      );
      assert.equal(endpoint.tls?.verify, true, `DOCKER_TLS_VERIFY=${value}`);
    }
    const off = tcp(resolveEndpoint({}, { DOCKER_HOST: 'tcp://h:2375', DOCKER_TLS_VERIFY: '' }));
    assert.equal(off.tls, undefined);
  });

  test('DOCKER_TLS (non-empty) encrypts without verifying', () => {
    const endpoint = tcp(
      resolveEndpoint({}, { DOCKER_HOST: 'tcp://h', DOCKER_TLS: '1', HOME: '/nonexistent' }),
    );
    assert.equal(endpoint.port, 2376);
    assert.equal(endpoint.tls?.verify, false);
  });

  test('DOCKER_CERT_PATH defaults to ~/.docker (HOME from the env given)', () => {
    const home = mkdtempSync(join(tmpdir(), 'gantry-home-'));
    after(() => rmSync(home, { recursive: true, force: true }));
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'ca.pem'), 'home-ca');
    writeFileSync(join(home, '.docker', 'cert.pem'), 'home-cert');
    writeFileSync(join(home, '.docker', 'key.pem'), 'home-key');
    const endpoint = tcp(resolveEndpoint({}, { DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', HOME: home }));
    assert.equal(String(endpoint.tls?.ca), 'home-ca');
    assert.equal(String(endpoint.tls?.cert), 'home-cert');
    assert.equal(String(endpoint.tls?.key), 'home-key');
  });

  test('missing cert files are simply not used (the system CAs then apply), as in the CLI', () => {
    const empty = mkdtempSync(join(tmpdir(), 'gantry-empty-'));
    after(() => rmSync(empty, { recursive: true, force: true }));
    const endpoint = tcp(
      resolveEndpoint({}, { DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty }),
    );
    assert.deepEqual(endpoint.tls, { ca: undefined, cert: undefined, key: undefined, verify: true });
  });

  test('https:// means TLS (port 2376 by default); material given as options beats the cert path', () => {
    const dir = certDir('path');
    const endpoint = tcp(
      resolveEndpoint(
        { host: 'https://docker.example', tls: { ca: 'given-ca' }, tlsVerify: true },
        { DOCKER_CERT_PATH: dir },
      ),
    );
    assert.equal(endpoint.port, 2376);
    assert.equal(endpoint.url, 'https://docker.example:2376');
    assert.equal(endpoint.tls?.ca, 'given-ca');
    assert.equal(String(endpoint.tls?.cert), 'path-cert');
    assert.equal(endpoint.tls?.verify, true);
  });

  test('options override the environment: tls: false keeps a tcp host in plain text', () => {
    const endpoint = tcp(
      resolveEndpoint({ tls: false, tlsVerify: false }, { DOCKER_HOST: 'tcp://h', DOCKER_TLS: '1' }),
    );
    assert.equal(endpoint.tls, undefined);
    assert.equal(endpoint.port, 2375);
  });

  test('http:// is plain tcp; IPv6 literals keep their brackets in the URL only', () => {
    const endpoint = tcp(resolveEndpoint({ host: 'http://[::1]:2375' }, {}));
    assert.equal(endpoint.hostname, '::1');
    assert.equal(endpoint.url, 'http://[::1]:2375');
  });

  test('hosts the CLI rejects are CONFIG errors that name the fix', () => {
    for (const host of [
      'foo',
      'unix://relative/path.sock',
      'ftp://h:21',
      'tcp://h:2375/path',
      'ssh://-oProxyCommand=evil',
      'ssh://-l@h',
      'ssh://h?x=1',
      'ssh://me%20too@h',
    ]) {
      assert.throws(
        () => resolveEndpoint({ host }, {}),
        (err: unknown) => err instanceof EngineError && err.code === 'CONFIG' && err.message.includes(host),
        host,
      );
    }
  });
});

describe('ssh:// hosts', () => {
  test('user, host, port and a remote socket path are kept; ssh fills in what is absent', () => {
    assert.deepEqual(resolveEndpoint({ host: 'ssh://deploy@build-box:2222/run/docker.sock' }, {}), {
      kind: 'ssh',
      user: 'deploy',
      hostname: 'build-box',
      port: 2222,
      remoteSocket: '/run/docker.sock',
      url: 'ssh://deploy@build-box:2222/run/docker.sock',
      source: 'option',
    });
    const alias = resolveEndpoint({}, { DOCKER_HOST: 'ssh://gantry-test' });
    assert.deepEqual(alias, {
      kind: 'ssh',
      user: undefined,
      hostname: 'gantry-test',
      port: undefined,
      remoteSocket: undefined,
      url: 'ssh://gantry-test',
      source: 'env',
    });
  });

  test('IPv6 literals lose their brackets in hostname only', () => {
    const endpoint = resolveEndpoint({ host: 'ssh://root@[::1]:22' }, {});
    assert.equal(endpoint.kind === 'ssh' && endpoint.hostname, '::1');
    assert.equal(endpoint.url, 'ssh://root@[::1]:22');
  });

  test('a host or user starting with "-" is refused before ssh runs, naming the part', () => {
    assert.throws(
      () => resolveEndpoint({ host: 'ssh://-oProxyCommand=touch%20x' }, {}),
      /host name must not start with "-"/,
    );
    assert.throws(() => resolveEndpoint({ host: 'ssh://-F@h' }, {}), /user name must not start with "-"/);
  });

  test('a password in the URL is refused and never echoed', () => {
    assert.throws(
      () => resolveEndpoint({ host: 'ssh://me:hunter2@h' }, {}),
      (err: unknown) =>
        err instanceof EngineError && /password/.test(err.message) && !err.message.includes('hunter2'),
    );
  });
});
