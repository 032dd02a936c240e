/**
 * Decoder (and encoder) for Docker's stdio stream format, as sent by `logs`, `attach` and `exec`
 * when the container has no TTY (moby `pkg/stdcopy`): every frame is an 8-byte header
 * `[type, 0, 0, 0, size₀, size₁, size₂, size₃]` (size = payload length in bytes, uint32 big-endian)
 * followed by `size` payload bytes. A TTY stream is "raw": unframed bytes, all on one console.
 *
 * The decoder is linear in the input: a frame inside one chunk is a zero-copy `subarray` of it,
 * a frame split across chunks is copied exactly once, when its last byte arrives.
 *
 * @example
 * ```ts
 * import { demuxFrames } from '@gantry/engine/streams';
 * for await (const frame of demuxFrames(response.body, 'multiplexed')) {
 *   (frame.stream === 'stderr' ? process.stderr : process.stdout).write(frame.data);
 * }
 * ```
 */
import { abortError, EngineError, EngineStreamError } from '../errors.ts';

/** Bytes in a multiplexed frame header. */
const HEADER_BYTES = 8;
/** Largest payload a header can describe (uint32). */
const MAX_PAYLOAD = 0xffff_ffff;

/**
 * One piece of a container's output.
 *
 * @example
 * ```ts
 * const frame: LogFrame = { stream: 'stdout', data: Buffer.from('hello\n') };
 * ```
 */
export interface LogFrame {
  /** `stdout` / `stderr` for a multiplexed stream; `console` for a TTY (raw) stream, where both are merged. */
  readonly stream: 'stdout' | 'stderr' | 'console';
  /** The payload, never empty. May be a view into a larger network buffer: copy it if you keep it long. */
  readonly data: Buffer;
}

/**
 * A Uint8Array viewed as a Buffer without copying (same memory). Internal to the stream decoders.
 *
 * @internal
 * @example
 * ```ts
 * const view = asBuffer(new Uint8Array([104, 105])); // view.toString() === 'hi'
 * ```
 */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Decodes a stdio response body into frames.
 *
 * - `multiplexed`: header type 0 (stdin, echoed back by some daemons) and 1 → `stdout`, 2 → `stderr`;
 *   3 (systemerr: the daemon failed mid-stream) throws `EngineStreamError('STREAM_ERROR')` with the
 *   payload text as message; any other type throws `STREAM_PROTOCOL` (the stream is not multiplexed
 *   or is corrupt). Empty payloads yield nothing. A body ending inside a frame (header or payload)
 *   throws `STREAM_PROTOCOL`.
 * - `raw`: every non-empty chunk becomes one `console` frame, as is (no copy, no line splitting).
 *
 * Breaking out of the loop (or an error) calls `return()` on `body`, which closes the request. Once
 * `signal` is aborted the next frame is an `ABORTED` error, also when more frames of an earlier
 * chunk are waiting (Podman sends several log lines per chunk).
 *
 * @example
 * ```ts
 * let out = '';
 * for await (const { stream, data } of demuxFrames(body, 'multiplexed')) {
 *   if (stream === 'stdout') out += data.toString('utf8');
 * }
 * ```
 */
export function demuxFrames(
  body: AsyncIterable<Uint8Array>,
  format: 'multiplexed' | 'raw',
  signal?: AbortSignal,
): AsyncIterable<LogFrame> {
  return format === 'raw' ? rawFrames(body) : multiplexedFrames(body, signal);
}

async function* rawFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<LogFrame, void, undefined> {
  for await (const chunk of body) {
    if (chunk.byteLength > 0) yield { stream: 'console', data: asBuffer(chunk) };
  }
}

/**
 * Frames from a multiplexed body. A hand-written iterator rather than an async generator: a log
 * read yields millions of small frames, and each frame should cost a resolved promise, not a
 * generator resume on top. All complete frames of a chunk are decoded at once into a queue.
 */
