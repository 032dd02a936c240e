/**
 * `gantry cp` / `container cp`: files and directories between a container and this machine, with
 * docker's path rules (copy-paths.ts). Out of a container the daemon's tar is extracted here
 * (`extractTar`, which refuses entries escaping the destination) or, for `-`, written to stdout
 * as it is; into a container a tar of the local path (`tarPath`) or of stdin (`-`) is uploaded.
 * Unless quiet — `-q`, or by default when stdout is not a terminal — it ends with docker's
 * `Successfully copied 2.05kB to …` on stderr (also before an error, as docker 28 does), and on a
 * terminal shows the bytes moved so far when it takes more than a second.
 */
import type { DockerClient, PathStat } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import {
  type CopyInfo,
  copyInfoDestinationPath,
  copyInfoSourcePath,
  copyTarget,
  joinPath,
  rebasedName,
  resolveLocalPath,
  splitCopyArgument,
  splitPathDirEntry,
  validateOutputPath,
} from '../../copy-paths.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO, Output } from '../../io.ts';
import { humanSize } from '../../output/units.ts';

export const definition = defineCommand({
  summary: 'Copy files/folders between a container and the local filesystem',
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tgantry cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description:
    'Copy files/folders between a container and the local filesystem\n\n' +
    "Use '-' as the source to read a tar archive from stdin\n" +
    'and extract it to a directory destination in a container.\n' +
    "Use '-' as the destination to stream a tar archive of a\n" +
    'container source to stdout.',
  flags: {
    archive: { type: 'boolean', short: 'a', description: 'Archive mode (copy all uid/gid information)' },
    'follow-link': { type: 'boolean', short: 'L', description: 'Always follow symbol link in SRC_PATH' },
    quiet: {
      type: 'boolean',
      short: 'q',
      description:
        'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached',
    },
  },
  args: { source: { required: true }, destination: { required: true } },
});

export type CopyOptions = OptionsOf<typeof definition>;

/** What one direction of the copy needs besides its two paths. */
interface CopyContext {
  readonly container: string;
  readonly opts: CopyOptions;
  readonly quiet: boolean;
  readonly io: CommandIO;
}

export async function run(opts: CopyOptions, io: CommandIO): Promise<number> {
  if (opts.source === '') throw new StatusError(1, 'source can not be empty');
  if (opts.destination === '') throw new StatusError(1, 'destination can not be empty');
  // docker: without -q given, quiet exactly when stdout is not a terminal.
  const quiet = opts.changed.has('quiet') ? opts.quiet : !io.stdout.isTTY;
  const source = splitCopyArgument(opts.source);
  const destination = splitCopyArgument(opts.destination);
  if (source.container && destination.container) {
    throw new StatusError(1, 'copying between containers is not supported');
  }
  if (source.container) {
    await copyFromContainer(source.path, destination.path, { container: source.container, opts, quiet, io });
  } else if (destination.container) {
    await copyToContainer(source.path, destination.path, {
      container: destination.container,
      opts,
      quiet,
      io,
    });
  } else {
    throw new StatusError(1, 'must specify at least one container source');
  }
  return 0;
}

async function copyFromContainer(sourcePath: string, destinationArg: string, context: CopyContext) {
  const { container, opts, quiet, io } = context;
  const destinationPath = destinationArg === '-' ? '-' : resolveLocalPath(destinationArg);
  await validateOutputPath(destinationPath);
  const docker = await io.client();
  let path = sourcePath;
  let rebaseName = '';
  if (opts.followLink) {
    const stat = await statIfAny(docker, container, path, io.signal);
    if (stat && hasMode(stat.mode, MODE_SYMLINK)) {
      const target = stat.linkTarget.startsWith('/')
        ? stat.linkTarget
        : joinPath(splitPathDirEntry(path).dir, stat.linkTarget);
      [path, rebaseName] = rebasedName(path, target);
    }
  }
  const { stat, tar } = await docker.containers.getArchive(container, { path, signal: io.signal });
  if (destinationPath === '-') {
    const { pipeline } = await import('node:stream/promises');
    await pipeline(tar, io.stdout.stream, { end: false });
    return;
  }
  const source: CopyInfo = { path, exists: true, isDir: hasMode(stat.mode, MODE_DIR), rebaseName };
  const counter = byteCounter(tar);
  await withProgress(context, 'Copying from container - ', counter, destinationPath, async () => {
    try {
      const target = copyTarget(source, await copyInfoDestinationPath(destinationPath));
      const { extractTar } = await import('@gantry/engine');
      // The daemon names the entries after the base of the path it was asked for.
      const rename = { from: splitPathDirEntry(path).base, to: target.name === '/' ? '.' : target.name };
      await extractTar(quiet ? tar : counter.chunks, target.directory, { rename, signal: io.signal });
    } finally {
      tar.destroy();
    }
  });
}

