/**
 * Secrets at rest (engine TLS keys, ssh keys) are sealed with AES-256-GCM under the console's key,
 * which comes from `GANTRY_SECRET_KEY` or a key file `<dataDir>/secret.key` (mode 0600) generated
 * on first start. Losing the key makes sealed values unreadable: back the file up with the database.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsoleConfig, SecretBox } from '../context.ts';

const KEY_BYTES = 32;
/** 96-bit IVs are GCM's native size; random ones are safe for far more seals than a console makes. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
export const SECRET_KEY_VARIABLE = 'GANTRY_SECRET_KEY';
const MAKE_ONE = 'make one with `openssl rand -hex 32`';

/** Seals with `key` (32 bytes): `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES)
    throw new Error(`the secret key must be ${KEY_BYTES} bytes, not ${key.length}`);
  const secretKey = Buffer.from(key);
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secretKey, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      const [, iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'));
      if (parts.length !== 4 || parts[0] !== VERSION || !iv || !tag || !ciphertext) {
        throw new Error(`not a sealed secret (expected ${VERSION}.<iv>.<tag>.<ciphertext>)`);
      }
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw unreadable();
      try {
        const decipher = createDecipheriv('aes-256-gcm', secretKey, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw unreadable();
      }
    },
    derive(purpose) {
      return Buffer.from(hkdfSync('sha256', secretKey, 'gantry', purpose, KEY_BYTES));
    },
  };
}

const unreadable = () =>
  new Error(
    'cannot open a sealed secret: it was sealed with another secret key or has been changed ' +
      `(is ${SECRET_KEY_VARIABLE} or <dataDir>/secret.key the one it was sealed with?)`,
  );

export interface SecretKey {
  key: Buffer;
  source: 'env' | 'file' | 'generated';
}

/**
 * The console's key: `GANTRY_SECRET_KEY` (64 hex digits or base64 of 32 bytes), else the key file
 * in the data directory, else a new key file. A key file others can read or that another user owns
 * is refused rather than used: it would let them read every sealed secret.
 */
export async function loadSecretKey(
  config: Pick<ConsoleConfig, 'dataDir'>,
  env: NodeJS.ProcessEnv,
): Promise<SecretKey> {
  const fromEnv = env[SECRET_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '')
    return { key: parseKey(fromEnv, SECRET_KEY_VARIABLE), source: 'env' };
  const path = join(config.dataDir, 'secret.key');
  const existing = await readKeyFile(path);
  if (existing) return { key: existing, source: 'file' };
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  if (await publishKeyFile(path, key)) return { key, source: 'generated' };
  // Another console on this data directory published its key first: use that one.
  const winner = await readKeyFile(path);
  if (!winner) throw new Error(`the secret key file ${path} vanished while it was being created`);
  return { key: winner, source: 'file' };
}

/**
 * Writes the key to a private temporary file (O_EXCL, 0600), flushes it, then links it to `path`:
 * the key file appears whole or not at all, and `link` fails if another process made one first.
 */
async function publishKeyFile(path: string, key: Buffer): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(`${key.toString('hex')}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}

/** 64 hex digits, or base64 / base64url of exactly 32 bytes; `origin` names where it came from. */
function parseKey(text: string, origin: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === KEY_BYTES) return decoded;
  }
  throw new Error(
    `${origin} must hold ${KEY_BYTES} random bytes as 64 hex digits or base64 ` +
      `(it holds ${value.length} characters, which are neither); ${MAKE_ONE}`,
  );
}

/** The key in `path`, or undefined when there is no such file. */
async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(
      `refusing the secret key file ${path}: it is owned by uid ${info.uid}, not by this process (uid ${uid}); ` +
        `chown it to the console's user and run \`chmod 600 ${path}\``,
    );
  }
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `refusing the secret key file ${path}: its mode is ${(info.mode & 0o777).toString(8)}, so other users ` +
        `may read it; run \`chmod 600 ${path}\``,
    );
  }
  return parseKey(await readFile(path, 'utf8'), `the secret key file ${path}`);
}
