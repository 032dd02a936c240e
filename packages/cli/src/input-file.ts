/** Archives read from a file given on the command line (`load -i`, `import FILE`), opened as docker opens them. */
import { createReadStream, type ReadStream } from 'node:fs';
import { StatusError } from './errors.ts';

/** The file as a stream, once it opened; else docker's `open x.tar: no such file or directory` (exit 1). */
export async function openInputFile(path: string): Promise<ReadStream> {
  const stream = createReadStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err: NodeJS.ErrnoException) =>
      reject(new StatusError(1, `open ${path}: ${reason(err)}`, { cause: err })),
    );
  });
  return stream;
}

/** Go's wording of the usual open failures. */
function reason(err: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
  };
  return reasons[err.code ?? ''] ?? err.message;
}
