/**
 * A response body yielding `chunks`, for stream-parser tests; `state.closed` becomes true when its
 * `finally` runs — on `return()` (a consumer leaving early) or at the end — so tests can prove the
 * parser closes what it reads.
 */
export function chunkSource(chunks: Iterable<Uint8Array>): {
  body: AsyncIterable<Uint8Array>;
  state: { closed: boolean };
} {
  const state = { closed: false };
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of chunks) yield chunk;
    } finally {
      state.closed = true;
    }
  }
  return { body: body(), state };
}
