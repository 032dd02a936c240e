/**
 * Progress output of long operations (`pull`, `push`, `build`, `load`, `plugin install`, …), drawn
 * as the docker CLI draws a JSON message stream (its `jsonmessage.DisplayJSONMessagesStream`):
 *
 * - on a terminal, one line per layer id (`a1b2c3d4e5f6: Downloading [==>     ]  1.2MB/3.4MB`),
 *   redrawn in place — a new id opens a line below the others, an update moves the cursor up to its
 *   line (`ESC[<n>A`), erases it (`ESC[2K`), writes it and moves back down (`ESC[<n>B`); the bar is
 *   drawn only on terminals wider than 110 columns, as docker's;
 * - elsewhere, plain lines: each status change of a layer (`Pulling fs layer`, `Pull complete`), the
 *   byte counts left out;
 * - a message without an id (`Digest: …`, `Status: …`, build output) ends the redrawn block: it is
 *   printed below it and later ids start a new block.
 *
 * Drive it with the SDK's `ProgressStream.messages()`:
 *
 *   await displayProgress(docker.images.pull(ref).messages(), io.stdout, { width: io.terminalSize()?.columns });
 */
import type { JsonMessage } from '@gantry/engine';
import type { Output } from '../io.ts';
import { rfc3339NanoFixed } from './time.ts';
import { humanSize } from './units.ts';

/** The byte counts of a message, with the fields the daemon may add beyond the SDK's type. */
interface ProgressDetail {
  readonly current?: number;
  readonly total?: number;
  /** Unix seconds the operation started: enables the time-left estimate. */
  readonly start?: number;
  /** Counts are hidden (only the bar is drawn). */
  readonly hidecounts?: boolean;
  /** Something other than bytes (`docker load` of layers counts bytes; plugins count other things). */
  readonly units?: string;
}

export interface ProgressOptions {
  /** Redraw in place with cursor movements (stdout is a terminal); default `out.isTTY`. */
  readonly terminal?: boolean;
  /** Terminal columns, which decide whether bars and time estimates fit; unknown: 200, as docker's. */
  readonly width?: number | undefined;
  /** Milliseconds since the epoch, for the time-left estimate; default Date.now. */
  readonly now?: () => number;
  /** Called with every `aux` message (not displayed): a build's image ID, a push's digest. */
  readonly onAux?: (aux: Record<string, unknown>) => void;
}

/** docker draws the `[===>   ]` bar only on terminals wider than this. */
const BAR_MIN_WIDTH = 110;
/** …and the time-left estimate only on terminals wider than this. */
const TIME_LEFT_MIN_WIDTH = 50;
const BAR_LENGTH = 50;
/** Width assumed when the terminal's is unknown (docker's fallback). */
const DEFAULT_WIDTH = 200;

const ESC = '\x1b[';
const ERASE_LINE = `${ESC}2K`;

/**
 * Draws a progress message stream on `out`, one message at a time. Keeps the line of every layer id
 * in the current block so an update redraws that line. Not reusable across streams.
 */
export class ProgressRenderer {
  readonly #write: (text: string) => void;
  readonly #terminal: boolean;
  readonly #width: number;
  readonly #now: () => number;
  readonly #onAux: ((aux: Record<string, unknown>) => void) | undefined;
  /** Layer id -> its line in the current block (0 = first); cleared by a message without progress. */
  #lines = new Map<string, number>();

  constructor(out: Pick<Output, 'write' | 'isTTY'>, options: ProgressOptions = {}) {
    this.#write = (text) => out.write(text);
    this.#terminal = options.terminal ?? out.isTTY;
    this.#width = options.width || DEFAULT_WIDTH;
    this.#now = options.now ?? Date.now;
    this.#onAux = options.onAux;
  }

