/**
 * Re-chunks output frames into whole lines, per stream. Needed for `logs` with `timestamps`, where
 * each line starts with its RFC 3339 timestamp but the daemon's frames need not align with lines.
 *
 * @example
 * ```ts
 * import { demuxFrames, splitLines } from '@gantry/engine/streams';
 * for await (const { stream, data } of splitLines(demuxFrames(body, 'multiplexed'))) {
 *   const line = data.toString('utf8'); // '2024-05-02T10:15:31.712316446Z hello\n'
 * }
 * ```
 */
import type { LogFrame } from './demux.ts';

/**
 * Yields one frame per complete line (each keeping its `\n`), tracking a partial line per stream
 * so interleaved stdout / stderr frames never mix. A line inside one frame is a zero-copy view; a
 * line spread over several frames is copied once. At the end, unfinished lines are flushed
 * (without `\n`) in the order they were started. Breaking out closes `frames`.
 *
 * @example
 * ```ts
 * for await (const frame of splitLines(frames)) console.log(frame.stream, JSON.stringify(frame.data.toString()));
 * // stdout "line 1\n", stderr "oops\n", stdout "last line without newline"
 * ```
 */
export async function* splitLines(frames: AsyncIterable<LogFrame>): AsyncIterable<LogFrame> {
  // Map iteration order = insertion order: a stream is (re)inserted when its partial line starts.
  const partial = new Map<LogFrame['stream'], Buffer[]>();
  for await (const { stream, data } of frames) {
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
      const pieces = partial.get(stream);
      let line = data.subarray(start, nl + 1);
      if (pieces) {
        pieces.push(line);
        line = Buffer.concat(pieces);
        partial.delete(stream);
      }
      start = nl + 1;
      yield { stream, data: line };
    }
    if (start < data.length) {
      const rest = data.subarray(start);
      const pieces = partial.get(stream);
      if (pieces) pieces.push(rest);
      else partial.set(stream, [rest]);
    }
  }
  for (const [stream, pieces] of partial) yield { stream, data: Buffer.concat(pieces) };
}
