/**
 * Detach keys as docker reads them: `--detach-keys`, else `detachKeys` in the config file, else
 * ctrl-p ctrl-q. A sequence is comma-separated keys, each one character (`x`) or `ctrl-<c>` with `c`
 * a letter or one of `@ [ \ ] ^ _` (`ctrl-a,x` = 0x01 0x78). The engine gets the same string
 * (it refuses a bad one with its own message); the CLI watches the keyboard for the bytes itself.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDirectory } from '../docker-config.ts';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** `ctrl-@` is 0, `ctrl-a` 1 … `ctrl-z` 26, then `ctrl-[` 27 … `ctrl-_` 31: the ASCII control codes. */
const CONTROL_KEYS = '@abcdefghijklmnopqrstuvwxyz[\\]^_';

/** The bytes of a detach sequence; throws `Unknown character: 'x'` (docker's words) for a bad key. */
export function parseDetachKeys(spec: string): Uint8Array {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1 && key.charCodeAt(0) < 0x80) {
      bytes.push(key.charCodeAt(0));
      continue;
    }
    const lower = key.toLowerCase();
    const code =
      lower.length === 6 && lower.startsWith('ctrl-') ? CONTROL_KEYS.indexOf(lower[5] as string) : -1;
    if (code < 0) throw new Error(`Unknown character: '${key}'`);
    bytes.push(code);
  }
  return Uint8Array.from(bytes);
}

/**
 * The sequence to use: the flag's, else the config file's `detachKeys`, else the default. The text
 * goes to the engine; `bytes` is what the session watches for (the default's when the text does not
 * parse: the engine refuses it anyway, as docker's CLI falls back).
 */
export async function detachKeys(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ text: string; bytes: Uint8Array }> {
  const text = flag || (await configuredDetachKeys(env)) || DEFAULT_DETACH_KEYS;
  try {
    return { text, bytes: parseDetachKeys(text) };
  } catch {
    return { text, bytes: parseDetachKeys(DEFAULT_DETACH_KEYS) };
  }
}

/** `detachKeys` of `$DOCKER_CONFIG/config.json`; a missing or unreadable file has none. */
async function configuredDetachKeys(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  try {
    const config: unknown = JSON.parse(await readFile(join(configDirectory(env), 'config.json'), 'utf8'));
    const value = (config as { detachKeys?: unknown } | null)?.detachKeys;
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

/** What one chunk of keyboard input comes to: the bytes to pass on, and whether the sequence completed. */
export interface DetachScan {
  readonly forward: Uint8Array;
  readonly detached: boolean;
}

/**
 * Watches input for the detach sequence across reads. Bytes that may start the sequence are held
 * back until the next byte decides: the sequence -> detach (nothing after it is passed on); anything
 * else -> the held bytes go on with it, so a lone ctrl-p still reaches the container. Unlike
 * docker's, a sequence split over reads or arriving in one read both count.
 */
export class DetachKeyMatcher {
  readonly #keys: Uint8Array;
  #matched = 0;

  constructor(keys: Uint8Array) {
    if (keys.length === 0) throw new Error('a detach sequence needs at least one key');
    this.#keys = keys;
  }

  scan(chunk: Uint8Array): DetachScan {
    const forward: number[] = [];
    for (const byte of chunk) {
      if (byte !== this.#keys[this.#matched] && this.#matched > 0) {
        // The held prefix was ordinary input after all; the byte may start a new sequence.
        forward.push(...this.#keys.subarray(0, this.#matched));
        this.#matched = 0;
      }
      if (byte !== this.#keys[this.#matched]) {
        forward.push(byte);
        continue;
      }
      this.#matched++;
      if (this.#matched === this.#keys.length) {
        this.#matched = 0;
        return { forward: Uint8Array.from(forward), detached: true };
      }
    }
    return { forward: Uint8Array.from(forward), detached: false };
  }

  /** The held-back bytes at end of input: they were input, not a sequence. */
  flush(): Uint8Array {
    const held = this.#keys.slice(0, this.#matched);
    this.#matched = 0;
    return held;
  }
}
