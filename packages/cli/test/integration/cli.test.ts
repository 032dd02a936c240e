/**
 * gantry as a process against the harness's engines: the connection flags and environment
 * (DOCKER_HOST, -H, mutual TLS with --tlsverify and the certificate flags), errors that name the
 * fix, and the entry points (bin/gantry, src/main.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_ROOT, gantry, runProcess } from '../support.ts';

const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman' ? 'Podman: the CLI is verified on Docker Engine first' : false;

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set — run the tests with \`npm test\`, which provisions the engine`);
  return value;
}

describe('gantry against the engine', { skip }, () => {
  it('reaches the engine DOCKER_HOST names', async () => {
    const result = await gantry(['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^1\.\d+\n$/);
  });

  it('an unreachable engine: one line naming it and the fix, exit 1', async () => {
    const result = await gantry(['-H', 'unix:///nonexistent/gantry.sock', 'ps']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^cannot reach the engine at unix:\/\/\/nonexistent\/gantry\.sock: .+ — .+\n$/,
    );
  });

  it('-D adds the error code', async () => {
    const result = await gantry(['-D', '-H', 'unix:///nonexistent/gantry.sock', 'ps']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\nerror code: ENGINE_SOCKET_MISSING\n/);
  });

  it('a bad DOCKER_HOST is refused before any connection, naming the accepted forms', async () => {
    const result = await gantry(['ps'], { ...process.env, DOCKER_HOST: 'nonsense' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^invalid engine host "nonsense": it has no scheme — use unix:\/\/\//);
  });

  it('mutual TLS from the global flags: --tlsverify --tlscacert --tlscert --tlskey -H', async () => {
    const certs = required('GANTRY_TEST_TLS_CERTS');
    const args = [
      '--tlsverify',
      '--tlscacert',
      join(certs, 'ca.pem'),
      '--tlscert',
      join(certs, 'cert.pem'),
      '--tlskey',
      join(certs, 'key.pem'),
      '-H',
      required('GANTRY_TEST_TLS_HOST'),
      'info',
      '--format',
      '{{.OSType}}',
    ];
    const result = await gantry(args);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'linux\n');
  });

  it('mutual TLS from the environment: DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const env = {
      ...process.env,
      DOCKER_HOST: required('GANTRY_TEST_TLS_HOST'),
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: required('GANTRY_TEST_TLS_CERTS'),
    };
    const result = await gantry(['version', '--format', '{{.Server.Os}}'], env);
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, 'linux\n');
  });

  it('the certificate of another CA is refused, and the message says so', async () => {
    const env = {
      ...process.env,
      DOCKER_HOST: required('GANTRY_TEST_TLS_HOST'),
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: required('GANTRY_TEST_TLS_WRONG_CERTS'),
    };
    const result = await gantry(['ps'], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^cannot reach the engine at https:\/\/127\.0\.0\.1:\d+: /);
  });

  it('bin/gantry (the npm bin) and src/main.ts run the same CLI', async () => {
    const viaBin = await runProcess(join(CLI_ROOT, 'bin', 'gantry'), [
      'ps',
      '-q',
      '--filter',
      'label=io.gantry.nothing',
    ]);
    const viaMain = await runProcess(process.execPath, [
      join(CLI_ROOT, 'src', 'main.ts'),
      'images',
      '-q',
      'gantry-test/none',
    ]);
    assert.deepEqual([viaBin.code, viaBin.stdout, viaBin.stderr], [0, '', '']);
    assert.deepEqual([viaMain.code, viaMain.stdout, viaMain.stderr], [0, '', '']);
  });
});
