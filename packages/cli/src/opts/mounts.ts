/**
 * `--mount` and `-v` as docker reads them. `--mount` is a CSV list of `key=value` fields
 * (`type=bind,src=/srv,dst=/data,readonly`, quotes around a field that holds commas) that becomes
 * one API `Mount`; `-v` stays a `Binds` entry (`/host:/ctr:ro`, `name:/ctr`) or, with a single
 * path, an anonymous volume. Errors are docker's words.
 */
import { resolve } from 'node:path';
import type { Mount } from '@gantry/engine';
import { parseBytes } from './values.ts';

/** Fields that may stand alone, meaning `=true`. */
const BARE_BOOLEANS = new Set(['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive']);

const BIND_RECURSIVE: Readonly<Record<string, Partial<NonNullable<Mount['BindOptions']>>>> = {
  enabled: {},
  disabled: { NonRecursive: true },
  writable: { ReadOnlyNonRecursive: true },
  readonly: { ReadOnlyForceRecursive: true },
};

/** One `--mount` value -> the API's `Mount`; a relative bind source is made absolute. */
export function parseMount(value: string, cwd = process.cwd()): Mount {
  const mount: Mount = { Type: 'volume' };
  const bind: NonNullable<Mount['BindOptions']> = {};
  const volume: NonNullable<Mount['VolumeOptions']> = {};
  const tmpfs: NonNullable<Mount['TmpfsOptions']> = {};
  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
    if (eq === -1 && !BARE_BOOLEANS.has(key))
      throw new Error(`invalid field '${field}' must be a key=value pair`);
    const raw = eq === -1 ? 'true' : field.slice(eq + 1);
    const flag = () => parseBoolean(key, raw);
    switch (key) {
      case 'type':
        mount.Type = raw as Mount['Type'];
        break;
      case 'source':
      case 'src':
        mount.Source = raw;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        mount.Target = raw;
        break;
      case 'readonly':
      case 'ro':
        mount.ReadOnly = flag();
        break;
      case 'consistency':
        mount.Consistency = raw;
        break;
      case 'bind-propagation':
        bind.Propagation = raw as NonNullable<Mount['BindOptions']>['Propagation'];
        break;
      case 'bind-nonrecursive':
        bind.NonRecursive = flag();
        break;
      case 'bind-recursive': {
        const options = BIND_RECURSIVE[raw];
        if (!options)
          throw new Error(
            `invalid value for bind-recursive: ${raw} (must be "enabled", "disabled", "writable", or "readonly")`,
          );
        Object.assign(bind, options);
        break;
      }
      case 'volume-nocopy':
        volume.NoCopy = flag();
        break;
      case 'volume-label':
        volume.Labels = { ...volume.Labels, ...keyValue(raw) };
        break;
      case 'volume-driver':
        volume.DriverConfig = { ...volume.DriverConfig, Name: raw };
        break;
      case 'volume-opt':
        volume.DriverConfig = {
          ...volume.DriverConfig,
          Options: { ...volume.DriverConfig?.Options, ...keyValue(raw) },
        };
        break;
      case 'volume-subpath':
        volume.Subpath = raw;
        break;
      case 'tmpfs-size':
        tmpfs.SizeBytes = parseOr(key, raw, parseBytes);
        break;
      case 'tmpfs-mode':
        tmpfs.Mode = parseOr(key, raw, parseOctal);
        break;
      default:
        throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!mount.Target) throw new Error('target is required');
  for (const [prefix, options, type] of [
    ['bind', bind, 'bind'],
    ['volume', volume, 'volume'],
    ['tmpfs', tmpfs, 'tmpfs'],
  ] as const) {
    if (Object.keys(options).length === 0) continue;
    if (mount.Type !== type)
      throw new Error(`cannot mix '${prefix}-*' options with mount type '${mount.Type}'`);
  }
  if (Object.keys(bind).length > 0) mount.BindOptions = bind;
  if (Object.keys(volume).length > 0) mount.VolumeOptions = volume;
  if (Object.keys(tmpfs).length > 0) mount.TmpfsOptions = tmpfs;
  if (mount.Type === 'bind' && mount.Source && isRelative(mount.Source))
    mount.Source = resolve(cwd, mount.Source);
  return mount;
}

/** `-v` values: specs with a host side go to `Binds`, a lone container path is an anonymous volume. */
export function parseVolumes(
  specs: readonly string[],
  cwd = process.cwd(),
): { binds: string[]; anonymous: string[] } {
  const binds: string[] = [];
  const anonymous: string[] = [];
  for (const spec of specs) {
    const parts = spec.split(':');
    if (parts.some((part) => part === ''))
      throw new Error(`invalid spec: ${spec}: empty section between colons`);
    if (parts.length === 1) {
      anonymous.push(spec);
      continue;
    }
    const source = parts[0] as string;
    binds.push(isRelative(source) ? [resolve(cwd, source), ...parts.slice(1)].join(':') : spec);
  }
  return { binds, anonymous };
}

/** `.`, `..`, `./x`, `../x`: a host path relative to the working directory (not a volume name). */
function isRelative(path: string): boolean {
  return path === '.' || path === '..' || path.startsWith('./') || path.startsWith('../');
}

/** Go's csv.Reader on one line: commas split, double quotes group (`""` is a quote inside). */
export function splitCsv(value: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let at = 0; at < value.length; at++) {
    const char = value[at] as string;
    if (quoted) {
      if (char === '"' && value[at + 1] === '"') {
        current += '"';
        at++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"' && current === '') quoted = true;
    else if (char === ',') {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  return fields;
}

function parseBoolean(key: string, raw: string): boolean {
  switch (raw.toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      throw new Error(`invalid value for ${key}: ${raw}`);
  }
}

function parseOctal(raw: string): number {
  if (!/^[0-7]+$/.test(raw)) throw new Error('not octal');
  return Number.parseInt(raw, 8);
}

function parseOr(key: string, raw: string, parse: (raw: string) => number): number {
  try {
    return parse(raw);
  } catch {
    throw new Error(`invalid value for ${key}: ${raw}`);
  }
}

/** `key=value` (or `key`, value empty) -> a one-entry record. */
function keyValue(raw: string): Record<string, string> {
  const eq = raw.indexOf('=');
  return eq === -1 ? { [raw]: '' } : { [raw.slice(0, eq)]: raw.slice(eq + 1) };
}
