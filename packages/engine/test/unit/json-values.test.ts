import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineStreamError } from '../../src/errors.ts';
import { parseJsonValues } from '../../src/streams/json-values.ts';
import { chunkSource } from './chunk-source.ts';

async function parseAll(chunks: Iterable<Uint8Array>): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of parseJsonValues(chunkSource(chunks).body)) values.push(value);
  return values;
}

function* chunked(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
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

// Everything the scanner has to get right, in one stream: CRLF / LF / no separators, several values
// per chunk, escaped quotes and backslashes, braces and brackets inside strings, multi-byte UTF-8
// (2, 3 and 4 bytes), top-level strings and scalars, and a final scalar ended by end of stream.
const text =
  '{"status":"Pulling fs layer","id":"a1b2"}\r\n' +
  '{"msg":"quote \\" brace { bracket [ ] } backslash \\\\","é":"日本語 🐳","u":"\\u00e9"}\r\n' +
  '[1,[2,[3]],{"x":null,"y":"}]"}]\n' +
  '{"a":1}{"b":{"c":[]}}' +
  '"top \\"string\\" {"' +
  ' 42 true\tnull\r\n-1.5e3 ' +
  '{"end":"\\\\"}' +
  '0.25';
const bytes = Buffer.from(text, 'utf8');
const expected: unknown[] = [
  { status: 'Pulling fs layer', id: 'a1b2' },
  { msg: 'quote " brace { bracket [ ] } backslash \\', é: '日本語 🐳', u: 'é' },
  [1, [2, [3]], { x: null, y: '}]' }],
  { a: 1 },
  { b: { c: [] } },
  'top "string" {',
  42,
  true,
  null,
  -1500,
  { end: '\\' },
  0.25,
];

test('a mixed sequence of JSON values in one chunk', async () => {
  assert.deepEqual(await parseAll([bytes]), expected);
});

test('values split at every byte boundary, including inside UTF-8 characters and escapes', async () => {
  assert.ok(bytes.length > text.length, 'has multi-byte characters');
  for (let i = 0; i <= bytes.length; i++) {
    assert.deepEqual(
      await parseAll([bytes.subarray(0, i), bytes.subarray(i)]),
      expected,
      `split at byte ${i}`,
    );
  }
});

test('values fed one byte at a time', async () => {
  assert.deepEqual(await parseAll(chunked(bytes, 1)), expected);
});

test('every pair of split points inside a value with a 4-byte character and escapes', async () => {
  const small = Buffer.from('{"k":"a\\"}🐳{"}1 "é"', 'utf8');
  const want = [{ k: 'a"}🐳{' }, 1, 'é'];
  for (let i = 0; i <= small.length; i++) {
    for (let j = i; j <= small.length; j++) {
      const chunks = [small.subarray(0, i), small.subarray(i, j), small.subarray(j)];
      assert.deepEqual(await parseAll(chunks), want, `split at ${i} and ${j}`);
    }
  }
});

test('a top-level number split across chunks is one number, not two', async () => {
  assert.deepEqual(await parseAll([Buffer.from('1'), Buffer.from('2'), Buffer.from('3\n4')]), [123, 4]);
});

test('\\r\\n-separated messages as the engine sends them', async () => {
  const lines = ['{"status":"Waiting","id":"1"}', '{"status":"Downloading","id":"1","progressDetail":{}}'];
  assert.deepEqual(await parseAll([Buffer.from(`${lines.join('\r\n')}\r\n`)]), [
    { status: 'Waiting', id: '1' },
    { status: 'Downloading', id: '1', progressDetail: {} },
  ]);
});

test('application/json-seq: RS before each value, LF after', async () => {
  const seq = Buffer.from('\x1e{"a":1}\n\x1e{"b":2}\n\x1e"s"\n\x1e7\n\x1e[]\n');
  assert.deepEqual(await parseAll([seq]), [{ a: 1 }, { b: 2 }, 's', 7, []]);
  for (let i = 0; i <= seq.length; i++) {
    assert.deepEqual(await parseAll([seq.subarray(0, i), seq.subarray(i)]), [{ a: 1 }, { b: 2 }, 's', 7, []]);
  }
});

test('whitespace only, or nothing at all, yields no values', async () => {
  assert.deepEqual(await parseAll([Buffer.from(' \r\n\t '), Buffer.from('\n')]), []);
  assert.deepEqual(await parseAll([]), []);
});

test('malformed JSON throws STREAM_PROTOCOL after the good values before it', async () => {
  const seen: unknown[] = [];
  const err = await rejection(
    (async () => {
      for await (const value of parseJsonValues(
        chunkSource([Buffer.from('{"a":1}\r\n{"b":}\r\n{"c":3}')]).body,
      )) {
        seen.push(value);
      }
    })(),
  );
  assert.deepEqual(seen, [{ a: 1 }]);
  assert.equal(err.code, 'STREAM_PROTOCOL');
  assert.match(err.message, /^malformed JSON in stream: .+ near: \{"b":\}$/);
});

test('other malformed input: stray closer, bad literal, truncated value', async () => {
  const stray = await rejection(parseAll([Buffer.from('{"a":1}\n} trailing')]));
  assert.equal(stray.code, 'STREAM_PROTOCOL');
  assert.match(stray.message, /^malformed JSON in stream: unexpected '\}' near: \} trailing/);

  const literal = await rejection(parseAll([Buffer.from('tru\n')]));
  assert.equal(literal.code, 'STREAM_PROTOCOL');
  assert.match(literal.message, /near: tru$/);

  const truncated = await rejection(parseAll([Buffer.from('{"status":"Down'), Buffer.from('loading"')]));
  assert.equal(truncated.code, 'STREAM_PROTOCOL');
  assert.match(truncated.message, /^malformed JSON in stream: .+ near: \{"status":"Downloading"$/);
});

test('the error quotes only the first 80 characters of the bad value', async () => {
  const bad = `{"k":"${'v'.repeat(200)}",}`;
  const err = await rejection(parseAll([Buffer.from(bad)]));
  const near = err.message.slice(err.message.indexOf(' near: ') + 7);
  assert.equal(near, bad.slice(0, 80));
});

test('breaking out early closes the source', async () => {
  const { body, state } = chunkSource([Buffer.from('{"n":1}{"n":2}'), Buffer.from('{"n":3}')]);
  for await (const value of parseJsonValues(body)) {
    assert.deepEqual(value, { n: 1 });
    break;
  }
  assert.equal(state.closed, true);
});

test('linear: one 1 MiB value in 16-byte chunks is copied once, counted through Buffer.concat', async () => {
  const value = { data: 'x'.repeat(1 << 20), esc: '\\"{[' };
  const body = Buffer.from(`${JSON.stringify(value)}\n`);
  const concat = Buffer.concat;
  let copied = 0;
  Buffer.concat = (list: readonly Uint8Array[], totalLength?: number) => {
    const result = concat(list, totalLength);
    copied += result.length;
    return result;
  };
  let values: unknown[];
  try {
    values = await parseAll(chunked(body, 16));
  } finally {
    Buffer.concat = concat;
  }
  assert.deepEqual(values, [value]);
  assert.ok(copied <= body.length, `copied ${copied} bytes for a ${body.length}-byte stream`);
});

test('linear: 20,000 small values in 1-byte chunks, and 8 MiB of messages in 64 KiB chunks', async () => {
  const small = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `{"i":${i % 10}}`).join(''));
  let n = 0;
  for await (const value of parseJsonValues(chunkSource(chunked(small, 1)).body)) {
    assert.deepEqual(value, { i: n % 10 });
    n++;
  }
  assert.equal(n, 20_000);

  const message = (i: number) =>
    `{"status":"Downloading","progressDetail":{"current":${i},"total":1000000},"progress":"[==>  ] ${i}","id":"é${i}"}\r\n`;
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 8 * 1024 * 1024; i++) {
    lines.push(message(i));
    size += lines[i]?.length ?? 0;
  }
  const big = Buffer.from(lines.join(''));
  let count = 0;
  for await (const value of parseJsonValues(chunkSource(chunked(big, 64 * 1024)).body)) {
    const m = value as { progressDetail: { current: number }; id: string };
    assert.equal(m.progressDetail.current, count);
    assert.equal(m.id, `é${count}`);
    count++;
  }
  assert.equal(count, lines.length);
});
