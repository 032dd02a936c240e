/**
 * A file, directory or symbolic link of this machine as a tar stream, the way `docker cp` sends one
 * to a container (`containers.putArchive`): the path itself under the name asked for, a
 * directory's entries below it in byte order of their names, depth first; symbolic links inside
 * are stored, not followed; a file met again through another hard link becomes a hard-link entry;
 * permission bits (with setuid/setgid/sticky), mtime in whole seconds and the numeric owner are
 * kept; sockets are left out. Also the leaf helpers `build-context.ts` walks with.
 *
 * @example
 * ```ts
 * import { tarPath } from '@gantry/engine';
 * await docker.containers.putArchive('web', tarPath('./site', { name: 'html' }), { path: '/usr/share/nginx' });
 * ```
 */
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { CallOptions } from './core.ts';
import { abortError, EngineError } from './errors.ts';
import { TAR_TRAILER, type TarEntry, tarHeader, tarPadding } from './tar.ts';

/**
 * File contents are read and sent in pieces of this many bytes (1 MiB): each read is a round trip
 * through libuv's thread pool, and at 64 KiB those round trips, not the disk, set the pace.
 *
 * @internal
 * @example
 * ```ts
 * Readable.from(blocks, { objectMode: false, highWaterMark: READ_CHUNK });
 * ```
 */
export const READ_CHUNK = 1024 * 1024;

/**
 * Options of {@link tarPath}.
 *
 * @example
 * ```ts
 * const options: TarPathOptions = { name: '.', signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface TarPathOptions extends CallOptions {
  /**
   * The archive name of the path itself; a directory's entries go below it. Default: its base
   * name. `.` gives `./`, `./a`, … — a directory's contents, as `docker cp DIR/.` sends them.
   */
  readonly name?: string;
}

/**
 * Streams `path` (not followed when it is a symbolic link: resolve it first to send its target) as
 * an uncompressed tar, ending with the end-of-archive blocks. Bytes flow while the tree is walked.
 * The stream fails with `INVALID_ARGUMENT` naming a path that cannot be read and with `ABORTED`
 * when `signal` fires.
 *
 * @example
 * ```ts
 * import { tarPath } from '@gantry/engine';
 * // ./dist/* into /srv/app of the container (which must exist), owners and modes as on this machine:
 * await docker.containers.putArchive('web', tarPath('./dist', { name: '.' }), { path: '/srv/app' });
 * ```
 */
export function tarPath(path: string, options: TarPathOptions = {}): Readable {
  const absolutePath = resolve(path);
  const name = options.name ?? basename(absolutePath);
  const stream = Readable.from(pathTar(absolutePath, name, options.signal), {
    objectMode: false,
    highWaterMark: READ_CHUNK,
  });
  return destroyOnAbort(stream, options.signal);
}

/**
 * Destroys `stream` with the `ABORTED` error when `signal` fires (at once when it already has);
 * returns the stream.
 *
 * @internal
 * @example
 * ```ts
 * return destroyOnAbort(Readable.from(blocks()), options.signal);
 * ```
 */
