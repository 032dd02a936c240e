import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeRegistryAuth, encodeRegistryConfig, type RegistryAuth } from '../../src/registry-auth.ts';

/** What the daemon does with the header: base64url-decode, then JSON-decode. */
function decode(header: string): unknown {
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
}

test('encodeRegistryAuth round-trips through base64url + JSON', () => {
  const auth: RegistryAuth = {
    username: 'ci-bot',
    password: 'p@ss:w/rd+?>~ünï',
    serveraddress: '127.0.0.1:5000',
    email: 'ci@example.com',
  };
  const header = encodeRegistryAuth(auth);
  assert.match(header, /^[A-Za-z0-9_-]+=*$/, 'URL-safe alphabet only');
  assert.deepEqual(decode(header), auth);
});

test('encodeRegistryAuth writes the JSON Go writes: struct field order, empty fields omitted, padding kept', () => {
  const header = encodeRegistryAuth({
    registrytoken: 'rt',
    identitytoken: 'it',
    serveraddress: 'r.example',
    email: '',
    password: 'pw',
    username: 'u',
  });
  const json = Buffer.from(header, 'base64').toString('utf8');
  assert.equal(
    json,
    '{"username":"u","password":"pw","serveraddress":"r.example","identitytoken":"it","registrytoken":"rt"}',
  );
  // Go's base64.URLEncoding pads; Node's 'base64url' would not.
  assert.equal(header.length % 4, 0);
  assert.equal(encodeRegistryAuth({}), 'e30=');
  assert.equal(encodeRegistryAuth({ username: undefined, password: '' }), 'e30=');
});

test('encodeRegistryAuth uses - and _ where standard base64 has + and /', () => {
  // This JSON's standard base64 holds '/' (from '???' and 'ÿþ'); Go escapes '>' as \u003e before encoding.
  const auth = { username: '???', password: '\u00ff\u00fe>' };
  const header = encodeRegistryAuth(auth);
  assert.ok(!/[+/]/.test(header), header);
  const standard = Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  assert.equal(standard, '{"username":"???","password":"\u00ff\u00fe\\u003e"}');
  assert.deepEqual(decode(header), auth);
});

test('encodeRegistryAuth escapes <, > and & as Go json.Marshal does', () => {
  const json = Buffer.from(encodeRegistryAuth({ password: '<a&b>' }), 'base64url').toString('utf8');
  assert.equal(json, '{"password":"\\u003ca\\u0026b\\u003e"}');
});

test('encodeRegistryConfig encodes a host -> credentials map with sorted keys', () => {
  const header = encodeRegistryConfig({
    'registry.example:5000': { username: 'b', password: 'pb' },
    'https://index.docker.io/v1/': { identitytoken: 'tok' },
    'a.example': { username: 'a', password: 'pa', serveraddress: 'a.example' },
  });
  assert.match(header, /^[A-Za-z0-9_-]+=*$/);
  const json = Buffer.from(header, 'base64url').toString('utf8');
  assert.equal(
    json,
    '{"a.example":{"username":"a","password":"pa","serveraddress":"a.example"},' +
      '"https://index.docker.io/v1/":{"identitytoken":"tok"},' +
      '"registry.example:5000":{"username":"b","password":"pb"}}',
  );
  assert.equal(encodeRegistryConfig({}), 'e30=');
});
