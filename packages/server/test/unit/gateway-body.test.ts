import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { contentTypeOk, foldKey, parseDaemonJson, readBody } from '../../src/gateway/body.ts';
import { GATEWAY_OPERATIONS } from '../../src/gateway/generated/operations.ts';
import type { GatewayOperation } from '../../src/gateway/types.ts';

const operation = (id: string): GatewayOperation => {
  const found = GATEWAY_OPERATIONS.find((candidate) => candidate.id === id);
  assert.ok(found, id);
  return found;
};
const schemaOf = (id: string) => `${operation(id).bodySchema}`;

// ---------------------------------------------------------------------------------------------
// readBody: whole bodies, chunked or not, with a limit
// ---------------------------------------------------------------------------------------------

/** Sends `parts` to a real Node HTTP server, chunked or with a Content-Length; returns readBody's result. */
async function throughServer(parts: string[], chunked: boolean, limit: number) {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const received = once(server, 'request');
    const { port } = server.address() as AddressInfo;
    const total = parts.join('');
    const headers: Record<string, string> = chunked
      ? { 'transfer-encoding': 'chunked' }
      : { 'content-length': String(Buffer.byteLength(total)) };
    const client = request({ port, method: 'POST', path: '/containers/create', headers });
    client.on('error', () => {});
    for (const part of parts) {
      client.write(part);
      await new Promise((resolve) => setImmediate(resolve));
    }
    client.end();
    const [incoming, response] = await received;
    const result = await readBody(incoming, limit);
    response.end();
    return { result, headers: incoming.headers };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

test('readBody reads a chunked body whole, across many chunks', async () => {
  const parts = ['{"Image":', '"busybox",', '"HostConfig":{"Privi', 'leged":true}}'];
  const { result, headers } = await throughServer(parts, true, 1024);
  assert.equal(headers['transfer-encoding'], 'chunked');
  assert.ok(Buffer.isBuffer(result));
  assert.equal(result.toString(), parts.join(''));
});

test('readBody reads a Content-Length body whole', async () => {
  const { result } = await throughServer(['{"Image":"a"}'], false, 1024);
  assert.ok(Buffer.isBuffer(result));
  assert.equal(result.toString(), '{"Image":"a"}');
});

test('readBody refuses an oversized chunked body with 413 (never a partial read)', async () => {
  const { result } = await throughServer(['x'.repeat(600), 'y'.repeat(600)], true, 1000);
  assert.ok(!Buffer.isBuffer(result));
  assert.equal(result.status, 413);
  assert.equal(result.rule, 'body.too-large');
});

test('readBody: exactly the limit passes, one byte over does not', async () => {
  async function* chunks(sizes: number[]) {
    for (const size of sizes) yield new Uint8Array(size).fill(97);
  }
  const atLimit = await readBody(chunks([3, 4, 3]), 10);
  assert.ok(Buffer.isBuffer(atLimit));
  assert.equal(atLimit.length, 10);
  const over = await readBody(chunks([3, 4, 4]), 10);
  assert.ok(!Buffer.isBuffer(over));
  assert.equal(over.status, 413);
});

// ---------------------------------------------------------------------------------------------
// contentTypeOk: where the daemon would still parse a JSON body
// ---------------------------------------------------------------------------------------------

const CONTENT_TYPES: readonly {
  readonly why: string;
  readonly operation: string;
  readonly headers: Record<string, string>;
  readonly rule?: string;
}[] = [
  {
    why: 'JSON',
    operation: 'ContainerCreate',
    headers: { 'content-type': 'application/json', 'content-length': '2' },
  },
  {
    why: 'JSON with charset',
    operation: 'ContainerCreate',
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' },
  },
  {
    why: 'upper-case JSON',
    operation: 'ContainerExec',
    headers: { 'content-type': 'APPLICATION/JSON', 'content-length': '2' },
  },
  { why: 'no type, empty body', operation: 'ContainerCreate', headers: { 'content-length': '0' } },
  { why: 'no type, no body at all', operation: 'ContainerCreate', headers: {} },
  {
    why: 'no type with a body',
    operation: 'ContainerCreate',
    headers: { 'content-length': '2' },
    rule: 'body.content-type',
  },
  {
    why: 'no type with a chunked body',
    operation: 'ContainerCreate',
    headers: { 'transfer-encoding': 'chunked' },
    rule: 'body.content-type',
  },
  {
    why: 'text/plain',
    operation: 'ContainerCreate',
    headers: { 'content-type': 'text/plain', 'content-length': '2' },
    rule: 'body.content-type',
  },
  {
    why: 'JSON look-alike',
    operation: 'ServiceCreate',
    headers: { 'content-type': 'application/jsonx', 'content-length': '2' },
    rule: 'body.content-type',
  },
  {
    why: 'form body on build (Go FormValue reads it over the query)',
    operation: 'ImageBuild',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '15' },
    rule: 'body.form-body',
  },
  {
    why: 'multipart on a body-less operation',
    operation: 'ContainerStart',
    headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '15' },
    rule: 'body.form-body',
  },
  {
    why: 'compressed JSON',
    operation: 'ContainerCreate',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': '20' },
    rule: 'body.content-encoding',
  },
  { why: 'tar build context', operation: 'ImageBuild', headers: { 'content-type': 'application/x-tar' } },
  {
    why: 'archive upload',
    operation: 'PutContainerArchive',
    headers: { 'content-type': 'application/x-tar' },
  },
];

