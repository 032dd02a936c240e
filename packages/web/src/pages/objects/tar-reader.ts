/**
 * Reads a tar stream (what `GET …/containers/:id/archive` answers) entry by entry as it arrives:
 * ustar headers, PAX and GNU long names, sizes in octal or base-256. File contents are skipped
 * unless `keepData` wants them; reading stops (and the download is cancelled) after `maxBytes`.
 */

export interface TarEntry {
  /** As stored: `data/sub/file.txt`, directories ending without `/`. */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Bytes (files only). */
  readonly size: number;
  /** Permission bits, e.g. 0o644. */
  readonly mode: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly linkTarget: string;
  readonly data?: Uint8Array;
}

export interface TarReading {
  readonly entries: TarEntry[];
  /** True when `maxBytes` was reached before the end: later entries are missing. */
  readonly truncated: boolean;
}

const BLOCK = 512;

/** Pulls exact byte counts out of a stream of arbitrary chunks. */
class ChunkReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  bytesRead = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Exactly `count` bytes, or undefined at the end of the stream. */
  async read(count: number): Promise<Uint8Array | undefined> {
    while (this.#buffered < count) {
      const { value, done } = await this.#reader.read();
      if (done) return undefined;
      this.#chunks.push(value);
      this.#buffered += value.length;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.#chunks[0] as Uint8Array;
      const take = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    this.#buffered -= count;
    this.bytesRead += count;
    return out;
  }

  /** Drops `count` bytes without keeping them (a large file's content is never held whole). */
  async skip(count: number): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (this.#chunks.length === 0) {
        const { value, done } = await this.#reader.read();
        if (done) return false;
        this.#chunks.push(value);
        this.#buffered += value.length;
      }
      const chunk = this.#chunks[0] as Uint8Array;
      const take = Math.min(chunk.length, left);
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
      this.#buffered -= take;
      this.bytesRead += take;
      left -= take;
    }
    return true;
  }

  cancel(): void {
    void this.#reader.cancel().catch(() => undefined);
  }
}

const decoder = new TextDecoder();

function text(block: Uint8Array, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function number(block: Uint8Array, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  // GNU base-256: the high bit of the first byte set, the rest big-endian.
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = text(block, start, length).trim();
  return digits ? Number.parseInt(digits, 8) : 0;
}

/** PAX records: `<length> <key>=<value>\n` each. */
function paxRecords(data: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  for (const line of decoder.decode(data).split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match) records[match[1] as string] = match[2] as string;
  }
  return records;
}

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

const TYPES: Record<string, TarEntry['type']> = {
  '0': 'file',
  '': 'file',
  '7': 'file',
  '5': 'directory',
  '2': 'symlink',
};

export async function readTar(
  stream: ReadableStream<Uint8Array>,
  options: {
    readonly maxBytes: number;
    readonly keepData?: (entry: TarEntry) => boolean;
    readonly onProgress?: (bytes: number) => void;
  },
): Promise<TarReading> {
  const reader = new ChunkReader(stream);
  const entries: TarEntry[] = [];
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (!header || header.every((byte) => byte === 0)) break;
    const flag = text(header, 156, 1);
    const size = number(header, 124, 12);
    if (flag === 'x' || flag === 'L' || flag === 'K' || flag === 'g') {
      const body = (await reader.read(padded(size)))?.subarray(0, size) ?? new Uint8Array();
      if (flag === 'x') pax = paxRecords(body);
      else if (flag === 'L') longName = text(body, 0, size);
      else if (flag === 'K') longLink = text(body, 0, size);
      continue;
    }
    const prefix = text(header, 257, 6).startsWith('ustar') ? text(header, 345, 155) : '';
    const name =
      pax.path ?? longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    const entry: TarEntry = {
      path: name.replace(/\/+$/, ''),
      type: TYPES[flag] ?? 'other',
      size: pax.size ? Number(pax.size) : size,
      mode: number(header, 100, 8) & 0o7777,
      mtime: pax.mtime ? Math.floor(Number(pax.mtime)) : number(header, 136, 12),
      linkTarget: pax.linkpath ?? longLink ?? text(header, 157, 100),
    };
    pax = {};
    longName = undefined;
    longLink = undefined;
    const stored = entry.type === 'file' || entry.type === 'other' ? entry.size : 0;
    if (stored > 0 && options.keepData?.(entry)) {
      const body = await reader.read(padded(stored));
      entries.push(body ? { ...entry, data: body.subarray(0, stored) } : entry);
    } else {
      entries.push(entry);
      // The header is known; the content would pass the limit: stop here rather than download it.
      if (reader.bytesRead + padded(stored) > options.maxBytes) {
        reader.cancel();
        return { entries, truncated: true };
      }
      if (stored > 0) await reader.skip(padded(stored));
    }
    options.onProgress?.(reader.bytesRead);
  }
  reader.cancel();
  return { entries, truncated: false };
}