async function copyToContainer(sourceArg: string, destinationPath: string, context: CopyContext) {
  const { container, opts, io } = context;
  const sourcePath = sourceArg === '-' ? '-' : resolveLocalPath(sourceArg);
  const docker = await io.client();
  // The destination as the engine sees it: a link at the end is followed once.
  let destinationStatPath = destinationPath;
  let stat = await statIfAny(docker, container, destinationPath, io.signal);
  if (stat && hasMode(stat.mode, MODE_SYMLINK)) {
    destinationStatPath = stat.linkTarget.startsWith('/')
      ? stat.linkTarget
      : joinPath(splitPathDirEntry(destinationPath).dir, stat.linkTarget);
    stat = await statIfAny(docker, container, destinationStatPath, io.signal);
  }
  if (stat && hasMode(stat.mode, MODE_DEVICE)) {
    throw new StatusError(
      1,
      `destination "${container}:${destinationPath}" must be a directory or a regular file: got a device`,
    );
  }
  const destination: CopyInfo = {
    path: destinationStatPath,
    exists: stat !== undefined,
    isDir: stat !== undefined && hasMode(stat.mode, MODE_DIR),
    rebaseName: '',
  };
  let archive: AsyncIterable<Uint8Array>;
  let directory: string;
  // Bytes read from stdin are not counted: docker reports `0B` for them too.
  let counter = byteCounter([]);
  if (sourcePath === '-') {
    if (!destination.isDir)
      throw new StatusError(1, `destination "${container}:${destinationPath}" must be a directory`);
    archive = io.stdin as AsyncIterable<Uint8Array>;
    directory = destination.path;
  } else {
    const source = await copyInfoSourcePath(sourcePath, opts.followLink);
    const target = copyTarget(source, destination);
    const { tarPath } = await import('@gantry/engine');
    counter = byteCounter(tarPath(source.path, { name: target.name, signal: io.signal }));
    archive = counter.chunks;
    directory = target.directory;
  }
  await withProgress(context, 'Copying to container - ', counter, `${container}:${destination.path}`, () =>
    docker.containers.putArchive(container, archive, {
      path: directory,
      // As docker: never replace a directory with a file or the reverse.
      noOverwriteDirNonDir: true,
      copyUIDGID: opts.archive,
      signal: io.signal,
    }),
  );
}

/**
 * Runs the transfer; unless quiet, shows the bytes so far on a terminal and then docker's
 * `Successfully copied` line — printed even when the transfer failed, as docker 28 does.
 */
async function withProgress(
  context: CopyContext,
  header: string,
  counter: ByteCounter,
  shownDestination: string,
  transfer: () => Promise<void>,
): Promise<void> {
  if (context.quiet) return transfer();
  const { stderr } = context.io;
  const stop = showProgress(stderr, header, () => counter.total);
  let failure: unknown;
  let failed = false;
  try {
    await transfer();
  } catch (err) {
    failure = err;
    failed = true;
  } finally {
    stop();
  }
  stderr.write(`Successfully copied ${humanSize(counter.total, 3)} to ${shownDestination}\n`);
  if (failed) throw failure;
}

/**
 * On a terminal, a transfer still running after a second gets a running count, redrawn every
 * 100 ms in place (cursor saved, line erased) and erased at the end; quicker ones print nothing
 * here — docker 28 itself never draws one (it tests its wrapped stderr, not the terminal).
 */
function showProgress(stderr: Output, header: string, total: () => number): () => void {
  if (!stderr.isTTY) return () => undefined;
  const CSI = '\u001b[';
  let timer: NodeJS.Timeout | undefined;
  const restore = () => stderr.write(`${CSI}u${CSI}2K`);
  const start = setTimeout(() => {
    stderr.write(`${CSI}?25l${CSI}s`);
    timer = setInterval(() => {
      restore();
      stderr.write(`${header}${humanSize(total(), 3)}`);
    }, 100);
  }, 1000);
  return () => {
    clearTimeout(start);
    if (timer === undefined) return;
    clearInterval(timer);
    restore();
    stderr.write(`${CSI}?25h`);
  };
}

interface ByteCounter {
  readonly chunks: AsyncIterable<Uint8Array>;
  readonly total: number;
}

/** `source` passed through, counting the bytes as they are taken (docker counts the tar stream). */
function byteCounter(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): ByteCounter {
  let total = 0;
  async function* counted() {
    for await (const chunk of source) {
      total += chunk.byteLength;
      yield chunk;
    }
  }
  return {
    chunks: counted(),
    get total() {
      return total;
    },
  };
}

/** The path's stat, or undefined when the engine cannot tell (missing path — or container: the copy then says so). */
async function statIfAny(
  docker: DockerClient,
  container: string,
  path: string,
  signal: AbortSignal,
): Promise<PathStat | undefined> {
  try {
    return await docker.containers.archiveInfo(container, { path, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    return undefined;
  }
}

/** Go `os.FileMode` type bits in the stat's `mode`. */
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_DEVICE = 2 ** 26;

function hasMode(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}
