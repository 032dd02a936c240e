/**
 * docker-py through the gateway: seed 000's `exec_run` calls (plain, tty, stream=True generator,
 * socket=True read/write), with the console token from `HttpHeaders` in config.json (docker-py
 * reads it from DOCKER_CONFIG), TLS verified against the gateway's CA.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  dockerCli,
  type GatewayConsole,
  runProgram,
  startGatewayConsole,
  TEST_IMAGE,
  TEST_LABEL,
  uniqueSuffix,
} from './gateway-support.ts';
import { skipOnPodman } from './resource-support.ts';

const PYTHON = 'python3';

/** Runs `script` with docker-py bound to the gateway; the script prints one JSON line. */
async function python(env: NodeJS.ProcessEnv, script: string): Promise<Record<string, unknown>> {
  const prelude = `
import json, os, docker
tls = docker.tls.TLSConfig(ca_cert=os.environ['DOCKER_CERT_PATH'] + '/ca.pem', verify=os.environ['DOCKER_CERT_PATH'] + '/ca.pem')
client = docker.DockerClient(base_url=os.environ['DOCKER_HOST'], tls=tls, version='auto')
`;
  const result = await runProgram(PYTHON, ['-c', `${prelude}\n${script}`], env, 60_000);
  assert.equal(result.code, 0, `python failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

describe('docker-py through the gateway', {
  skip: skipOnPodman('docker-py is tested against Docker'),
}, () => {
  let gateway: GatewayConsole;
  let admin: ReturnType<typeof dockerCli>;
  let operator: ReturnType<typeof dockerCli>;
  const name = `gantry-test-gw-py-${uniqueSuffix()}`;

  before(async () => {
    gateway = await startGatewayConsole({ autoClose: false });
    const engines = [gateway.console.localEngineId];
    admin = dockerCli(gateway, await gateway.console.createToken('admin', engines));
    operator = dockerCli(gateway, await gateway.console.createToken('operator', engines));
    const started = await admin.run([
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
    assert.equal(started.code, 0, started.stderr);
  });
  after(async () => {
    await admin?.run(['rm', '-f', name]);
    admin?.cleanup();
    operator?.cleanup();
    await gateway?.console.close();
    gateway?.cleanup();
  });

  test("seed 000: exec_run(cmd='ls -l') and exec_run(tty=True, cmd='ls')", async () => {
    const out = await python(
      admin.env,
      `
c = client.containers.get('${name}')
code, plain = c.exec_run(cmd='ls -l /')
tty_code, tty = c.exec_run(tty=True, cmd='ls /')
missing = c.exec_run(cmd='cd /tmp')
print(json.dumps({'code': code, 'plain': plain.decode(), 'ttyCode': tty_code, 'tty': tty.decode(), 'missing': [missing[0], missing[1].decode()]}))
`,
    );
    assert.equal(out.code, 0);
    assert.match(String(out.plain), /^total \d+/);
    assert.match(String(out.plain), /\betc\b/);
    assert.equal(out.ttyCode, 0);
    for (const entry of ['bin', 'dev', 'etc']) assert.match(String(out.tty), new RegExp(`\\b${entry}\\b`));
    // `cd` is no executable: the daemon's error comes back through the gateway.
    assert.equal((out.missing as [number, string])[0], 126);
    assert.match((out.missing as [number, string])[1], /executable file not found/);
  });

  test('seed 000: exec_run(stream=True) yields output as it comes', async () => {
    const out = await python(
      admin.env,
      `
import time
c = client.containers.get('${name}')
_, result = c.exec_run(cmd="sh -c 'for i in 1 2 3; do echo tick $i; sleep 0.3; done'", tty=True, stream=True)
chunks, times = [], []
start = time.monotonic()
for chunk in result:
    chunks.append(chunk.decode())
    times.append(time.monotonic() - start)
print(json.dumps({'text': ''.join(chunks), 'chunks': len(chunks), 'spread': times[-1] - times[0]}))
`,
    );
    assert.equal(String(out.text).replace(/\r/g, ''), 'tick 1\ntick 2\ntick 3\n');
    assert.ok(Number(out.chunks) >= 2, 'the output arrived in pieces, not at the end');
    assert.ok(Number(out.spread) > 0.3, 'the pieces arrived over time');
  });

  test("seed 000: exec_run(socket=True, stdin=True, tty=True, user='root') reads and writes the shell", async () => {
    const out = await python(
      admin.env,
      `
import time
c = client.containers.get('${name}')
_, sock = c.exec_run(cmd='/bin/sh', socket=True, user='root', tty=True, stdin=True)
raw = getattr(sock, '_sock', sock)
raw.settimeout(10)
raw.sendall(b'echo $((6*7)); exit\\n')
data = b''
while True:
    try:
        chunk = raw.recv(4096)
    except Exception:
        break
    if not chunk:
        break
    data += chunk
sock.close()
print(json.dumps({'text': data.decode('utf-8', 'ignore')}))
`,
    );
    assert.match(String(out.text), /\b42\b/);
  });

  test('a non-admin token gets the policy refusal for a root exec, as an APIError with the rule', async () => {
    const out = await python(
      operator.env,
      `
c = client.containers.get('${name}')
try:
    c.exec_run(cmd='id', user='root')
    print(json.dumps({'denied': False}))
except docker.errors.APIError as error:
    print(json.dumps({'denied': True, 'status': error.status_code, 'explanation': error.explanation}))
`,
    );
    assert.equal(out.denied, true);
    assert.equal(out.status, 403);
    assert.match(String(out.explanation), /allowExecRootUser/);
  });
});
