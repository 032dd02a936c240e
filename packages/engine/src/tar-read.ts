/**
 * A streaming tar reader: entries come one at a time while the archive arrives, each with its
 * content as an async iterable, so an archive of any size passes through in constant memory. It
 * reads what Go's `archive/tar`, GNU tar and the daemon write: ustar (with its name prefix), PAX
 * extended and global headers (`path`, `linkpath`, `size`, `mtime`, `atime`, `uid`, `gid`), GNU
 * long names and link names, and base-256 numbers.
 *
 * @example
 * ```ts
 * import { readTar } from '@gantry/engine';
 * const { tar } = await docker.containers.getArchive('web', { path: '/etc' });
 * for await (const entry of readTar(tar)) console.log(entry.type, entry.name, entry.size);
 * ```
 */
import { EngineStreamError } from './errors.ts';
import { checksumMatches, type TarEntry } from './tar.ts';

const BLOCK = 512;

/**
 * One entry of an archive being read by {@link readTar}. Names are as stored (a directory's may
 * end in `/`, names may start with `./` or even `/`): callers decide what is safe.
 *
 * @example
 * ```ts
 * for await (const entry of readTar(stream)) {
 *   if (entry.type === 'file') for await (const chunk of entry.content()) hash.update(chunk);
 * }
 * ```
 */
export interface TarReadEntry extends TarEntry {
  readonly size: number;
  readonly linkname: string;
  readonly uid: number;
  readonly gid: number;
  /** Access time in seconds since the epoch, when the archive has one (PAX `atime`). */
  readonly atime?: number;
  /**
   * The entry's content bytes (`size` of them); read them before asking for the next entry —
   * whatever is left unread is skipped then. Can be iterated once.
   */
  content(): AsyncIterable<Buffer>;
}

/** Typeflags of entries a caller sees; the rest (`x`, `g`, `L`, `K`) are read here, others skipped. */
const TYPES: Readonly<Record<string, TarEntry['type']>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
};

/**
 * The entries of the uncompressed tar `source`, read as it arrives. Ends at the end-of-archive
 * blocks — reading (and discarding) whatever follows them, so a network body is consumed whole —
 * or when the source ends between entries. Fails with `STREAM_PROTOCOL` for a header whose
 * checksum does not match (not a tar, or compressed) and for an archive cut off inside an entry.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { readTar } from '@gantry/engine';
 * for await (const entry of readTar(createReadStream('site.tar'))) {
 *   console.log(entry.name, entry.type === 'symlink' ? `-> ${entry.linkname}` : entry.size);
 * }
 * ```
 */
export async function* readTar(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<TarReadEntry, void, undefined> {
  const bytes = new ByteReader(source);
  let globals: PaxRecords = {};
  let extended: PaxRecords = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const header = await bytes.take(BLOCK, 'the next header');
      if (!header) return;
      if (header.every((byte) => byte === 0)) {
        await bytes.drain();
        return;
      }
      if (!checksumMatches(header)) {
        throw new EngineStreamError(
          'STREAM_PROTOCOL',
          'tar: a header block has a bad checksum — the input is not an uncompressed tar archive, or it is damaged',
        );
      }
      const typeflag = String.fromCharCode(header[156] as number);
      const headerSize = numberField(header, 124, 12);
      if (!Number.isSafeInteger(headerSize) || headerSize < 0)
        throw new EngineStreamError('STREAM_PROTOCOL', 'tar: a header has an unreadable size field');
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        const padded = Math.ceil(headerSize / BLOCK) * BLOCK;
        const data = ((await bytes.take(padded, 'an extended header', true)) as Buffer).subarray(
          0,
          headerSize,
        );
        if (typeflag === 'x') extended = { ...extended, ...parsePax(data) };
        else if (typeflag === 'g') globals = { ...globals, ...parsePax(data) };
        else if (typeflag === 'L') longName = cString(data);
        else longLink = cString(data);
        continue;
      }

      // Extended headers apply to the entry that follows them (global ones to all that follow).
      const records = { ...globals, ...extended };
      const size = records.size === undefined ? headerSize : Number(records.size);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new EngineStreamError('STREAM_PROTOCOL', `tar: an entry has an invalid size (${size})`);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      const name = records.path ?? longName ?? headerName(header);
      const linkname = records.linkpath ?? longLink ?? textField(header, 157, 100);
      extended = {};
      longName = undefined;
      longLink = undefined;
      const type = TYPES[typeflag];
      if (!type) {
        await bytes.skip(padded, name);
        continue;
      }
      // Only regular files carry content (a hard link's size is 0 in every writer we know).
      const contentSize = type === 'file' ? size : 0;
      let remaining = contentSize;
      let iterated = false;
      const entry: TarReadEntry = {
        name,
        type,
        mode: numberField(header, 100, 8) & 0o7777,
        uid: records.uid === undefined ? numberField(header, 108, 8) : Number(records.uid),
        gid: records.gid === undefined ? numberField(header, 116, 8) : Number(records.gid),
        size: contentSize,
        mtime: records.mtime === undefined ? numberField(header, 136, 12) : Number(records.mtime),
        ...(records.atime === undefined ? {} : { atime: Number(records.atime) }),
        linkname,
        devmajor: numberField(header, 329, 8),
        devminor: numberField(header, 337, 8),
        content: () => {
          if (iterated) throw new Error(`tar: the content of ${name} can be read once`);
          iterated = true;
          return (async function* () {
            while (remaining > 0) {
              const chunk = await bytes.next(remaining, name);
              remaining -= chunk.length;
              yield chunk;
            }
          })();
        },
      };
      yield entry;
      await bytes.skip(remaining + (padded - contentSize), name);
      remaining = 0;
    }
  } finally {
    await bytes.close();
  }
}