  /** Draws one message. */
  render(message: JsonMessage): void {
    if (message.aux) {
      this.#onAux?.(message.aux);
      return;
    }
    const detail = progressDetail(message);
    const id = message.id ?? '';
    let distance = 0;
    if (id !== '' && (detail !== undefined || message.progress)) {
      let line = this.#lines.get(id);
      if (line === undefined) {
        line = this.#lines.size;
        this.#lines.set(id, line);
        // A new id gets a fresh line below the block.
        if (this.#terminal) this.#write('\n');
      }
      distance = this.#lines.size - line;
      if (this.#terminal) this.#write(cursorUp(distance));
    } else {
      // Anything else starts a new block: later ids must not redraw lines above it.
      this.#lines = new Map();
    }
    this.#display(message, detail);
    if (id !== '' && this.#terminal) this.#write(cursorDown(distance));
  }

  #display(message: JsonMessage, detail: ProgressDetail | undefined): void {
    const stream = message.stream ?? '';
    let endOfLine = '';
    if (this.#terminal && stream === '' && detail !== undefined) {
      this.#write(`${ERASE_LINE}\r`);
      endOfLine = '\r';
    } else if (detail !== undefined && progressText(detail, this.#width, this.#now()) !== '') {
      // Not a terminal: byte counts would be a line per chunk; only status changes are printed.
      return;
    }
    const timeNano = (message as { timeNano?: number }).timeNano;
    if (timeNano) this.#write(`${rfc3339NanoFixed(BigInt(timeNano))} `);
    else if (message.time) this.#write(`${rfc3339NanoFixed(BigInt(message.time) * 1_000_000_000n)} `);
    if (message.id) this.#write(`${message.id}: `);
    if (message.from) this.#write(`(from ${message.from}) `);
    const status = message.status ?? '';
    if (detail !== undefined && this.#terminal) {
      this.#write(`${status} ${progressText(detail, this.#width, this.#now())}${endOfLine}`);
    } else if (message.progress) {
      this.#write(`${status} ${message.progress}${endOfLine}`);
    } else if (stream !== '') {
      this.#write(`${stream}${endOfLine}`);
    } else {
      this.#write(`${status}${endOfLine}\n`);
    }
  }
}

/**
 * Draws every message of `messages` on `out` (see {@link ProgressRenderer}); resolves when the
 * stream ends, rejects with its error (the SDK throws a daemon's in-stream error).
 */
export async function displayProgress(
  messages: AsyncIterable<JsonMessage>,
  out: Pick<Output, 'write' | 'isTTY'>,
  options: ProgressOptions = {},
): Promise<void> {
  const renderer = new ProgressRenderer(out, options);
  for await (const message of messages) renderer.render(message);
}

/**
 * docker's `JSONProgress.String()`: `[====>     ]  1.2MB/3.4MB 5s` — the bar on wide terminals,
 * the counts (`%8v` of go-units' HumanSize), the time left when the start is known; '' when there
 * is nothing to show yet.
 */
export function progressText(detail: ProgressDetail, width: number, nowMs: number): string {
  const current = detail.current ?? 0;
  const total = detail.total ?? 0;
  const units = detail.units ?? '';
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return units === '' ? humanSize(current).padStart(8) : `${current} ${units}`;
  const percentage = Math.min(BAR_LENGTH, Math.trunc(Math.trunc((current / total) * 100) / 2));
  const bar =
    width > BAR_MIN_WIDTH
      ? `[${'='.repeat(percentage)}>${' '.repeat(Math.max(0, BAR_LENGTH - percentage))}] `
      : '';
  let counts = '';
  if (detail.hidecounts) counts = '';
  else if (units === '') {
    counts =
      current > total
        ? humanSize(current).padStart(8)
        : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  } else {
    counts = current > total ? `${current} ${units}` : `${current}/${total} ${units}`;
  }
  let timeLeft = '';
  if (
    current > 0 &&
    detail.start &&
    detail.start > 0 &&
    percentage < BAR_LENGTH &&
    width > TIME_LEFT_MIN_WIDTH
  ) {
    // As Go's integer Duration arithmetic: nanoseconds per unit, whole seconds left.
    const elapsedNs = BigInt(Math.round(nowMs * 1e6)) - BigInt(detail.start) * 1_000_000_000n;
    const perUnitNs = elapsedNs / BigInt(Math.trunc(current));
    const leftSeconds = (BigInt(Math.trunc(total - current)) * perUnitNs) / 1_000_000_000n;
    timeLeft = ` ${goDuration(Number(leftSeconds))}`;
  }
  return bar + counts + timeLeft;
}

/** Go's `time.Duration.String()` for whole seconds: `0s`, `45s`, `1m5s`, `2h0m3s`. */
export function goDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  const hours = Math.trunc(seconds / 3600);
  const minutes = Math.trunc((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h${minutes}m${rest}s`;
  if (minutes > 0) return `${minutes}m${rest}s`;
  return `${rest}s`;
}

/** The message's `progressDetail` as docker sees it: present (even `{}`) or not; `null` is absent. */
function progressDetail(message: JsonMessage): ProgressDetail | undefined {
  const detail = message.progressDetail as ProgressDetail | null | undefined;
  return detail !== null && typeof detail === 'object' ? detail : undefined;
}

function cursorUp(lines: number): string {
  return lines > 0 ? `${ESC}${lines}A` : '';
}

function cursorDown(lines: number): string {
  return lines > 0 ? `${ESC}${lines}B` : '';
}
