import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPath, encodeQuery } from '../../src/core.ts';
import { operations } from '../../src/generated/operations.ts';

test("seed 003's filtered image list is a typed call that encodes as its curl did", () => {
  // curl -G --unix-socket /var/run/docker.sock http:/v1.29/images/json --data-urlencode
  //   'filters={"reference":{"yourpreciousregistry.com/path/to/image": true}, "dangling":{"true": true}}'
  const query = encodeQuery(operations.ImageList, {
    filters: { reference: { 'yourpreciousregistry.com/path/to/image': true }, dangling: { true: true } },
  });
  const filters = new URLSearchParams(query).get('filters');
  assert.deepEqual(JSON.parse(filters ?? ''), {
    reference: { 'yourpreciousregistry.com/path/to/image': true },
    dangling: { true: true },
  });
});

test('booleans, numbers, JSON maps and repeated keys are encoded as the daemon reads them', () => {
  assert.equal(encodeQuery(operations.ContainerList, { all: true, limit: 3 }), 'all=true&limit=3');
  assert.equal(
    new URLSearchParams(
      encodeQuery(operations.ImageBuild, { buildargs: { A: '1' }, t: ['a:1', 'b:2'] }),
    ).toString(),
    'buildargs=%7B%22A%22%3A%221%22%7D&t=a%3A1&t=b%3A2',
  );
  assert.equal(encodeQuery(operations.ContainerList, { all: undefined }), '', 'undefined is left out');
});

test('path parameters are encoded; image references keep their slashes, colons and @', () => {
  assert.equal(
    buildPath(operations.ImageInspect, { params: { name: '127.0.0.1:5000/team/app@sha256:abc' } }),
    '/images/127.0.0.1:5000/team/app@sha256:abc/json',
  );
  assert.equal(
    buildPath(operations.ContainerInspect, { params: { id: 'a b?c' } }),
    '/containers/a%20b%3Fc/json',
  );
  assert.throws(() => buildPath(operations.ContainerInspect, { params: { id: '../../images/x' } }), {
    code: 'INVALID_ARGUMENT',
    message: /path segments/,
  });
  assert.throws(() => buildPath(operations.ContainerInspect, { params: { id: '' } }), {
    code: 'INVALID_ARGUMENT',
    message: /ContainerInspect needs a non-empty "id"/,
  });
});
