/**
 * A docker context made by the real docker CLI, pointing at the harness's mutual-TLS daemon with the
 * client certificate in the context store: the SDK must reach the same daemon the CLI reaches, with
 * no DOCKER_HOST / DOCKER_CERT_PATH anywhere.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type DockerClient } from '../../src/index.ts';
import { skipOnPodman, tlsDaemon } from '../support.ts';

const DOCKER_CLI = ['/usr/local/bin/docker', '/usr/bin/docker'].find((path) => existsSync(path));
const CONTEXT = 'gantry-tls';

describe('docker contexts', {
  skip:
    skipOnPodman('the context points at the harness mutual-TLS dockerd, whatever the pass') ||
    (DOCKER_CLI ? false : 'no docker CLI to create the context with'),
}, () => {
  let config = '';
  const clients: DockerClient[] = [];
  /** The docker CLI with only this test's DOCKER_CONFIG (no DOCKER_HOST: the context decides). */
  const cli = (...args: string[]) =>
    execFileSync(DOCKER_CLI as string, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: config, DOCKER_CONFIG: config },
      encoding: 'utf8',
    }).trim();
  const client = (options: Parameters<typeof connect>[0]) => {
    const docker = connect(options);
    clients.push(docker);
    return docker;
  };

  before(() => {
    config = mkdtempSync(join(tmpdir(), 'gantry-contexts-'));
    const certs = tlsDaemon.certs;
    cli(
      'context',
      'create',
      CONTEXT,
      '--description',
      'the harness mutual-TLS daemon',
      '--docker',
      `host=${tlsDaemon.host},ca=${join(certs, 'ca.pem')},cert=${join(certs, 'cert.pem')},key=${join(certs, 'key.pem')}`,
    );
  });
  after(async () => {
    await Promise.all(clients.map((docker) => docker.close()));
    rmSync(config, { recursive: true, force: true });
  });

  test('DOCKER_CONTEXT: mutual TLS with the material from the context store', async () => {
    const docker = client({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: CONTEXT } });
    assert.equal(docker.endpoint.source, `context:${CONTEXT}`);
    assert.equal(docker.endpoint.kind === 'tcp' && docker.endpoint.tls?.verify, true);
    assert.equal(docker.endpoint.url, tlsDaemon.host.replace('tcp://', 'https://'));
    const version = await docker.system.version();
    // The same daemon the CLI reaches through the same context.
    assert.equal(version.Version, cli('--context', CONTEXT, 'version', '--format', '{{.Server.Version}}'));
    const info = await docker.system.info();
    assert.equal(info.ID, cli('--context', CONTEXT, 'info', '--format', '{{.ID}}'));
  });

  test('`docker context use` then connect() with nothing else: the current context', async () => {
    cli('context', 'use', CONTEXT);
    const docker = client({ env: { DOCKER_CONFIG: config } });
    assert.equal(docker.endpoint.source, `context:${CONTEXT}`);
    const ping = await docker.system.ping();
    assert.match(ping.apiVersion ?? '', /^1\.\d+$/);
  });

  test('the context option picks it even with DOCKER_HOST set elsewhere', async () => {
    const docker = client({
      context: CONTEXT,
      env: { DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    assert.equal((await docker.system.ping()).apiVersion !== undefined, true);
  });
});