for (const c of CONTENT_TYPES) {
  test(`contentTypeOk ${c.rule ? 'refuses' : 'accepts'} ${c.why} on ${c.operation}`, () => {
    const denial = contentTypeOk(c.headers, operation(c.operation));
    assert.equal(denial?.rule, c.rule);
    if (c.rule) assert.equal(denial?.status, 415);
  });
}

// ---------------------------------------------------------------------------------------------
// parseDaemonJson: Go's key matching, canonical spelling, duplicates refused
// ---------------------------------------------------------------------------------------------

const CANONICAL: readonly { why: string; operation: string; body: string; expect: unknown }[] = [
  {
    why: 'lower-case keys',
    operation: 'ContainerCreate',
    body: '{"image":"busybox","hostconfig":{"privileged":true}}',
    expect: { Image: 'busybox', HostConfig: { Privileged: true } },
  },
  {
    why: 'upper-case keys',
    operation: 'ContainerCreate',
    body: '{"HOSTCONFIG":{"PRIVILEGED":true}}',
    expect: { HostConfig: { Privileged: true } },
  },
  {
    why: 'long s (U+017F) folds to S',
    operation: 'ContainerCreate',
    body: '{"Ho\u017ftConfig":{"Privileged":true,"\u017fecurityopt":["seccomp=unconfined"]}}',
    expect: { HostConfig: { Privileged: true, SecurityOpt: ['seccomp=unconfined'] } },
  },
  {
    why: 'Kelvin sign (U+212A) folds to K',
    operation: 'ContainerCreate',
    body: '{"Wor\u212aingDir":"/proc/self/fd/7"}',
    expect: { WorkingDir: '/proc/self/fd/7' },
  },
  {
    why: '\\u escapes in keys',
    operation: 'ContainerCreate',
    body: '{"HostConfig":{"\\u0050rivileged":true,"\\u017fysctls":{"net.ipv4.ip_forward":"1"}}}',
    expect: { HostConfig: { Privileged: true, Sysctls: { 'net.ipv4.ip_forward': '1' } } },
  },
  {
    why: 'map keys kept exactly (Labels, Sysctls) while struct keys fold',
    operation: 'ContainerCreate',
    body: '{"labels":{"Owner":"a","owner":"b"},"hostconfig":{"sysctls":{"Net.Core.X":"1"}}}',
    expect: { Labels: { Owner: 'a', owner: 'b' }, HostConfig: { Sysctls: { 'Net.Core.X': '1' } } },
  },
  {
    why: 'unknown keys dropped (incl. the legacy Capabilities the spec no longer has)',
    operation: 'ContainerCreate',
    body: '{"Image":"a","Bogus":1,"HostConfig":{"Capabilities":["ALL"],"capadd":["NET_ADMIN"]}}',
    expect: { Image: 'a', HostConfig: { CapAdd: ['NET_ADMIN'] } },
  },
  {
    why: 'mounts at depth, bind options and volume driver options',
    operation: 'ContainerCreate',
    body: '{"hostconfig":{"mounts":[{"type":"volume","target":"/x","volumeoptions":{"driverconfig":{"name":"local","options":{"o":"bind","device":"/"}}}}]}}',
    expect: {
      HostConfig: {
        Mounts: [
          {
            Type: 'volume',
            Target: '/x',
            VolumeOptions: { DriverConfig: { Name: 'local', Options: { o: 'bind', device: '/' } } },
          },
        ],
      },
    },
  },
  {
    why: 'port bindings: a map of arrays of structs',
    operation: 'ContainerCreate',
    body: '{"hostconfig":{"portbindings":{"80/tcp":[{"hostip":"0.0.0.0","hostport":"80"}]}}}',
    expect: { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '80' }] } } },
  },
  {
    why: 'network endpoints: a map of structs',
    operation: 'ContainerCreate',
    body: '{"networkingconfig":{"endpointsconfig":{"MyNet":{"aliases":["a"]}}}}',
    expect: { NetworkingConfig: { EndpointsConfig: { MyNet: { Aliases: ['a'] } } } },
  },
  {
    why: 'service spec at depth',
    operation: 'ServiceCreate',
    body: '{"tasktemplate":{"containerspec":{"image":"a","privileges":{"seccomp":{"mode":"unconfined"}}}}}',
    expect: {
      TaskTemplate: { ContainerSpec: { Image: 'a', Privileges: { Seccomp: { Mode: 'unconfined' } } } },
    },
  },
  {
    why: 'exec config',
    operation: 'ContainerExec',
    body: '{"cmd":["sh"],"PRIVILEGED":true,"user":"0"}',
    expect: { Cmd: ['sh'], Privileged: true, User: '0' },
  },
  {
    why: 'volume driver options kept exactly',
    operation: 'VolumeCreate',
    body: '{"driveropts":{"Type":"none","o":"bind","device":"/etc"}}',
    expect: { DriverOpts: { Type: 'none', o: 'bind', device: '/etc' } },
  },
  {
    why: 'array body of structs (plugin privileges)',
    operation: 'PluginPull',
    body: '[{"name":"network","value":["host"]}]',
    expect: [{ Name: 'network', Value: ['host'] }],
  },
  { why: 'array body of strings', operation: 'PluginSet', body: '["DEBUG=1"]', expect: ['DEBUG=1'] },
  {
    why: 'null fields stay null',
    operation: 'ContainerCreate',
    body: '{"hostconfig":null}',
    expect: { HostConfig: null },
  },
];

