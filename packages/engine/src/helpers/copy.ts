/**
 * `copyTo` / `copyFrom`: one file into or out of a container (`docker cp`) on top of the archive
 * endpoints, which speak tar only (headers written and read by `tar.ts`). For whole directories use
 * `containers.putArchive` / `containers.getArchive` with a tar of your own.
 */
import { createReadStream } from 'node:fs';
import { stat as statFile } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import type { CallOptions } from '../core.ts';
import { EngineError, EngineStreamError, isNotFound } from '../errors.ts';
import type { Containers, PathStat } from '../resources/containers.ts';
import { readTarFile, TAR_TRAILER, type TarEntry, tarHeader, tarPadding } from '../tar.ts';

/**
 * What {@link CopyTo} puts into the container: bytes, or a file on this machine (streamed, not
 * read into memory).
 *
 * @example
 * ```ts
 * const fromMemory: CopyInput = Buffer.from('listen 8080;\n');
 * const fromDisk: CopyInput = { localPath: './nginx.conf' };
 * ```
 */
export type CopyInput = Uint8Array | { readonly localPath: string };

/**
 * Options of {@link CopyTo}.
 *
 * @example
 * ```ts
 * const options: CopyToOptions = { mode: 0o755, copyUIDGID: true };
 * await docker.copyTo('web', '/usr/local/bin/healthcheck', script, options);
 * ```
 */
export interface CopyToOptions extends CallOptions {
  /** Permission bits (default: the local file's, else `0o644`). */
  readonly mode?: number;
  /**
   * Make the file owned by the container's user (its `User`, as `docker cp -a` does) instead of
   * root (`0:0`, the default).
   */
  readonly copyUIDGID?: boolean;
  /** Modification time (default: the local file's, else now). */
  readonly mtime?: Date;
}

/**
 * Copies one file into a container (`docker cp FILE CONTAINER:PATH`), wrapped in a tar for the
 * archive endpoint. `path` is absolute: the file's full path, or an existing directory (or one
 * ending in `/`) to put a local file in under its own name. The parent directory must exist
 * (`API_NOT_FOUND` otherwise); an existing file is replaced.
 *
 * @example
 * ```ts
 * await docker.copyTo('web', '/etc/nginx/conf.d/site.conf', Buffer.from('server { listen 8080; }\n'));
 * await docker.copyTo('web', '/usr/local/bin/', { localPath: './healthcheck' }, { mode: 0o755 });
 * ```
 */
export type CopyTo = (
  container: string,
  path: string,
  input: CopyInput,
  options?: CopyToOptions,
) => Promise<void>;

/**
 * Options of {@link CopyFrom}.
 *
 * @example
 * ```ts
 * const options: CopyFromOptions = { followLink: false, signal: AbortSignal.timeout(10_000) };
 * ```
 */
export interface CopyFromOptions extends CallOptions {
  /** Read the file a symbolic link points to (default `true`); `false` refuses a link. */
  readonly followLink?: boolean;
}

/**
 * A file read out of a container: what the daemon reports about it and its bytes.
 *
 * @example
 * ```ts
 * const { stat, data }: CopiedFile = await docker.copyFrom('web', '/etc/hostname');
 * console.log(stat.size === data.length, (stat.mode & 0o777).toString(8));
 * ```
 */
export interface CopiedFile {
  /** The file's `X-Docker-Container-Path-Stat` (the link's target when a link was followed). */
  readonly stat: PathStat;
  readonly data: Buffer;
}

/**
 * Reads one regular file out of a container (`docker cp CONTAINER:PATH -`, untarred), following a
 * symbolic link unless `followLink: false`. The file is held in memory. For a directory (refused
 * with `INVALID_ARGUMENT`) or a streamed tar, use `containers.getArchive`, which gives the tar
 * stream with the same stat. A missing path or container is `API_NOT_FOUND`.
 *
 * @example
 * ```ts
 * const { data } = await docker.copyFrom('web', '/etc/nginx/nginx.conf');
 * console.log(data.toString('utf8'));
 * ```
 */
export type CopyFrom = (container: string, path: string, options?: CopyFromOptions) => Promise<CopiedFile>;

/** Go `os.ModeDir` and `os.ModeSymlink` in the stat's `mode`. */
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
/** Symbolic links followed before giving up (the daemon resolves chains in one go; this guards loops). */
const MAX_LINKS = 8;

const hasMode = (mode: number, bit: number): boolean => Math.floor(mode / bit) % 2 === 1;

/**
 * {@link CopyTo} and {@link CopyFrom} over a `Containers` resource (what `DockerClient` exposes).
 *
 * @internal
 * @example
 * ```ts
 * const { copyTo, copyFrom } = copyWith(docker.containers);
 * ```
 */
export function copyWith(containers: Containers): { copyTo: CopyTo; copyFrom: CopyFrom } {
  return {
    copyTo: (container, path, input, options = {}) => copyTo(containers, container, path, input, options),
    copyFrom: (container, path, options = {}) => copyFrom(containers, container, path, options),
  };
}

