/**
 * A minimal tar writer: header blocks only, so callers stream file contents themselves and never
 * hold a whole archive. It writes POSIX ustar headers and, when a field does not fit ustar (a name
 * that cannot be split into prefix + name, a non-ASCII name or link target, a size of 8 GiB or
 * more, an mtime before 1970 or after 2242, an owner id of 2^21 or more), a PAX extended header
 * before it — what Go's `archive/tar` writes for `FormatPAX`, which is what the docker CLI sends.
 * Owner is 0:0 unless the entry gives one (`docker build` sends 0:0, `docker cp` the files' own),
 * never with user or group names.
 *
 * An archive is: for each entry {@link tarHeader}, then (regular files) `size` bytes of content and
 * {@link tarPadding}; then {@link TAR_TRAILER}.
 *
 * @example
 * ```ts
 * import { TAR_TRAILER, tarHeader, tarPadding } from './tar.ts';
 * const content = Buffer.from('hello\n');
 * const archive = Buffer.concat([
 *   tarHeader({ name: 'hello.txt', type: 'file', mode: 0o644, mtime: 1_700_000_000, size: content.length }),
 *   content,
 *   tarPadding(content.length),
 *   TAR_TRAILER,
 * ]);
 * ```
 */
import { cleanPath } from './dockerignore.ts';

const BLOCK = 512;
/** Largest value of an 11-digit octal field (size, mtime): 8 GiB − 1. */
const MAX_OCTAL_11 = 0o77777777777;
/** Largest value of a 7-digit octal field (uid, gid). */
const MAX_OCTAL_7 = 0o7777777;

/**
 * One archive entry's metadata.
 *
 * @example
 * ```ts
 * const entry: TarEntry = { name: 'bin/run', type: 'symlink', mode: 0o777, mtime: 1_700_000_000, linkname: '../run.sh' };
 * ```
 */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, no leading `/` or `./`; a directory gets its `/` added. */
  readonly name: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo' | 'char-device' | 'block-device';
  /** Permission bits with setuid/setgid/sticky (`0o7777` mask). */
  readonly mode: number;
  /** Modification time in whole seconds since the Unix epoch. */
  readonly mtime: number;
  /** Content length in bytes (regular files; 0 otherwise). */
  readonly size?: number;
  /** Symlink target; for a hard link, the archive name of the entry it links to. */
  readonly linkname?: string;
  /** Numeric owner and group (default 0). */
  readonly uid?: number;
  readonly gid?: number;
  /** Device numbers of a character or block device. */
  readonly devmajor?: number;
  readonly devminor?: number;
}

const TYPEFLAG: Readonly<Record<TarEntry['type'], string>> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  'char-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
};

/** Two zero blocks: the end of an archive. */
export const TAR_TRAILER: Buffer = Buffer.alloc(2 * BLOCK);

/**
 * The zero bytes that pad `size` bytes of content to a whole block (empty when already aligned).
 *
 * @example
 * ```ts
 * tarPadding(6).length; // 506
 * tarPadding(1024).length; // 0
 * ```
 */
export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? EMPTY : Buffer.alloc(BLOCK - rest);
}
const EMPTY = Buffer.alloc(0);

/**
 * The header block(s) of one entry: a PAX extended header first when a value does not fit ustar.
 * Throws `RangeError` for a negative or fractional size.
 *
 * @example
 * ```ts
 * tarHeader({ name: 'src', type: 'directory', mode: 0o755, mtime: 1_700_000_000 }).length; // 512
 * tarHeader({ name: 'ünïcode.txt', type: 'file', mode: 0o644, mtime: 0, size: 3 }).length; // 1536: PAX header + data + ustar
 * ```
 */
export function tarHeader(entry: TarEntry): Buffer {
  const size = entry.type === 'file' ? (entry.size ?? 0) : 0;
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RangeError(`tar: invalid size ${size} for ${entry.name}`);
  const name = entry.type === 'directory' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  const linkname = entry.linkname ?? '';
  const mtime = Math.trunc(entry.mtime);
  const pax: Record<string, string> = {};

  let namePrefix = '';
  let nameField = name;
  if (!fitsUstar(name, 100)) {
    const split = splitUstarPath(name);
    if (split) [namePrefix, nameField] = split;
    else pax.path = name;
  }
  if (!fitsUstar(linkname, 100)) pax.linkpath = linkname;
  if (size > MAX_OCTAL_11) pax.size = String(size);
  if (mtime < 0 || mtime > MAX_OCTAL_11) pax.mtime = String(mtime);
  const uid = entry.uid ?? 0;
  const gid = entry.gid ?? 0;
  if (uid > MAX_OCTAL_7) pax.uid = String(uid);
  if (gid > MAX_OCTAL_7) pax.gid = String(gid);

  const header = ustarBlock({
    name: nameField,
    prefix: namePrefix,
    mode: entry.mode & 0o7777,
    size: size > MAX_OCTAL_11 ? 0 : size,
    mtime: pax.mtime === undefined ? mtime : 0,
    uid: pax.uid === undefined ? uid : 0,
    gid: pax.gid === undefined ? gid : 0,
    typeflag: TYPEFLAG[entry.type],
    linkname,
    devmajor:
      entry.type === 'char-device' || entry.type === 'block-device' ? (entry.devmajor ?? 0) : undefined,
    devminor:
      entry.type === 'char-device' || entry.type === 'block-device' ? (entry.devminor ?? 0) : undefined,
  });
  if (Object.keys(pax).length === 0) return header;

  const records = Buffer.from(
    Object.keys(pax)
      .sort()
      .map((key) => paxRecord(key, pax[key] as string))
      .join(''),
    'utf8',
  );
  const slash = name.replace(/\/$/, '').lastIndexOf('/');
  const paxName = `${slash < 0 ? '' : name.slice(0, slash + 1)}PaxHeaders.0/${name.slice(slash + 1)}`;
  const paxHeader = ustarBlock({
    name: paxName,
    prefix: '',
    mode: 0,
    size: records.length,
    mtime: 0,
    uid: 0,
    gid: 0,
    typeflag: 'x',
    linkname: '',
  });
  return Buffer.concat([paxHeader, records, tarPadding(records.length), header]);
}