for (const c of CANONICAL) {
  test(`parseDaemonJson canonicalizes ${c.why}`, () => {
    const result = parseDaemonJson(Buffer.from(c.body), schemaOf(c.operation), '1.47');
    assert.ok('value' in result, JSON.stringify(result));
    assert.deepEqual(result.value, c.expect);
    // what is forwarded is the re-serialized canonical value
    assert.deepEqual(JSON.parse(JSON.stringify(result.value)), c.expect);
  });
}

test('parseDaemonJson keeps a __proto__ label as data, not as a prototype', () => {
  const result = parseDaemonJson(
    Buffer.from('{"Labels":{"__proto__":{"x":1}}}'),
    schemaOf('ContainerCreate'),
  );
  assert.ok('value' in result);
  const labels = (result.value as { Labels: Record<string, unknown> }).Labels;
  assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  assert.ok(Object.hasOwn(labels, '__proto__'));
  assert.equal(JSON.stringify(result.value), '{"Labels":{"__proto__":{"x":1}}}');
});

test('parseDaemonJson: an empty body is no body', () => {
  assert.deepEqual(parseDaemonJson(Buffer.alloc(0), schemaOf('ContainerCreate')), { value: undefined });
});

const REFUSED: readonly { why: string; operation: string; body: string | Buffer; rule: string }[] = [
  {
    why: 'case-variant duplicate (Go: last wins)',
    operation: 'ContainerCreate',
    body: '{"HostConfig":{"Privileged":false,"privileged":true}}',
    rule: 'body.duplicate-key',
  },
  {
    why: 'U+017F duplicate of a field',
    operation: 'ContainerCreate',
    body: '{"HostConfig":{"Binds":[]},"Ho\u017ftConfig":{"Binds":["/:/host"]}}',
    rule: 'body.duplicate-key',
  },
  {
    why: 'exact duplicate at the top',
    operation: 'ContainerCreate',
    body: '{"Image":"a","Image":"b"}',
    rule: 'body.duplicate-key',
  },
  {
    why: 'duplicate deep in a mount',
    operation: 'ContainerCreate',
    body: '{"HostConfig":{"Mounts":[{"Type":"volume","type":"bind","Source":"/"}]}}',
    rule: 'body.duplicate-key',
  },
  {
    why: 'duplicate inside a map (Labels)',
    operation: 'ContainerCreate',
    body: '{"Labels":{"owner":"me","owner":"you"}}',
    rule: 'body.duplicate-key',
  },
  {
    why: 'duplicate inside a verbatim value',
    operation: 'ContainerCreate',
    body: '{"ExposedPorts":{"80/tcp":{"a":1,"a":2}}}',
    rule: 'body.duplicate-key',
  },
  {
    why: 'duplicate in a service spec',
    operation: 'ServiceUpdate',
    body: '{"TaskTemplate":{"ContainerSpec":{"Mounts":[],"mounts":[{"Type":"bind","Source":"/"}]}}}',
    rule: 'body.duplicate-key',
  },
  {
    why: 'trailing data',
    operation: 'ContainerCreate',
    body: '{"Image":"a"} {"Image":"b"}',
    rule: 'body.json',
  },
  { why: 'truncated JSON', operation: 'ContainerCreate', body: '{"Image":"a"', rule: 'body.json' },
  { why: 'trailing comma', operation: 'ContainerCreate', body: '{"Image":"a",}', rule: 'body.json' },
  { why: 'comment', operation: 'ContainerCreate', body: '{"Image":"a"/* x */}', rule: 'body.json' },
  { why: 'single quotes', operation: 'ContainerCreate', body: "{'Image':'a'}", rule: 'body.json' },
  {
    why: 'integer past 2^53 (judged != forwarded)',
    operation: 'ContainerCreate',
    body: '{"HostConfig":{"Memory":9007199254740993}}',
    rule: 'body.json',
  },
  {
    why: 'number overflow',
    operation: 'ContainerCreate',
    body: '{"HostConfig":{"CpuShares":1e999}}',
    rule: 'body.json',
  },
  { why: 'lone surrogate', operation: 'ContainerCreate', body: '{"Image":"\\ud800"}', rule: 'body.json' },
  { why: 'whitespace only', operation: 'ContainerCreate', body: '  ', rule: 'body.json' },
  { why: 'byte order mark', operation: 'ContainerCreate', body: '\ufeff{"Image":"a"}', rule: 'body.json' },
  {
    why: 'invalid UTF-8',
    operation: 'ContainerCreate',
    body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    rule: 'body.encoding',
  },
  {
    why: 'HostConfig not an object',
    operation: 'ContainerCreate',
    body: '{"HostConfig":[{"Privileged":true}]}',
    rule: 'body.shape',
  },
  {
    why: 'Binds not an array',
    operation: 'ContainerCreate',
    body: '{"HostConfig":{"Binds":"/:/h"}}',
    rule: 'body.shape',
  },
  { why: 'Labels not a map', operation: 'ContainerCreate', body: '{"Labels":["a"]}', rule: 'body.shape' },
  {
    why: 'nesting too deep',
    operation: 'ContainerCreate',
    body: `{"Labels":${'['.repeat(100)}${']'.repeat(100)}}`,
    rule: 'body.json',
  },
];

