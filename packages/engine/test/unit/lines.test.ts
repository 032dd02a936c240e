import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demuxFrames, frameMultiplexed, type LogFrame } from '../../src/streams/demux.ts';
import { splitLines } from '../../src/streams/lines.ts';

function frames(list: [LogFrame['stream'], string][]) {
  const state = { closed: false };
  async function* gen(): AsyncGenerator<LogFrame> {
    try {
      for (const [stream, text] of list) yield { stream, data: Buffer.from(text) };
    } finally {
      state.closed = true;
    }
  }
  return { body: gen(), state };
}

async function lines(source: AsyncIterable<LogFrame>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const { stream, data } of splitLines(source)) out.push([stream, data.toString('utf8')]);
  return out;
}

test('re-chunks each stream into whole lines, keeping the newline', async () => {
  const { body } = frames([
    ['stdout', 'a\nb'],
    ['stderr', 'x'],
    ['stdout', 'c\nd\n'],
    ['stderr', 'y\n'],
    ['stdout', '\n'],
  ]);
  assert.deepEqual(await lines(body), [
    ['stdout', 'a\n'],
    ['stdout', 'bc\n'],
    ['stdout', 'd\n'],
    ['stderr', 'xy\n'],
    ['stdout', '\n'],
  ]);
});

test('unfinished lines are flushed at the end, in the order they started', async () => {
  const { body } = frames([
    ['stderr', 'err '],
    ['stdout', 'out'],
    ['stderr', 'tail'],
    ['console', 'tty'],
  ]);
  assert.deepEqual(await lines(body), [
    ['stderr', 'err tail'],
    ['stdout', 'out'],
    ['console', 'tty'],
  ]);
});

test('a line inside one frame is a zero-copy view of it', async () => {
  const data = Buffer.from('one\ntwo\n');
  async function* one(): AsyncGenerator<LogFrame> {
    yield { stream: 'stdout', data };
  }
  const out: LogFrame[] = [];
  for await (const frame of splitLines(one())) out.push(frame);
  assert.equal(out.length, 2);
  for (const frame of out) assert.equal(frame.data.buffer, data.buffer);
});

test('timestamped log lines survive frames split at every byte boundary', async () => {
  const text = [
    '2024-05-02T10:15:31.712316446Z starting ünïcode 🐳\n',
    '2024-05-02T10:15:31.812316446Z ready\n',
    '2024-05-02T10:15:32.000000000Z no newline at end',
  ].join('');
  const want = text.split(/(?<=\n)/).map((line) => ['stdout', line]);
  const bytes = Buffer.from(text);
  for (let i = 0; i <= bytes.length; i++) {
    const body = Buffer.concat([
      frameMultiplexed(1, bytes.subarray(0, i)),
      frameMultiplexed(1, bytes.subarray(i)),
    ]);
    async function* chunks(): AsyncGenerator<Buffer> {
      yield body.subarray(0, 5);
      yield body.subarray(5);
    }
    assert.deepEqual(await lines(demuxFrames(chunks(), 'multiplexed')), want, `split at ${i}`);
  }
});

test('breaking out early closes the source', async () => {
  const { body, state } = frames([
    ['stdout', 'a\nb\n'],
    ['stdout', 'c\n'],
  ]);
  for await (const frame of splitLines(body)) {
    assert.equal(frame.data.toString(), 'a\n');
    break;
  }
  assert.equal(state.closed, true);
});
