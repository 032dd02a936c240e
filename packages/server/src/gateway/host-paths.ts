/**
 * How a request names a host path, read the way the daemon reads it: `HostConfig.Binds` entries
 * (moby's Linux mount parser) and the `local` volume driver's options (`o=bind,device=/path`).
 */
import { isWindowsPath } from './normalize.ts';

/** One `Binds` entry, classified. */
export type Bind =
  /** `/host:/dst[:mode]`: a host path. */
  | { readonly kind: 'host'; readonly source: string; readonly modes: readonly string[] }
  /** `name:/dst[:mode]`: a named volume (created on first use). */
  | { readonly kind: 'volume'; readonly name: string }
  /** `/dst` or `/dst:mode`: an anonymous volume, no host path. */
  | { readonly kind: 'anonymous' }
  /** `c:\x:...`, `\\host\share:...`: a Windows host path (a Windows daemon's parser). */
  | { readonly kind: 'windows'; readonly source: string }
  /** A relative path (`./data`, `../x`, `a/b`) or too many fields: the daemon refuses it. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** Bind / volume mode words of moby's Linux parser (`ro,z`, `rshared`, `nocopy` ...). */
const MODES = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'private',
  'rprivate',
  'shared',
  'rshared',
  'slave',
  'rslave',
  'consistent',
  'cached',
  'delegated',
]);

const isModeList = (text: string) => text.split(',').every((mode) => MODES.has(mode));

/** moby's `validateVolumeName` for the local driver: two or more of `[a-zA-Z0-9_.-]`, no leading punctuation. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * A `Binds` entry as moby's Linux parser splits it (`strings.SplitN(raw, ":", 4)`): one field is an
 * anonymous volume; two are `src:dst` unless the second is a mode list (`/dst:ro`, anonymous); an
 * absolute source is a host path, anything else must be a volume name.
 */
export function parseBind(raw: string): Bind {
  if (isWindowsPath(raw)) return { kind: 'windows', source: raw };
  const fields = raw.split(':');
  if (fields.length > 3) return { kind: 'invalid', reason: 'more than three ":"-separated fields' };
  if (fields.length === 1) return { kind: 'anonymous' };
  const [source = '', second = '', third] = fields;
  if (fields.length === 2 && isModeList(second)) return { kind: 'anonymous' };
  const modes = third === undefined ? [] : third.split(',');
  if (source.startsWith('/')) return { kind: 'host', source, modes };
  if (VOLUME_NAME.test(source)) return { kind: 'volume', name: source };
  return { kind: 'invalid', reason: `"${source}" is neither an absolute host path nor a volume name` };
}

/** What the `local` volume driver mounts for a set of driver options. */
export type LocalVolumeMount =
  | { readonly kind: 'plain' }
  /** `o` holds `bind` or `rbind`: `device` is a host path bind-mounted as the volume. */
  | { readonly kind: 'bind'; readonly device: string }
  /** `type=tmpfs`: memory only. */
  | { readonly kind: 'tmpfs' }
  /** A block device, NFS, CIFS or any other file system mount made by the daemon on the host. */
  | { readonly kind: 'device'; readonly description: string }
  /** An option the local driver rejects (its keys are exact: type, o, device, size). */
  | { readonly kind: 'unknown-option'; readonly option: string };

const LOCAL_OPTIONS = new Set(['type', 'o', 'device', 'size']);

/**
 * The effect of `local` driver options. Mount option words are compared case-insensitively so that
 * a spelling the kernel or a later daemon might accept is never mistaken for "not a bind".
 */
export function localVolumeMount(options: Readonly<Record<string, string>>): LocalVolumeMount {
  const unknown = Object.keys(options).find((key) => !LOCAL_OPTIONS.has(key));
  if (unknown !== undefined) return { kind: 'unknown-option', option: unknown };
  const type = options.type ?? '';
  const words = (options.o ?? '').split(',').map((word) => word.trim().toLowerCase());
  if (words.includes('bind') || words.includes('rbind'))
    return { kind: 'bind', device: options.device ?? '' };
  if (type === '' && options.device === undefined && options.o === undefined) return { kind: 'plain' };
  if (type === 'tmpfs') return { kind: 'tmpfs' };
  return {
    kind: 'device',
    description: `type=${type || '(none)'} device=${options.device ?? '(none)'}${options.o ? ` o=${options.o}` : ''}`,
  };
}
