/**
 * Extracting a tar stream into a directory of this machine — `docker cp CONTAINER:PATH DEST`'s
 * half on the client — while it arrives. The archive decides names, so this is a security boundary:
 * nothing is ever written outside the destination. Entries are refused (`INVALID_ARGUMENT`, the
 * extraction stops) when their name is absolute or climbs out with `..`, when a directory on their
 * way is a symbolic link (the archive may have planted it: `link -> /etc`, then `link/passwd`),
 * when a hard link names something outside, and when a relative symbolic link would point outside
 * (an absolute one is stored as it is: it is never followed here). Files are created fresh
 * (`O_EXCL | O_NOFOLLOW`) after whatever was at their path is removed.
 *
 * Regular files, directories, symbolic links and hard links are created with the archive's
 * permission bits and times; owners are not applied (the files belong to whoever extracts, as
 * with `docker cp`); FIFOs and device nodes are skipped (they need `mknod`).
 *
 * @example
 * ```ts
 * import { extractTar } from '@gantry/engine';
 * const { tar } = await docker.containers.getArchive('web', { path: '/etc/nginx' });
 * await extractTar(tar, './backup'); // ./backup/nginx/…
 * ```
 */
import { constants, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import type { CallOptions } from './core.ts';
import { abortError, EngineError } from './errors.ts';
import { readTar, type TarReadEntry } from './tar-read.ts';

/**
 * Options of {@link extractTar}.
 *
 * @example
 * ```ts
 * // The archive holds `nginx/…`; put it in ./backup as `conf/…`:
 * const options: ExtractTarOptions = { rename: { from: 'nginx', to: 'conf' } };
 * await extractTar(tar, './backup', options);
 * ```
 */
export interface ExtractTarOptions extends CallOptions {
  /**
   * Renames the archive's top entry: the entry named `from` and everything under `from/` get
   * `to` in its place (hard-link targets too), as `docker cp` does to copy under another name.
   * `from: '.'` matches `./…` names; `to: '.'` extracts a directory's contents.
   */
  readonly rename?: { readonly from: string; readonly to: string };
  /**
   * Fail instead of replacing an existing directory with a non-directory or the reverse
   * (default `true`, as `docker cp`; `false` replaces it).
   */
  readonly noOverwriteDirNonDir?: boolean;
}

/** A directory whose mode and times are set last, once nothing more is written into it. */
interface PendingDirectory {
  readonly relative: string;
  readonly mode: number;
  readonly atime: number;
  readonly mtime: number;
}

/**
 * Extracts the uncompressed tar `source` into the existing directory `destination` as it is read
 * (see the module notes for what is refused). Resolves once the whole source has been read; fails
 * with `INVALID_ARGUMENT` for a refused entry or a conflict, `STREAM_PROTOCOL` for a damaged
 * archive, `ABORTED` when `signal` fires, and the file system's own error otherwise. What was
 * extracted before a failure stays.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { extractTar } from '@gantry/engine';
 * await extractTar(createReadStream('site.tar'), './public', { rename: { from: 'site', to: '.' } });
 * ```
 */
export async function extractTar(
  source: AsyncIterable<Uint8Array>,
  destination: string,
  options: ExtractTarOptions = {},
): Promise<void> {
  const { signal, rename } = options;
  const root = resolve(destination);
  const rootStats = await fs.stat(root).catch(() => undefined);
  if (!rootStats?.isDirectory()) {
    throw new EngineError('INVALID_ARGUMENT', `extractTar: ${root} is not a directory — create it first`);
  }
  const noOverwriteDirNonDir = options.noOverwriteDirNonDir ?? true;
  const directories: PendingDirectory[] = [];
  for await (const entry of readTar(source)) {
    if (signal?.aborted) throw abortError(signal);
    const relative = insideName(renamed(entry.name, rename), entry.name, root);
    if (relative === '') {
      if (entry.type === 'directory') continue; // the destination itself: it exists, leave it be
      throw refused(entry.name, `it would replace the destination ${quote(root)} itself`);
    }
    await makeParents(root, relative, entry.name);
    const target = join(root, relative);
    const existing = await lstatIfAny(target);
    if (existing && !(existing.isDirectory() && entry.type === 'directory')) {
      if (noOverwriteDirNonDir && existing.isDirectory()) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `cannot overwrite directory ${quote(target)} with non-directory ${quote(root)}`,
        );
      }
      if (noOverwriteDirNonDir && entry.type === 'directory') {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `cannot overwrite non-directory ${quote(target)} with directory ${quote(root)}`,
        );
      }
      await fs.rm(target, { recursive: true, force: true });
    }
    const times = timesOf(entry);
    switch (entry.type) {
      case 'directory':
        // Owner-writable until the end, so entries can go in even when the archive's mode forbids it.
        if (!existing?.isDirectory()) await fs.mkdir(target, { mode: 0o700 });
        directories.push({ relative, mode: entry.mode, ...times });
        break;
      case 'file':
        await writeFile(target, entry, times);
        break;
      case 'symlink':
        if (
          !entry.linkname.startsWith('/') &&
          !isInside(posix.join(posix.dirname(relative), entry.linkname))
        ) {
          throw refused(
            entry.name,
            `it is a symbolic link to ${quote(entry.linkname)}, outside ${quote(root)}`,
          );
        }
        await fs.symlink(entry.linkname, target);
        await fs.lutimes(target, times.atime, times.mtime).catch(() => undefined);
        break;
      case 'hardlink': {
        const linked = insideName(renamed(entry.linkname, rename), entry.linkname, root);
        await checkWay(root, linked, entry.name);
        await fs.link(join(root, linked), target);
        break;
      }
      default:
        // FIFOs and devices: creating them needs mknod(2), which Node does not offer.
        break;
    }
  }
  // Deepest last in the archive first, so a read-only mode never blocks a later change below it.
  for (const directory of directories.reverse()) {
    if (!(await isPlainDirectory(root, directory.relative))) continue;
    const path = join(root, directory.relative);
    await fs.chmod(path, directory.mode);
    await fs.utimes(path, directory.atime, directory.mtime);
  }
}

