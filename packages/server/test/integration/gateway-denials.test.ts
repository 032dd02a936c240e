/**
 * Denials through the whole gateway, each asserting its status AND that nothing reached the
 * engine: the engine is a recording upstream (registered in the console like any engine), and the
 * requests are exact bytes over TLS (no client library normalizes them first). Covers every bypass
 * class of security-guide.md section 5 and the escalation rows of section 4, plus credential failures.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type GatewayConsole,
  httpText,
  rawRequest,
  recordingUpstream,
  startGatewayConsole,
} from './gateway-support.ts';

type Recorder = Awaited<ReturnType<typeof recordingUpstream>>;

interface Case {
  readonly name: string;
  readonly method?: string;
  readonly target: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Raw bytes instead of a built request (framing cases). */
  readonly raw?: (token: string) => string;
  readonly status: number;
  /** Which token: the operator's (default) or the admin's. */
  readonly as?: 'admin';
}

const json = { 'Content-Type': 'application/json' };
const create = (
  body: Record<string, unknown>,
  query = '',
): Pick<Case, 'method' | 'target' | 'body' | 'headers'> => ({
  method: 'POST',
  target: `/v1.41/containers/create${query}`,
  body: { Image: 'busybox', ...body },
  headers: json,
});
const hostConfig = (fields: Record<string, unknown>) => create({ HostConfig: fields });

