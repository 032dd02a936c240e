/**
 * Pull / push / build progress as the console reports it: the daemon's per-layer JSON messages
 * folded into one state per layer (`status`, bytes `current` / `total`, `percent`) and an overall
 * percentage, written as NDJSON lines at most {@link PROGRESS_INTERVAL_MS} apart.
 */
import type { JsonMessage } from '@gantry/engine';

export const PROGRESS_INTERVAL_MS = 100;

export interface LayerProgress {
  readonly status: string;
  readonly current: number;
  readonly total: number;
  /** This layer's share done, 0-100: a pull's download is its first half, extraction the second. */
  readonly percent: number;
}

export interface ProgressFrame {
  readonly type: 'progress';
  readonly layers: Record<string, LayerProgress>;
  /** Mean of the layers' percentages (0 before any layer is known). */
  readonly overall: number;
  /** Build output (and status lines without a layer) since the previous frame. */
  readonly output?: string;
}

/** Statuses of a message that names the image (`latest: Pulling from x`), not a layer. */
const NOT_A_LAYER = /^(Pulling from|The push refers to|Digest:|Status:)/;

function fraction(status: string, current: number, total: number): number | undefined {
  const share = total > 0 ? Math.min(1, current / total) : 0;
  if (/^(Pull complete|Already exists|Pushed|Layer already exists|Mounted from)/.test(status)) return 1;
  if (status === 'Downloading') return share / 2;
  if (status === 'Verifying Checksum' || status === 'Download complete') return 0.5;
  if (status === 'Extracting') return 0.5 + share / 2;
  if (status === 'Pushing') return share;
  if (/^(Waiting|Pulling fs layer|Preparing|Retrying)/.test(status)) return 0;
  return undefined;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Folds progress messages into per-layer state. */
export class ProgressTracker {
  readonly #layers = new Map<string, LayerProgress>();
  #output = '';
  #changed = false;

  /** Whether something changed since the last {@link frame}. */
  get changed(): boolean {
    return this.#changed;
  }

  update(message: JsonMessage): void {
    const status = message.status ?? '';
    if (typeof message.stream === 'string') {
      this.#output += message.stream;
      this.#changed = true;
    }
    if (!message.id || !status || NOT_A_LAYER.test(status)) {
      if (status && !message.id) {
        this.#output += `${status}\n`;
        this.#changed = true;
      }
      return;
    }
    const previous = this.#layers.get(message.id);
    const current = message.progressDetail?.current ?? 0;
    const total = message.progressDetail?.total ?? previous?.total ?? 0;
    const done = fraction(status, current, total);
    this.#layers.set(message.id, {
      status,
      current,
      total,
      percent: round1((done ?? (previous ? previous.percent / 100 : 0)) * 100),
    });
    this.#changed = true;
  }

  /** The transfer succeeded: every layer is done, whatever its last message said. */
  complete(): void {
    for (const [id, layer] of this.#layers) {
      if (layer.percent < 100) this.#layers.set(id, { ...layer, percent: 100 });
    }
    this.#changed = true;
  }

  /** The current state; resets the output collected and the changed flag. */
  frame(finished = false): ProgressFrame {
    const layers = Object.fromEntries(this.#layers);
    const values = [...this.#layers.values()];
    const overall = finished
      ? 100
      : values.length === 0
        ? 0
        : round1(values.reduce((sum, layer) => sum + layer.percent, 0) / values.length);
    const output = this.#output;
    this.#output = '';
    this.#changed = false;
    return { type: 'progress', layers, overall, ...(output ? { output } : {}) };
  }
}
