import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalize } from '../../src/gateway/canonical.ts';
import { GATEWAY_OPERATIONS } from '../../src/gateway/generated/operations.ts';
import { matchOperation } from '../../src/gateway/routes.ts';

const SPEC_DIR =
  process.env.GANTRY_ENGINE_API_DIR ?? join(import.meta.dirname, '../../../../../shared/engine-api');
const NO_HEADERS = {};

interface Accepted {
  readonly method?: string;
  readonly target: string;
  readonly headers?: Record<string, string>;
  readonly operation: string;
  readonly path: string;
  readonly apiVersion?: string;
  readonly engineId?: string;
  readonly params?: Record<string, string>;
}

const ACCEPTED: readonly Accepted[] = [
  {
    target: '/v1.41/containers/json',
    operation: 'ContainerList',
    path: '/containers/json',
    apiVersion: '1.41',
  },
  // unversioned: same operation, the version is pinned later (the wollomatic bypass class)
  { target: '/containers/json?all=1', operation: 'ContainerList', path: '/containers/json' },
  {
    target: '/engines/local/v1.47/containers/abc/json',
    operation: 'ContainerInspect',
    path: '/containers/abc/json',
    apiVersion: '1.47',
    engineId: 'local',
    params: { id: 'abc' },
  },
  {
    target: '/v1.55/images/library/busybox:latest/json',
    operation: 'ImageInspect',
    path: '/images/library/busybox:latest/json',
    apiVersion: '1.55',
    params: { name: 'library/busybox:latest' },
  },
  // docker-py quotes '@' in image references; decoded once
  {
    target: '/v1.41/images/busybox%40sha256:0123/json',
    operation: 'ImageInspect',
    path: '/images/busybox@sha256:0123/json',
    apiVersion: '1.41',
    params: { name: 'busybox@sha256:0123' },
  },
  // %65 is 'e': the daemon routes on the decoded path, so does the gateway
  {
    method: 'POST',
    target: '/v1.41/%65xec/abc/start',
    operation: 'ExecStart',
    path: '/exec/abc/start',
    apiVersion: '1.41',
    params: { id: 'abc' },
  },
  { method: 'HEAD', target: '/_ping', operation: 'SystemPingHead', path: '/_ping' },
  {
    method: 'HEAD',
    target: '/v1.41/containers/c1/archive?path=/etc',
    operation: 'ContainerArchiveInfo',
    path: '/containers/c1/archive',
    apiVersion: '1.41',
  },
  {
    target: '/v1.44/services/s1/logs',
    operation: 'ServiceLogs',
    path: '/services/s1/logs',
    apiVersion: '1.44',
  },
  // the daemon's GET /networks/{id:.+} takes 'create' as a network name
  {
    target: '/networks/create',
    operation: 'NetworkInspect',
    path: '/networks/create',
    params: { id: 'create' },
  },
  {
    method: 'DELETE',
    target: '/v1.41/images/localhost:5000/team/app:1',
    operation: 'ImageDelete',
    path: '/images/localhost:5000/team/app:1',
    apiVersion: '1.41',
    params: { name: 'localhost:5000/team/app:1' },
  },
  {
    method: 'POST',
    target: '/v1.41/plugins/vieux/sshfs:latest/enable',
    operation: 'PluginEnable',
    path: '/plugins/vieux/sshfs:latest/enable',
    apiVersion: '1.41',
    params: { name: 'vieux/sshfs:latest' },
  },
  // t= is read in full by the daemon: repeating it is fine
  {
    method: 'POST',
    target: '/v1.47/build?t=a&t=b',
    operation: 'ImageBuild',
    path: '/build',
    apiVersion: '1.47',
  },
  {
    method: 'PUT',
    target: '/v1.42/volumes/v1',
    operation: 'VolumeUpdate',
    path: '/volumes/v1',
    apiVersion: '1.42',
  },
  {
    method: 'POST',
    target: '/containers/create',
    headers: { 'transfer-encoding': 'chunked' },
    operation: 'ContainerCreate',
    path: '/containers/create',
  },
];

for (const c of ACCEPTED) {
  const method = c.method ?? 'GET';
  test(`canonical: ${method} ${c.target} -> ${c.operation}`, () => {
    const result = canonicalize(method, c.target, c.headers ?? NO_HEADERS);
    assert.ok('request' in result, `denied: ${JSON.stringify('denial' in result && result.denial)}`);
    const { request } = result;
    assert.equal(request.operation.id, c.operation);
    assert.equal(request.path, c.path);
    assert.equal(request.apiVersion, c.apiVersion);
    assert.equal(request.engineId, c.engineId);
    if (c.params) assert.deepEqual(request.params, c.params);
  });
}

interface Refused {
  readonly why: string;
  readonly method?: string;
  readonly target: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly rule: string;
}

