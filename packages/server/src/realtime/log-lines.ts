/**
 * Turning a container's log frames into lines, and the server-side search over them. The daemon is
 * always asked for timestamps: they give every line its `time` and order the merged view.
 */
import { setFlagsFromString } from 'node:v8';
import type { LogFrame } from '@gantry/engine';

export interface LogLine {
  /** The container (or service) the line came from, as the client named it. */
  readonly container: string;
  readonly stream: 'stdout' | 'stderr';
  /** The daemon's RFC 3339 timestamp with nanoseconds (`''` when the line had none). */
  readonly time: string;
  readonly text: string;
}

/** A longer line is cut into pieces of this many bytes, so one endless line cannot grow memory. */
export const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

/**
 * Splits one source's frames into lines, per stream: a frame may hold several lines (a TTY's raw
 * stream) or part of one; the rest waits for the next frame of the same stream. A TTY's `console`
 * stream counts as stdout.
 */
export class LineSplitter {
  readonly #container: string;
  readonly #rest: { stdout: Buffer | undefined; stderr: Buffer | undefined } = {
    stdout: undefined,
    stderr: undefined,
  };

  constructor(container: string) {
    this.#container = container;
  }

  /** The complete lines `frame` finishes. */
  push(frame: LogFrame): LogLine[] {
    const stream = frame.stream === 'stderr' ? 'stderr' : 'stdout';
    const rest = this.#rest[stream];
    const data = rest ? Buffer.concat([rest, frame.data]) : frame.data;
    const lines: LogLine[] = [];
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end >= 0; end = data.indexOf(NEWLINE, start)) {
      lines.push(this.#line(stream, data.subarray(start, end)));
      start = end + 1;
    }
    while (data.length - start > MAX_LINE_BYTES) {
      lines.push(this.#line(stream, data.subarray(start, start + MAX_LINE_BYTES)));
      start += MAX_LINE_BYTES;
    }
    // Copied: the frame may be a view into a large network buffer that must not be kept alive.
    this.#rest[stream] = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
    return lines;
  }

  /** The unfinished lines, once the source ended. */
  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.#rest[stream];
      if (rest) lines.push(this.#line(stream, rest));
      this.#rest[stream] = undefined;
    }
    return lines;
  }

  #line(stream: 'stdout' | 'stderr', bytes: Buffer): LogLine {
    let text = bytes.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const space = text.indexOf(' ');
    const prefix = space > 0 ? text.slice(0, space) : '';
    if (TIMESTAMP.test(prefix))
      return { container: this.#container, stream, time: prefix, text: text.slice(space + 1) };
    return { container: this.#container, stream, time: '', text };
  }
}

/** Longest search pattern accepted (characters). */
export const MAX_PATTERN_LENGTH = 512;

let linearEngine = false;

/**
 * A search as a line predicate: `/pattern/` or `/pattern/i` is a regular expression, anything else
 * a case-insensitive substring. Regular expressions run on V8's linear-time engine (the `l` flag),
 * so no pattern can make a line take more than time proportional to its length (no catastrophic
 * backtracking); patterns that engine cannot run (back-references, lookaround, large counted
 * repetitions) are refused. `i` is done by lower-casing both the line and the pattern's literals,
 * because the linear engine has no case-insensitive mode. Throws an Error naming the problem.
 */
export function lineMatcher(search: string): (text: string) => boolean {
  if (search.length > MAX_PATTERN_LENGTH) {
    throw new Error(`longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(search);
  if (!regex) {
    const needle = search.toLowerCase();
    return (text) => text.toLowerCase().includes(needle);
  }
  const [, source = '', flags = ''] = regex;
  if (!/^i?$/.test(flags)) throw new Error(`unsupported regular expression flags "${flags}" (only i)`);
  if (!linearEngine) {
    // Only enables parsing of the `l` flag; no other regular expression changes behaviour.
    setFlagsFromString('--enable-experimental-regexp-engine');
    linearEngine = true;
  }
  const caseless = flags === 'i';
  let pattern: RegExp;
  try {
    pattern = new RegExp(caseless ? lowerLiterals(source) : source, 'l');
  } catch (err) {
    throw new Error(
      `${(err as Error).message} — use a pattern without back-references, lookaround or {n,m} above 100`,
    );
  }
  return caseless ? (text) => pattern.test(text.toLowerCase()) : (text) => pattern.test(text);
}

/**
 * Lower-cases a pattern's letters except what follows a backslash (`\S`, `\W`, `\D`, `\B` mean
 * something else in lower case) and the name inside `\p{...}`.
 */
function lowerLiterals(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char !== '\\') {
      out += char.toLowerCase();
      continue;
    }
    const next = source[i + 1] ?? '';
    if ((next === 'p' || next === 'P') && source[i + 2] === '{') {
      const close = source.indexOf('}', i + 3);
      const end = close < 0 ? source.length : close + 1;
      out += source.slice(i, end);
      i = end - 1;
    } else {
      out += char + next;
      i++;
    }
  }
  return out;
}
