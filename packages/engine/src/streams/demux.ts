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
import { EngineError, EngineStreamError } from '../errors.ts';

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
 * Breaking out of the loop (or an error) calls `return()` on `body`, which closes the request.
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
): AsyncIterable<LogFrame> {
  return format === 'raw' ? rawFrames(body) : multiplexedFrames(body);
}

async function* rawFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<LogFrame, void, undefined> {
  for await (const chunk of body) {
    if (chunk.byteLength > 0) yield { stream: 'console', data: asBuffer(chunk) };
  }
}

async function* multiplexedFrames(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<LogFrame, void, undefined> {
  // Header being assembled across chunks (only used when a header straddles a chunk boundary).
  const header = Buffer.alloc(HEADER_BYTES);
  let headerFilled = 0;
  // Current frame: type and payload size once its header is known; size -1 = expecting a header.
  let type = 0;
  let size = -1;
  // Payload pieces received so far for a frame that straddles chunks, and their total length.
  let parts: Buffer[] = [];
  let partsBytes = 0;

  for await (const raw of body) {
    const chunk = asBuffer(raw);
    const end = chunk.length;
    let offset = 0;
    while (offset < end) {
      if (size < 0) {
        if (headerFilled === 0 && end - offset >= HEADER_BYTES) {
          type = chunk[offset] as number;
          size = chunk.readUInt32BE(offset + 4);
          offset += HEADER_BYTES;
        } else {
          const take = Math.min(HEADER_BYTES - headerFilled, end - offset);
          chunk.copy(header, headerFilled, offset, offset + take);
          headerFilled += take;
          offset += take;
          if (headerFilled < HEADER_BYTES) break;
          headerFilled = 0;
          type = header[0] as number;
          size = header.readUInt32BE(4);
        }
        if (type > 3) {
          throw new EngineStreamError(
            'STREAM_PROTOCOL',
            `invalid multiplexed stream: unknown frame type byte 0x${type.toString(16).padStart(2, '0')} (expected 0-3) — is this a TTY stream read as multiplexed?`,
          );
        }
        if (size === 0) {
          size = -1;
          if (type === 3) throw systemError(Buffer.alloc(0));
        }
        continue;
      }
      const need = size - partsBytes;
      const available = end - offset;
      let data: Buffer;
      if (available < need) {
        parts.push(offset === 0 ? chunk : chunk.subarray(offset));
        partsBytes += available;
        break;
      }
      if (partsBytes === 0) {
        data = chunk.subarray(offset, offset + need);
      } else {
        parts.push(chunk.subarray(offset, offset + need));
        data = Buffer.concat(parts, size);
        parts = [];
        partsBytes = 0;
      }
      offset += need;
      size = -1;
      if (type === 3) throw systemError(data);
      yield { stream: type === 2 ? 'stderr' : 'stdout', data };
    }
  }

  if (headerFilled > 0) {
    throw new EngineStreamError(
      'STREAM_PROTOCOL',
      `stream ended inside a frame: got ${headerFilled} of ${HEADER_BYTES} bytes`,
    );
  }
  if (size >= 0) {
    throw new EngineStreamError(
      'STREAM_PROTOCOL',
      `stream ended inside a frame: got ${HEADER_BYTES + partsBytes} of ${HEADER_BYTES + size} bytes`,
    );
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
