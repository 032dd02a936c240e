/**
 * Build contexts from a directory, as `docker build <dir>` sends them: a tar of the directory
 * minus what `.dockerignore` excludes, streamed while the directory is walked — never held in
 * memory whole — and optionally gzipped.
 *
 * The walk is Docker's (`archive.TarWithOptions` with the CLI's excludes): entries in byte order of
 * their names, depth first; an excluded directory is not read at all unless an exception pattern
 * starts with its path (`!vendor/keep` reopens `vendor`); the Dockerfile and `.dockerignore` are
 * always sent, as the CLI does, and the daemon drops them again when they are excluded. Entries
 * are regular files, directories, symlinks (not followed), FIFOs and devices, with their
 * permission bits and mtime (whole seconds) and owner 0:0; sockets are left out.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * import { buildContext } from '@gantry/engine';
 * await pipeline(buildContext('./app', { gzip: true }), createWriteStream('context.tar.gz'));
 * ```
 */
import type { Dirent, Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { CallOptions } from './core.ts';
import { cleanPath, DockerignoreMatcher, type ParentMatch, parseDockerignore } from './dockerignore.ts';
import { abortError, EngineError } from './errors.ts';
import { TAR_TRAILER, type TarEntry, tarHeader, tarPadding } from './tar.ts';

/**
 * File contents are read and sent in pieces of this many bytes (1 MiB): each read is a round trip
 * through libuv's thread pool, and at 64 KiB those round trips, not the disk, set the pace.
 */
const READ_CHUNK = 1024 * 1024;

/**
 * Options of {@link buildContext}.
 *
 * @example
 * ```ts
 * const options: BuildContextOptions = { dockerfile: 'docker/Dockerfile', gzip: true, signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface BuildContextOptions extends CallOptions {
  /**
   * The Dockerfile, relative to the directory (`docker/Dockerfile`); default `Dockerfile`, or
   * `dockerfile` when only that exists. It must exist and is sent even when `.dockerignore`
   * excludes it.
   */
  readonly dockerfile?: string;
  /** Compress the tar with gzip (the daemon detects compression). Default: plain tar. */
  readonly gzip?: boolean;
}

/**
 * Streams `directory` as a build context tar (gzipped with `gzip: true`), applying its
 * `.dockerignore` exactly as the docker CLI does. Bytes flow while the directory is walked; the
 * stream fails with `INVALID_ARGUMENT` for a missing directory or Dockerfile, a bad
 * `.dockerignore` pattern or an unreadable file that is not excluded, and with `ABORTED` when
 * `signal` fires. Pass it to {@link Images.build}, or use `images.build({ directory })`, which
 * calls this.
 *
 * @example
 * ```ts
 * import { buildContext } from '@gantry/engine';
 * const context = buildContext('./app', { dockerfile: 'docker/Dockerfile' });
 * const { imageId } = await docker.images.build(context, { dockerfile: 'docker/Dockerfile', t: 'team/app:dev' }).wait();
 * ```
 */
export function buildContext(directory: string, options: BuildContextOptions = {}): Readable {
  const { signal } = options;
  const tar = Readable.from(contextTar(resolve(directory), options.dockerfile, signal), {
    objectMode: false,
    highWaterMark: READ_CHUNK,
  });
  const stream = options.gzip ? pipeline(tar, createGzip(), () => {}) : tar;
  if (signal) {
    const onAbort = () => stream.destroy(abortError(signal));
    if (signal.aborted) queueMicrotask(onAbort);
    else {
      signal.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => signal.removeEventListener('abort', onAbort));
    }
  }
  return stream;
}

/**
 * The Dockerfile of a context directory: `dockerfile` cleaned and checked to be a file inside
 * `directory`, or the default (`Dockerfile`, else `dockerfile`). Throws `INVALID_ARGUMENT` naming
 * what is missing.
 *
 * @example
 * ```ts
 * const { relativePath, absolutePath } = await resolveDockerfile('./app', './docker/Dockerfile');
 * // relativePath 'docker/Dockerfile'
 * ```
 */
