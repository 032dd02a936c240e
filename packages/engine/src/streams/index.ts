/**
 * Decoders for the Docker Engine API's streaming responses: stdio frames (`logs`, `attach`,
 * `exec`), JSON value streams (`events`, `stats`, progress) and progress streams (`pull`, `push`,
 * `build`, `load`). Exported as `@gantry/engine/streams` for code that talks to the API directly.
 *
 * @example
 * ```ts
 * import { demuxFrames, parseJsonValues, progressStream, splitLines } from '@gantry/engine/streams';
 * const pull = progressStream(parseJsonValues(response.body));
 * await pull.wait();
 * ```
 */
export { demuxFrames, frameMultiplexed, type LogFrame } from './demux.ts';
export { parseJsonValues } from './json-values.ts';
export { splitLines } from './lines.ts';
export { type JsonMessage, type ProgressResult, type ProgressStream, progressStream } from './progress.ts';
