/**
 * docker's device and block-IO option values: `--device`, `--device-cgroup-rule`,
 * `--blkio-weight-device`, `--device-{read,write}-{bps,iops}` and `--gpus`, parsed as the docker CLI
 * parses them. Each throws an Error with docker's message.
 */
import type { DeviceMapping, DeviceRequest, ThrottleDevice } from '@gantry/engine';
import { splitCsv } from './mounts.ts';
import { parseBytes } from './values.ts';

/** `rwm`, `r`, `mw`, …: each of r, w, m at most once. */
function isDeviceMode(mode: string): boolean {
  return mode !== '' && mode.length <= 3 && /^[rwm]+$/.test(mode) && new Set(mode).size === mode.length;
}

/** `path.Clean` of Go for absolute and relative paths (`/dev//null/` -> `/dev/null`). */
function cleanPath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop();
      else if (!absolute) parts.push('..');
    } else parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/**
 * `--device /dev/sda[:/dev/xvda][:rwm]` -> the API's mapping (container path defaults to the host's,
 * permissions to `rwm`), checked as docker checks it after parsing the flags.
 */
export function parseDevice(value: string): DeviceMapping {
  const parts = value.split(':');
  if (parts.length > 3 || parts[0] === '') throw new Error(`bad format for path: ${value}`);
  const [source, second, third] = parts as [string, string | undefined, string | undefined];
  let target = source;
  let mode = 'rwm';
  if (third !== undefined) {
    if (!isDeviceMode(third)) throw new Error(`bad mode specified: ${third}`);
    target = second as string;
    mode = third;
  } else if (second !== undefined) {
    if (isDeviceMode(second)) mode = second;
    else target = cleanPath(second);
  } else target = cleanPath(source);
  if (!target.startsWith('/')) throw new Error(`${target} is not an absolute path`);
  return { PathOnHost: source, PathInContainer: target, CgroupPermissions: mode };
}

/** A CDI device name (`vendor.com/class=name`) that `--device` passes as a `cdi` device request. */
export function isCdiDeviceName(value: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9.-]*\/[a-zA-Z0-9][a-zA-Z0-9_.-]*=[a-zA-Z0-9_.:-]+$/.test(value);
}

/** `--device-cgroup-rule 'c 1:3 mr'`: type, major:minor (`*` for any), permissions. */
export function validateDeviceCgroupRule(rule: string): void {
  if (!/^[acb] (?:\d+|\*):(?:\d+|\*) [rwm]{1,3}$/.test(rule))
    throw new Error(`invalid device cgroup format '${rule}'`);
}

/** Splits `/dev/sda:value` and checks the path as docker does. */
function devicePair(value: string): [string, string] {
  const colon = value.indexOf(':');
  if (colon === -1 || value.indexOf(':', colon + 1) !== -1) throw new Error(`bad format: ${value}`);
  const path = value.slice(0, colon);
  if (!path.startsWith('/dev/')) throw new Error(`bad format for device path: ${value}`);
  return [path, value.slice(colon + 1)];
}

/** `--blkio-weight-device /dev/sda:200`: a weight of 10 to 1000 (0 removes it). */
export function parseWeightDevice(value: string): { Path: string; Weight: number } {
  const [path, raw] = devicePair(value);
  const weight = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(weight <= 65535) || (weight > 0 && (weight < 10 || weight > 1000)))
    throw new Error(`invalid weight for device: ${value}`);
  return { Path: path, Weight: weight };
}

/** `--device-read-bps /dev/sda:1mb`: a rate in bytes per second, units as `-m` (binary). */
export function parseThrottleBps(value: string): ThrottleDevice {
  const [path, raw] = devicePair(value);
  try {
    return { Path: path, Rate: parseBytes(raw) };
  } catch {
    throw new Error(
      `invalid rate for device: ${value}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb`,
    );
  }
}

/** `--device-read-iops /dev/sda:1000`: IO operations per second. */
export function parseThrottleIops(value: string): ThrottleDevice {
  const [path, raw] = devicePair(value);
  if (!/^\d+$/.test(raw))
    throw new Error(
      `invalid rate for device: ${value}. The correct format is <device-path>:<number>. Number must be a positive integer`,
    );
  return { Path: path, Rate: Number(raw) };
}

/** `all` -> -1, else an integer. */
function gpuCount(text: string): number {
  if (text === 'all') return -1;
  if (!/^[+-]?\d+$/.test(text))
    throw new Error(`count must be an integer: strconv.Atoi: parsing "${text}": invalid syntax`);
  return Number(text);
}

/**
 * `--gpus all`, `--gpus 2`, `--gpus '"device=0,1",capabilities=utility'` -> a device request as
 * docker builds it: capabilities always include `gpu`, count 1 when neither count nor devices given.
 */
export function parseGpuRequest(value: string): DeviceRequest {
  const request: DeviceRequest = {};
  const seen = new Set<string>();
  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const key = eq === -1 ? field : field.slice(0, eq);
    const text = field.slice(eq + 1);
    if (seen.has(key)) throw new Error(`gpu request key '${key}' can be specified only once`);
    seen.add(key);
    if (eq === -1) {
      seen.add('count');
      request.Count = gpuCount(key);
      continue;
    }
    if (key === 'driver') request.Driver = text;
    else if (key === 'count') request.Count = gpuCount(text);
    else if (key === 'device') request.DeviceIDs = text.split(',');
    else if (key === 'capabilities') request.Capabilities = [[...text.split(','), 'gpu']];
    else if (key === 'options')
      request.Options = Object.fromEntries(
        splitCsv(text).map((option) => {
          const at = option.indexOf('=');
          return at === -1 ? [option, ''] : [option.slice(0, at), option.slice(at + 1)];
        }),
      );
    else throw new Error(`unexpected key '${key}' in '${field}'`);
  }
  if (!seen.has('count') && request.DeviceIDs === undefined) request.Count = 1;
  request.Options ??= {};
  request.Capabilities ??= [['gpu']];
  return request;
}
