/**
 * The gateway's own pieces that need no engine: every route-table operation has a console
 * permission (an unmapped one would be denied), the generated certificate (0600 key, CA-signed,
 * naming loopback, reused while valid), and the path encoding of forwarded requests.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isPermission } from '../../src/auth/permissions.ts';
import { loadGatewayTls } from '../../src/gateway/certificate.ts';
import { GATEWAY_OPERATIONS } from '../../src/gateway/generated/operations.ts';
import { permissionFor } from '../../src/gateway/permissions.ts';
import { encodePath } from '../../src/gateway/pipeline.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-gateway-unit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('every operation of the route table needs a known console permission', () => {
  const missing = GATEWAY_OPERATIONS.filter(
    (operation) => !permissionFor(operation.id, new URLSearchParams()),
  );
  assert.deepEqual(
    missing.map((operation) => operation.id),
    [],
  );
  for (const operation of GATEWAY_OPERATIONS) {
    assert.ok(isPermission(permissionFor(operation.id, new URLSearchParams()) ?? ''), operation.id);
  }
  assert.equal(permissionFor('ImageCreate', new URLSearchParams('fromImage=busybox')), 'images.pull');
  assert.equal(permissionFor('ImageCreate', new URLSearchParams('fromSrc=-')), 'images.manage');
  assert.equal(permissionFor('SomethingNew', new URLSearchParams()), undefined);
});

test('a generated certificate: CA-signed, names loopback, 0600 keys, reused on the next start', async () => {
  const config = { host: '127.0.0.1', port: 0, insecure: false };
  const first = await loadGatewayTls(config, scratch);
  assert.equal(first.generated, true);
  assert.match(first.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const cert = new X509Certificate(first.cert);
  const ca = new X509Certificate(readFileSync(first.caFile as string));
  assert.ok(cert.verify(ca.publicKey), 'signed by the generated CA');
  assert.ok(ca.ca);
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkHost('localhost'), 'localhost');
  for (const key of ['key.pem', 'ca-key.pem']) {
    assert.equal(statSync(join(scratch, 'gateway', key)).mode & 0o777, 0o600, key);
  }
  const second = await loadGatewayTls(config, scratch);
  assert.equal(second.fingerprint, first.fingerprint);
  // Another host name the certificate does not cover: a new one is made.
  const renamed = await loadGatewayTls({ ...config, host: 'gateway.example' }, scratch);
  assert.notEqual(renamed.fingerprint, first.fingerprint);
  assert.equal(new X509Certificate(renamed.cert).checkHost('gateway.example'), 'gateway.example');
});

test('given certificate files that cannot be read name the flag', async () => {
  await assert.rejects(
    loadGatewayTls(
      {
        host: '127.0.0.1',
        port: 0,
        insecure: false,
        certFile: join(scratch, 'nope.pem'),
        keyFile: join(scratch, 'nope.key'),
      },
      scratch,
    ),
    /cannot read --gateway-cert .*nope\.pem \(ENOENT\)/,
  );
});

test('forwarded paths: reference characters stay, anything that could end a segment is encoded', () => {
  assert.equal(
    encodePath('/images/127.0.0.1:5000/team/app:1.0@sha256:ab/json'),
    '/images/127.0.0.1:5000/team/app:1.0@sha256:ab/json',
  );
  assert.equal(encodePath('/containers/a?b#c%d e/json'), '/containers/a%3Fb%23c%25d%20e/json');
});