/** Section 5: bypass classes (admin token where the policy would allow the decoded request anyway). */
const BYPASSES: readonly Case[] = [
  { name: '5.1 dot-dot segments', target: '/containers/json/../../secrets', status: 400, as: 'admin' },
  { name: '5.1 a dot segment', target: '/v1.41/containers/./json', status: 400, as: 'admin' },
  { name: '5.1 a trailing /.', target: '/v1.41/containers/json/.', status: 400, as: 'admin' },
  { name: '5.2 /v1 is no version', target: '/v1/containers/json', status: 400, as: 'admin' },
  { name: '5.2 a three-part version', target: '/v1.41.0/containers/json', status: 400, as: 'admin' },
  { name: '5.2 a version below the floor', target: '/v1.24/containers/json', status: 400, as: 'admin' },
  {
    name: '5.3 an empty segment',
    method: 'POST',
    target: '/v1.41//containers/create',
    body: {},
    headers: json,
    status: 400,
    as: 'admin',
  },
  { name: '5.4 an encoded slash', target: '/v1.41/containers/a%2Fb/json', status: 400, as: 'admin' },
  { name: '5.4 double encoding', target: '/v1.41/containers/%252e%252e/json', status: 400, as: 'admin' },
  {
    name: '5.4 an encoded path is judged decoded: %65xec is exec, privileged exec refused',
    method: 'POST',
    target: '/v1.41/containers/abc/%65xec',
    body: { Cmd: ['id'], Privileged: true },
    headers: json,
    status: 403,
  },
  { name: '5.5 path case is not folded', target: '/v1.41/CONTAINERS/json', status: 404, as: 'admin' },
  {
    name: '5.5 a lower-case method',
    method: 'get',
    target: '/v1.41/containers/json',
    status: 400,
    as: 'admin',
  },
  {
    name: '5.6 a method-override header',
    target: '/v1.41/containers/json',
    headers: { 'X-HTTP-Method-Override': 'DELETE' },
    status: 400,
    as: 'admin',
  },
  {
    name: '5.7 OPTIONS is answered here',
    method: 'OPTIONS',
    target: '/v1.41/containers/json',
    status: 405,
    as: 'admin',
  },
  {
    name: '5.8 a chunked body is read whole and judged',
    target: '/v1.41/containers/create',
    raw: (token) => {
      const body = JSON.stringify({ Image: 'busybox', HostConfig: { Privileged: true } });
      const half = Math.floor(body.length / 2);
      const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
      return `POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(body.slice(0, half))}${chunk(body.slice(half))}0\r\n\r\n`;
    },
    status: 403,
  },
  {
    name: '5.9 an oversized body',
    ...create({ Env: [`BIG=${'x'.repeat(1024 * 1024 + 10)}`] }),
    status: 413,
  },
  {
    name: '5.10 Content-Length with Transfer-Encoding',
    target: '/v1.41/containers/create',
    raw: (token) =>
      `POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: '5.10 two different Content-Length headers',
    target: '/v1.41/containers/create',
    raw: (token) =>
      `POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}`,
    status: 400,
  },
  {
    name: '5.11 lower-case keys are the same fields',
    ...create({ hostconfig: { privileged: true } }),
    status: 403,
  },
  {
    name: '5.11 a duplicate key',
    method: 'POST',
    target: '/v1.41/containers/create',
    body: '{"Image":"busybox","HostConfig":{"Privileged":false},"HostConfig":{"Privileged":true}}',
    headers: json,
    status: 400,
  },
  {
    name: '5.11 a duplicate after case folding',
    method: 'POST',
    target: '/v1.41/containers/create',
    body: '{"Image":"busybox","HostConfig":{"Privileged":false,"privileged":true}}',
    headers: json,
    status: 400,
  },
  {
    name: '5.11 Unicode folding (ſ ~ s) reaches Binds',
    ...hostConfig({ Bind\u017f: ['/:/host'] }),
    status: 403,
  },
  {
    name: '5.11 \\u escapes in keys',
    method: 'POST',
    target: '/v1.41/containers/create',
    body: '{"Image":"busybox","Host\\u0043onfig":{"Privileged":true}}',
    headers: json,
    status: 403,
  },
  {
    name: '5.11 trailing data after the JSON value',
    method: 'POST',
    target: '/v1.41/containers/create',
    body: '{"Image":"busybox"} {"HostConfig":{"Privileged":true}}',
    headers: json,
    status: 400,
  },
  {
    name: '5.12 a JSON body sent as text/plain',
    ...create({}),
    headers: { 'Content-Type': 'text/plain' },
    status: 415,
  },
  { name: '5.12 a JSON body without Content-Type', ...create({}), headers: {}, status: 415 },
  {
    name: '5.12 a form body overriding the query (/build)',
    method: 'POST',
    target: '/v1.41/build',
    body: 'networkmode=host',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    status: 415,
    as: 'admin',
  },
  {
    name: '5.12 Content-Encoding',
    ...create({}),
    headers: { ...json, 'Content-Encoding': 'gzip' },
    status: 415,
  },
  {
    name: '5.13 a bind mount through Mounts',
    ...hostConfig({ Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] }),
    status: 403,
  },
  {
    name: '5.13 a bind through a volume mount with local driver options',
    ...hostConfig({
      Mounts: [
        {
          Type: 'volume',
          Target: '/host',
          VolumeOptions: {
            DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } },
          },
        },
      ],
    }),
    status: 403,
  },
  {
    name: '5.13 a bind-backed volume created by name',
    method: 'POST',
    target: '/v1.41/volumes/create',
    body: { Name: 'v', Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/etc' } },
    headers: json,
    status: 403,
  },
  { name: '5.13 VolumesFrom another container', ...hostConfig({ VolumesFrom: ['other'] }), status: 403 },
  {
    name: '5.13 a bind mount in a Swarm service',
    method: 'POST',
    target: '/v1.41/services/create',
    body: {
      Name: 's',
      TaskTemplate: {
        ContainerSpec: { Image: 'busybox', Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] },
      },
    },
    headers: json,
    status: 403,
  },
  {
    name: '5.14 an Upgrade on an operation that does not hijack',
    target: '/v1.41/containers/json',
    headers: { Connection: 'Upgrade', Upgrade: 'tcp' },
    status: 400,
    as: 'admin',
  },
  {
    name: '5.14 an HTTP/2 preface',
    target: '*',
    raw: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    status: 400,
  },
  {
    name: '5.15 an absolute-form target',
    target: 'http://127.0.0.1/v1.41/containers/json',
    status: 400,
    as: 'admin',
  },
  { name: '5.15 a backslash in the target', target: '/v1.41/containers\\json', status: 400, as: 'admin' },
  {
    name: '5.18 a forged owner label',
    ...create({ Labels: { 'io.gantry.owner': 'token:someone' } }),
    status: 403,
  },
  {
    name: '5.19 a browser Origin',
    target: '/v1.41/containers/json',
    headers: { Origin: 'http://evil.example' },
    status: 403,
    as: 'admin',
  },
  { name: '5.20 the BuildKit session (opaque)', method: 'POST', target: '/v1.41/session', status: 403 },
  { name: '5.20 /grpc is no route', method: 'POST', target: '/v1.41/grpc', status: 404 },
];

/** Section 4: escalation rows, as a non-admin (the safe default policy). */
const ESCALATIONS: readonly Case[] = [
  { name: '4.1 Privileged', ...hostConfig({ Privileged: true }), status: 403 },
  { name: '4.1 Binds of /', ...hostConfig({ Binds: ['/:/host'] }), status: 403 },
  {
    name: '4.1 Binds of the daemon socket',
    ...hostConfig({ Binds: ['/var/run/docker.sock:/s'] }),
    status: 403,
  },
  { name: '4.1 Binds through /proc/1/root', ...hostConfig({ Binds: ['/proc/1/root:/h:ro'] }), status: 403 },
  { name: '4.1 PidMode host', ...hostConfig({ PidMode: 'host' }), status: 403 },
  { name: '4.1 IpcMode host', ...hostConfig({ IpcMode: 'host' }), status: 403 },
  { name: '4.1 NetworkMode host', ...hostConfig({ NetworkMode: 'host' }), status: 403 },
  { name: '4.1 UTSMode host', ...hostConfig({ UTSMode: 'host' }), status: 403 },
  { name: '4.1 UsernsMode host', ...hostConfig({ UsernsMode: 'host' }), status: 403 },
  { name: '4.1 CgroupnsMode host', ...hostConfig({ CgroupnsMode: 'host' }), status: 403 },
  { name: '4.1 PidMode container:', ...hostConfig({ PidMode: 'container:other' }), status: 403 },
  { name: '4.1 CapAdd SYS_ADMIN', ...hostConfig({ CapAdd: ['SYS_ADMIN'] }), status: 403 },
  { name: '4.1 CapAdd in another spelling', ...hostConfig({ CapAdd: ['cap_sys_admin'] }), status: 403 },
  { name: '4.1 CapAdd ALL', ...hostConfig({ CapAdd: ['ALL'] }), status: 403 },
  { name: '4.1 seccomp unconfined', ...hostConfig({ SecurityOpt: ['seccomp=unconfined'] }), status: 403 },
  {
    name: '4.1 apparmor with the old separator',
    ...hostConfig({ SecurityOpt: ['apparmor:unconfined'] }),
    status: 403,
  },
  { name: '4.1 label=disable', ...hostConfig({ SecurityOpt: ['label=disable'] }), status: 403 },
  {
    name: '4.1 no-new-privileges=false',
    ...hostConfig({ SecurityOpt: ['no-new-privileges=false'] }),
    status: 403,
  },
  { name: '4.1 MaskedPaths emptied', ...hostConfig({ MaskedPaths: [] }), status: 403 },
  {
    name: '4.1 a host device',
    ...hostConfig({
      Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }],
    }),
    status: 403,
  },
  { name: '4.1 DeviceCgroupRules', ...hostConfig({ DeviceCgroupRules: ['b *:* rwm'] }), status: 403 },
  {
    name: '4.1 DeviceRequests',
    ...hostConfig({ DeviceRequests: [{ Driver: 'cdi', DeviceIDs: ['x'] }] }),
    status: 403,
  },
  { name: '4.1 a kernel sysctl', ...hostConfig({ Sysctls: { 'kernel.core_pattern': '|/x' } }), status: 403 },
  {
    name: '4.1 a log driver that connects out',
    ...hostConfig({ LogConfig: { Type: 'syslog', Config: { 'syslog-address': 'tcp://10.0.0.1:514' } } }),
    status: 403,
  },
  { name: '4.1 another runtime', ...hostConfig({ Runtime: 'kata' }), status: 403 },
  { name: '4.1 CgroupParent', ...hostConfig({ CgroupParent: '/' }), status: 403 },
  { name: '4.1 WorkingDir in /proc/self/fd', ...create({ WorkingDir: '/proc/self/fd/8' }), status: 403 },
  { name: '4.1 a hex name shadowing an id prefix', ...create({}, '?name=abc123'), status: 403 },
  {
    name: '4.2 a privileged exec',
    method: 'POST',
    target: '/v1.41/containers/c/exec',
    body: { Cmd: ['sh'], Privileged: true },
    headers: json,
    status: 403,
  },
  {
    name: '4.2 an exec as root',
    method: 'POST',
    target: '/v1.41/containers/c/exec',
    body: { Cmd: ['sh'], User: '0' },
    headers: json,
    status: 403,
  },
  {
    name: '4.2 build with the host network',
    method: 'POST',
    target: '/v1.41/build?networkmode=host',
    status: 403,
  },
  {
    name: '4.2 build from a remote URL',
    method: 'POST',
    target: '/v1.41/build?remote=http%3A%2F%2F169.254.169.254%2F',
    status: 403,
  },
  {
    name: '4.2 plugin install',
    method: 'POST',
    target: '/v1.41/plugins/pull?remote=vieux/sshfs',
    body: [],
    headers: json,
    status: 403,
  },
  { name: '4.2 plugin disable', method: 'POST', target: '/v1.41/plugins/authz/disable', status: 403 },
  {
    name: '4.2 swarm join',
    method: 'POST',
    target: '/v1.41/swarm/join',
    body: { RemoteAddrs: ['10.0.0.1:2377'], JoinToken: 't' },
    headers: json,
    status: 403,
  },
  { name: '4.2 swarm unlock key', target: '/v1.41/swarm/unlockkey', status: 403 },
  {
    name: '4.2 image import from a URL',
    method: 'POST',
    target: '/v1.41/images/create?fromSrc=http%3A%2F%2F169.254.169.254%2F',
    status: 403,
  },
  {
    name: '4.2 a macvlan network',
    method: 'POST',
    target: '/v1.41/networks/create',
    body: { Name: 'n', Driver: 'macvlan', Options: { parent: 'eth0' } },
    headers: json,
    status: 403,
  },
  { name: '4.2 daemon debug endpoints', target: '/debug/pprof/heap', status: 404 },
];

function requestFor(item: Case, token: string): string {
  if (item.raw) return item.raw(token);
  const body =
    item.body === undefined
      ? undefined
      : typeof item.body === 'string'
        ? item.body
        : JSON.stringify(item.body);
  return httpText(item.method ?? 'GET', item.target, {
    token,
    ...(item.headers ? { headers: item.headers } : {}),
    ...(body !== undefined ? { body } : {}),
  });
}

describe('gateway denials never reach the engine', () => {
  let gateway: GatewayConsole;
  let recorder: Recorder;
  let engineId: string;
  const tokens: Record<'operator' | 'admin' | 'viewer' | 'other', string> = {
    operator: '',
    admin: '',
    viewer: '',
    other: '',
  };

  before(async () => {
    recorder = await recordingUpstream();
    gateway = await startGatewayConsole({ autoClose: false });
    const admin = await gateway.console.asAdmin();
    const added = await admin.post('/api/engines', { name: 'recorder', url: recorder.url });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    engineId = added.body.id;
    tokens.operator = await gateway.console.createToken('operator', [engineId]);
    tokens.admin = await gateway.console.createToken('admin', [engineId]);
    tokens.viewer = await gateway.console.createToken('viewer', [engineId]);
    tokens.other = await gateway.console.createToken('operator', [gateway.console.localEngineId]);
  });
  after(async () => {
    await gateway?.console.close();
    gateway?.cleanup();
    await recorder?.close();
  });

  test('allowed requests do reach the recording upstream, without the client credential', async () => {
    const before = recorder.requests.length;
    const answer = await rawRequest(
      gateway,
      httpText('GET', '/v1.41/containers/json?all=1', {
        token: tokens.operator,
        headers: { 'X-Tenant': 'someone-else', Connection: 'close, X-Tenant' },
      }),
    );
    assert.equal(answer.status, 200, answer.body);
    const seen = recorder.requests.slice(before);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.url, '/v1.41/containers/json?all=1');
    assert.equal(seen[0]?.headers.authorization, undefined, 'the bearer token stays in the gateway');
    assert.equal(seen[0]?.headers['x-tenant'], undefined, 'client headers are not passed on');
    // Unversioned: pinned to the engine's negotiated version.
    await rawRequest(gateway, httpText('GET', '/_ping', { token: tokens.operator }));
    assert.equal(recorder.requests.at(-1)?.url, '/v1.41/_ping');
  });

  test('5.11 / 5.13 the canonical body is what is forwarded: legacy and unknown fields dropped, keys respelled', async () => {
    const before = recorder.requests.length;
    const body =
      '{"image":"busybox","hostconfig":{"Capabilities":["CAP_SYS_ADMIN"],"memory":1048576},"Smuggled":1}';
    const answer = await rawRequest(
      gateway,
      httpText('POST', '/v1.41/containers/create', { token: tokens.operator, headers: json, body }),
    );
    assert.equal(answer.status, 200, answer.body);
    const [forwarded] = recorder.requests.slice(before);
    const sent = JSON.parse(forwarded?.body ?? '{}');
    assert.equal(sent.Image, 'busybox');
    assert.equal(sent.HostConfig.Memory, 1048576);
    assert.equal(sent.HostConfig.Capabilities, undefined, 'HostConfig.Capabilities never reaches the daemon');
    assert.equal(sent.Smuggled, undefined);
    assert.equal(forwarded?.headers['content-type'], 'application/json');
    assert.equal(Number(forwarded?.headers['content-length']), Buffer.byteLength(forwarded?.body ?? ''));
  });

  for (const item of [...BYPASSES, ...ESCALATIONS]) {
    test(`${item.name}: ${item.status}, nothing forwarded`, async () => {
      const before = recorder.requests.length;
      const answer = await rawRequest(
        gateway,
        requestFor(item, item.as === 'admin' ? tokens.admin : tokens.operator),
      );
      assert.equal(answer.status, item.status, `${answer.status} ${answer.body}`);
      if (answer.body.trim().startsWith('{')) {
        assert.equal(typeof JSON.parse(answer.body).message, 'string', 'a Docker-style {"message"} body');
      }
      assert.deepEqual(
        recorder.requests.slice(before).map((request) => `${request.method} ${request.url}`),
        [],
      );
    });
  }

  test('credential failures: none, malformed, unknown, revoked, expired, wrong engine, missing permission', async () => {
    const admin = await gateway.console.asAdmin();
    const before = recorder.requests.length;
    const status = async (token: string | undefined, target = '/v1.41/containers/json', headers = {}) =>
      (await rawRequest(gateway, httpText('GET', target, { ...(token ? { token } : {}), headers }))).status;

    assert.equal(await status(undefined), 401);
    assert.equal(await status(undefined, '/v1.41/containers/json', { Authorization: 'Basic YTpi' }), 401);
    assert.equal(await status('gty_not-a-real-token'), 401);

    const revoked = await admin.post('/api/tokens', {
      name: 'gw-revoked',
      role: 'operator',
      engines: [engineId],
    });
    await admin.delete(`/api/tokens/${revoked.body.info?.id ?? revoked.body.id}`);
    assert.equal(await status(revoked.body.token), 401);

    const expiring = await admin.post('/api/tokens', {
      name: 'gw-expired',
      role: 'operator',
      engines: [engineId],
      expiresAt: Date.now() + 300,
    });
    assert.equal(expiring.status, 201, JSON.stringify(expiring.body));
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await status(expiring.body.token), 401);

    // A token for another engine: the prefix names this one, the grant does not cover it.
    assert.equal(await status(tokens.other, `/engines/${engineId}/v1.41/containers/json`), 403);
    // A viewer may list, not create.
    const viewerCreate = await rawRequest(
      gateway,
      requestFor({ name: '', ...create({}), status: 403 }, tokens.viewer),
    );
    assert.equal(viewerCreate.status, 403);
    assert.match(JSON.parse(viewerCreate.body).message, /containers\.create/);
    // An engine that does not exist: only after the grant (the admin token is limited to the recorder).
    assert.equal(await status(tokens.admin, '/engines/nope/v1.41/containers/json'), 403);
    assert.deepEqual(recorder.requests.slice(before), []);
  });

  test('every decision is in the audit log with its verdict and rule', async () => {
    const admin = await gateway.console.asAdmin();
    const { body } = await admin.get('/api/audit?operation=gateway.&pageSize=500');
    const rows = body.items as {
      operation: string;
      outcome: string;
      params: { rule?: string };
      status: number;
    }[];
    const denied = rows.filter((row) => row.outcome === 'denied');
    assert.ok(denied.length >= BYPASSES.length + ESCALATIONS.length - 6, `${denied.length} denied rows`);
    assert.ok(denied.every((row) => typeof row.params.rule === 'string' && row.params.rule.length > 0));
    const privileged = denied.find(
      (row) => row.operation === 'gateway.ContainerCreate' && /privileged/i.test(row.params.rule ?? ''),
    );
    assert.ok(privileged, 'the privileged create is audited with its rule');
    assert.ok(rows.some((row) => row.operation === 'gateway.ContainerList' && row.outcome === 'success'));
  });
});
