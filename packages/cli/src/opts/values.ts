/**
 * docker's option values, parsed as the docker CLI parses them and failing with its words: sizes
 * (`512m`), CPU counts (`1.5`), environment and label entries, host-to-IP mappings, IP addresses,
 * restart policies. Each throws an Error whose message is what docker prints after
 * `invalid argument "…" for "…" flag: ` (or after `docker: ` for the checks docker makes after
 * parsing the flags).
 */
import { isIP } from 'node:net';

/** Binary multiples of docker's sizes: `k` = 1024, `m` = 1024², … (`512m` = 536870912 bytes). */
const BINARY_UNITS: Readonly<Record<string, number>> = {
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

/** The forms Go's strconv.ParseFloat reads (decimal, exponent, inf, nan); hex floats are left out. */
const GO_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * A size in bytes as docker reads `-m`, `--shm-size`, `tmpfs-size`: a number (fractions allowed,
 * truncated), an optional space, then `b`, or `k m g t p` optionally followed by `b` or `ib`
 * (case-insensitive, all binary). `''` and negatives are an "invalid size".
 */
export function parseBytes(text: string): number {
  let end = -1;
  for (let at = text.length - 1; at >= 0; at--) {
    if (/[0-9. ]/.test(text[at] as string)) {
      end = at;
      break;
    }
  }
  if (end === -1) throw new Error(`invalid size: '${text}'`);
  const number = text[end] === ' ' ? text.slice(0, end) : text.slice(0, end + 1);
  const suffix = text.slice(end + 1).toLowerCase();
  if (!GO_FLOAT.test(number)) throw new Error(`strconv.ParseFloat: parsing "${number}": invalid syntax`);
  const value = Number(number);
  if (value < 0) throw new Error(`invalid size: '${text}'`);
  if (suffix === '' || suffix === 'b') return Math.trunc(value);
  const multiple = BINARY_UNITS[suffix[0] as string];
  const tail = suffix.slice(1);
  if (multiple === undefined || !(tail === '' || tail === 'b' || tail === 'ib'))
    throw new Error(`invalid suffix: '${suffix}'`);
  return Math.trunc(value * multiple);
}

/** `--memory-swap`: a size, or `-1` for unlimited swap. */
export function parseSwapBytes(text: string): number {
  return text === '-1' ? -1 : parseBytes(text);
}

const RATIONAL = /^([+-]?)(\d[\d_]*)(?:\/(\d+))?$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * `--cpus 1.5` -> NanoCpus 1500000000. Reads what Go's big.Rat reads (`1.5`, `3/2`, `1e-2`) and
 * refuses values that are not a whole number of nano-CPUs ("value is too precise"). Ranges are the
 * daemon's to check (it knows the CPU count).
 */
export function parseNanoCpus(text: string): number {
  const [numerator, denominator] = rational(text);
  const nano = numerator * 1_000_000_000n;
  if (nano % denominator !== 0n) throw new Error('value is too precise');
  return Number(nano / denominator);
}

function rational(text: string): [bigint, bigint] {
  const fraction = RATIONAL.exec(text);
  if (fraction) {
    const denominator = BigInt(fraction[3] ?? '1');
    if (denominator !== 0n) {
      const numerator = BigInt((fraction[2] as string).replaceAll('_', ''));
      return [fraction[1] === '-' ? -numerator : numerator, denominator];
    }
  }
  const decimal = DECIMAL.exec(text);
  if (decimal && (decimal[2] || decimal[3])) {
    const digits = `${decimal[2] ?? ''}${decimal[3] ?? ''}` || '0';
    const exponent = Number(decimal[4] ?? '0') - (decimal[3] ?? '').length;
    let numerator = BigInt(digits) * (exponent > 0 ? 10n ** BigInt(exponent) : 1n);
    if (decimal[1] === '-') numerator = -numerator;
    return [numerator, exponent < 0 ? 10n ** BigInt(-exponent) : 1n];
  }
  throw new Error(`failed to parse ${text} as a rational number`);
}

/** `-e`: `NAME=value`, `NAME=` or `NAME`; only an empty name is refused. */
export function validateEnv(entry: string): void {
  if (entry === '' || entry.startsWith('=')) throw new Error(`invalid environment variable: ${entry}`);
}

/**
 * `-e NAME` takes the value from the environment gantry runs in; an unset NAME is passed on bare
 * (the daemon keeps it, as with docker). `NAME=value` passes as it is.
 */
export function resolveEnv(entry: string, env: Readonly<Record<string, string | undefined>>): string {
  if (entry.includes('=')) return entry;
  const value = env[entry];
  return value === undefined ? entry : `${entry}=${value}`;
}

/** `-l`: `key=value` or `key` (empty value); the key must not be empty. */
export function validateLabel(entry: string): void {
  if (entry.startsWith('=') || entry.trim() === '') throw new Error(`invalid label '${entry}': empty name`);
}

/**
 * `--add-host host:ip` or `host=ip` (IPv6 in brackets or bare, `host-gateway` for the host's
 * address) -> `host:ip` as the API wants it.
 */
export function parseExtraHost(entry: string): string {
  const separator = entry.includes('=') ? entry.indexOf('=') : entry.indexOf(':');
  if (separator <= 0) throw new Error(`bad format for add-host: "${entry}"`);
  const host = entry.slice(0, separator);
  let address = entry.slice(separator + 1);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (address !== 'host-gateway' && isIP(address) === 0)
    throw new Error(`invalid IP address in add-host: "${address}"`);
  return `${host}:${address}`;
}

/** `--dns`: an IPv4 or IPv6 address. */
export function validateIpAddress(entry: string): void {
  if (isIP(entry) === 0) throw new Error(`IP address is not correctly formatted: ${entry}`);
}

/** `-a`: which stream to attach, case-insensitive. */
export function validateAttach(entry: string): void {
  if (!['stdin', 'stdout', 'stderr'].includes(entry.toLowerCase()))
    throw new Error('valid streams are STDIN, STDOUT and STDERR');
}

/** A restart policy as the API takes it; the name is the daemon's to check. */
export interface RestartPolicyValue {
  readonly Name: string;
  readonly MaximumRetryCount: number;
}

/** `--restart no|always|unless-stopped|on-failure[:N]`. */
export function parseRestartPolicy(text: string): RestartPolicyValue {
  const colon = text.indexOf(':');
  if (colon === -1) return { Name: text, MaximumRetryCount: 0 };
  const count = text.slice(colon + 1);
  if (!/^[+-]?\d+$/.test(count))
    throw new Error('invalid restart policy format: maximum retry count must be an integer');
  return { Name: text.slice(0, colon), MaximumRetryCount: Number(count) };
}

/**
 * An env file (`--env-file`, `--label-file`): one `NAME=value` per line, `#` comments and blank
 * lines skipped, leading blanks trimmed; a bare `NAME` takes its value from `env` and is dropped
 * when unset there. Errors say which file, as docker's do.
 */
export function parseEnvFile(
  path: string,
  content: string,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const entries: string[] = [];
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.replace(/^[\s]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    if (name === '') throw new Error(`invalid env file (${path}): no variable name on line '${line}'`);
    if (/\s/.test(name))
      throw new Error(`invalid env file (${path}): variable '${name}' contains whitespaces`);
    if (eq !== -1) entries.push(line);
    else if (env[name] !== undefined) entries.push(`${name}=${env[name]}`);
  }
  return entries;
}
