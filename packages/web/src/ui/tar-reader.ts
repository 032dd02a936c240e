/**
 * A streaming tar reader for the archive route's answers (`GET …/containers/:id/archive`): ustar
 * headers, POSIX pax extended headers (long names, large sizes, fine times), GNU long names
 * (`L` / `K`) and GNU base-256 numbers, as Go's archive/tar writes them for the daemon. Entries
 * are yielded as their headers arrive; a body is read only when `wantBody` asks for it and is
 * otherwise skipped lazily (after the caller moves on), so listing a directory keeps only headers
 * in memory and stopping early (`break`) never downloads the body of the entry just seen.
 */

export type TarKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  /** As stored: `etc/`, `etc/passwd`, `/bin/` for an archive of `/` (directories end with `/`). */
  readonly path: string;
  readonly kind: TarKind;
  /** Bytes of the body (0 for directories and links). */
  readonly size: number;
  /** Permission bits (0o755). */
  readonly mode: number;
  /** ms since the epoch. */
  readonly mtime: number;
  readonly linkTarget: string;
}

export interface TarItem {
  readonly header: TarHeader;
  /** The body, when `wantBody` asked for it. */
  readonly body?: Uint8Array;
  /**
   * Set on the last item when reading stopped at `maxBytes`: this entry's body (not read) would
   * pass the limit, and later entries are missing.
   */
  readonly limitReached?: true;
}

export interface TarOptions {
  /** Whose body to keep (default: none). */
  readonly wantBody?: (header: TarHeader) => boolean;
  /** Bytes received so far, after every chunk (for progress). */
  readonly onBytes?: (total: number) => void;
  /**
   * Archive bytes to read at most: an entry whose body would pass it ends the reading (its item
   * says `limitReached`) and the download is cancelled. Default: no limit.
   */
  readonly maxBytes?: number;
}

const BLOCK = 512;
const decoder = new TextDecoder();

/** Pulls exact byte counts out of a stream of arbitrary chunks. */
class ByteQueue {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #onBytes: (total: number) => void;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #received = 0;
  /** Bytes taken or skipped: the archive offset of the next read. */
  consumed = 0;

  constructor(stream: ReadableStream<Uint8Array>, onBytes: (total: number) => void) {
    this.#reader = stream.getReader();
    this.#onBytes = onBytes;
  }

  async #more(): Promise<boolean> {
    const { value, done } = await this.#reader.read();
    if (done) return false;
    this.#chunks.push(value);
    this.#buffered += value.length;
    this.#received += value.length;
    this.#onBytes(this.#received);
    return true;
  }

  /** The next `count` bytes, or undefined when the stream ends first. */
  async take(count: number): Promise<Uint8Array | undefined> {
    while (this.#buffered < count) if (!(await this.#more())) return undefined;
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0] as Uint8Array;
      const used = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, used), filled);
      filled += used;
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
    }
    this.#buffered -= count;
    this.consumed += count;
    return out;
  }

  /** Drops the next `count` bytes without keeping them; false when the stream ends first. */
  async skip(count: number): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (!this.#chunks.length && !(await this.#more())) return false;
      const chunk = this.#chunks[0] as Uint8Array;
      const used = Math.min(chunk.length, left);
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
      this.#buffered -= used;
      this.consumed += used;
      left -= used;
    }
    return true;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}

/** A NUL-terminated string field. */
function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

/** An octal number field, or GNU base-256 when the high bit of the first byte is set. */
function number(block: Uint8Array, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = text(block, offset, length).trim();
  return digits ? Number.parseInt(digits, 8) : 0;
}

/** pax records: `<length> <key>=<value>\n`, the length counting the whole record in bytes. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space < 0) break;
    const length = Number.parseInt(decoder.decode(data.subarray(position, space)), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = decoder.decode(data.subarray(space + 1, position + length - 1));
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

const KINDS: Record<string, TarKind> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '5': 'directory',
  '2': 'symlink',
  '1': 'hardlink',
};

/** Kinds whose header size is not followed by a body (readers must ignore it). */
const BODILESS: ReadonlySet<TarKind> = new Set(['directory', 'symlink', 'hardlink']);

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

/**
 * The entries of the tar `stream`, in order. Stopping the iteration early (`break`, a throw) or
 * reaching `maxBytes` cancels the stream.
 */
export async function* readTar(
  stream: ReadableStream<Uint8Array>,
  options: TarOptions = {},
): AsyncGenerator<TarItem> {
  const queue = new ByteQueue(stream, options.onBytes ?? (() => undefined));
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  /** Overrides from a preceding pax (`x`) or GNU long-name (`L`, `K`) entry. */
  let pending: { path?: string; linkTarget?: string; size?: number; mtime?: number } = {};
  try {
    for (;;) {
      const block = await queue.take(BLOCK);
      // Two zero blocks end an archive; one is enough to stop reading.
      if (!block || block.every((byte) => byte === 0)) return;
      const type = String.fromCharCode(block[156] ?? 0);
      const storedSize = number(block, 124, 12);
      if (type === 'x' || type === 'L' || type === 'K' || type === 'g') {
        const data = await queue.take(padded(storedSize));
        if (!data) return;
        const body = data.subarray(0, storedSize);
        if (type === 'x') {
          const records = paxRecords(body);
          const paxSize = records.get('size');
          const paxTime = records.get('mtime');
          pending = {
            ...pending,
            path: records.get('path') ?? pending.path,
            linkTarget: records.get('linkpath') ?? pending.linkTarget,
            size: paxSize === undefined ? pending.size : Number(paxSize),
            mtime: paxTime === undefined ? pending.mtime : Number(paxTime) * 1000,
          };
        } else if (type === 'L') pending = { ...pending, path: text(body, 0, body.length) };
        else if (type === 'K') pending = { ...pending, linkTarget: text(body, 0, body.length) };
        continue;
      }
      // GNU headers say `ustar  ` and use the prefix field for other things.
      const ustar = text(block, 257, 6) === 'ustar';
      const prefix = ustar ? text(block, 345, 155) : '';
      const name = text(block, 0, 100);
      const kind = KINDS[type] ?? 'other';
      const size = BODILESS.has(kind) ? 0 : (pending.size ?? storedSize);
      const header: TarHeader = {
        path: pending.path ?? (prefix ? `${prefix}/${name}` : name),
        kind,
        size,
        mode: number(block, 100, 8) & 0o7777,
        mtime: pending.mtime ?? number(block, 136, 12) * 1000,
        linkTarget: pending.linkTarget ?? text(block, 157, 100),
      };
      pending = {};
      if (queue.consumed + padded(size) > maxBytes) {
        yield { header, limitReached: true };
        return;
      }
      if (options.wantBody?.(header)) {
        const data = await queue.take(padded(size));
        if (!data) return;
        yield { header, body: data.subarray(0, size) };
      } else {
        yield { header };
        if (!(await queue.skip(padded(size)))) return;
      }
    }
  } finally {
    await queue.cancel();
  }
}
