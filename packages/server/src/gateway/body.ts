/**
 * Request bodies, read whole and parsed with the daemon's JSON semantics, so the policy judges
 * exactly what is forwarded (the re-serialized canonical value, never the client's bytes).
 *
 * Go's encoding/json, which the daemon decodes with: struct fields match keys exactly, else
 * case-insensitively with Unicode folding (Go 1.21+ `foldName`: ASCII upper case, and `ſ` U+017F ~ S,
 * `K` U+212A ~ K); unknown keys are ignored; duplicates: the last one wins; map keys (Labels, Options,
 * DriverOpts, Sysctls, ...) are kept exactly. Here: duplicates, exact or after folding, are refused;
 * struct keys are rewritten to the spec's spelling; unknown struct keys are dropped (the daemon would
 * ignore them, and a field the spec lacks can then never reach the daemon unjudged).
 */
import { type HeaderSource, headerValue } from './canonical.ts';
import { BODY_OBJECTS } from './generated/body-fields.ts';
import type { Denial, GatewayOperation } from './types.ts';

/**
 * Reads a body whole (Node de-chunks `Transfer-Encoding: chunked`), or 413 past `limitBytes`.
 *
 * @example
 * ```ts
 * const body = await readBody(request, 4 * 1024 * 1024);
 * if (!Buffer.isBuffer(body)) return refuse(body);
 * ```
 */
export async function readBody(
  stream: AsyncIterable<Uint8Array>,
  limitBytes: number,
): Promise<Buffer | Denial> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    if (total > limitBytes) {
      return {
        status: 413,
        rule: 'body.too-large',
        message: `the request body is over ${limitBytes} bytes; send a smaller one or raise the gateway's body limit`,
      };
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, total);
}

const mediaType = (contentType: string) => (contentType.split(';')[0] ?? '').trim().toLowerCase();
/** Go's ParseForm reads these bodies into r.Form, where they override the query: never forwarded. */
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

const unsupported = (rule: string, message: string): Denial => ({
  status: 415,
  rule: `body.${rule}`,
  message,
});

/**
 * The Content-Type check. JSON operations: the daemon's CheckForJSON accepts a missing type only
 * when the body is empty (Content-Length 0, or neither length nor chunking), else requires the media
 * type application/json (any case, parameters allowed). Every operation: form and multipart bodies
 * and any Content-Encoding are refused.
 *
 * @example
 * ```ts
 * contentTypeOk({ 'content-type': 'text/plain', 'content-length': '2' }, containerCreate);
 * // { status: 415, rule: 'body.content-type', ... }
 * ```
 */
export function contentTypeOk(headers: HeaderSource, operation: GatewayOperation): Denial | undefined {
  const contentEncoding = headerValue(headers, 'content-encoding');
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    return unsupported('content-encoding', `send the body without Content-Encoding (${contentEncoding})`);
  }
  const contentType = headerValue(headers, 'content-type');
  const type = contentType === undefined ? '' : mediaType(contentType);
  if (FORM_TYPES.has(type)) {
    return unsupported('form-body', `${type} bodies are not accepted: send parameters in the query`);
  }
  if (operation.body !== 'json') return undefined;
  const length = headerValue(headers, 'content-length');
  const chunked = headerValue(headers, 'transfer-encoding') !== undefined;
  const empty = length === undefined ? !chunked : Number(length) === 0;
  if (type === 'application/json' || (contentType === undefined && empty)) return undefined;
  return unsupported(
    'content-type',
    `${operation.id} takes a JSON body: send Content-Type: application/json (got ${contentType ?? 'none'})`,
  );
}

// ---------------------------------------------------------------------------------------------
// JSON: a strict scanner that keeps every key (JSON.parse keeps only the last duplicate)
// ---------------------------------------------------------------------------------------------

/** An object as sent: every entry, in order. */
class SentObject {
  readonly entries: readonly (readonly [string, Sent])[];
  constructor(entries: readonly (readonly [string, Sent])[]) {
    this.entries = entries;
  }
}
type Sent = null | boolean | number | string | Sent[] | SentObject;

class BodyError extends Error {}

/** Deeper bodies are refused (Go allows 10,000; no Engine API body comes near 64). */
const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