/** `name` with `rename.from` (as a whole first component, or the whole name) replaced by `rename.to`. */
function renamed(name: string, rename: ExtractTarOptions['rename']): string {
  if (!rename) return name;
  const from = rename.from === '/' ? '' : rename.from.replace(/\/+$/, '');
  if (name === rename.from || name === from || name === `${from}/`) {
    return `${rename.to}${name.endsWith('/') ? '/' : ''}`;
  }
  return name.startsWith(`${from}/`) ? `${rename.to}${name.slice(from.length)}` : name;
}

/**
 * The cleaned path of `name` below the destination (`''` for the destination itself); refuses an
 * absolute name and one that climbs out with `..`.
 */
function insideName(name: string, original: string, root: string): string {
  if (name.startsWith('/')) throw refused(original, 'its name is absolute');
  const cleaned = posix.normalize(name).replace(/\/+$/, '');
  if (!isInside(cleaned)) throw refused(original, `it is outside of ${quote(root)}`);
  return cleaned === '.' ? '' : cleaned;
}

/** Whether a normalized relative path stays below its base. */
function isInside(relative: string): boolean {
  const cleaned = posix.normalize(relative);
  return cleaned !== '..' && !cleaned.startsWith('../') && !cleaned.startsWith('/');
}

/**
 * Creates the missing directories above `relative` (mode 0755, as docker) and refuses the entry
 * when one on the way is a symbolic link — following it could leave the destination.
 */
async function makeParents(root: string, relative: string, name: string): Promise<void> {
  let path = root;
  for (const part of parentParts(relative)) {
    path = join(path, part);
    const stats = await lstatIfAny(path);
    if (!stats) await fs.mkdir(path, { mode: 0o755 });
    else checkStep(stats, path, name);
  }
}

/** Refuses `relative` (a hard link's target) when a directory on its way is a symbolic link or missing. */
async function checkWay(root: string, relative: string, name: string): Promise<void> {
  let path = root;
  for (const part of parentParts(relative)) {
    path = join(path, part);
    const stats = await lstatIfAny(path);
    if (!stats) throw refused(name, `${quote(path)} does not exist`);
    checkStep(stats, path, name);
  }
}

function checkStep(stats: Stats, path: string, name: string): void {
  if (stats.isSymbolicLink()) {
    throw refused(
      name,
      `${quote(path)} on its way is a symbolic link, which could lead outside the destination`,
    );
  }
  if (!stats.isDirectory()) throw refused(name, `${quote(path)} on its way is not a directory`);
}

/** Whether `relative` is a directory reached through directories only (no symbolic link on the way). */
async function isPlainDirectory(root: string, relative: string): Promise<boolean> {
  let path = root;
  for (const part of relative.split('/')) {
    path = join(path, part);
    const stats = await lstatIfAny(path);
    if (!stats?.isDirectory()) return false;
  }
  return true;
}

function parentParts(relative: string): string[] {
  return relative.split('/').slice(0, -1);
}

async function lstatIfAny(path: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Access time never before the modification time (docker's rule); seconds since the epoch. */
function timesOf(entry: TarReadEntry): { atime: number; mtime: number } {
  return { mtime: entry.mtime, atime: Math.max(entry.atime ?? entry.mtime, entry.mtime) };
}

async function writeFile(target: string, entry: TarReadEntry, times: { atime: number; mtime: number }) {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await fs.open(target, flags, 0o600);
  try {
    // Network pieces are small (~64 KiB): written together, up to WRITE_BATCH bytes per call.
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = async () => {
      if (batched > 0) await writeAll(handle, Buffer.concat(batch, batched));
      batch = [];
      batched = 0;
    };
    for await (const chunk of entry.content()) {
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH) await flush();
    }
    await flush();
    await handle.chmod(entry.mode);
    await handle.utimes(times.atime, times.mtime);
  } finally {
    await handle.close();
  }
}

/** Bytes gathered before a file write (1 MiB): each write is a round trip through libuv's thread pool. */
const WRITE_BATCH = 1024 * 1024;

async function writeAll(handle: fs.FileHandle, bytes: Buffer): Promise<void> {
  for (let written = 0; written < bytes.length; ) {
    written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
  }
}

function refused(name: string, why: string): EngineError {
  return new EngineError('INVALID_ARGUMENT', `tar: refusing to extract ${quote(name)}: ${why}`);
}

/** Go's `%q` for the usual paths. */
function quote(text: string): string {
  return JSON.stringify(text);
}
