import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redact } from '../../src/audit/redact.ts';

test('values of secret-named keys are redacted at any depth, the rest kept', () => {
  const input = {
    name: 'web',
    Password: 'hunter2',
    nested: { registryAuth: { username: 'a', password: 'b' }, TLS_KEY: 'pem', count: 3 },
    list: [{ apiToken: 'x' }, { secretName: 's' }, 'plain'],
    Cookie: 'gantry_session=abc',
    credentials: null,
    passwd: 1,
    keep: true,
  };
  assert.deepEqual(redact(input), {
    name: 'web',
    Password: REDACTED,
    nested: { registryAuth: REDACTED, TLS_KEY: REDACTED, count: 3 },
    list: [{ apiToken: REDACTED }, { secretName: REDACTED }, 'plain'],
    Cookie: REDACTED,
    credentials: REDACTED,
    passwd: REDACTED,
    keep: true,
  });
  assert.equal(input.Password, 'hunter2', 'a copy: the input is untouched');
});

test('env entries named like secrets and strings holding Gantry tokens are redacted', () => {
  const token = `gty_${'A'.repeat(43)}`;
  assert.deepEqual(
    redact({
      Env: ['PATH=/usr/bin', 'DB_PASSWORD=pw', 'api_key=k', 'MY_SECRET=', 'HOME=/root'],
      note: `used ${token} here`,
      setup: 'gst_abcdefghijklmnop',
    }),
    {
      Env: [
        'PATH=/usr/bin',
        `DB_PASSWORD=${REDACTED}`,
        `api_key=${REDACTED}`,
        `MY_SECRET=${REDACTED}`,
        'HOME=/root',
      ],
      note: REDACTED,
      setup: REDACTED,
    },
  );
});

test('the copy is JSON-safe: cycles, dates, binaries, bigints and undefined', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const result = redact({
    cyclic,
    at: new Date(0),
    bytes: Buffer.from('x'),
    big: 10n,
    gone: undefined,
    fn: () => 1,
    nan: Number.NaN,
  });
  assert.deepEqual(result, {
    cyclic: { a: 1, self: '[circular]' },
    at: '1970-01-01T00:00:00.000Z',
    bytes: '[binary]',
    big: '10',
    nan: 'NaN',
  });
  assert.doesNotThrow(() => JSON.stringify(result));
});