class Scanner {
  private at = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  document(): Sent {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.at < this.text.length) this.fail('data after the JSON value');
    return value;
  }

  private fail(what: string): never {
    throw new BodyError(`${what} at offset ${this.at}`);
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private value(depth: number): Sent {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.skipWhitespace();
    const char = this.text[this.at];
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return this.string();
    for (const [word, literal] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return literal;
      }
    }
    return this.number();
  }

  private number(): number {
    NUMBER.lastIndex = this.at;
    const found = NUMBER.exec(this.text);
    if (!found) this.fail('not a JSON value');
    this.at = NUMBER.lastIndex;
    const value = Number(found[0]);
    if (!Number.isFinite(value)) this.fail(`number ${found[0]} out of range`);
    // An integer the daemon reads as int64 but JavaScript would round: judged != forwarded.
    if (/^-?\d+$/.test(found[0]) && !Number.isSafeInteger(value)) this.fail(`integer ${found[0]} too large`);
    return value;
  }

  private string(): string {
    this.at++; // opening quote
    let result = '';
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) this.fail('unterminated string');
      if (char === '"') break;
      if (char < ' ') this.fail('control character in a string');
      if (char !== '\\') {
        result += char;
        this.at++;
        continue;
      }
      const escaped = this.text[this.at + 1];
      const simple = escaped === undefined ? undefined : SIMPLE_ESCAPES[escaped];
      if (simple !== undefined) {
        result += simple;
        this.at += 2;
      } else if (escaped === 'u') {
        result += this.unicodeEscape();
      } else {
        this.fail('bad escape in a string');
      }
    }
    this.at++; // closing quote
    return result;
  }

  /** `\uXXXX`, pairing surrogates; a lone surrogate is refused (Go turns it into U+FFFD). */
  private unicodeEscape(): string {
    const unit = (offset: number) => {
      const hex = this.text.slice(this.at + offset, this.at + offset + 4);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('bad \\u escape');
      return Number.parseInt(hex, 16);
    };
    const high = unit(2);
    this.at += 6;
    if (high < 0xd800 || high > 0xdfff) return String.fromCharCode(high);
    if (high > 0xdbff || this.text.slice(this.at, this.at + 2) !== '\\u') this.fail('lone surrogate escape');
    const low = unit(2);
    if (low < 0xdc00 || low > 0xdfff) this.fail('lone surrogate escape');
    this.at += 6;
    return String.fromCharCode(high, low);
  }

  private array(depth: number): Sent[] {
    this.at++;
    const items: Sent[] = [];
    this.skipWhitespace();
    if (this.text[this.at] === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      const char = this.text[this.at++];
      if (char === ']') return items;
      if (char !== ',') this.fail('expected , or ] in an array');
    }
  }

  private object(depth: number): SentObject {
    this.at++;
    const entries: [string, Sent][] = [];
    const keys = new Set<string>();
    this.skipWhitespace();
    if (this.text[this.at] === '}') {
      this.at++;
      return new SentObject(entries);
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.at] !== '"') this.fail('expected a key');
      const key = this.string();
      if (keys.has(key)) throw new DuplicateKey(JSON.stringify(key));
      keys.add(key);
      this.skipWhitespace();
      if (this.text[this.at++] !== ':') this.fail('expected :');
      entries.push([key, this.value(depth + 1)]);
      this.skipWhitespace();
      const char = this.text[this.at++];
      if (char === '}') return new SentObject(entries);
      if (char !== ',') this.fail('expected , or } in an object');
    }
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** `what`: the key as the message shows it, e.g. `"HostConfig.Privileged" (sent as "a" and "b")`. */
class DuplicateKey extends Error {
  readonly what: string;
  constructor(what: string) {
    super(`duplicate key ${what}`);
    this.what = what;
  }
}

// ---------------------------------------------------------------------------------------------
// Canonical form: keys rewritten to the schema's spelling, following the shape grammar of
// generated/body-fields.ts ('=' verbatim, 'Name' object, '[]X' array, '{}X' map)
// ---------------------------------------------------------------------------------------------

/**
 * A key as Go's encoding/json compares it with a field name (`foldName`): ASCII letters upper-cased,
 * `ſ` (U+017F) -> S, Kelvin sign (U+212A) -> K. Other non-ASCII characters stay as they are, so they
 * match no (ASCII) field name and the key is dropped: at worst the client's intent is lost, never
 * judged one way and acted on another.
 *
 * @example
 * ```ts
 * foldKey('hoſtconfig') === foldKey('HostConfig'); // true
 * ```
 */
