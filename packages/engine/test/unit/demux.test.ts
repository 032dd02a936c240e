import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError, EngineStreamError } from '../../src/errors.ts';
import { demuxFrames, frameMultiplexed, type LogFrame } from '../../src/streams/demux.ts';
import { chunkSource } from './chunk-source.ts';

async function collect(body: AsyncIterable<Uint8Array>, format: 'multiplexed' | 'raw' = 'multiplexed') {
  const out: { stream: LogFrame['stream']; text: string }[] = [];
  for await (const frame of demuxFrames(body, format)) {
    assert.ok(frame.data.length > 0, 'frames are never empty');
    out.push({ stream: frame.stream, text: frame.data.toString('utf8') });
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<EngineStreamError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EngineStreamError, `expected EngineStreamError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

/** Chunks of `bytes`, each of `size` bytes (the last may be shorter). */
function* chunked(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const long = 'x'.repeat(300);
const stream = Buffer.concat([
  frameMultiplexed(1, Buffer.from('hello\n')),
  frameMultiplexed(2, Buffer.from('warn: ünïcödé 🐳\n')),
  frameMultiplexed(1, Buffer.alloc(0)),
  frameMultiplexed(1, Buffer.from(long)),
  frameMultiplexed(2, Buffer.alloc(0)),
  Buffer.from([0, 0, 0, 0, 0, 0, 0, 3, 0x69, 0x6e, 0x0a]), // type 0 (stdin echo) → stdout
  frameMultiplexed(2, Buffer.from('bye')),
]);
const expected = [
  { stream: 'stdout', text: 'hello\n' },
  { stream: 'stderr', text: 'warn: ünïcödé 🐳\n' },
  { stream: 'stdout', text: long },
  { stream: 'stdout', text: 'in\n' },
  { stream: 'stderr', text: 'bye' },
];

test('frameMultiplexed writes the 8-byte header: type, 3 zero bytes, uint32 big-endian size', () => {
  const frame = frameMultiplexed(2, Buffer.alloc(0x01_0203, 0xaa));
  assert.deepEqual([...frame.subarray(0, 8)], [2, 0, 0, 0, 0, 0x01, 0x02, 0x03]);
  assert.equal(frame.length, 8 + 0x01_0203);
  assert.equal(frame[8], 0xaa);
  assert.deepEqual([...frameMultiplexed(1, Buffer.from('ab'))], [1, 0, 0, 0, 0, 0, 0, 2, 0x61, 0x62]);
});

test('a multiplexed stream in one chunk: stdout, stderr, stdin→stdout, empty payloads yield nothing', async () => {
  assert.deepEqual(await collect(chunkSource([stream]).body), expected);
});

test('frames split at every byte boundary decode the same', async () => {
  for (let i = 0; i <= stream.length; i++) {
    const frames = await collect(chunkSource([stream.subarray(0, i), stream.subarray(i)]).body);
    assert.deepEqual(frames, expected, `split at byte ${i}`);
  }
});

test('frames fed one byte at a time decode the same', async () => {
  assert.deepEqual(await collect(chunkSource(chunked(stream, 1)).body), expected);
});

test('frames split at every pair of boundaries (three chunks) decode the same', async () => {
  const prefix = Buffer.concat([
    frameMultiplexed(1, Buffer.from('hello\n')),
    frameMultiplexed(2, Buffer.from('é🐳\n')),
    frameMultiplexed(1, Buffer.alloc(0)),
    frameMultiplexed(1, Buffer.from('z')),
  ]);
  const wantPrefix = [
    { stream: 'stdout', text: 'hello\n' },
    { stream: 'stderr', text: 'é🐳\n' },
    { stream: 'stdout', text: 'z' },
  ];
  for (let i = 0; i <= prefix.length; i++) {
    for (let j = i; j <= prefix.length; j++) {
      const chunks = [prefix.subarray(0, i), prefix.subarray(i, j), prefix.subarray(j)];
      assert.deepEqual(await collect(chunkSource(chunks).body), wantPrefix, `split at ${i} and ${j}`);
    }
  }
});

test('a frame inside one chunk is a zero-copy view of it', async () => {
  const chunk = Buffer.concat([
    frameMultiplexed(1, Buffer.from('abc')),
    frameMultiplexed(2, Buffer.from('de')),
  ]);
  const frames: LogFrame[] = [];
  for await (const frame of demuxFrames(chunkSource([chunk]).body, 'multiplexed')) frames.push(frame);
  assert.equal(frames.length, 2);
  for (const frame of frames) assert.equal(frame.data.buffer, chunk.buffer, 'shares the chunk memory');
  assert.equal(frames[0]?.data.byteOffset, chunk.byteOffset + 8);
  assert.equal(frames[1]?.data.byteOffset, chunk.byteOffset + 8 + 3 + 8);
});

test('plain Uint8Array chunks (not Buffers) are accepted', async () => {
  const bytes = new Uint8Array(frameMultiplexed(1, Buffer.from('ok')));
  assert.deepEqual(await collect(chunkSource([bytes.subarray(0, 5), bytes.subarray(5)]).body), [
    { stream: 'stdout', text: 'ok' },
  ]);
});

test('a systemerr frame (type 3) throws STREAM_ERROR with the daemon text, even split across chunks', async () => {
  const body = Buffer.concat([
    frameMultiplexed(1, Buffer.from('before\n')),
    frameMultiplexed(3, Buffer.from('error from daemon in stream: unable to read logs\n')),
    frameMultiplexed(1, Buffer.from('never\n')),
  ]);
  for (const chunks of [[body], [...chunked(body, 1)], [body.subarray(0, 20), body.subarray(20)]]) {
    const seen: string[] = [];
    const err = await rejection(
      (async () => {
        for await (const frame of demuxFrames(chunkSource(chunks).body, 'multiplexed'))
          seen.push(frame.data.toString());
      })(),
    );
    assert.equal(err.code, 'STREAM_ERROR');
    assert.equal(err.message, 'error from daemon in stream: unable to read logs');
    assert.deepEqual(seen, ['before\n'], 'frames before the error are delivered, none after');
  }
});

test('an unknown frame type throws STREAM_PROTOCOL naming the byte', async () => {
  // What a TTY stream read as multiplexed looks like: text where the header should be.
  const err = await rejection(collect(chunkSource([Buffer.from('{"not":"a frame"}')]).body));
  assert.equal(err.code, 'STREAM_PROTOCOL');
  assert.match(err.message, /0x7b/);
  const err2 = await rejection(
    collect(chunkSource([Buffer.from([9, 0, 0]), Buffer.from([0, 0, 0, 0, 1, 0x41])]).body),
  );
  assert.equal(err2.code, 'STREAM_PROTOCOL');
  assert.match(err2.message, /0x09/);
});

test('a stream ending inside a frame throws STREAM_PROTOCOL with how much arrived', async () => {
  const frame = frameMultiplexed(1, Buffer.from('hello'));
  const midPayload = await rejection(collect(chunkSource([frame.subarray(0, 10)]).body));
  assert.equal(midPayload.code, 'STREAM_PROTOCOL');
  assert.equal(midPayload.message, 'stream ended inside a frame: got 10 of 13 bytes');
  const midHeader = await rejection(collect(chunkSource([frame, frame.subarray(0, 3)]).body));
  assert.equal(midHeader.message, 'stream ended inside a frame: got 3 of 8 bytes');
  const afterHeader = await rejection(collect(chunkSource([frame.subarray(0, 8)]).body));
  assert.equal(afterHeader.message, 'stream ended inside a frame: got 8 of 13 bytes');
});

test('breaking out early closes the source', async () => {
  const frame = frameMultiplexed(1, Buffer.from('tick\n'));
  const state = { closed: false, pulled: 0 };
  async function* endless(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        state.pulled++;
        yield frame;
      }
    } finally {
      state.closed = true;
    }
  }
  let seen = 0;
  for await (const _ of demuxFrames(endless(), 'multiplexed')) {
    if (++seen === 3) break;
  }
  assert.equal(seen, 3);
  assert.equal(state.closed, true, "the source's finally ran");
  assert.equal(state.pulled, 3);

  // Same through the explicit iterator protocol, and in raw mode.
  state.closed = false;
  const it = demuxFrames(endless(), 'raw')[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.stream, 'console');
  await it.return?.();
  assert.equal(state.closed, true);
});

test('an error thrown by the consumer also closes the source', async () => {
  const { body, state } = chunkSource([
    frameMultiplexed(1, Buffer.from('a')),
    frameMultiplexed(1, Buffer.from('b')),
  ]);
  await assert.rejects(async () => {
    for await (const _ of demuxFrames(body, 'multiplexed')) throw new Error('consumer failed');
  }, /consumer failed/);
  assert.equal(state.closed, true);
});

test('an aborted signal stops delivery at once, also with frames of the same chunk still queued', async () => {
  // Podman sends several log lines in one chunk: frames after the abort must not come out.
  const { body, state } = chunkSource([
    Buffer.concat(
      ['one\n', 'two\n', 'three\n', 'four\n'].map((line) => frameMultiplexed(1, Buffer.from(line))),
    ),
  ]);
  const controller = new AbortController();
  const seen: string[] = [];
  await assert.rejects(
    async () => {
      for await (const frame of demuxFrames(body, 'multiplexed', controller.signal)) {
        seen.push(frame.data.toString('utf8'));
        if (seen.length === 2) controller.abort();
      }
    },
    (err: unknown) => err instanceof EngineError && err.code === 'ABORTED',
  );
  assert.deepEqual(seen, ['one\n', 'two\n']);
  assert.equal(state.closed, true);
});

test('raw streams pass each non-empty chunk through as a console frame, without copying', async () => {
  const a = Buffer.from('\u001b[32mcolour\u001b[0m\r\n');
  const b = Buffer.from([1, 0, 0, 0, 0, 0, 0, 1]); // looks like a header, but raw is raw
  const frames: LogFrame[] = [];
  for await (const frame of demuxFrames(chunkSource([a, Buffer.alloc(0), b]).body, 'raw')) frames.push(frame);
  assert.equal(frames.length, 2);
  assert.equal(frames[0]?.stream, 'console');
  assert.equal(frames[0]?.data, a, 'the very same Buffer');
  assert.equal(frames[1]?.data, b);
});

test('linear: 50,000 one-byte frames fed one byte at a time', async () => {
  const count = 50_000;
  const body = Buffer.alloc(count * 9);
  for (let i = 0; i < count; i++) {
    body[i * 9] = 1 + (i % 2);
    body[i * 9 + 7] = 1;
    body[i * 9 + 8] = i & 0xff;
  }
  let frames = 0;
  for await (const frame of demuxFrames(chunkSource(chunked(body, 1)).body, 'multiplexed')) {
    assert.equal(frame.stream, frames % 2 === 0 ? 'stdout' : 'stderr');
    assert.equal(frame.data[0], frames & 0xff);
    frames++;
  }
  assert.equal(frames, count);
});

test('linear: each payload byte is copied at most once, counted through Buffer.concat', async () => {
  // A 1 MiB frame fed in 1 KiB chunks: a decoder that concatenates its pending buffer on every
  // chunk would copy ~512 MiB; assembling once copies exactly 1 MiB.
  const payload = Buffer.alloc(1 << 20, 7);
  const body = Buffer.concat([frameMultiplexed(1, payload), frameMultiplexed(2, Buffer.from('end'))]);
  const concat = Buffer.concat;
  let copied = 0;
  Buffer.concat = (list: readonly Uint8Array[], totalLength?: number) => {
    const result = concat(list, totalLength);
    copied += result.length;
    return result;
  };
  let frames: LogFrame[];
  try {
    frames = [];
    for await (const frame of demuxFrames(chunkSource(chunked(body, 1024)).body, 'multiplexed'))
      frames.push(frame);
  } finally {
    Buffer.concat = concat;
  }
  assert.equal(frames.length, 2);
  assert.ok(frames[0]?.data.equals(payload));
  assert.equal(frames[1]?.data.toString(), 'end');
  assert.ok(copied <= payload.length + 3, `copied ${copied} bytes for a ${payload.length}-byte payload`);
});

test('a 64 MiB stream in 64 KiB chunks decodes every byte, with frames straddling chunks', async () => {
  const frameSize = 100_003; // not a divisor of 64 KiB: most frames straddle a chunk boundary
  const frames: Buffer[] = [];
  let total = 0;
  for (let i = 0; total < 64 * 1024 * 1024; i++) {
    const payload = Buffer.alloc(frameSize, i & 0xff);
    frames.push(frameMultiplexed(i % 3 === 2 ? 2 : 1, payload));
    total += frameSize + 8;
  }
  const body = Buffer.concat(frames);
  let count = 0;
  let bytes = 0;
  for await (const frame of demuxFrames(chunkSource(chunked(body, 64 * 1024)).body, 'multiplexed')) {
    assert.equal(frame.data.length, frameSize);
    assert.equal(frame.stream, count % 3 === 2 ? 'stderr' : 'stdout');
    // The first and last bytes carry the frame number: no byte lost or shifted.
    assert.equal(frame.data[0], count & 0xff);
    assert.equal(frame.data[frameSize - 1], count & 0xff);
    bytes += frame.data.length;
    count++;
  }
  assert.equal(count, frames.length);
  assert.equal(bytes, count * frameSize);
  assert.ok(body.length >= 64 * 1024 * 1024);
});