async function copyTo(
  containers: Containers,
  container: string,
  path: string,
  input: CopyInput,
  options: CopyToOptions,
): Promise<void> {
  const { signal } = options;
  requireAbsolute(path, 'copyTo');
  const local = input instanceof Uint8Array ? undefined : input.localPath;
  const localStat = local === undefined ? undefined : await statLocal(local);
  let directory: string;
  let name: string;
  if (path.endsWith('/') || (await isDirectory(containers, container, path, signal))) {
    if (local === undefined) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `copyTo: ${path} is a directory — give the file's full path for bytes (they have no name of their own)`,
      );
    }
    directory = path;
    name = basename(local);
  } else {
    directory = posix.dirname(path);
    name = posix.basename(path);
  }
  const entry = {
    name,
    type: 'file',
    size: localStat?.size ?? (input as Uint8Array).byteLength,
    mode: options.mode ?? (localStat ? localStat.mode & 0o7777 : 0o644),
    mtime: Math.floor((options.mtime ?? localStat?.mtime ?? new Date()).getTime() / 1000),
  } as const;
  const content = local === undefined ? [input as Uint8Array] : createReadStream(local);
  await containers.putArchive(container, singleFileTar(entry, content), {
    path: directory,
    copyUIDGID: options.copyUIDGID,
    signal,
  });
}

async function copyFrom(
  containers: Containers,
  container: string,
  path: string,
  options: CopyFromOptions,
): Promise<CopiedFile> {
  const { signal, followLink = true } = options;
  requireAbsolute(path, 'copyFrom');
  let target = path;
  for (let hops = 0; ; hops++) {
    const { stat, tar } = await containers.getArchive(container, { path: target, signal });
    if (hasMode(stat.mode, MODE_SYMLINK) && stat.linkTarget) {
      tar.destroy();
      if (!followLink) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `copyFrom: ${path} is a symbolic link to ${stat.linkTarget} (followLink is false)`,
        );
      }
      if (hops >= MAX_LINKS)
        throw new EngineError('INVALID_ARGUMENT', `copyFrom: too many symbolic links at ${path}`);
      target = stat.linkTarget;
      continue;
    }
    if (hasMode(stat.mode, MODE_DIR)) {
      tar.destroy();
      throw new EngineError(
        'INVALID_ARGUMENT',
        `copyFrom: ${target} is a directory — use containers.getArchive() for its tar stream`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of tar as AsyncIterable<Buffer>) chunks.push(chunk);
    const data = readTarFile(Buffer.concat(chunks), stat.name);
    if (!data) {
      throw new EngineStreamError(
        'STREAM_PROTOCOL',
        `copyFrom: the daemon's archive of ${target} holds no regular file named ${stat.name}`,
      );
    }
    return { stat, data };
  }
}

function requireAbsolute(path: string, what: string): void {
  if (!path.startsWith('/')) {
    throw new EngineError('INVALID_ARGUMENT', `${what}: "${path}" must be an absolute path in the container`);
  }
}

async function statLocal(localPath: string): Promise<{ size: number; mode: number; mtime: Date }> {
  let info: Awaited<ReturnType<typeof statFile>>;
  try {
    info = await statFile(localPath);
  } catch (err) {
    throw new EngineError('INVALID_ARGUMENT', `copyTo: cannot read ${localPath}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!info.isFile()) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `copyTo: ${localPath} is not a regular file — for a directory, put a tar with containers.putArchive()`,
    );
  }
  return { size: info.size, mode: info.mode, mtime: info.mtime };
}

/** Whether `path` is an existing directory in the container; a missing path is not. */
async function isDirectory(
  containers: Containers,
  container: string,
  path: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    return hasMode((await containers.archiveInfo(container, { path, signal })).mode, MODE_DIR);
  } catch (err) {
    // Not there (or no such container: the upload then fails with the daemon's own message).
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * A tar archive holding one regular file (headers from `tar.ts`), streamed: header, `content` as
 * it comes, padding, end-of-archive blocks. Throws `STREAM_ERROR` when `content` is not exactly
 * `entry.size` bytes (a file that changed while being read).
 *
 * @internal
 * @example
 * ```ts
 * const tar = singleFileTar({ name: 'hi.txt', type: 'file', size: 3, mode: 0o644, mtime: 1_700_000_000 }, [Buffer.from('hi\n')]);
 * await docker.containers.putArchive('web', tar, { path: '/tmp' });
 * ```
 */
export async function* singleFileTar(
  entry: TarEntry & { readonly size: number },
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (!entry.name || entry.name === '.' || entry.name === '..' || entry.name.includes('/')) {
    throw new EngineError('INVALID_ARGUMENT', `tar: "${entry.name}" is not a file name`);
  }
  yield tarHeader(entry);
  let written = 0;
  for await (const chunk of content) {
    written += chunk.byteLength;
    if (written > entry.size) break;
    yield chunk;
  }
  if (written !== entry.size) {
    throw new EngineStreamError(
      'STREAM_ERROR',
      `tar: ${entry.name} should hold ${entry.size} bytes but ${written > entry.size ? 'more' : written} came — did it change while being read?`,
    );
  }
  yield tarPadding(entry.size);
  yield TAR_TRAILER;
}
