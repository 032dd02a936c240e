/**
 * The daemon's own spellings of capabilities, security options, sysctls and host paths, applied
 * both to policy documents and to requests so that every equivalent form compares equal.
 */
import { posix } from 'node:path';

const ASCII = /^[\x20-\x7e]*$/;

/**
 * A capability as moby normalizes it (`strings.ToUpper`, then a `CAP_` prefix; `ALL` kept), or
 * undefined for a name that is not printable ASCII (the daemon's Unicode upper-casing turns
 * `ſys_admın` into `SYS_ADMIN`; such names are refused rather than mirrored).
 */
export function normalizeCapability(name: string): string | undefined {
  if (!ASCII.test(name)) return undefined;
  const upper = name.toUpperCase();
  if (upper === 'ALL' || upper.startsWith('CAP_')) return upper;
  return `CAP_${upper}`;
}

/** Go's `strconv.ParseBool`, or undefined. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/**
 * A security option as `key=value`, the way moby's parseSecurityOpt reads it: bare
 * `no-new-privileges` and `disable` (= `label=disable`), `k=v`, the deprecated `k:v` (split at the
 * first `:` only when there is no `=`), booleans in any of Go's spellings.
 */
export function normalizeSecurityOption(option: string): string {
  if (option === 'no-new-privileges') return 'no-new-privileges=true';
  if (option === 'disable') return 'label=disable';
  const separator = option.includes('=') ? '=' : option.includes(':') ? ':' : undefined;
  if (separator === undefined) return option;
  const at = option.indexOf(separator);
  const key = option.slice(0, at);
  const value = option.slice(at + 1);
  if (key === 'no-new-privileges' || key === 'writable-cgroups') {
    const flag = parseGoBool(value);
    return `${key}=${flag === undefined ? value : String(flag)}`;
  }
  return `${key}=${value}`;
}

/** A sysctl key with `/` separators (which the kernel's /proc/sys path also accepts) as dots. */
export const normalizeSysctl = (key: string) => key.replaceAll('/', '.');

/** Whether `path` is a Windows host path: a drive (`c:`), or a UNC / device path (`\\host`, `\\.\pipe`). */
export const isWindowsPath = (path: string) => /^[A-Za-z]:/.test(path) || path.startsWith('\\');

/** An absolute POSIX path cleaned as Go's `path.Clean` does (`..`, `.`, `//`, trailing `/`). */
export function cleanAbsolutePath(path: string): string {
  const cleaned = posix.normalize(path);
  return cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
}

/** Whether cleaned `path` is `prefix` or below it (`/home2` is not below `/home`). */
export function isPathWithin(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}