/** ASCII and short enough for a ustar field of `size` bytes. */
function fitsUstar(value: string, size: number): boolean {
  return value.length <= size && isAscii(value);
}

function isAscii(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range is meant
  return /^[\x00-\x7F]*$/.test(value);
}

/**
 * Go's `splitUSTARPath`: a long ASCII name split at a `/` into a prefix (≤ 155 bytes) and a name
 * (≤ 100 bytes), or undefined.
 */
function splitUstarPath(name: string): [string, string] | undefined {
  if (name.length <= 100 || !isAscii(name)) return undefined;
  let length = name.length;
  if (length > 156) length = 156;
  else if (name[length - 1] === '/') length--;
  const cut = name.lastIndexOf('/', length - 1);
  const suffixLength = name.length - cut - 1;
  if (cut <= 0 || suffixLength > 100 || suffixLength === 0 || cut > 155) return undefined;
  return [name.slice(0, cut), name.slice(cut + 1)];
}

/** `"<length> <key>=<value>\n"`, where the length (in bytes) counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + String(bodyLength).length;
  if (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return `${length}${body}`;
}

interface UstarFields {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  uid: number;
  gid: number;
  typeflag: string;
  linkname: string;
  devmajor?: number | undefined;
  devminor?: number | undefined;
}

/** One 512-byte ustar header with its checksum. Strings that do not fit are cut (PAX carries them). */
function ustarBlock(fields: UstarFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, fields.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, fields.uid);
  writeOctal(block, 116, 8, fields.gid);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.write(fields.typeflag, 156, 1, 'ascii');
  writeString(block, 157, 100, fields.linkname);
  block.write('ustar\u000000', 257, 8, 'ascii');
  if (fields.devmajor !== undefined) writeOctal(block, 329, 8, fields.devmajor);
  if (fields.devminor !== undefined) writeOctal(block, 337, 8, fields.devminor);
  writeString(block, 345, 155, fields.prefix);
  // The checksum is computed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

/** ASCII only (non-ASCII characters dropped, as Go does), cut to the field. */
function writeString(block: Buffer, offset: number, size: number, value: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range is meant
  block.write(value.replace(/[^\x00-\x7F]/g, '').slice(0, size), offset, size, 'ascii');
}

/** Zero-padded octal digits and a terminating NUL, filling the field. */
function writeOctal(block: Buffer, offset: number, size: number, value: number): void {
  block.write(`${value.toString(8).padStart(size - 1, '0')}\u0000`, offset, size, 'ascii');
}

/**
 * The content of the regular file `name` in an uncompressed tar held in memory, or undefined when
 * the archive has no such file or is not a tar (compressed, truncated, bad checksum). Names are
 * compared cleaned (`./Dockerfile` is `Dockerfile`); ustar prefixes, PAX `path` records and GNU
 * long names are understood. Returns a view into `archive`, not a copy.
 *
 * @example
 * ```ts
 * const dockerfile = readTarFile(contextTar, 'Dockerfile')?.toString('utf8');
 * ```
 */
export function readTarFile(archive: Uint8Array, name: string): Buffer | undefined {
  const tar = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const wanted = cleanPath(name);
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return undefined;
    if (!checksumMatches(header)) return undefined;
    const size = Number.parseInt(fieldText(header, 124, 12) || '0', 8);
    if (!Number.isSafeInteger(size)) return undefined;
    const content = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const typeflag = String.fromCharCode(header[156] as number);
    if (typeflag === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(content.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (typeflag === 'L') {
      longName = content.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const prefix = fieldText(header, 345, 155);
    const entryName =
      longName ?? (prefix ? `${prefix}/${fieldText(header, 0, 100)}` : fieldText(header, 0, 100));
    longName = undefined;
    if ((typeflag === '0' || typeflag === '\0') && cleanPath(entryName) === wanted) return content;
  }
  return undefined;
}

/** A NUL-terminated header field as text. */
function fieldText(header: Buffer, offset: number, size: number): string {
  const field = header.subarray(offset, offset + size);
  const end = field.indexOf(0);
  return field
    .subarray(0, end < 0 ? size : end)
    .toString('utf8')
    .trim();
}

/**
 * Whether a 512-byte header block's checksum field matches its bytes (the field itself read as
 * eight spaces, as POSIX says).
 *
 * @internal
 * @example
 * ```ts
 * checksumMatches(tarHeader({ name: 'a', type: 'file', mode: 0o644, mtime: 0 })); // true
 * ```
 */
export function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
  return sum === Number.parseInt(fieldText(header, 148, 8), 8);
}
