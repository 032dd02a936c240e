/**
 * Connection faults and TLS: each failure mode must come back as its own error code with a message
 * that names the endpoint and the fix. The mutual-TLS daemon is the harness's (`tlsDaemon`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { connect, type DockerClient, EngineConnectionError, EngineError } from '../../src/index.ts';
import { tlsDaemon, uniqueName } from '../support.ts';

/** A client closed after the file, connected with an empty environment unless `env` is given. */
function client(options: Parameters<typeof connect>[0]): DockerClient {
  const docker = connect({ env: {}, ...options });
  after(() => docker.close());
  return docker;
}

/** The error a promise rejects with (fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EngineError, `expected an EngineError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

function pem(dir: string) {
  return {
    ca: readFileSync(join(dir, 'ca.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
    key: readFileSync(join(dir, 'key.pem')),
  };
}

describe('daemon unreachable', () => {
  test('a unix socket that does not exist: ENGINE_SOCKET_MISSING naming the path and DOCKER_HOST', async () => {
    const path = join(tmpdir(), `${uniqueName('missing')}.sock`);
    const err = await failure(client({ host: `unix://${path}` }).system.ping());
    assert.equal(err.code, 'ENGINE_SOCKET_MISSING');
    assert.ok(err instanceof EngineConnectionError);
    assert.ok(err.message.includes(path), err.message);
    assert.ok(err.message.includes('DOCKER_HOST'), err.message);
  });

  test('a closed tcp port: ENGINE_UNREACHABLE', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await failure(client({ host: `tcp://127.0.0.1:${port}` }).system.version());
    assert.equal(err.code, 'ENGINE_UNREACHABLE');
    assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
    assert.match(err.message, /ECONNREFUSED/);
  });

  describe('a socket the user may not open', () => {
    let dir = '';
    let server: Server | undefined;
    const isRoot = process.getuid?.() === 0;

    before(async () => {
      if (!isRoot) return;
      dir = mkdtempSync(join(tmpdir(), 'gantry-perm-'));
      chmodSync(dir, 0o755); // others may reach the socket, not open it
      server = createServer((socket) => socket.destroy());
      server.listen(join(dir, 'root-only.sock'));
      await once(server, 'listening');
      chmodSync(join(dir, 'root-only.sock'), 0o600);
    });
    after(async () => {
      if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('ENGINE_PERMISSION_DENIED for a non-root user (child process as nobody)', {
      skip: isRoot ? false : 'needs root to create a root-only socket and run a child as nobody',
    }, async () => {
      const socket = join(dir, 'root-only.sock');
      const sdk = pathToFileURL(join(import.meta.dirname, '../../src/index.ts')).href;
      const script = `
          import { connect } from ${JSON.stringify(sdk)};
          const docker = connect({ host: ${JSON.stringify(`unix://${socket}`)}, env: {} });
          try { await docker.system.ping(); console.log(JSON.stringify({ ok: true })); }
          catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })); }
          finally { await docker.close(); }
        `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        uid: 65534,
        gid: 65534,
        cwd: '/',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const [code] = (await once(child, 'close')) as [number | null];
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout.trim()) as { code?: string; message?: string };
      assert.equal(result.code, 'ENGINE_PERMISSION_DENIED', stdout);
      assert.ok(result.message?.includes(socket), result.message);
      assert.match(result.message ?? '', /docker group|DOCKER_HOST/);
    });
  });
});

describe('mutual TLS', () => {
  test('ca + client cert + tlsVerify: ping and version work', async () => {
    const docker = client({ host: tlsDaemon.host, tls: pem(tlsDaemon.certs), tlsVerify: true });
    assert.equal(docker.endpoint.kind, 'tcp');
    assert.match(docker.endpoint.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ping = await docker.system.ping();
    assert.match(ping.apiVersion ?? '', /^1\.\d+$/);
    const version = await docker.system.version();
    assert.equal(version.ApiVersion, ping.apiVersion);
    assert.equal(await docker.apiVersion(), ping.apiVersion);
  });

  test('DOCKER_HOST + DOCKER_TLS_VERIFY=1 + DOCKER_CERT_PATH through the env option', async () => {
    const docker = client({
      env: { DOCKER_HOST: tlsDaemon.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tlsDaemon.certs },
    });
    assert.equal(docker.endpoint.kind === 'tcp' && docker.endpoint.tls?.verify, true);
    const version = await docker.system.version();
    assert.match(version.Version ?? '', /^\d+\.\d+/);
  });

  test('a CA that did not sign the daemon: ENGINE_TLS', async (t) => {
    const docker = client({ host: tlsDaemon.host, tls: pem(tlsDaemon.wrongCerts), tlsVerify: true });
    const err = await failure(docker.system.ping());
    t.diagnostic(`${err.code}: ${err.message}`);
    assert.equal(err.code, 'ENGINE_TLS');
    assert.ok(err.message.includes(tlsDaemon.host.replace('tcp://', '')), err.message);
    assert.match(err.message, /ca\.pem|certificate/i);
  });

  // TLS 1.3: the daemon's bad-certificate alert arrives after the handshake; the transport keeps it
  // so the error names the certificate instead of a bare closed socket.
  test('no client certificate (the daemon demands one): ENGINE_TLS', async (t) => {
    const { ca } = pem(tlsDaemon.certs);
    const docker = client({ host: tlsDaemon.host, tls: { ca }, tlsVerify: true });
    const err = await failure(docker.system.ping());
    t.diagnostic(`${err.code}: ${err.message}`);
    assert.equal(err.code, 'ENGINE_TLS', err.message);
    assert.match(err.message, /certificate/i);
  });

  test('plain http to the TLS port: an error that says to use TLS', async (t) => {
    const docker = client({ host: tlsDaemon.host });
    const err = await failure(docker.system.ping());
    t.diagnostic(`${err.code}: ${err.message}`);
    // Go's TLS server answers a plain HTTP request with a 400 "Client sent an HTTP request to an HTTPS server."
    assert.equal(err.code, 'API_BAD_REQUEST', `${err.code}: ${err.message}`);
    assert.match(err.message, /HTTPS/);
  });
});

describe('configuration errors are CONFIG, thrown by connect()', () => {
  test('a pinned apiVersion that is not a version', () => {
    assert.throws(
      () => connect({ apiVersion: 'abc', env: {} }),
      (err: unknown) => err instanceof EngineError && err.code === 'CONFIG' && /abc.*1\.41/.test(err.message),
    );
  });

  test('DOCKER_API_VERSION garbage', () => {
    assert.throws(
      () => connect({ env: { DOCKER_API_VERSION: 'latest' } }),
      (err: unknown) =>
        err instanceof EngineError && err.code === 'CONFIG' && err.message.includes('DOCKER_API_VERSION'),
    );
  });

  test('a host without a scheme', () => {
    assert.throws(
      () => connect({ host: 'foo', env: {} }),
      (err: unknown) =>
        err instanceof EngineError &&
        err.code === 'CONFIG' &&
        err.message.includes('"foo"') &&
        /unix:\/\//.test(err.message),
    );
  });
});