const REFUSED: readonly Refused[] = [
  // 1. path normalization (the daemon 301-redirects these; never follow, never route)
  {
    why: 'dot-dot escaping a path',
    target: '/v1.41/containers/json/../../secrets',
    status: 400,
    rule: 'dot-segment',
  },
  { why: 'dot segment', target: '/v1.41/./containers/json', status: 400, rule: 'dot-segment' },
  { why: 'trailing /.', target: '/v1.41/containers/json/.', status: 400, rule: 'dot-segment' },
  { why: 'encoded dot-dot', target: '/v1.41/containers/%2e%2E/json', status: 400, rule: 'dot-segment' },
  {
    why: 'dot segment in the engine prefix',
    target: '/engines/../v1.41/info',
    status: 400,
    rule: 'dot-segment',
  },
  // 3. double slashes
  {
    why: 'empty segment',
    method: 'POST',
    target: '/v1.41//containers/create',
    status: 400,
    rule: 'empty-segment',
  },
  { why: 'leading //', target: '//v1.41/containers/json', status: 400, rule: 'target-form' },
  { why: 'trailing slash', target: '/v1.41/containers/json/', status: 400, rule: 'trailing-slash' },
  { why: 'trailing slash on a list', target: '/networks/', status: 400, rule: 'trailing-slash' },
  // 4. URL encoding
  { why: 'encoded slash', target: '/v1.41/containers/a%2Fb/json', status: 400, rule: 'encoded-slash' },
  {
    why: 'encoded slash, lower case',
    target: '/v1.41/containers%2fjson',
    status: 400,
    rule: 'encoded-slash',
  },
  { why: 'double encoding', target: '/v1.41/containers/a%252Fb/json', status: 400, rule: 'double-encoding' },
  { why: 'bad escape', target: '/v1.41/containers/%zz/json', status: 400, rule: 'bad-escape' },
  { why: 'encoded NUL', target: '/v1.41/containers/a%00/json', status: 400, rule: 'path-character' },
  { why: 'encoded backslash', target: '/v1.41/containers/a%5Cb/json', status: 400, rule: 'path-character' },
  { why: 'encoded ?', target: '/v1.41/containers/a%3Fb/json', status: 400, rule: 'path-character' },
  { why: 'encoded non-ASCII', target: '/v1.41/containers/%C3%A9/json', status: 400, rule: 'path-character' },
  { why: 'raw backslash', target: '/v1.41/containers\\json', status: 400, rule: 'target-character' },
  { why: 'fragment', target: '/v1.41/containers/json#x', status: 400, rule: 'target-character' },
  { why: 'raw non-ASCII', target: '/v1.41/containers/é/json', status: 400, rule: 'target-character' },
  // 15. request-target forms
  { why: 'absolute form', target: 'http://docker/v1.41/containers/json', status: 400, rule: 'target-form' },
  { why: 'asterisk form', method: 'OPTIONS', target: '*', status: 400, rule: 'target-form' },
  // 5. case
  { why: 'path case', target: '/v1.41/Containers/json', status: 404, rule: 'unknown-operation' },
  {
    why: 'path upper case',
    method: 'POST',
    target: '/CONTAINERS/CREATE',
    status: 404,
    rule: 'unknown-operation',
  },
  { why: 'version case', target: '/V1.41/containers/json', status: 404, rule: 'unknown-operation' },
  // 6. method tricks
  { why: 'lower-case method', method: 'get', target: '/v1.41/containers/json', status: 400, rule: 'method' },
  { why: 'unknown method', method: 'PATCH', target: '/v1.41/containers/json', status: 400, rule: 'method' },
  {
    why: 'method override header',
    method: 'GET',
    target: '/v1.41/containers/json',
    headers: { 'x-http-method-override': 'DELETE' },
    status: 400,
    rule: 'method-override',
  },
  {
    why: 'method the path lacks',
    method: 'PUT',
    target: '/v1.41/containers/json',
    status: 405,
    rule: 'method-not-allowed',
  },
  { why: 'GET on a POST route', target: '/v1.41/containers/create', status: 405, rule: 'method-not-allowed' },
  // 7. HEAD / OPTIONS are their own methods
  {
    why: 'HEAD on a GET-only route',
    method: 'HEAD',
    target: '/v1.41/containers/json',
    status: 405,
    rule: 'method-not-allowed',
  },
  {
    why: 'OPTIONS catch-all',
    method: 'OPTIONS',
    target: '/v1.41/containers/json',
    status: 405,
    rule: 'method-not-allowed',
  },
  // 2. version prefixes
  { why: 'below 1.41', target: '/v1.40/containers/json', status: 400, rule: 'version' },
  { why: 'above 1.55', target: '/v1.56/containers/json', status: 400, rule: 'version' },
  { why: 'major only', target: '/v1/containers/json', status: 400, rule: 'version' },
  { why: 'three parts', target: '/v1.41.0/containers/json', status: 400, rule: 'version' },
  { why: 'leading zero', target: '/v1.041/containers/json', status: 400, rule: 'version' },
  { why: 'empty version', target: '/v/containers/json', status: 400, rule: 'version' },
  { why: 'dots only', target: '/v.../containers/json', status: 400, rule: 'version' },
  { why: 'version twice', target: '/v1.41/v1.41/containers/json', status: 400, rule: 'version' },
  {
    why: 'version before engine',
    target: '/v1.41/engines/local/info',
    status: 404,
    rule: 'unknown-operation',
  },
  {
    why: 'operation newer than the version',
    method: 'PUT',
    target: '/v1.41/volumes/v1',
    status: 404,
    rule: 'version-range',
  },
  // engine prefix
  { why: 'engine id with a space', target: '/engines/a%20b/v1.41/info', status: 400, rule: 'path-character' },
  { why: 'engine prefix alone', target: '/engines/local', status: 400, rule: 'engine-prefix' },
  { why: 'engine id starting with a dot', target: '/engines/.x/info', status: 400, rule: 'engine-prefix' },
  // unmodelled endpoints (deny by default)
  { why: 'grpc (not in the spec)', method: 'POST', target: '/grpc', status: 404, rule: 'unknown-operation' },
  { why: 'debug', target: '/debug/pprof/heap', status: 404, rule: 'unknown-operation' },
  {
    why: 'checkpoints (experimental; only DELETE /containers/{id} fits, loosely)',
    target: '/v1.41/containers/c1/checkpoints',
    status: 405,
    rule: 'method-not-allowed',
  },
  // a '/' in an id the daemon would swallow with {name:.*}
  {
    why: 'slash in a container id',
    target: '/v1.41/containers/a/b/json',
    status: 400,
    rule: 'slash-in-param',
  },
  {
    why: 'checkpoint delete read as container delete',
    method: 'DELETE',
    target: '/v1.41/containers/c1/checkpoints/cp',
    status: 400,
    rule: 'slash-in-param',
  },
  {
    why: 'suffix smuggled into an id',
    method: 'POST',
    target: '/containers/c1/start/kill',
    status: 400,
    rule: 'slash-in-param',
  },
  // query
  {
    why: 'semicolon separator',
    target: '/v1.41/containers/json?all=1;size=1',
    status: 400,
    rule: 'query-semicolon',
  },
  {
    why: 'repeated filters',
    target: '/v1.41/containers/json?filters=a&filters=b',
    status: 400,
    rule: 'duplicate-query',
  },
  { why: 'bad query escape', target: '/v1.41/containers/json?filters=%zz', status: 400, rule: 'bad-escape' },
  // 10. framing conflicts
  {
    why: 'CL and TE',
    method: 'POST',
    target: '/v1.41/containers/create',
    headers: { 'content-length': '2', 'transfer-encoding': 'chunked' },
    status: 400,
    rule: 'framing',
  },
  {
    why: 'obfuscated TE',
    method: 'POST',
    target: '/v1.41/containers/create',
    headers: { 'transfer-encoding': 'chunked, identity' },
    status: 400,
    rule: 'framing',
  },
  {
    why: 'duplicate CL',
    method: 'POST',
    target: '/v1.41/containers/create',
    headers: { 'content-length': '2, 2' },
    status: 400,
    rule: 'framing',
  },
];

