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

/** Nanoseconds per unit of Go's time.ParseDuration. */
const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * A Go duration (`30s`, `1m30s`, `1.5h`, `500ms`, `0`) in nanoseconds, as `--health-interval` takes
 * it; the errors are Go's (`time: invalid duration "x"`).
 */
export function parseDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration "${text}"`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest) as RegExpExecArray;
    if (number[0] === '' || number[0] === '.') throw invalid();
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new Error(`time: missing unit in duration "${text}"`);
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${text}"`);
    rest = rest.slice(unit.length);
    total += Number(`${number[1] || '0'}.${number[2] ?? ''}0`) * scale;
  }
  return sign * Math.round(total);
}

/** The resource names of `--ulimit` (setrlimit's, without `RLIMIT_`). */
const ULIMIT_NAMES = new Set([
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
]);

/** A ulimit as the API takes it. */
export interface UlimitValue {
  readonly Name: string;
  readonly Soft: number;
  readonly Hard: number;
}

/** `--ulimit nofile=1024[:2048]`: the hard limit defaults to the soft one; -1 is unlimited. */
export function parseUlimit(text: string): UlimitValue {
  const eq = text.indexOf('=');
  if (eq === -1) throw new Error(`invalid ulimit argument: ${text}`);
  const name = text.slice(0, eq);
  if (!ULIMIT_NAMES.has(name)) throw new Error(`invalid ulimit type: ${name}`);
  const limits = text.slice(eq + 1).split(':');
  if (limits.length > 2)
    throw new Error(
      `too many limit value arguments - ${text.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``,
    );
  const [soft, hard] = limits.map((limit) => {
    if (!/^[+-]?\d+$/.test(limit)) throw new Error(`strconv.ParseInt: parsing "${limit}": invalid syntax`);
    return Number(limit);
  }) as [number, number | undefined];
  const hardLimit = hard ?? soft;
  if (hardLimit !== -1 && soft > hardLimit)
    throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hardLimit}`);
  return { Name: name, Soft: soft, Hard: hardLimit };
}

/** The namespaced sysctls docker lets a container set: these names, and `net.*` / `fs.mqueue.*`. */
const SYSCTL_NAMES = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

/** `--sysctl net.ipv4.ip_forward=1`: a `name=value` of an allowed (namespaced) sysctl. */
export function validateSysctl(entry: string): void {
  const eq = entry.indexOf('=');
  const name = entry.slice(0, eq);
  if (eq === -1 || !(SYSCTL_NAMES.has(name) || name.startsWith('net.') || name.startsWith('fs.mqueue.')))
    throw new Error(`sysctl '${entry}' is not allowed`);
}

/** `--link name[:alias]`. */
export function validateLink(entry: string): void {
  if (entry === '') throw new Error('empty string specified for links');
  if (entry.split(':').length > 2) throw new Error(`bad format for links: ${entry}`);
}

/** `--mac-address 92:d0:c6:0a:29:33` (also `-` and `.` forms, 6, 8 or 20 bytes, as Go's net.ParseMAC). */
export function validateMacAddress(text: string): void {
  const value = text.trim();
  const colon = /^[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}(?:(?:[:-][0-9a-f]{2}){2}|(?:[:-][0-9a-f]{2}){14})?$/i;
  const dotted = /^[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}(?:(?:\.[0-9a-f]{4})|(?:\.[0-9a-f]{4}){7})?$/i;
  const separators = new Set(value.replaceAll(/[0-9a-f]/gi, ''));
  if (!(dotted.test(value) || (colon.test(value) && separators.size === 1)))
    throw new Error(`${text} is not a valid mac address`);
}

/** `--storage-opt size=120G` -> `{ size: '120G' }`; each needs a `=`. */
export function parseStorageOpts(values: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq === -1) throw new Error('invalid storage option');
    options[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return options;
}

/** What `--security-opt` values become: the options, and `systempaths=unconfined`'s empty path lists. */
export interface SecurityOptions {
  readonly securityOpt: string[];
  /** `[]` when `systempaths=unconfined` was given (no masked or read-only paths), else undefined. */
  readonly systemPaths?: readonly [];
}

/**
 * `--security-opt`: `key=value` (or docker's old `key:value`), `no-new-privileges` bare;
 * `seccomp=<file>` sends the file's JSON compacted (`builtin` and `unconfined` are names);
 * `systempaths=unconfined` empties MaskedPaths and ReadonlyPaths instead of being sent.
 * `readFile` reads the seccomp profile (throws docker's message when it cannot).
 */
export function parseSecurityOpts(
  values: readonly string[],
  readFile: (path: string) => string,
): SecurityOptions {
  const securityOpt: string[] = [];
  let unconfinedPaths = false;
  for (const value of values) {
    if (value === 'systempaths=unconfined') {
      unconfinedPaths = true;
      continue;
    }
    const separator = value.includes('=') || value === 'no-new-privileges' ? '=' : ':';
    const at = value.indexOf(separator);
    const key = at === -1 ? value : value.slice(0, at);
    const setting = at === -1 ? '' : value.slice(at + 1);
    if (setting === '' && key !== 'no-new-privileges') throw new Error(`Invalid --security-opt: "${value}"`);
    if (key === 'seccomp' && setting !== 'builtin' && setting !== 'unconfined') {
      let profile: string;
      try {
        profile = readFile(setting);
      } catch (err) {
        throw new Error(`opening seccomp profile (${setting}) failed: ${(err as Error).message}`);
      }
      try {
        securityOpt.push(`seccomp=${compactJson(profile)}`);
      } catch (err) {
        throw new Error(`compacting json for seccomp profile (${setting}) failed: ${(err as Error).message}`);
      }
      continue;
    }
    securityOpt.push(value);
  }
  return unconfinedPaths ? { securityOpt, systemPaths: [] } : { securityOpt };
}

/** Go's json.Compact: the JSON text checked, with the whitespace between tokens left out. */
function compactJson(text: string): string {
  JSON.parse(text);
  let compact = '';
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at] as string;
    if (inString) {
      compact += char;
      if (char === '\\') compact += text[++at] ?? '';
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
      compact += char;
    } else if (!/\s/.test(char)) compact += char;
  }
  return compact;
}

/** A uint16 flag (`--blkio-weight`): pflag's range error above 65535 or below 0. */
export function validateUint16(text: string): void {
  if (text.startsWith('-')) throw new Error(`strconv.ParseUint: parsing "${text}": invalid syntax`);
  if (/^\+?[\d_]+$/.test(text) && Number(text.replaceAll('_', '')) > 65535)
    throw new Error(`strconv.ParseUint: parsing "${text}": value out of range`);
}
