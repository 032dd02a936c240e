/**
 * One daemon stats stream per container however many viewers: the first viewer opens it, every
 * viewer gets each sample, the last one to leave closes it.
 */
import type { DockerClient } from '@gantry/engine';
import { type StatsFigures, statsFigures } from './stats-frame.ts';

/** What a viewer hears: a sample, or the end of the stream (container removed, engine lost). */
export type StatsEvent =
  | { readonly kind: 'sample'; readonly figures: StatsFigures }
  | { readonly kind: 'end'; readonly error?: string };

interface Stream {
  readonly viewers: Set<(event: StatsEvent) => void>;
  readonly controller: AbortController;
  last: StatsFigures | undefined;
}

export class StatsHub {
  readonly #streams = new Map<string, Stream>();

  /** Daemon stats streams open now. */
  get openStreams(): number {
    return this.#streams.size;
  }

  /**
   * Adds a viewer of container `containerId` (its full id, so that a name and an id share the
   * stream) on engine `engineId`. The latest sample, if any, is delivered at once. Returns the
   * function that removes the viewer.
   */
  watch(
    engineId: string,
    client: DockerClient,
    containerId: string,
    viewer: (event: StatsEvent) => void,
  ): () => void {
    const key = `${engineId}\u0000${containerId}`;
    let stream = this.#streams.get(key);
    if (!stream) {
      const created: Stream = { viewers: new Set(), controller: new AbortController(), last: undefined };
      this.#streams.set(key, created);
      void this.#read(key, created, client, containerId);
      stream = created;
    }
    stream.viewers.add(viewer);
    if (stream.last) viewer({ kind: 'sample', figures: stream.last });
    const watched = stream;
    return () => {
      watched.viewers.delete(viewer);
      if (watched.viewers.size === 0 && this.#streams.get(key) === watched) {
        this.#streams.delete(key);
        watched.controller.abort();
      }
    };
  }

  async #read(key: string, stream: Stream, client: DockerClient, containerId: string): Promise<void> {
    let error: string | undefined;
    try {
      for await (const sample of client.containers.stats(containerId, { signal: stream.controller.signal })) {
        stream.last = statsFigures(sample);
        for (const viewer of stream.viewers) viewer({ kind: 'sample', figures: stream.last });
      }
    } catch (err) {
      if (!stream.controller.signal.aborted) error = (err as Error).message;
    }
    if (this.#streams.get(key) === stream) this.#streams.delete(key);
    for (const viewer of stream.viewers)
      viewer(error === undefined ? { kind: 'end' } : { kind: 'end', error });
  }
}
