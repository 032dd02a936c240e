/**
 * Password hashing with scrypt (node:crypto). Parameters N=2^15, r=8, p=3: one of OWASP's listed
 * equivalents of N=2^17/r=8/p=1, using 32 MiB per hash instead of 128 MiB so a burst of logins does
 * not blow the server's memory; at most {@link MAX_CONCURRENT_HASHES} hashes run at once (64 MiB).
 * Stored as `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` so the cost can be raised later:
 * `needsRehash` tells the login to re-hash with the current parameters.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_PARAMETERS = { N: 2 ** 15, r: 8, p: 3 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_CONCURRENT_HASHES = 2;
/** Passwords are counted in characters (code points). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
/** Larger N than this in a stored hash is refused rather than computed (memory). */
const MAX_STORED_N = 2 ** 20;

/** Why `password` is not acceptable, or undefined when it is. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `the password is too short (${length} characters): use at least ${PASSWORD_MIN_LENGTH}, a passphrase of several words works well`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `the password is too long (${length} characters): use at most ${PASSWORD_MAX_LENGTH}`;
  }
  return undefined;
}

/** A fresh salted hash of `password` with the current parameters. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMETERS;
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, KEY_BYTES, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

interface ParsedHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] as string, 'base64');
  const hash = Buffer.from(parts[5] as string, 'base64');
  const valid =
    Number.isInteger(N) &&
    N > 1 &&
    N <= MAX_STORED_N &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(r) &&
    r > 0 &&
    r <= 32 &&
    Number.isInteger(p) &&
    p > 0 &&
    p <= 16 &&
    salt.length > 0 &&
    hash.length > 0;
  return valid ? { N, r, p, salt, hash } : undefined;
}

/** Whether `password` matches `stored` (constant-time compare); false for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const { N, r, p, salt, hash } = parsed;
  const candidate = await derive(password, salt, hash.length, { N, r, p });
  return timingSafeEqual(candidate, hash);
}

/** Whether `stored` was made with other parameters than the current ones (re-hash at next login). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  const { N, r, p } = SCRYPT_PARAMETERS;
  return parsed.N !== N || parsed.r !== r || parsed.p !== p || parsed.hash.length !== KEY_BYTES;
}

/**
 * Costs as much as checking a real password, for an unknown username, so response times do not
 * reveal which usernames exist. Always false.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword('gantry dummy password, never matches anything');
  await verifyPassword(password, await dummyHash);
  return false;
}
let dummyHash: Promise<string> | undefined;

// A small FIFO semaphore: every scrypt call takes 128*N*r bytes (32 MiB at the current cost).
let running = 0;
const waiting: (() => void)[] = [];

async function derive(
  password: string,
  salt: Buffer,
  length: number,
  options: ScryptOptions,
): Promise<Buffer> {
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    const { N = 0, r = 0 } = options;
    // maxmem must exceed 128*N*r, or node refuses (its default is exactly 32 MiB).
    const maxmem = 128 * N * r * 2;
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem }, (error, key) =>
        error ? reject(error) : resolve(key),
      ),
    );
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
