import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError } from '../../src/errors.ts';
import { parseReference } from '../../src/resources/images.ts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

test('parseReference splits name, tag and digest as Docker does', () => {
  const cases: [string, Record<string, string | undefined>][] = [
    [
      'alpine',
      { name: 'alpine', domain: 'docker.io', path: 'library/alpine', tag: undefined, digest: undefined },
    ],
    [
      'alpine:3.20',
      { name: 'alpine', domain: 'docker.io', path: 'library/alpine', tag: '3.20', digest: undefined },
    ],
    [
      'team/app:1.2',
      { name: 'team/app', domain: 'docker.io', path: 'team/app', tag: '1.2', digest: undefined },
    ],
    [
      'docker.io/library/busybox',
      { name: 'busybox', domain: 'docker.io', path: 'library/busybox', tag: undefined, digest: undefined },
    ],
    [
      'index.docker.io/team/app',
      { name: 'team/app', domain: 'docker.io', path: 'team/app', tag: undefined, digest: undefined },
    ],
    [
      'docker.io/library/x/y',
      { name: 'library/x/y', domain: 'docker.io', path: 'library/x/y', tag: undefined, digest: undefined },
    ],
    [
      '127.0.0.1:5000/x/y:tag',
      { name: '127.0.0.1:5000/x/y', domain: '127.0.0.1:5000', path: 'x/y', tag: 'tag', digest: undefined },
    ],
    [
      '127.0.0.1:5000/x/y',
      {
        name: '127.0.0.1:5000/x/y',
        domain: '127.0.0.1:5000',
        path: 'x/y',
        tag: undefined,
        digest: undefined,
      },
    ],
    [
      'localhost/app',
      { name: 'localhost/app', domain: 'localhost', path: 'app', tag: undefined, digest: undefined },
    ],
    [
      'localhost:5000/app:v1',
      { name: 'localhost:5000/app', domain: 'localhost:5000', path: 'app', tag: 'v1', digest: undefined },
    ],
    [
      'Registry.Example/app',
      {
        name: 'Registry.Example/app',
        domain: 'Registry.Example',
        path: 'app',
        tag: undefined,
        digest: undefined,
      },
    ],
    [
      '[::1]:5000/app:v1',
      { name: '[::1]:5000/app', domain: '[::1]:5000', path: 'app', tag: 'v1', digest: undefined },
    ],
    [
      `busybox@${DIGEST}`,
      { name: 'busybox', domain: 'docker.io', path: 'library/busybox', tag: undefined, digest: DIGEST },
    ],
    [
      `r.example:443/a/b:1@${DIGEST}`,
      { name: 'r.example:443/a/b', domain: 'r.example:443', path: 'a/b', tag: '1', digest: DIGEST },
    ],
    [
      'my_repo/a__b/c-d.e:T_1.x-y',
      {
        name: 'my_repo/a__b/c-d.e',
        domain: 'docker.io',
        path: 'my_repo/a__b/c-d.e',
        tag: 'T_1.x-y',
        digest: undefined,
      },
    ],
  ];
  for (const [input, expected] of cases) assert.deepEqual({ ...parseReference(input) }, expected, input);
});

test('parseReference rejects what the docker CLI rejects', () => {
  const bad = [
    '',
    'Alpine',
    'team/App:1',
    'alpine:',
    'alpine:-bad',
    `alpine:${'x'.repeat(129)}`,
    'a//b',
    '/alpine',
    'alpine/',
    'alpine@sha256:short',
    'alpine:1:2',
    '-leading/dash',
    'a..b/c',
    '0123456789abcdef'.repeat(4),
    `${'a'.repeat(256)}`,
    'r.example:port/app',
    'has space',
  ];
  for (const input of bad) {
    assert.throws(
      () => parseReference(input),
      (err: unknown) =>
        err instanceof EngineError &&
        err.code === 'INVALID_ARGUMENT' &&
        err.message.includes('invalid image reference'),
      JSON.stringify(input),
    );
  }
});

test('a port colon is never a tag separator; a tag colon after the last slash is', () => {
  assert.equal(parseReference('127.0.0.1:5000/gantry-test/busybox').tag, undefined);
  assert.equal(parseReference('127.0.0.1:5000/gantry-test/busybox:latest').tag, 'latest');
  assert.equal(parseReference('host:1/a:2').tag, '2');
  assert.equal(parseReference('host:1/a:2').name, 'host:1/a');
});
