/**
 * Streaming parser for a sequence of JSON values, as the engine sends them on `pull`, `push`,
 * `build`, `load`, `events`, `stats` and friends: usually `{...}\r\n{...}\r\n`, but chunk
 * boundaries fall anywhere (inside a value, a string, a multi-byte UTF-8 character), one chunk may
 * hold several values, some daemons omit separators, and `application/json-seq` (RFC 7464) puts
 * an RS byte (0x1E) before each value.
 *
 * A byte scanner (nesting depth, in-string, escape) finds where each value ends, keeping its state
 * across chunks so every byte is scanned once; a value's bytes are decoded as UTF-8 only once it is
 * complete (so a character split across chunks is never mangled), then handed to `JSON.parse`.
 *
 * @example
 * ```ts
 * import { parseJsonValues } from '@gantry/engine/streams';
 * for await (const event of parseJsonValues(response.body)) console.log(event);
 * ```
 */
import { EngineStreamError } from '../errors.ts';
import { asBuffer } from './demux.ts';

// Bytes the scanner cares about.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const RS = 0x1e;

// What the scanner is inside of (numbers, not an enum: erasable syntax only).
const BETWEEN = 0; // between values: skipping whitespace / RS
const CONTAINER = 1; // an object or array, `depth` levels deep
const STRING = 2; // a top-level string
const SCALAR = 3; // a top-level number / true / false / null: ends at whitespace, RS or end of stream

/** How much of a bad value an error message quotes, in UTF-16 code units. */
const NEAR_CHARS = 80;

const EMPTY = Buffer.alloc(0);

/** JSON whitespace (space, tab, LF, CR) or the json-seq record separator. */
function isSeparator(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === RS;
}

/** Cuts complete JSON texts out of a byte stream, one chunk at a time. */
class ValueSplitter {
  #chunk: Buffer = EMPTY;
  /** Next byte of `#chunk` to scan. */
  #pos = 0;
  /** Where the current value starts in `#chunk` (0 when it began in an earlier chunk). */
  #start = 0;
  /** Bytes of the current value from earlier chunks. */
  #parts: Buffer[] = [];
  #kind = BETWEEN;
  #depth = 0;
  #inString = false;
  #escaped = false;

  feed(chunk: Buffer): void {
    this.#chunk = chunk;
    this.#pos = 0;
    this.#start = 0;
  }

  /** The next complete value's text in the fed chunk, or undefined when the chunk is used up. */
  next(): string | undefined {
    const chunk = this.#chunk;
    const length = chunk.length;
    let kind = this.#kind;
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    let i = this.#pos;
    let end = -1;
    while (i < length) {
      const byte = chunk[i] as number;
      if (kind === CONTAINER) {
        i++;
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) inString = false;
        } else if (byte === QUOTE) inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
        else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) {
          end = i;
          break;
        }
      } else if (kind === STRING) {
        i++;
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          end = i;
          break;
        }
      } else if (kind === SCALAR) {
        if (isSeparator(byte)) {
          end = i; // the separator is not part of the value; BETWEEN skips it
          break;
        }
        i++;
      } else {
        if (isSeparator(byte)) {
          i++;
          continue;
        }
        this.#start = i;
        if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
          kind = CONTAINER;
          depth = 1;
          inString = false;
        } else if (byte === QUOTE) kind = STRING;
        else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
          throw malformed(
            `unexpected '${String.fromCharCode(byte)}'`,
            chunk.toString('utf8', i, i + NEAR_CHARS),
          );
        } else kind = SCALAR;
        escaped = false;
        i++;
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    this.#pos = i;
    if (end >= 0) {
      this.#kind = BETWEEN;
      return this.#take(end);
    }
    // Chunk used up inside a value: keep its bytes (a view, not a copy) for when the value ends.
    this.#kind = kind;
    if (kind !== BETWEEN && this.#start < length) {
      this.#parts.push(this.#start === 0 ? chunk : chunk.subarray(this.#start));
    }
    return undefined;
  }

  /** At end of stream: the text of an unfinished value (a scalar, or something JSON.parse will reject). */
  end(): string | undefined {
    if (this.#kind === BETWEEN) return undefined;
    this.#kind = BETWEEN;
    const text = Buffer.concat(this.#parts).toString('utf8');
    this.#parts = [];
    return text;
  }

  /** The current value's text, from its start (possibly in earlier chunks) to `end` in this chunk. */
  #take(end: number): string {
    const chunk = this.#chunk;
    if (this.#parts.length === 0) return chunk.toString('utf8', this.#start, end);
    this.#parts.push(chunk.subarray(0, end));
    const text = Buffer.concat(this.#parts).toString('utf8');
    this.#parts = [];
    return text;
  }
}

/**
 * A `JSON.parse` reviver with the source-text context Node 24's `JSON.parse` passes to it.
 *
 * @example
 * ```ts
 * const keepText: JsonReviver = (_key, value, context) => (typeof value === 'number' ? context?.source : value);
 * ```
 */
export type JsonReviver = (
  this: Record<string, unknown>,
  key: string,
  value: unknown,
  context?: { readonly source?: string },
) => unknown;

function malformed(problem: string, text: string): EngineStreamError {
  return new EngineStreamError(
    'STREAM_PROTOCOL',
    `malformed JSON in stream: ${problem} near: ${text.slice(0, NEAR_CHARS)}`,
  );
}

function parse(text: string, reviver: JsonReviver | undefined): unknown {
  try {
    return JSON.parse(text, reviver as Parameters<typeof JSON.parse>[1]);
  } catch (err) {
    throw malformed(err instanceof Error ? err.message : String(err), text);
  }
}

/**
 * Parses a byte stream holding a sequence of JSON values and yields each value as it completes.
 * Separators between values (whitespace, `\r\n`, RS) are optional for objects, arrays and strings;
 * a top-level number / `true` / `false` / `null` ends only at a separator or the end of the stream
 * (so `12` split as `1` + `2` is one number). Malformed JSON — including a stream that ends inside
 * a value — throws `EngineStreamError('STREAM_PROTOCOL')` quoting the first 80 characters of the
 * value. Linear in the input; breaking out of the loop calls `return()` on `body`.
 *
 * @example
 * ```ts
 * for await (const message of parseJsonValues(response.body)) {
 *   const { status } = message as { status?: string };
 *   if (status) console.log(status);
 * }
 * ```
 */
export async function* parseJsonValues(
  body: AsyncIterable<Uint8Array>,
  reviver?: JsonReviver,
): AsyncIterable<unknown> {
  const splitter = new ValueSplitter();
  for await (const chunk of body) {
    splitter.feed(asBuffer(chunk));
    for (let text = splitter.next(); text !== undefined; text = splitter.next()) yield parse(text, reviver);
  }
  const rest = splitter.end();
  if (rest !== undefined) yield parse(rest, reviver);
}