for (const c of REFUSED) {
  const method = c.method ?? 'GET';
  test(`canonical refuses ${c.why}: ${method} ${c.target}`, () => {
    const result = canonicalize(method, c.target, c.headers ?? NO_HEADERS);
    assert.ok('denial' in result, `accepted as ${'request' in result ? result.request.operation.id : ''}`);
    assert.equal(result.denial.rule, `canonical.${c.rule}`);
    assert.equal(result.denial.status, c.status);
    assert.ok(result.denial.message.length > 10);
  });
}

test('canonical reads a Headers object as well as Node headers', () => {
  const result = canonicalize('GET', '/containers/json', new Headers({ 'X-HTTP-Method': 'POST' }));
  assert.ok('denial' in result);
  assert.equal(result.denial.rule, 'canonical.method-override');
});

/** One concrete path per template: each variable a plain value. */
const examplePath = (pattern: string) => pattern.replace(/\{[^}]+\}/g, 'x1');

test('every operation is reached by its own example path and by no other', () => {
  for (const operation of GATEWAY_OPERATIONS) {
    for (const prefix of ['', `/v${operation.minVersion}`, '/engines/e1/v1.55']) {
      const result = canonicalize(operation.method, `${prefix}${examplePath(operation.pattern)}`, NO_HEADERS);
      assert.ok('request' in result, `${operation.id} via ${prefix}: ${JSON.stringify(result)}`);
      assert.equal(result.request.operation, operation);
    }
  }
});

function inventory(file: string): string[][] {
  const lines = readFileSync(join(SPEC_DIR, file), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => line.split('\t'));
}

for (const [file, version] of [
  ['endpoints-v1.41.tsv', '1.41'],
  ['endpoints-v1.55.tsv', '1.55'],
] as const) {
  test(`the route table covers every row of ${file}`, () => {
    const rows = inventory(file);
    assert.ok(rows.length > 100);
    for (const [method = '', path = '', id = ''] of rows) {
      const operation = GATEWAY_OPERATIONS.find((candidate) => candidate.id === id);
      assert.ok(operation, `${id} missing`);
      assert.equal(`${operation.method} ${operation.pattern}`, `${method} ${path}`);
      assert.equal(
        matchOperation(method, examplePath(path), version)?.operation,
        operation,
        `${id} at ${version}`,
      );
    }
  });
}
