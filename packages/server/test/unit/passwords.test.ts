import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  hashPassword,
  needsRehash,
  PASSWORD_MAX_LENGTH,
  passwordProblem,
  SCRYPT_PARAMETERS,
  verifyDummyPassword,
  verifyPassword,
} from '../../src/security/passwords.ts';
import { API_TOKEN_PREFIX, newApiToken, newSetupToken, sha256Hex } from '../../src/security/tokens.ts';

describe('passwords', () => {
  test('hashes as scrypt$N$r$p$salt$hash with the current cost, salted, and verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, hash] = stored.split('$');
    assert.equal(scheme, 'scrypt');
    assert.deepEqual([Number(N), Number(r), Number(p)], [2 ** 15, 8, 3]);
    assert.equal(Buffer.from(salt ?? '', 'base64').length, 16);
    assert.equal(Buffer.from(hash ?? '', 'base64').length, 32);
    assert.notEqual(await hashPassword('correct horse battery staple'), stored, 'a fresh salt each time');
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
    assert.equal(await verifyPassword('', stored), false);
    assert.equal(needsRehash(stored), false);
  });

  test('older parameters verify and ask for a re-hash; malformed hashes never verify', async () => {
    const { r, p } = SCRYPT_PARAMETERS;
    const weaker = (await hashPassword('a long enough password')).replace(
      `$${2 ** 15}$${r}$${p}$`,
      `$1024$${r}$1$`,
    );
    assert.equal(needsRehash(weaker), true);
    assert.equal(
      await verifyPassword('a long enough password', weaker),
      false,
      'different cost, different hash',
    );
    for (const bad of [
      '',
      'plain',
      'scrypt$3$8$1$AAAA$AAAA',
      'scrypt$1048576000$8$1$AAAA$AAAA',
      'bcrypt$x',
    ]) {
      assert.equal(await verifyPassword('anything at all', bad), false, bad);
      assert.equal(needsRehash(bad), true);
    }
    assert.equal(await verifyDummyPassword('whatever the user typed'), false);
  });

  test('policy: 12 to 1024 characters, with a message saying what to do', () => {
    assert.match(passwordProblem('short') ?? '', /too short \(5 characters\): use at least 12/);
    assert.match(passwordProblem('x'.repeat(PASSWORD_MAX_LENGTH + 1)) ?? '', /too long .* at most 1024/);
    assert.equal(passwordProblem('twelve chars'), undefined);
    assert.equal(passwordProblem('🔑'.repeat(12)), undefined, 'counted in characters, not UTF-16 units');
  });

  test('concurrent verifications all complete with the right answer (they queue two at a time)', async () => {
    const stored = await hashPassword('queue me please now');
    const attempts = [
      'queue me please now',
      'wrong one entirely',
      'queue me please now',
      'queue me please no',
    ];
    const results = await Promise.all(attempts.map((attempt) => verifyPassword(attempt, stored)));
    assert.deepEqual(results, [true, false, true, false]);
  });
});

describe('tokens', () => {
  test('API and setup tokens carry their prefix and 256 random bits; sha256Hex is hex SHA-256', () => {
    const token = newApiToken();
    assert.ok(token.startsWith(API_TOKEN_PREFIX));
    assert.equal(Buffer.from(token.slice(4), 'base64url').length, 32);
    assert.notEqual(newApiToken(), token);
    assert.match(newSetupToken(), /^gst_[A-Za-z0-9_-]{43}$/);
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
