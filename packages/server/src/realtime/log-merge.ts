/**
 * The merged view of several containers' logs, and its delivery: lines are ordered by time across
 * sources, rate-limited, batched, and dropped (and counted) rather than queued without end.
 */
import type { WebSocket } from 'ws';
import type { LogLine } from './log-lines.ts';
import { MAX_BUFFERED_BYTES, sendJson } from './send.ts';

/** Lines a source may have waiting before its reader pauses (the daemon connection then waits). */
const SOURCE_QUEUE_LINES = 512;
/**
 * How long the merge waits for a source with nothing queued before it lets the other sources' lines
 * through (ms). While history is read every source has lines, so they come out in time order; once
 * following, a quiet source stops holding the others back after this grace.
 */
const QUIET_GRACE_MS = 30;
/** The same for a source that has sent nothing yet (its request may still be on its way), ms. */
const FIRST_LINE_GRACE_MS = 1_000;

interface Source {
  readonly queue: LogLine[];
  ended: boolean;
  /** Quiet for longer than the grace: not waited for until it has a line again. */
  idle: boolean;
  /** Has pushed lines: its stream is flowing. */
  started: boolean;
  emptySince: number;
  space: (() => void) | undefined;
}

/** Merges sources by line time; `emit` receives each line once, in order. */
export class LogMerger {
  readonly #sources: Source[] = [];
  readonly #emit: (line: LogLine) => void;
  readonly #follow: boolean;
  #timer: NodeJS.Timeout | undefined;

  /**
   * `follow`: the sources go on with live lines, so a quiet one must stop holding the others back.
   * Without it every source ends soon, and the merge waits for each (a strict time order).
   */
  constructor(emit: (line: LogLine) => void, options: { follow: boolean }) {
    this.#emit = emit;
    this.#follow = options.follow;
  }

  /** A new source: `push` its lines (await the promise it may return: room in its queue), then `end`. */
  source(): { push(lines: LogLine[]): Promise<void> | undefined; end(): void } {
    const source: Source = {
      queue: [],
      ended: false,
      idle: false,
      started: false,
      emptySince: Date.now(),
      space: undefined,
    };
    this.#sources.push(source);
    return {
      push: (lines) => {
        if (lines.length === 0) return undefined;
        source.queue.push(...lines);
        source.idle = false;
        source.started = true;
        this.#pump();
        if (source.queue.length < SOURCE_QUEUE_LINES) return undefined;
        return new Promise<void>((resolve) => {
          source.space = resolve;
        });
      },
      end: () => {
        source.ended = true;
        this.#pump();
      },
    };
  }

  /** Stops the grace timer (the channel is closing). */
  close(): void {
    clearTimeout(this.#timer);
    for (const source of this.#sources) source.space?.();
  }

  #pump(): void {
    for (;;) {
      let best: Source | undefined;
      let waiting = false;
      for (const source of this.#sources) {
        const head = source.queue[0];
        if (head === undefined) {
          if (!source.ended && !source.idle) waiting = true;
        } else if (best === undefined || head.time < (best.queue[0] as LogLine).time) {
          best = source;
        }
      }
      if (best === undefined) return;
      if (waiting) {
        if (this.#follow) this.#timer ??= setTimeout(() => this.#graceOver(), QUIET_GRACE_MS);
        return;
      }
      this.#emit(best.queue.shift() as LogLine);
      if (best.queue.length === 0) best.emptySince = Date.now();
      if (best.space && best.queue.length < SOURCE_QUEUE_LINES / 2) {
        best.space();
        best.space = undefined;
      }
    }
  }

  #graceOver(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const source of this.#sources) {
      const grace = source.started ? QUIET_GRACE_MS : FIRST_LINE_GRACE_MS;
      if (source.queue.length === 0 && now - source.emptySince >= grace) source.idle = true;
    }
    this.#pump();
  }
}

/** How often lines are sent at the most (ms): one `lines` frame per interval. */
export const BATCH_INTERVAL_MS = 50;
/** Text bytes one batch may hold; beyond, lines are dropped until it is sent. */
const BATCH_MAX_BYTES = 1024 * 1024;

/**
 * Sends lines in `{ type: 'lines' }` batches at most every {@link BATCH_INTERVAL_MS}. A line is
 * dropped, and counted, when it exceeds the rate (a token bucket holding one second's worth), when
 * the socket already has {@link MAX_BUFFERED_BYTES} queued (a slow browser), or when the batch is
 * full; a `{ type: 'dropped', count, total }` frame follows the batch. Memory stays bounded by the
 * batch, whatever the containers print.
 */
export class LineBatcher {
  readonly #socket: WebSocket;
  readonly #rate: number;
  #tokens: number;
  #refilled = Date.now();
  #batch: LogLine[] = [];
  #batchBytes = 0;
  #dropped = 0;
  #droppedTotal = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #onDrop: (count: number) => void;

  constructor(socket: WebSocket, maxLinesPerSecond: number, onDrop: (count: number) => void = () => {}) {
    this.#socket = socket;
    this.#rate = maxLinesPerSecond;
    this.#tokens = maxLinesPerSecond;
    this.#onDrop = onDrop;
  }

  /** Lines dropped so far. */
  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  offer(line: LogLine): void {
    if (
      this.#take() &&
      this.#socket.bufferedAmount <= MAX_BUFFERED_BYTES &&
      this.#batchBytes < BATCH_MAX_BYTES
    ) {
      this.#batch.push(line);
      this.#batchBytes += line.text.length;
    } else {
      this.#dropped++;
      this.#droppedTotal++;
    }
    this.#timer ??= setTimeout(() => this.flush(), BATCH_INTERVAL_MS);
  }

  /** Sends what is waiting now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#batch.length > 0) {
      sendJson(this.#socket, { type: 'lines', lines: this.#batch });
      this.#batch = [];
      this.#batchBytes = 0;
    }
    if (this.#dropped > 0) {
      sendJson(this.#socket, { type: 'dropped', count: this.#dropped, total: this.#droppedTotal });
      this.#onDrop(this.#dropped);
      this.#dropped = 0;
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #take(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#refilled) / 1000) * this.#rate);
    this.#refilled = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