export function foldKey(key: string): string {
  return [...key]
    .map((char) => (char === '\u017f' ? 'S' : char === '\u212a' ? 'K' : asciiUpper(char)))
    .join('');
}

const asciiUpper = (char: string) => (char >= 'a' && char <= 'z' ? char.toUpperCase() : char);

interface FieldIndex {
  readonly exact: Readonly<Record<string, string>>;
  readonly folded: ReadonlyMap<string, string>;
}
const fieldIndexes = new Map<string, FieldIndex>();

function fieldIndex(name: string): FieldIndex {
  let index = fieldIndexes.get(name);
  if (!index) {
    const fields = BODY_OBJECTS[name] ?? {};
    index = { exact: fields, folded: new Map(Object.keys(fields).map((field) => [foldKey(field), field])) };
    fieldIndexes.set(name, index);
  }
  return index;
}

/** An own, enumerable property even for `__proto__` (plain assignment would set the prototype). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

class ShapeError extends Error {}

function canonical(value: Sent, shape: string, where: string): unknown {
  if (value === null) return null;
  if (shape.startsWith('[]')) {
    if (!Array.isArray(value)) throw new ShapeError(`${where} must be an array`);
    return value.map((item, index) => canonical(item, shape.slice(2), `${where}[${index}]`));
  }
  if (shape.startsWith('{}')) {
    if (!(value instanceof SentObject)) throw new ShapeError(`${where} must be an object`);
    const result: Record<string, unknown> = {};
    for (const [key, item] of value.entries)
      define(result, key, canonical(item, shape.slice(2), `${where}.${key}`));
    return result;
  }
  if (shape !== '=') return canonicalObject(value, shape, where);
  return verbatim(value);
}

function canonicalObject(value: Sent, shape: string, where: string): Record<string, unknown> {
  if (!(value instanceof SentObject)) throw new ShapeError(`${where} must be an object`);
  const { exact, folded } = fieldIndex(shape);
  const result: Record<string, unknown> = {};
  const sentAs = new Map<string, string>();
  for (const [key, item] of value.entries) {
    const field = Object.hasOwn(exact, key) ? key : folded.get(foldKey(key));
    if (field === undefined) continue; // the daemon ignores unknown keys; so is it never forwarded
    const earlier = sentAs.get(field);
    if (earlier !== undefined) {
      const path = where ? `${where}.${field}` : field;
      throw new DuplicateKey(`"${path}" (sent as ${JSON.stringify(earlier)} and ${JSON.stringify(key)})`);
    }
    sentAs.set(field, key);
    define(result, field, canonical(item, exact[field] ?? '=', where ? `${where}.${field}` : field));
  }
  return result;
}

function verbatim(value: Sent): unknown {
  if (Array.isArray(value)) return value.map(verbatim);
  if (!(value instanceof SentObject)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of value.entries) define(result, key, verbatim(item));
  return result;
}

const badRequest = (rule: string, message: string): { denial: Denial } => ({
  denial: { status: 400, rule: `body.${rule}`, message },
});

/**
 * Parses a JSON body as the daemon would and returns its canonical value: keys of struct fields in
 * the spec's spelling, unknown keys dropped, map keys kept. `schemaName` is the operation's
 * `bodySchema`. An empty body gives `{ value: undefined }` (the daemon skips an empty body).
 *
 * @example
 * ```ts
 * parseDaemonJson(Buffer.from('{"hostconfig":{"privileged":true}}'), 'ContainerCreateBody', '1.47');
 * // { value: { HostConfig: { Privileged: true } } }
 * ```
 */
export function parseDaemonJson(
  buffer: Buffer,
  schemaName: string,
  apiVersion?: string,
): { value: unknown } | { denial: Denial } {
  if (buffer.length === 0) return { value: undefined };
  const api = apiVersion ? ` (API ${apiVersion})` : '';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer);
  } catch {
    return badRequest('encoding', `the JSON body${api} is not valid UTF-8`);
  }
  try {
    return { value: canonical(new Scanner(text).document(), schemaName, '') };
  } catch (err) {
    if (err instanceof DuplicateKey) {
      return badRequest('duplicate-key', `the JSON body${api} sets ${err.what} twice; send each field once`);
    }
    if (err instanceof ShapeError) return badRequest('shape', `the JSON body${api}: ${err.message}`);
    if (err instanceof BodyError)
      return badRequest('json', `the JSON body${api} is not valid JSON: ${err.message}`);
    throw err;
  }
}
