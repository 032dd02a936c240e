/**
 * docker's `-o FILE` for archives (`export`, `save`): the data goes to a temporary file beside the
 * target, renamed over it once complete, so a failed transfer leaves no half-written file.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StatusError } from '../errors.ts';

/** Writes `data` to `path`; failures say `<what>: <reason>` as docker's do, exit 1. */
export async function writeFileAtomically(path: string, data: Readable, what: string): Promise<void> {
  const directory = dirname(path);
  try {
    await stat(directory);
  } catch (err) {
    data.destroy();
    throw new StatusError(1, `${what}: invalid output path: ${goPathError('stat', directory, err)}`, {
      cause: err,
    });
  }
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await pipeline(data, createWriteStream(temporary, { mode: 0o644 }));
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** Go's `*PathError` text: `stat /nope: no such file or directory`. */
function goPathError(operation: string, path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : (err as Error).message;
  return `${operation} ${path}: ${reason}`;
}
