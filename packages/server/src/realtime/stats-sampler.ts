/**
 * The all-container overview of one engine: every {@link SAMPLE_INTERVAL_MS} a one-shot stats
 * sample of each running container (at most {@link SAMPLE_CONCURRENCY} requests at once), kept as
 * a short history per container and for the engine's totals. It runs only while someone watches,
 * and {@link LINGER_MS} after the last viewer left (a page reload finds its history still there).
 */
import type { DockerClient, StatsSample } from '@gantry/engine';
import type { Logger } from '../context.ts';
import { type StatsFigures, statsFigures } from './stats-frame.ts';

export const SAMPLE_INTERVAL_MS = 10_000;
export const SAMPLE_CONCURRENCY = 4;
export const LINGER_MS = 10 * 60_000;
/** Samples kept per container and for the totals. */
export const HISTORY_LENGTH = 60;

export interface ContainerSample extends StatsFigures {
  readonly name: string;
}

export interface EngineTotals {
  readonly time: number;
  readonly containers: number;
  readonly cpuPercent: number;
  readonly memoryUsage: number;
  readonly networkRx: number;
  readonly networkTx: number;
}

/** What viewers get: the history once, then each round. */
export type OverviewMessage =
  | {
      readonly type: 'history';
      readonly containers: Record<string, ContainerSample[]>;
      readonly totals: EngineTotals[];
    }
  | {
      readonly type: 'sample';
      readonly time: number;
      readonly containers: Record<string, ContainerSample>;
      readonly totals: EngineTotals;
    };

export class OverviewSampler {
  readonly #client: () => DockerClient;
  readonly #log: Logger;
  readonly #viewers = new Set<(message: OverviewMessage) => void>();
  readonly #history = new Map<string, ContainerSample[]>();
  readonly #totals: EngineTotals[] = [];
  /** The last raw sample per container: the CPU baseline of its next one-shot sample. */
  readonly #previous = new Map<string, StatsSample>();
  #timer: NodeJS.Timeout | undefined;
  #linger: NodeJS.Timeout | undefined;
  #sampling = false;

  constructor(client: () => DockerClient, log: Logger) {
    this.#client = client;
    this.#log = log;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Adds a viewer: it gets the history at once, then every sample. Returns its removal. */
  watch(viewer: (message: OverviewMessage) => void): () => void {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    this.#viewers.add(viewer);
    viewer({ type: 'history', containers: Object.fromEntries(this.#history), totals: [...this.#totals] });
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#sample(), SAMPLE_INTERVAL_MS);
      this.#timer.unref();
      void this.#sample();
    }
    return () => {
      this.#viewers.delete(viewer);
      if (this.#viewers.size > 0) return;
      this.#linger = setTimeout(() => this.stop(), LINGER_MS);
      this.#linger.unref();
    };
  }

  /** Stops sampling (and forgets nothing: the history stays for the next viewer). */
  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#linger);
    this.#timer = undefined;
    this.#linger = undefined;
  }

  async #sample(): Promise<void> {
    // A round slower than the interval (many containers, slow engine) skips the next tick.
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      const client = this.#client();
      const signal = AbortSignal.timeout(SAMPLE_INTERVAL_MS * 3);
      const running = await client.containers.list({ signal });
      const time = Date.now();
      const samples: Record<string, ContainerSample> = {};
      const queue = running.map((container) => ({
        id: container.Id ?? '',
        name: container.Names?.[0]?.slice(1) ?? '',
      }));
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          try {
            const raw = await client.containers.stats(next.id, { stream: false, 'one-shot': true, signal });
            samples[next.id] = { name: next.name, ...statsFigures(raw, this.#previous.get(next.id)) };
            this.#previous.set(next.id, raw);
          } catch {
            // Stopped or removed since the list: left out of this round.
          }
        }
      };
      await Promise.all(Array.from({ length: SAMPLE_CONCURRENCY }, worker));
      this.#record(time, samples);
    } catch (err) {
      this.#log.warn('stats overview sample failed', { error: (err as Error).message });
    } finally {
      this.#sampling = false;
    }
  }

  #record(time: number, samples: Record<string, ContainerSample>): void {
    for (const id of [...this.#history.keys()]) {
      if (!(id in samples)) {
        this.#history.delete(id);
        this.#previous.delete(id);
      }
    }
    for (const [id, sample] of Object.entries(samples)) {
      const history = this.#history.get(id) ?? [];
      history.push(sample);
      if (history.length > HISTORY_LENGTH) history.shift();
      this.#history.set(id, history);
    }
    const all = Object.values(samples);
    const totals: EngineTotals = {
      time,
      containers: all.length,
      cpuPercent: Math.round(all.reduce((sum, s) => sum + s.cpuPercent, 0) * 100) / 100,
      memoryUsage: all.reduce((sum, s) => sum + s.memory.usage, 0),
      networkRx: all.reduce((sum, s) => sum + s.network.rx, 0),
      networkTx: all.reduce((sum, s) => sum + s.network.tx, 0),
    };
    this.#totals.push(totals);
    if (this.#totals.length > HISTORY_LENGTH) this.#totals.shift();
    for (const viewer of this.#viewers) viewer({ type: 'sample', time, containers: samples, totals });
  }
}
