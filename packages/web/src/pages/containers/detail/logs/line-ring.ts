/**
 * A fixed-capacity ring of log lines: pushing past the capacity drops the oldest, so a container
 * printing forever costs the page at most `capacity` lines of memory. Every line gets a sequence
 * number that never repeats (React keys, and how far the view must shift when old lines go).
 */
import type { LogLine } from '@gantry/server/api-types';

export interface HeldLine extends LogLine {
  /** Position in everything ever received by this ring (first line 0). */
  readonly seq: number;
}

export class LineRing {
  readonly capacity: number;
  readonly #slots: (HeldLine | undefined)[];
  /** Sequence number of the oldest held line; also how many lines were pushed out so far. */
  #first = 0;
  #length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#slots = new Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** How many lines left the ring (oldest first) since it was made. */
  get evicted(): number {
    return this.#first;
  }

  push(lines: readonly LogLine[]): void {
    for (const line of lines) {
      const seq = this.#first + this.#length;
      this.#slots[seq % this.capacity] = { ...line, seq };
      if (this.#length < this.capacity) this.#length++;
      else this.#first++;
    }
  }

  /** The `index`-th held line, 0 the oldest. */
  at(index: number): HeldLine | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#slots[(this.#first + index) % this.capacity];
  }

  *[Symbol.iterator](): IterableIterator<HeldLine> {
    for (let index = 0; index < this.#length; index++) yield this.at(index) as HeldLine;
  }
}
