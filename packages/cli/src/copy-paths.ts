/**
 * `docker cp`'s path rules, reproduced: which side is a container (`CONTAINER:PATH`), how local
 * paths are made absolute (a trailing `/` or `/.` is meaningful and kept), how symbolic links are
 * resolved on each side, and where an archive is extracted under which name — file to file, file
 * into an existing directory, directory to a new name, `DIR/.` for a directory's contents.
 * Errors carry Go's wording (`lstat /x: no such file or directory`, `no such directory`), as
 * scripts match on docker's. Local paths use this machine's file system; container paths are
 * POSIX paths sent to the engine as they are.
 */
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import { StatusError } from './errors.ts';
import { goQuote } from './output/units.ts';

/** What is known about one end of a copy (docker's `archive.CopyInfo`). */
export interface CopyInfo {
  readonly path: string;
  readonly exists: boolean;
  readonly isDir: boolean;
  /** The name the source goes by when a link was resolved to a target of another name. */
  readonly rebaseName: string;
}

/** Where to extract an archive and the name its top entry must have there. */
export interface CopyTarget {
  readonly directory: string;
  readonly name: string;
}

/**
 * `CONTAINER:PATH` or a local path. A path starting with `/`, or whose part before the first `:`
 * starts with `.`, is local (`./file:name.txt`), as is one without `:`.
 */
