import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  describeTls,
  EngineConfigError,
  type EngineRow,
  engineConnection,
  openEngineRow,
  parseEngineUrl,
  sealEngineConfig,
  validateEngineConfig,
} from '../../src/engines/connect.ts';
import { backoffDelay } from '../../src/engines/manager.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';

/** A self-signed certificate and its key, made with openssl. */
function certificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-connect-test-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=gantry-test',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const refused = (fn: () => unknown, field: string, message: RegExp) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof EngineConfigError, String(error));
    assert.equal(error.field, field);
    assert.match(error.message, message);
    return true;
  });

test('engine URLs: the five schemes parse, anything else is refused with what to use', () => {
  assert.equal(parseEngineUrl('unix:///var/run/docker.sock').kind, 'unix');
  assert.equal(parseEngineUrl('tcp://10.0.0.5:2376').kind, 'tcp');
  assert.equal(parseEngineUrl('http://example.com:2375').kind, 'tcp');
  assert.equal(parseEngineUrl('https://example.com').kind, 'tcp');
  assert.equal(parseEngineUrl('ssh://deploy@build-box:2222').kind, 'ssh');
  refused(() => parseEngineUrl('docker.example.com:2376'), 'url', /no scheme — use unix:\/\//);
  refused(() => parseEngineUrl('ftp://example.com'), 'url', /ftp:\/\/ is not supported/);
  refused(() => parseEngineUrl('unix://relative.sock'), 'url', /absolute/);
  refused(() => parseEngineUrl('ssh://-oProxyCommand=evil'), 'url', /must not start with "-"/);
  refused(() => parseEngineUrl('ssh://-l@host'), 'url', /user name must not start with "-"/);
  refused(() => parseEngineUrl('tcp://-host:2375'), 'url', /must not start with "-"/);
  refused(() => parseEngineUrl('tcp://user:secret@host:2375'), 'url', /user or password/);
});

test('TLS and ssh material: checked, only where it applies, never both halves missing', () => {
  const { cert, key } = certificate();
  assert.equal(
    validateEngineConfig({ url: ' tcp://h:2376 ', tls: { ca: cert, cert, key } }).url,
    'tcp://h:2376',
  );
  refused(() => validateEngineConfig({ url: 'tcp://h:2376', tls: { cert } }), 'tls.key', /give both/);
  refused(
    () => validateEngineConfig({ url: 'tcp://h:2376', tls: { ca: '-----BEGIN CERTIFICATE-----\nnope\n' } }),
    'tls.ca',
    /not a PEM certificate/,
  );
  refused(
    () => validateEngineConfig({ url: 'tcp://h:2376', tls: { cert, key: cert } }),
    'tls.key',
    /not a PEM private key/,
  );
  refused(
    () => validateEngineConfig({ url: 'unix:///x.sock', tls: { ca: cert } }),
    'tls',
    /tcp:\/\/ and https:\/\//,
  );
  refused(() => validateEngineConfig({ url: 'tcp://h:2376', sshKey: key }), 'sshKey', /only for ssh/);
  refused(() => validateEngineConfig({ url: 'ssh://h', sshKey: 'hello' }), 'sshKey', /not a private key/);
  assert.doesNotThrow(() => validateEngineConfig({ url: 'ssh://h', sshKey: key }));
});

test('sealed at rest, opened for the SDK, summarised for the API', () => {
  const box = createSecretBox(randomBytes(32));
  const { cert, key } = certificate();
  const columns = sealEngineConfig({ url: 'tcp://h:2376', tls: { ca: cert, cert, key, verify: false } }, box);
  for (const sealed of [columns.tls_ca, columns.tls_cert, columns.tls_key]) {
    assert.ok(sealed && !sealed.includes('BEGIN'), 'the column holds no PEM text');
  }
  const row = { id: 'e', name: 'e', created_at: 1, updated_at: 1, ...columns } as EngineRow;
  assert.deepEqual(describeTls(row), { ca: true, cert: true, key: true, verify: false });
  const opened = openEngineRow(row, box);
  assert.equal(opened.tls?.key, key);
  const { options } = engineConnection(opened);
  assert.deepEqual(options.tls, { ca: cert, cert, key, verify: false });
  assert.deepEqual(options.env, {}, "no DOCKER_* of the console's own environment");
  assert.equal(options.credentials, false);
  // tcp without material is plain text; https without material is TLS with the system CAs.
  assert.equal(engineConnection({ url: 'tcp://h:2375' }).options.tls, false);
  assert.deepEqual(engineConnection({ url: 'https://h:2376' }).options.tls, {
    ca: '',
    cert: '',
    key: '',
    verify: true,
  });
  assert.equal(describeTls({ ...row, tls_ca: null, tls_cert: null, tls_key: null }), null);
});

test('an ssh key is written to a private file only while the client lives', () => {
  const { key } = certificate();
  const connection = engineConnection(
    { url: 'ssh://me@h', sshKey: key },
    { sshKnownHosts: '/data/ssh_known_hosts' },
  );
  const configFile = connection.options.ssh?.configFile;
  assert.ok(configFile && existsSync(configFile));
  const config = readFileSync(configFile, 'utf8');
  assert.match(config, /IdentitiesOnly yes/);
  assert.match(config, /UserKnownHostsFile "\/data\/ssh_known_hosts" ~\/.ssh\/known_hosts/);
  const keyFile = /IdentityFile "([^"]+)"/.exec(config)?.[1] as string;
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(statSync(join(keyFile, '..')).mode & 0o777, 0o700);
  connection.dispose();
  assert.equal(existsSync(keyFile), false);
});

test('backoff: 0.5 s doubling to 30 s, with jitter of ±20 %', () => {
  const middle = () => 0.5;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => backoffDelay(attempt, middle)),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
  assert.equal(
    backoffDelay(0, () => 0),
    400,
  );
  assert.equal(
    backoffDelay(1, () => 0.999),
    1_200,
  );
  assert.equal(
    backoffDelay(10, () => 0.999),
    30_000,
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((attempt) => backoffDelay(attempt, middle, 1_000)),
    [500, 1000, 1000, 1000],
    'a lower cap (maxReconnectDelayMs) bounds every wait',
  );
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(3)));
  assert.ok(spread.size > 10, 'random jitter spreads retries');
});