for (const c of REFUSED) {
  test(`parseDaemonJson refuses ${c.why}`, () => {
    const buffer = Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body);
    const result = parseDaemonJson(buffer, schemaOf(c.operation), '1.41');
    assert.ok('denial' in result, `accepted: ${JSON.stringify(result)}`);
    assert.equal(result.denial.rule, c.rule);
    assert.equal(result.denial.status, 400);
    assert.match(result.denial.message, /API 1\.41/);
  });
}

test('foldKey folds as Go foldName does for ASCII names, U+017F and U+212A', () => {
  assert.equal(foldKey('privileged'), 'PRIVILEGED');
  assert.equal(foldKey('Privileged'), foldKey('PRIVILEGED'));
  assert.equal(foldKey('ho\u017ftconfig'), 'HOSTCONFIG');
  assert.equal(foldKey('wor\u212aingdir'), 'WORKINGDIR');
  // other non-ASCII letters match no ASCII field: such keys are dropped, never judged one way
  assert.notEqual(foldKey('pr\u0131vileged'), 'PRIVILEGED');
});

test('every JSON operation has a body shape that parses an empty object', () => {
  const json = GATEWAY_OPERATIONS.filter((candidate) => candidate.body === 'json');
  assert.ok(json.length >= 25);
  for (const candidate of json) {
    assert.ok(candidate.bodySchema, candidate.id);
    const sample = candidate.bodySchema.startsWith('[]') ? '[]' : '{}';
    const result = parseDaemonJson(Buffer.from(sample), candidate.bodySchema);
    assert.ok('value' in result, `${candidate.id}: ${JSON.stringify(result)}`);
  }
});
