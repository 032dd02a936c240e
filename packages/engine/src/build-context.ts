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
import type { CallOptions } from './core.ts';
import { cleanPath, DockerignoreMatcher, type ParentMatch, parseDockerignore } from './dockerignore.ts';
import { abortError, EngineError } from './errors.ts';
import { TAR_TRAILER, type TarEntry, tarHeader } from './tar.ts';
import { destroyOnAbort, fileBlocks, READ_CHUNK, tarEntryOf } from './tar-path.ts';

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
  // node:zlib is loaded only when asked for: most contexts go uncompressed over a local socket.
  const stream = options.gzip
    ? pipeline(tar, process.getBuiltinModule('node:zlib').createGzip(), () => {})
    : tar;
  return destroyOnAbort(stream, signal);
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
    let tarEntry: TarEntry | undefined;
    try {
      tarEntry = await tarEntryOf(path, stats, absolutePath, { keepOwner: false });
    } catch (err) {
      throw unreadable(path, err);
    }
    if (!tarEntry) continue;
    yield tarHeader(tarEntry);
    if (stats.isFile()) {
      try {
        yield* fileBlocks(absolutePath, stats.size, `build context: ${path}`, signal);
      } catch (err) {
        throw unreadable(path, err);
      }
    } else if (stats.isDirectory()) yield* walk(absolutePath, path, state, matcher, signal);
  }
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