export async function resolveDockerfile(
  directory: string,
  dockerfile: string | undefined,
): Promise<{ relativePath: string; absolutePath: string }> {
  const root = resolve(directory);
  const rootStats = await fs.stat(root).catch(() => undefined);
  if (!rootStats?.isDirectory()) {
    throw new EngineError('INVALID_ARGUMENT', `build context: ${root} is not a directory`);
  }
  const candidates =
    dockerfile === undefined
      ? ['Dockerfile', 'dockerfile']
      : [cleanPath(isAbsolute(dockerfile) ? relative(root, dockerfile).split(sep).join('/') : dockerfile)];
  for (const candidate of candidates) {
    if (candidate === '..' || candidate.startsWith('../') || candidate === '.') {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `build context: the Dockerfile "${dockerfile}" is not inside ${root} — move it into the context directory`,
      );
    }
    const absolutePath = join(root, candidate);
    const stats = await fs.stat(absolutePath).catch(() => undefined);
    if (stats?.isFile()) return { relativePath: candidate, absolutePath };
  }
  throw new EngineError(
    'INVALID_ARGUMENT',
    `build context: no Dockerfile at ${join(root, candidates[0] as string)} — add one or name it with the dockerfile option`,
  );
}

/** The `.dockerignore` patterns of `root` (none when it has no such file). */
async function readDockerignore(root: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(join(root, '.dockerignore'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw unreadable('.dockerignore', err);
  }
  return parseDockerignore(text);
}

/**
 * The CLI's `TrimBuildFilesFromExcludes`: `.dockerignore` and the Dockerfile get an exception when
 * the patterns would exclude them, so they reach the daemon (which then leaves them out of the
 * context it builds from).
 */
function keepBuildFiles(patterns: string[], dockerfile: string): DockerignoreMatcher {
  let excludes = patterns;
  if (new DockerignoreMatcher(excludes).matchesLegacy('.dockerignore'))
    excludes = [...excludes, '!.dockerignore'];
  if (new DockerignoreMatcher(excludes).matchesLegacy(dockerfile)) excludes = [...excludes, `!${dockerfile}`];
  return new DockerignoreMatcher(excludes);
}

async function* contextTar(
  root: string,
  dockerfile: string | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  const { relativePath } = await resolveDockerfile(root, dockerfile);
  const matcher = keepBuildFiles(await readDockerignore(root), relativePath);
  yield* walk(root, '', undefined, matcher, signal);
  yield TAR_TRAILER;
}

/** Go's `os.ReadDir` order: names compared as UTF-8 bytes. */
function byName(a: Dirent, b: Dirent): number {
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
}

async function* walk(
  absoluteDir: string,
  relativeDir: string,
  parent: ParentMatch | undefined,
  matcher: DockerignoreMatcher,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(absoluteDir, { withFileTypes: true });
  } catch (err) {
    throw unreadable(relativeDir || '.', err);
  }
  entries.sort(byName);
  for (const entry of entries) {
    if (signal?.aborted) throw abortError(signal);
    const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    const absolutePath = join(absoluteDir, entry.name);
    const { excluded, state } = matcher.match(path, parent);
    if (excluded) {
      // Pruned without being read, unless an exception names something below it.
      if (entry.isDirectory() && matcher.mayReincludeInside(path)) {
        yield* walk(absolutePath, path, state, matcher, signal);
      }
      continue;
    }
    let stats: Stats;
    try {
      stats = await fs.lstat(absolutePath);
    } catch (err) {
      throw unreadable(path, err);
    }
    const tarEntry = await toTarEntry(path, stats, absolutePath);
    if (!tarEntry) continue;
    yield tarHeader(tarEntry);
    if (stats.isFile()) yield* fileContent(absolutePath, path, stats.size, signal);
    else if (stats.isDirectory()) yield* walk(absolutePath, path, state, matcher, signal);
  }
}

/** The tar entry for what `lstat` found; undefined for a socket (tar cannot hold one). */
async function toTarEntry(path: string, stats: Stats, absolutePath: string): Promise<TarEntry | undefined> {
  const common = { name: path, mode: stats.mode & 0o7777, mtime: Math.floor(stats.mtimeMs / 1000) };
  if (stats.isFile()) return { ...common, type: 'file', size: stats.size };
  if (stats.isDirectory()) return { ...common, type: 'directory' };
  if (stats.isSymbolicLink()) {
    try {
      return { ...common, type: 'symlink', linkname: await fs.readlink(absolutePath) };
    } catch (err) {
      throw unreadable(path, err);
    }
  }
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

/** Exactly `size` bytes of the file (the size the header announced), then the block padding. */
async function* fileContent(
  absolutePath: string,
  path: string,
  size: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(absolutePath, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
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
          `build context: ${path} shrank from ${size} to ${position} bytes while it was being sent`,
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
    `build context: cannot read ${path} (${code ?? (err as Error).message}) — fix its permissions or exclude it in .dockerignore`,
    { cause: err },
  );
}
