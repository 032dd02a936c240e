import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVersions, negotiate, parsePinnedVersion, VersionNegotiator } from '../../src/version.ts';

test('versions compare numerically, not as strings', () => {
  assert.ok(compareVersions('1.41', '1.9') > 0);
  assert.ok(compareVersions('1.41', '1.55') < 0);
  assert.equal(compareVersions('1.44', '1.44'), 0);
});

test('negotiation takes min(client max, daemon) like the Go client', () => {
  assert.equal(negotiate('1.41'), '1.41');
  assert.equal(negotiate('1.55'), '1.55');
  assert.equal(negotiate('1.60'), '1.55');
  // A daemon that sends no API-Version header is treated as the Go client treats it.
  assert.equal(negotiate(undefined), '1.24');
});

test('concurrent first requests share one ping (single flight)', async () => {
  let pings = 0;
  const negotiator = new VersionNegotiator(undefined, async () => {
    pings++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return '1.43';
  });
  assert.equal(negotiator.current, undefined, 'lazy: nothing happens before the first request');
  const versions = await Promise.all(Array.from({ length: 16 }, () => negotiator.resolve()));
  assert.deepEqual(new Set(versions), new Set(['1.43']));
  assert.equal(pings, 1);
  await negotiator.resolve();
  assert.equal(pings, 1, 'the result is cached');
});

test('a failed ping is not cached: the next request tries again', async () => {
  let pings = 0;
  const negotiator = new VersionNegotiator(undefined, async () => {
    pings++;
    if (pings === 1) throw new Error('daemon down');
    return '1.41';
  });
  await assert.rejects(negotiator.resolve(), /daemon down/);
  assert.equal(await negotiator.resolve(), '1.41');
  assert.equal(pings, 2);
});

test('a pinned version never pings', async () => {
  const negotiator = new VersionNegotiator('1.40', async () => {
    throw new Error('must not ping');
  });
  assert.equal(await negotiator.resolve(), '1.40');
  assert.ok(negotiator.pinned);
});

test('pinned versions are validated', () => {
  assert.equal(parsePinnedVersion('v1.43', 'apiVersion'), '1.43');
  assert.throws(() => parsePinnedVersion('latest', 'DOCKER_API_VERSION'), {
    code: 'CONFIG',
    message: /DOCKER_API_VERSION "latest"/,
  });
});