export function splitCopyArgument(arg: string): { container: string; path: string } {
  if (arg.startsWith('/')) return { container: '', path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { container: '', path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

/** Go's `filepath.Clean`: no trailing `/` (except the root), `''` is `.`. */
export function cleanPath(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** Go's `filepath.Join`: joined and cleaned. */
export function joinPath(directory: string, name: string): string {
  return cleanPath(posix.join(directory, name));
}

/** Go's `filepath.Base`: the last element, trailing `/` ignored; `/` for the root, `.` for `''`. */
export function baseName(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function hasTrailingSeparator(path: string): boolean {
  return path.endsWith('/');
}

function specifiesCurrentDir(path: string): boolean {
  return baseName(path) === '.';
}

/** A `/` or `/.` at the end says the path must be a directory. */
function assertsDirectory(path: string): boolean {
  return hasTrailingSeparator(path) || specifiesCurrentDir(path);
}

/** `cleaned` with the trailing `/.` or `/` of `original` put back. */
function preserveTrailingDotOrSeparator(cleaned: string, original: string): string {
  let path = cleaned;
  if (!specifiesCurrentDir(path) && specifiesCurrentDir(original)) {
    if (!hasTrailingSeparator(path)) path += '/';
    path += '.';
  }
  if (!hasTrailingSeparator(path) && hasTrailingSeparator(original)) path += '/';
  return path;
}

/** The absolute form of a local path, keeping a trailing `/` or `/.` (`.` -> `/cwd/.`). */
export function resolveLocalPath(path: string): string {
  return preserveTrailingDotOrSeparator(resolve(path), path);
}

/** The directory and the entry in it that a path names; `DIR/.` is `DIR` and `.`. */
export function splitPathDirEntry(path: string): { dir: string; base: string } {
  let cleaned = cleanPath(path);
  if (specifiesCurrentDir(path)) cleaned += '/.';
  return { dir: cleanPath(posix.dirname(cleaned)), base: baseName(cleaned) };
}

/**
 * Go's `filepath.EvalSymlinks` on this machine: every link on the way resolved, `..` applied after
 * resolution, errors as Go words them (`lstat /a/b: no such file or directory`; `not a directory`
 * when a file is followed by more path).
 */
export async function evalSymlinks(path: string): Promise<string> {
  let rest = path;
  let dest = rest.startsWith('/') ? '/' : '';
  let links = 0;
  for (let start = 0, end = 0; start < rest.length; start = end) {
    while (start < rest.length && rest[start] === '/') start++;
    end = start;
    while (end < rest.length && rest[end] !== '/') end++;
    if (end === start) break;
    const part = rest.slice(start, end);
    if (part === '.') continue;
    if (part === '..') {
      const slash = dest.lastIndexOf('/');
      const last = dest.slice(slash + 1);
      if (dest === '' || last === '..') dest += dest === '' ? '..' : '/..';
      else if (dest !== '/') dest = slash <= 0 ? dest.slice(0, slash + 1) : dest.slice(0, slash);
      continue;
    }
    if (dest !== '' && !dest.endsWith('/')) dest += '/';
    dest += part;
    const stats = await localStat('lstat', dest, fs.lstat);
    if (!stats.isSymbolicLink()) {
      if (!stats.isDirectory() && end < rest.length) throw new StatusError(1, 'not a directory');
      continue;
    }
    if (++links > 255) throw new StatusError(1, 'EvalSymlinks: too many links');
    const link = await localStat('readlink', dest, (link) => fs.readlink(link));
    rest = link + rest.slice(end);
    if (link.startsWith('/')) {
      dest = '/';
      end = 1;
    } else {
      // A relative link replaces the last element (the root stays the root).
      const slash = dest.lastIndexOf('/');
      dest = slash <= 0 ? dest.slice(0, slash + 1) : dest.slice(0, slash);
      end = 0;
    }
  }
  return cleanPath(dest);
}

/**
 * The local source of `cp SRC CONTAINER:DEST`: links in its directory part resolved, the last
 * element too with `followLink` (then named as given: `rebaseName`), and what it is.
 */
export async function copyInfoSourcePath(path: string, followLink: boolean): Promise<CopyInfo> {
  let resolved: string;
  let rebaseName = '';
  if (followLink) {
    [resolved, rebaseName] = rebasedName(path, await evalSymlinks(path));
  } else {
    const slash = path.lastIndexOf('/');
    const directory = path.slice(0, slash + 1);
    const base = path.slice(slash + 1);
    resolved = `${await evalSymlinks(directory)}/${base}`;
    if (hasTrailingSeparator(path) && baseName(path) !== baseName(resolved)) rebaseName = baseName(path);
  }
  const stats = await localStat('lstat', resolved, fs.lstat);
  return { path: resolved, exists: true, isDir: stats.isDirectory(), rebaseName };
}

/**
 * A link's resolved path with the original's trailing `/.` or `/` put back, and the original's
 * base name when the link changed it (the copy keeps the name that was asked for).
 */
export function rebasedName(path: string, resolvedPath: string): [string, string] {
  let resolved = resolvedPath;
  if (specifiesCurrentDir(path) && !specifiesCurrentDir(resolved)) resolved += '/.';
  if (hasTrailingSeparator(path) && !hasTrailingSeparator(resolved)) resolved += '/';
  return [resolved, baseName(path) === baseName(resolved) ? '' : baseName(path)];
}

/**
 * The local destination of `cp CONTAINER:SRC DEST`: a link at the end is followed (a dangling one
 * names the file to create); a missing destination needs an existing parent directory.
 */
export async function copyInfoDestinationPath(path: string): Promise<CopyInfo> {
  let current = path;
  let stats = await lstatIfAny(current);
  for (let hops = 0; stats?.isSymbolicLink(); hops++) {
    if (hops > 10) throw new StatusError(1, `too many symlinks in ${path}`);
    let target = await localStat('readlink', current, (link) => fs.readlink(link));
    if (!target.startsWith('/')) target = posix.join(splitPathDirEntry(current).dir, target);
    current = target;
    stats = await lstatIfAny(current);
  }
  if (stats) return { path: current, exists: true, isDir: stats.isDirectory(), rebaseName: '' };
  const parent = await localStat('stat', splitPathDirEntry(current).dir, fs.stat);
  if (!parent.isDirectory()) throw new StatusError(1, 'not a directory');
  return { path: current, exists: false, isDir: false, rebaseName: '' };
}

/**
 * Where the archive of `source` goes so that the copy lands at `destination` (docker's
 * `PrepareArchiveCopy`): into an existing directory under the source's name; else into the
 * destination's parent under the destination's name. A directory cannot replace a file
 * (`cannot copy directory`), and a file cannot create a directory (`no such directory`).
 */
export function copyTarget(source: CopyInfo, destination: CopyInfo): CopyTarget {
  const { dir, base } = splitPathDirEntry(destination.path);
  if (destination.exists && destination.isDir) {
    return { directory: destination.path, name: source.rebaseName || splitPathDirEntry(source.path).base };
  }
  if (destination.exists && source.isDir) throw new StatusError(1, 'cannot copy directory');
  if (!destination.exists && !source.isDir && assertsDirectory(destination.path)) {
    throw new StatusError(1, 'no such directory');
  }
  return { directory: dir, name: base };
}

/**
 * docker's check of a local output path: its directory must exist, and it must be a directory, a
 * regular file or nothing yet (not a device).
 */
export async function validateOutputPath(path: string): Promise<void> {
  const directory = posix.dirname(cleanPath(path));
  if (directory !== '.' && (await statError(directory))?.code === 'ENOENT') {
    throw new StatusError(1, `invalid output path: directory ${goQuote(directory)} does not exist`);
  }
  let stats: Stats;
  try {
    stats = await fs.stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw goPathError('stat', path, err);
  }
  if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    throw new StatusError(
      1,
      `invalid output path: ${goQuote(path)} must be a directory or a regular file: got a device`,
    );
  }
}

async function statError(path: string): Promise<NodeJS.ErrnoException | undefined> {
  try {
    await fs.stat(path);
    return undefined;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

async function lstatIfAny(path: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw goPathError('lstat', path, err);
  }
}

/** Runs a file system call, turning its failure into Go's `*PathError` text. */
async function localStat<T>(op: string, path: string, call: (path: string) => Promise<T>): Promise<T> {
  try {
    return await call(path);
  } catch (err) {
    throw goPathError(op, path, err);
  }
}

/** Go's strerror wording for the errors a copy meets. */
const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'file name too long',
  EINVAL: 'invalid argument',
};

/** `op path: reason`, as Go's `*os.PathError` prints. */
export function goPathError(op: string, path: string, err: unknown): StatusError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const reason = GO_ERRNO_TEXT[code] ?? (err as Error).message;
  return new StatusError(1, `${op} ${path}: ${reason}`, { cause: err });
}
