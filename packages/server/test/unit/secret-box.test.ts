import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createSecretBox, loadSecretKey } from '../../src/security/secret-box.ts';

const UNREADABLE = /sealed with another secret key or has been changed/;
const scratch = mkdtempSync(join(tmpdir(), 'gantry-secret-box-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const newDataDir = () => join(scratch, `data-${dirs++}`, 'nested');

describe('createSecretBox', () => {
  const box = createSecretBox(randomBytes(32));

  test('seals into v1.<iv>.<tag>.<ciphertext> and opens back, text of any kind', () => {
    for (const plaintext of ['', 'hunter2', '-----BEGIN PRIVATE KEY-----\nMIIB…\n', 'ünïcødé ✓ 🔑']) {
      const sealed = box.seal(plaintext);
      assert.match(sealed, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
      assert.ok(!sealed.includes(plaintext) || plaintext === '');
      assert.equal(box.open(sealed), plaintext);
    }
  });

  test('a fresh IV per seal: the same plaintext seals differently', () => {
    assert.notEqual(box.seal('same'), box.seal('same'));
  });

  test('any changed part is refused without showing the plaintext', () => {
    const sealed = box.seal('the plaintext');
    const parts = sealed.split('.');
    for (const index of [1, 2, 3]) {
      const changed = [...parts];
      const bytes = Buffer.from(changed[index] ?? '', 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      changed[index] = bytes.toString('base64url');
      assert.throws(
        () => box.open(changed.join('.')),
        (error: Error) => UNREADABLE.test(error.message) && !error.message.includes('the plaintext'),
      );
    }
    assert.throws(() => box.open(`${sealed}A`), UNREADABLE);
  });

  test('another key cannot open it', () => {
    const sealed = box.seal('engine key');
    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed), UNREADABLE);
  });

  test('what is not a sealed secret says so', () => {
    assert.throws(() => box.open('plain text'), /not a sealed secret/);
    assert.throws(() => box.open('v2.a.b.c'), /not a sealed secret/);
  });

  test('a key of another length is refused', () => {
    assert.throws(() => createSecretBox(randomBytes(16)), /must be 32 bytes, not 16/);
  });

  test('derive: 32 bytes, stable per purpose and key, different across purposes and keys', () => {
    const key = randomBytes(32);
    const audit = createSecretBox(key).derive('audit-chain');
    assert.equal(audit.length, 32);
    assert.deepEqual(createSecretBox(Buffer.from(key)).derive('audit-chain'), audit);
    assert.notDeepEqual(box.derive('audit-chain'), audit);
    assert.notDeepEqual(createSecretBox(key).derive('sessions'), audit);
    assert.notDeepEqual(audit, key);
  });
});

describe('loadSecretKey', () => {
  const hex = randomBytes(32).toString('hex');

  test('GANTRY_SECRET_KEY as 64 hex digits or base64 of 32 bytes', async () => {
    const dataDir = newDataDir();
    assert.deepEqual(await loadSecretKey({ dataDir }, { GANTRY_SECRET_KEY: hex }), {
      key: Buffer.from(hex, 'hex'),
      source: 'env',
    });
    const base64 = randomBytes(32);
    const loaded = await loadSecretKey({ dataDir }, { GANTRY_SECRET_KEY: base64.toString('base64') });
    assert.deepEqual(loaded.key, base64);
    assert.deepEqual(
      (await loadSecretKey({ dataDir }, { GANTRY_SECRET_KEY: base64.toString('base64url') })).key,
      base64,
    );
  });

  test('a malformed GANTRY_SECRET_KEY names the variable and how to make one, not its value', async () => {
    for (const bad of [hex.slice(2), `${hex}00`, randomBytes(16).toString('base64'), 'not a key at all!']) {
      await assert.rejects(
        loadSecretKey({ dataDir: newDataDir() }, { GANTRY_SECRET_KEY: bad }),
        (error: Error) =>
          error.message.includes('GANTRY_SECRET_KEY') &&
          error.message.includes('openssl rand -hex 32') &&
          !error.message.includes(bad),
      );
    }
  });

  test('without the variable: a key file is generated (0600, data dir 0700), then reused', async () => {
    const dataDir = newDataDir();
    const generated = await loadSecretKey({ dataDir }, {});
    assert.equal(generated.source, 'generated');
    assert.equal(generated.key.length, 32);
    const path = join(dataDir, 'secret.key');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(readFileSync(path, 'utf8').trim(), generated.key.toString('hex'));
    assert.deepEqual(await loadSecretKey({ dataDir }, {}), { key: generated.key, source: 'file' });
  });

  test('consoles starting at once on one data directory agree on one key', async () => {
    const dataDir = newDataDir();
    const loaded = await Promise.all(Array.from({ length: 6 }, () => loadSecretKey({ dataDir }, {})));
    assert.equal(new Set(loaded.map(({ key }) => key.toString('hex'))).size, 1);
    assert.equal(loaded.filter(({ source }) => source === 'generated').length, 1);
  });

  test('a key file others may read is refused with the chmod to run', async () => {
    const dataDir = newDataDir();
    await loadSecretKey({ dataDir }, {});
    const path = join(dataDir, 'secret.key');
    chmodSync(path, 0o644);
    await assert.rejects(loadSecretKey({ dataDir }, {}), (error: Error) => {
      assert.match(error.message, /mode is 644/);
      assert.ok(error.message.includes(`chmod 600 ${path}`));
      return true;
    });
  });

  test('a key file owned by another user is refused', {
    skip: process.getuid?.() !== 0 && 'needs root to chown',
  }, async () => {
    const dataDir = newDataDir();
    await loadSecretKey({ dataDir }, {});
    const path = join(dataDir, 'secret.key');
    chownSync(path, 65534, 65534);
    await assert.rejects(loadSecretKey({ dataDir }, {}), /owned by uid 65534.*chmod 600/);
  });

  test('a key file with a malformed key names the file', async () => {
    const dataDir = newDataDir();
    await loadSecretKey({ dataDir }, {});
    const path = join(dataDir, 'secret.key');
    writeFileSync(path, 'short\n', { mode: 0o600 });
    await assert.rejects(loadSecretKey({ dataDir }, {}), (error: Error) => error.message.includes(path));
  });
});