function multiplexedFrames(body: AsyncIterable<Uint8Array>, signal?: AbortSignal): AsyncIterable<LogFrame> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<LogFrame> {
      const source = body[Symbol.asyncIterator]();
      const decoder = new MultiplexedDecoder();
      let queue: LogFrame[] = [];
      let index = 0;
      let ended = false;
      // An error found after some frames of the same chunk: thrown once those frames are delivered.
      let failure: unknown;
      const close = async (): Promise<void> => {
        ended = true;
        queue = [];
        await source.return?.();
      };
      return {
        async next(): Promise<IteratorResult<LogFrame>> {
          while (index >= queue.length) {
            if (failure !== undefined) {
              await close();
              throw failure;
            }
            if (ended) return { done: true, value: undefined };
            queue = [];
            index = 0;
            try {
              const step = await source.next();
              if (step.done) {
                ended = true;
                decoder.finish();
              } else {
                decoder.decode(asBuffer(step.value), queue);
              }
            } catch (err) {
              failure = err;
            }
          }
          if (signal?.aborted) {
            await close();
            throw abortError(signal);
          }
          return { done: false, value: queue[index++] as LogFrame };
        },
        async return(): Promise<IteratorResult<LogFrame>> {
          await close();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** The multiplexed frame decoder's state, kept across chunks. */
class MultiplexedDecoder {
  /** Header being assembled (only when a header straddles a chunk boundary). */
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFilled = 0;
  /** Current frame's type and payload size once its header is known; size -1 = expecting a header. */
  #type = 0;
  #size = -1;
  /** Payload pieces of a frame that straddles chunks, and their total length. */
  #parts: Buffer[] = [];
  #partsBytes = 0;

  /** Appends every frame completed by `chunk` to `out`; throws on a systemerr or corrupt frame. */
  decode(chunk: Buffer, out: LogFrame[]): void {
    const end = chunk.length;
    let offset = 0;
    while (offset < end) {
      if (this.#size < 0) {
        if (this.#headerFilled === 0 && end - offset >= HEADER_BYTES) {
          this.#type = chunk[offset] as number;
          this.#size = chunk.readUInt32BE(offset + 4);
          offset += HEADER_BYTES;
        } else {
          const take = Math.min(HEADER_BYTES - this.#headerFilled, end - offset);
          chunk.copy(this.#header, this.#headerFilled, offset, offset + take);
          this.#headerFilled += take;
          offset += take;
          if (this.#headerFilled < HEADER_BYTES) return;
          this.#headerFilled = 0;
          this.#type = this.#header[0] as number;
          this.#size = this.#header.readUInt32BE(4);
        }
        if (this.#type > 3) {
          throw new EngineStreamError(
            'STREAM_PROTOCOL',
            `invalid multiplexed stream: unknown frame type byte 0x${this.#type.toString(16).padStart(2, '0')} (expected 0-3) — is this a TTY stream read as multiplexed?`,
          );
        }
        if (this.#size === 0) {
          this.#size = -1;
          if (this.#type === 3) throw systemError(Buffer.alloc(0));
        }
        continue;
      }
      const need = this.#size - this.#partsBytes;
      const available = end - offset;
      if (available < need) {
        this.#parts.push(offset === 0 ? chunk : chunk.subarray(offset));
        this.#partsBytes += available;
        return;
      }
      let data: Buffer;
      if (this.#partsBytes === 0) {
        data = chunk.subarray(offset, offset + need);
      } else {
        this.#parts.push(chunk.subarray(offset, offset + need));
        data = Buffer.concat(this.#parts, this.#size);
        this.#parts = [];
        this.#partsBytes = 0;
      }
      offset += need;
      this.#size = -1;
      if (this.#type === 3) throw systemError(data);
      out.push({ stream: this.#type === 2 ? 'stderr' : 'stdout', data });
    }
  }

  /** The body ended: throws when it ended inside a frame. */
  finish(): void {
    if (this.#headerFilled > 0) {
      throw new EngineStreamError(
        'STREAM_PROTOCOL',
        `stream ended inside a frame: got ${this.#headerFilled} of ${HEADER_BYTES} bytes`,
      );
    }
    if (this.#size >= 0) {
      throw new EngineStreamError(
        'STREAM_PROTOCOL',
        `stream ended inside a frame: got ${HEADER_BYTES + this.#partsBytes} of ${HEADER_BYTES + this.#size} bytes`,
      );
    }
  }
}

/** The error for a systemerr (type 3) frame: the daemon's own message, trailing newline trimmed. */
function systemError(payload: Buffer): EngineStreamError {
  const text = payload.toString('utf8').trimEnd();
  return new EngineStreamError('STREAM_ERROR', text || 'the engine reported an error in the stream', text);
}

/**
 * Encodes one multiplexed frame (header + a copy of `data`): 1 = stdout, 2 = stderr, 3 = systemerr.
 * The inverse of {@link demuxFrames}; used by tests, benchmarks and fake engines.
 * Throws `INVALID_ARGUMENT` when `data` exceeds the uint32 size field (4 GiB − 1 bytes).
 *
 * @example
 * ```ts
 * const body = Buffer.concat([frameMultiplexed(1, Buffer.from('out\n')), frameMultiplexed(2, Buffer.from('err\n'))]);
 * // body.length === 8 + 4 + 8 + 4
 * ```
 */
export function frameMultiplexed(stream: 1 | 2 | 3, data: Uint8Array): Buffer {
  if (data.byteLength > MAX_PAYLOAD) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `frame payload of ${data.byteLength} bytes exceeds ${MAX_PAYLOAD}`,
    );
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + data.byteLength);
  frame[0] = stream;
  frame[1] = 0;
  frame[2] = 0;
  frame[3] = 0;
  frame.writeUInt32BE(data.byteLength, 4);
  frame.set(data, HEADER_BYTES);
  return frame;
}
