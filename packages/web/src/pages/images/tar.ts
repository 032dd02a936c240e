/**
 * A small ustar writer for build contexts picked in the browser: regular files only (the daemon
 * makes the directories a path needs), each a 512-byte header, the file's bytes and zero padding to
 * the next 512 bytes, then two zero blocks. The result is a Blob made of the Files themselves, so a
 * large context is never copied into one buffer.
 */

const BLOCK = 512;
/** ustar sizes are 11 octal digits: 8 GiB - 1 at most (the console takes 512 MiB anyway). */
const MAX_SIZE = 8 ** 11 - 1;

export interface TarFile {
  /** Path inside the archive, `/`-separated, relative (`src/app.ts`). */
  readonly path: string;
  readonly content: Blob;
  /** Modification time, ms since the epoch. */
  readonly modified: number;
}

const encoder = new TextEncoder();

function writeText(header: Uint8Array, offset: number, length: number, text: string): void {
  header.set(encoder.encode(text).subarray(0, length), offset);
}

/** `value` as zero-padded octal of `digits` digits followed by NUL (the ustar number format). */
function writeOctal(header: Uint8Array, offset: number, digits: number, value: number): void {
  writeText(header, offset, digits + 1, `${value.toString(8).padStart(digits, '0')}\0`);
}

/**
 * Splits a path into ustar's `prefix` (155 bytes) and `name` (100 bytes) at a `/`, or says why it
 * cannot be stored.
 */
function splitPath(path: string): { prefix: string; name: string } {
  const bytes = (text: string) => encoder.encode(text).length;
  if (bytes(path) <= 100) return { prefix: '', name: path };
  for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (bytes(prefix) <= 155 && bytes(name) <= 100) return { prefix, name };
  }
  throw new Error(
    `the path "${path}" is too long for a tar archive made in the browser (a file name of at most 100 bytes in folders of at most 155) — shorten it, or upload a .tar made with the tar command`,
  );
}

function header(file: TarFile): Uint8Array<ArrayBuffer> {
  if (file.content.size > MAX_SIZE)
    throw new Error(`"${file.path}" is larger than 8 GiB: leave it out of the build context`);
  const { prefix, name } = splitPath(file.path);
  const block = new Uint8Array(BLOCK);
  writeText(block, 0, 100, name);
  writeOctal(block, 100, 7, 0o644);
  writeOctal(block, 108, 7, 0);
  writeOctal(block, 116, 7, 0);
  writeOctal(block, 124, 11, file.content.size);
  writeOctal(block, 136, 11, Math.max(0, Math.floor(file.modified / 1000)));
  block[156] = '0'.charCodeAt(0);
  writeText(block, 257, 6, 'ustar\0');
  writeText(block, 263, 2, '00');
  writeText(block, 345, 155, prefix);
  // The checksum is computed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  const sum = block.reduce((total, byte) => total + byte, 0);
  writeText(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/**
 * The files as one ustar archive.
 *
 * @example
 * ```ts
 * const context = tarOf([{ path: 'Dockerfile', content: new Blob(['FROM busybox\n']), modified: Date.now() }]);
 * ```
 */
export function tarOf(files: readonly TarFile[]): Blob {
  const parts: BlobPart[] = [];
  for (const file of files) {
    parts.push(header(file), file.content);
    const padding = (BLOCK - (file.content.size % BLOCK)) % BLOCK;
    if (padding) parts.push(new Uint8Array(padding));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return new Blob(parts, { type: 'application/x-tar' });
}

/**
 * The files of a folder picked with `<input type=file webkitdirectory>`, as paths relative to that
 * folder (the browser names them `<folder>/<path>`; the context's root is the folder itself).
 */
export function folderFiles(list: FileList): TarFile[] {
  return [...list].map((file) => {
    const relative = file.webkitRelativePath || file.name;
    return {
      path: relative.includes('/') ? relative.slice(relative.indexOf('/') + 1) : relative,
      content: file,
      modified: file.lastModified,
    };
  });
}
