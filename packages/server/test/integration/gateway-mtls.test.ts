/**
 * Mutual TLS at the gateway (`--gateway-client-ca`): a client certificate mapped to a console API
 * token signs in as that token (the docker CLI with cert.pem / key.pem in DOCKER_CERT_PATH and no
 * HttpHeaders); a certificate from another CA, an unmapped one and one whose token was revoked are
 * refused with 401.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerCli, type GatewayConsole, runProgram, startGatewayConsole } from './gateway-support.ts';
import { skipOnPodman } from './resource-support.ts';

const CERTS = process.env.GANTRY_TEST_TLS_CERTS;
const WRONG = process.env.GANTRY_TEST_TLS_WRONG_CERTS;

describe('mutual TLS at the gateway', {
  skip:
    skipOnPodman('the gateway tests run the docker CLI against Docker') ||
    (CERTS && WRONG ? false : 'no harness TLS material'),
}, () => {
  let gateway: GatewayConsole;
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-gateway-mtls-'));
  let tokenId: string;
  let fingerprint: string;

  /** The docker CLI presenting the client certificate in `from` (no bearer token). */
  const withCertificate = (from: string) => {
    const dir = mkdtempSync(join(scratch, 'certs-'));
    copyFileSync(join(gateway.certDir, 'ca.pem'), join(dir, 'ca.pem'));
    copyFileSync(join(from, 'cert.pem'), join(dir, 'cert.pem'));
    copyFileSync(join(from, 'key.pem'), join(dir, 'key.pem'));
    const cli = dockerCli(gateway, undefined);
    return { ...cli, env: { ...cli.env, DOCKER_CERT_PATH: dir } };
  };

  before(async () => {
    gateway = await startGatewayConsole({
      autoClose: false,
      config: {
        gateway: {
          host: '127.0.0.1',
          port: 0,
          insecure: false,
          clientCaFile: join(CERTS as string, 'ca.pem'),
        },
      },
    });
    const admin = await gateway.console.asAdmin();
    const created = await admin.post('/api/tokens', {
      name: 'mtls',
      role: 'viewer',
      engines: [gateway.console.localEngineId],
    });
    tokenId = created.body.id;
    const mapped = await admin.post('/api/gateway/client-certificates', {
      certificate: readFileSync(join(CERTS as string, 'cert.pem'), 'utf8'),
      token: created.body.token,
    });
    assert.equal(mapped.status, 201, JSON.stringify(mapped.body));
    fingerprint = mapped.body.fingerprint;
    assert.match(fingerprint, /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
  });
  after(async () => {
    await gateway?.console.close();
    gateway?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('GET /api/gateway: where it listens, its fingerprint, mutual TLS, the policy in force', async () => {
    const admin = await gateway.console.asAdmin();
    const answer = await admin.get('/api/gateway');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.enabled, true);
    assert.equal(answer.body.url, gateway.gateway.url);
    assert.equal(answer.body.fingerprint, gateway.gateway.fingerprint);
    assert.match(answer.body.fingerprint, /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    assert.equal(answer.body.mutualTls, true);
    assert.equal(answer.body.policy.source, 'builtin');
    assert.equal(answer.body.policy.builtin.nonAdmin.allowPrivileged, false);
    assert.equal(answer.body.policy.builtin.admin.allowPrivileged, true);
    assert.doesNotMatch(JSON.stringify(answer.body), /PRIVATE KEY/);
  });

  test('the mapped certificate works as its token (a viewer: ps yes, run no)', async () => {
    const cli = withCertificate(CERTS as string);
    const ps = await runProgram('/usr/local/bin/docker', ['ps', '-q'], cli.env);
    assert.equal(ps.code, 0, ps.stderr);
    const created = await runProgram('/usr/local/bin/docker', ['create', 'busybox'], cli.env);
    assert.notEqual(created.code, 0);
    assert.match(created.stderr, /containers\.create/);
  });

  test('a certificate from another CA is refused', async () => {
    const cli = withCertificate(WRONG as string);
    const ps = await runProgram('/usr/local/bin/docker', ['ps', '-q'], cli.env);
    assert.notEqual(ps.code, 0);
    assert.match(ps.stderr, /not signed by the gateway's client CA|certificate/i);
  });

  test('no certificate and no token: 401 naming both ways in', async () => {
    const cli = dockerCli(gateway, undefined);
    const ps = await runProgram('/usr/local/bin/docker', ['ps', '-q'], cli.env);
    assert.notEqual(ps.code, 0);
    assert.match(ps.stderr, /Authorization: Bearer|client certificate/);
  });

  test('mappings: listed with their token, refused for a non-certificate or a dead token', async () => {
    const admin = await gateway.console.asAdmin();
    const listed = await admin.get('/api/gateway/client-certificates');
    assert.deepEqual(listed.body.items, [{ fingerprint, token: { id: tokenId, name: 'mtls', live: true } }]);
    assert.doesNotMatch(JSON.stringify(listed.body), /gty_/);
    const notPem = await admin.post('/api/gateway/client-certificates', {
      certificate: 'hello',
      token: 'gty_x',
    });
    assert.equal(notPem.status, 400);
    assert.match(notPem.body.error.message, /PEM X\.509 certificate/);
    const deadToken = await admin.post('/api/gateway/client-certificates', {
      certificate: readFileSync(join(WRONG as string, 'cert.pem'), 'utf8'),
      token: 'gty_not_a_token_of_this_console',
    });
    assert.equal(deadToken.status, 400);
    assert.match(deadToken.body.error.message, /not a live API token/);
    const { body: audit } = await admin.get('/api/audit?operation=gateway.client-certificates');
    assert.ok(audit.items.some((row: { target?: string }) => row.target === fingerprint));
    assert.doesNotMatch(JSON.stringify(audit), /gty_/);
  });

  test('revoking the token ends the certificate too', async () => {
    const admin = await gateway.console.asAdmin();
    assert.equal((await admin.delete(`/api/tokens/${tokenId}`)).status, 204);
    const cli = withCertificate(CERTS as string);
    const ps = await runProgram('/usr/local/bin/docker', ['ps', '-q'], cli.env);
    assert.notEqual(ps.code, 0);
    assert.match(ps.stderr, /not mapped to an API token|expired or revoked/);
  });

  test('an unmapped certificate no longer signs in', async () => {
    const admin = await gateway.console.asAdmin();
    const listed = await admin.get('/api/gateway/client-certificates');
    assert.equal(listed.body.items[0].token.live, false, 'the revoked token shows as not live');
    assert.equal((await admin.delete(`/api/gateway/client-certificates/${fingerprint}`)).status, 204);
    assert.equal((await admin.delete(`/api/gateway/client-certificates/${fingerprint}`)).status, 404);
    const ps = await runProgram('/usr/local/bin/docker', ['ps', '-q'], withCertificate(CERTS as string).env);
    assert.notEqual(ps.code, 0);
    assert.match(ps.stderr, /not mapped to an API token/);
  });
});
