/**
 * dockerode through the gateway: the token in its `headers` option, TLS with the gateway's CA,
 * unversioned paths (pinned by the gateway to the engine's version), a hijacked exec with stdin.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import Dockerode from 'dockerode';
import {
  dockerCli,
  type GatewayConsole,
  startGatewayConsole,
  TEST_IMAGE,
  TEST_LABEL,
  uniqueSuffix,
} from './gateway-support.ts';
import { skipOnPodman } from './resource-support.ts';

describe('dockerode through the gateway', {
  skip: skipOnPodman('dockerode is tested against Docker'),
}, () => {
  let gateway: GatewayConsole;
  let docker: Dockerode;
  const name = `gantry-test-gw-dockerode-${uniqueSuffix()}`;
  let token: string;

  before(async () => {
    gateway = await startGatewayConsole({ autoClose: false });
    token = await gateway.console.createToken('operator', [gateway.console.localEngineId]);
    // The exec tests need a container whatever happens to createContainer below.
    const cli = dockerCli(gateway, token);
    const started = await cli.run([
      'run',
      '-d',
      '--label',
      `${TEST_LABEL}=1`,
      '--name',
      name,
      TEST_IMAGE,
      'sleep',
      '300',
    ]);
    cli.cleanup();
    assert.equal(started.code, 0, started.stderr);
    docker = new Dockerode({
      protocol: 'https',
      host: '127.0.0.1',
      port: gateway.gateway.port,
      ca: gateway.ca,
      headers: { Authorization: `Bearer ${token}` },
    });
  });
  after(async () => {
    await docker
      ?.getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    await gateway?.console.close();
    gateway?.cleanup();
  });

  test('ping, create, start, list by label, inspect', async () => {
    assert.equal(String(await docker.ping()), 'OK');
    const container = await docker.createContainer({
      name: `${name}-created`,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { [TEST_LABEL]: '1' },
    });
    await container.start();
    const listed = await docker.listContainers({ filters: { name: [`${name}-created`] } });
    assert.deepEqual(
      listed.map((item) => item.Names[0]),
      [`/${name}-created`],
    );
    const inspected = await container.inspect();
    assert.equal(inspected.State.Running, true);
    await container.remove({ force: true });
  });

  test('exec with a hijacked stdin: input in, output out, exit code', async () => {
    const container = docker.getContainer(name);
    const exec = await container.exec({
      Cmd: ['sh', '-c', 'read line; echo "got $line"'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    stream.write('through dockerode\n');
    await ended;
    // The multiplexed stream: an 8-byte header per frame.
    const out = Buffer.concat(chunks);
    assert.equal(out[0], 1, 'a stdout frame');
    assert.equal(out.subarray(8).toString(), 'got through dockerode\n');
    const info = await exec.inspect();
    assert.equal(info.ExitCode, 0);
  });

  test('exec without hijack: the raw 200 stream, read to its end', async () => {
    const exec = await docker.getContainer(name).exec({ Cmd: ['echo', 'raw form'], AttachStdout: true });
    const stream = await exec.start({ hijack: false });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).subarray(8).toString(), 'raw form\n');
  });

  test('the raw 200 form carries stdin too, and a half-close ends only the input', async () => {
    const exec = await docker.getContainer(name).exec({
      Cmd: ['sh', '-c', 'cat; echo after-eof'],
      AttachStdin: true,
      AttachStdout: true,
    });
    const body = JSON.stringify({ Detach: false, Tty: false });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: gateway.gateway.port,
        ca: gateway.ca,
        servername: 'localhost',
      });
      const chunks: Buffer[] = [];
      socket.once('secureConnect', () => {
        socket.write(
          `POST /exec/${exec.id}/start HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
        setTimeout(() => socket.end('typed in\n'), 300);
      });
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.once('close', () => resolve(Buffer.concat(chunks).toString()));
      socket.once('error', reject);
      setTimeout(() => socket.destroy(), 10_000);
    });
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(answer, /application\/vnd\.docker\.raw-stream/);
    assert.match(answer.replace(/\r/g, ''), /typed in\n[\s\S]*after-eof\n$/);
  });

  test('an error from the engine keeps its status and message', async () => {
    await assert.rejects(
      docker.getContainer(`${name}-missing`).inspect(),
      (error: { statusCode?: number }) => {
        assert.equal(error.statusCode, 404);
        return true;
      },
    );
  });
});