export function destroyOnAbort<S extends NodeJS.ReadableStream & { destroy(error?: Error): unknown }>(
  stream: S,
  signal: AbortSignal | undefined,
): S {
  if (!signal) return stream;
  const onAbort = () => stream.destroy(abortError(signal));
  if (signal.aborted) queueMicrotask(onAbort);
  else {
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}

async function* pathTar(
  absolutePath: string,
  name: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  yield* entryBlocks(absolutePath, name, await lstat(absolutePath), new Map(), signal);
  yield TAR_TRAILER;
}

/** One entry and, for a directory, everything below it. `firstNames`: inode -> first archive name. */
async function* entryBlocks(
  absolutePath: string,
  name: string,
  stats: Stats,
  firstNames: Map<string, string>,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  if (signal?.aborted) throw abortError(signal);
  let entry: TarEntry | undefined;
  try {
    entry = await tarEntryOf(name, stats, absolutePath, { keepOwner: true });
  } catch (err) {
    throw unreadable(absolutePath, err);
  }
  if (!entry) return;
  if (stats.isFile() && stats.nlink > 1) {
    const inode = `${stats.dev}:${stats.ino}`;
    const first = firstNames.get(inode);
    if (first !== undefined) {
      yield tarHeader({ ...entry, type: 'hardlink', size: 0, linkname: first });
      return;
    }
    firstNames.set(inode, name);
  }
  yield tarHeader(entry);
  if (stats.isFile()) {
    try {
      yield* fileBlocks(absolutePath, stats.size, absolutePath, signal);
    } catch (err) {
      throw unreadable(absolutePath, err);
    }
  } else if (stats.isDirectory()) {
    let children: string[];
    try {
      children = await fs.readdir(absolutePath);
    } catch (err) {
      throw unreadable(absolutePath, err);
    }
    // Go's `filepath.WalkDir` order: names compared as UTF-8 bytes.
    children.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const child of children) {
      const childPath = join(absolutePath, child);
      yield* entryBlocks(childPath, `${name}/${child}`, await lstat(childPath), firstNames, signal);
    }
  }
}

async function lstat(absolutePath: string): Promise<Stats> {
  try {
    return await fs.lstat(absolutePath);
  } catch (err) {
    throw unreadable(absolutePath, err);
  }
}

/**
 * The tar entry for what `lstat` found at `absolutePath`, named `name`; undefined for a socket (tar
 * cannot hold one). Owner 0:0 unless `keepOwner`. Throws the file system's error when a symbolic
 * link cannot be read.
 *
 * @internal
 * @example
 * ```ts
 * const entry = await tarEntryOf('app/run.sh', await lstat('./run.sh'), './run.sh', { keepOwner: false });
 * ```
 */
export async function tarEntryOf(
  name: string,
  stats: Stats,
  absolutePath: string,
  options: { keepOwner: boolean },
): Promise<TarEntry | undefined> {
  const common = {
    name,
    mode: stats.mode & 0o7777,
    mtime: Math.floor(stats.mtimeMs / 1000),
    ...(options.keepOwner ? { uid: stats.uid, gid: stats.gid } : {}),
  };
  if (stats.isFile()) return { ...common, type: 'file', size: stats.size };
  if (stats.isDirectory()) return { ...common, type: 'directory' };
  if (stats.isSymbolicLink())
    return { ...common, type: 'symlink', linkname: await fs.readlink(absolutePath) };
  if (stats.isFIFO()) return { ...common, type: 'fifo' };
  if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    // Linux `major()` / `minor()` of the packed device number.
    const device = BigInt(stats.rdev);
    return {
      ...common,
      type: stats.isCharacterDevice() ? 'char-device' : 'block-device',
      devmajor: Number(((device >> 8n) & 0xfffn) | ((device >> 32n) & ~0xfffn)),
      devminor: Number((device & 0xffn) | ((device >> 12n) & ~0xffn)),
    };
  }
  return undefined;
}

/**
 * Exactly `size` bytes of the file (the size its header announced), then the block padding. Throws
 * the file system's error when it cannot be opened, and `INVALID_ARGUMENT` (naming `label`) when it
 * shrank meanwhile.
 *
 * @internal
 * @example
 * ```ts
 * yield tarHeader(entry);
 * yield* fileBlocks('/src/app.js', entry.size, 'app.js', signal);
 * ```
 */
export async function* fileBlocks(
  absolutePath: string,
  size: number,
  label: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  const handle = await fs.open(absolutePath, 'r');
  try {
    let position = 0;
    while (position < size) {
      if (signal?.aborted) throw abortError(signal);
      // A fresh buffer per piece: the consumer may still hold the previous one.
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `${label} shrank from ${size} to ${position} bytes while it was being sent`,
        );
      }
      position += bytesRead;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
  const padding = tarPadding(size);
  if (padding.length > 0) yield padding;
}

function unreadable(path: string, err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new EngineError(
    'INVALID_ARGUMENT',
    `cannot read ${path} (${code ?? (err as Error).message}) — fix its permissions or leave it out`,
    { cause: err },
  );
}