type PaxRecords = { [key in 'path' | 'linkpath' | 'size' | 'mtime' | 'atime' | 'uid' | 'gid']?: string };
const PAX_KEYS = new Set(['path', 'linkpath', 'size', 'mtime', 'atime', 'uid', 'gid']);

/** `"<length> <key>=<value>\n"` records (length in bytes, counting itself); an empty value unsets. */
function parsePax(data: Buffer): PaxRecords {
  const records: Record<string, string> = {};
  for (let offset = 0; offset < data.length; ) {
    const space = data.indexOf(0x20, offset);
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (
      space < 0 ||
      !Number.isSafeInteger(length) ||
      length <= space - offset ||
      offset + length > data.length
    )
      throw new EngineStreamError('STREAM_PROTOCOL', 'tar: a PAX extended header is malformed');
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    offset += length;
    const equals = record.indexOf('=');
    const key = record.slice(0, equals);
    if (equals < 0 || !PAX_KEYS.has(key)) continue;
    const value = record.slice(equals + 1);
    if (value === '') delete records[key];
    else records[key] = value;
  }
  return records;
}

/** The ustar name with its prefix (only ustar's `ustar\0` magic has one; GNU uses those bytes otherwise). */
function headerName(header: Buffer): string {
  const name = textField(header, 0, 100);
  const ustar = header.subarray(257, 263).toString('latin1') === 'ustar\0';
  const prefix = ustar ? textField(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** A NUL-terminated text field, as it is (names may end in spaces). */
function textField(header: Buffer, offset: number, size: number): string {
  return cString(header.subarray(offset, offset + size));
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

/** An octal field (spaces and NULs around it), or GNU base-256 when its first byte has the top bit. */
function numberField(header: Buffer, offset: number, size: number): number {
  const field = header.subarray(offset, offset + size);
  if (((field[0] as number) & 0x80) !== 0) {
    let value = BigInt((field[0] as number) & 0x7f);
    for (const byte of field.subarray(1)) value = (value << 8n) | BigInt(byte);
    return Number(value);
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

/** Bytes from an async iterable of chunks, taken in the sizes the reader asks for. */
class ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #buffered: Buffer = Buffer.alloc(0);
  #ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Reads one more chunk into the buffer; false at the end of the source. */
  async #fill(): Promise<boolean> {
    if (this.#ended) return false;
    const { done, value } = await this.#iterator.next();
    if (done) {
      this.#ended = true;
      return false;
    }
    const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    return true;
  }

  /**
   * Exactly `size` bytes; undefined when the source ended right here (allowed only when
   * `mustExist` is false), `STREAM_PROTOCOL` when it ended part way.
   */
  async take(size: number, what: string, mustExist = false): Promise<Buffer | undefined> {
    while (this.#buffered.length < size) {
      if (!(await this.#fill())) {
        if (this.#buffered.length === 0 && !mustExist) return undefined;
        throw truncated(what);
      }
    }
    const taken = this.#buffered.subarray(0, size);
    this.#buffered = this.#buffered.subarray(size);
    return taken;
  }

  /** The next piece of at most `limit` bytes, as it arrived. */
  async next(limit: number, what: string): Promise<Buffer> {
    if (this.#buffered.length === 0 && !(await this.#fill())) throw truncated(what);
    const piece = this.#buffered.subarray(0, limit);
    this.#buffered = this.#buffered.subarray(piece.length);
    return piece;
  }

  async skip(size: number, what: string): Promise<void> {
    for (let left = size; left > 0; ) left -= (await this.next(left, what)).length;
  }

  /** Reads the source to its end, discarding it. */
  async drain(): Promise<void> {
    this.#buffered = Buffer.alloc(0);
    while (await this.#fill()) this.#buffered = Buffer.alloc(0);
  }

  /** Lets the source go (closes a stream read only part way). */
  async close(): Promise<void> {
    if (!this.#ended) await this.#iterator.return?.();
  }
}

function truncated(what: string): EngineStreamError {
  return new EngineStreamError('STREAM_PROTOCOL', `tar: the archive ends in the middle of ${what}`);
}
