import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { EngineError, EngineStreamError } from '../../src/errors.ts';
import { type JsonMessage, type ProgressResult, progressStream } from '../../src/streams/progress.ts';

/**
 * A source of `values`, each after a macrotask (like network reads). `state` records how often it
 * was started, how many values it produced, whether it reached its end and whether its finally ran.
 */
function source(values: unknown[], options: { failAfter?: number } = {}) {
  const state = { starts: 0, produced: 0, ended: false, closed: false };
  async function* gen(): AsyncGenerator<unknown> {
    state.starts++;
    try {
      for (const value of values) {
        await tick();
        if (options.failAfter === state.produced) throw new Error('socket hang up');
        state.produced++;
        yield value;
      }
      await tick();
      state.ended = true;
    } finally {
      state.closed = true;
    }
  }
  return { body: gen(), state };
}

const pull: JsonMessage[] = [
  { status: 'Pulling from library/alpine', id: '3.20' },
  { status: 'Downloading', id: 'a1', progressDetail: { current: 10, total: 100 } },
  { status: 'Pull complete', id: 'a1' },
  { aux: { Tag: '3.20', Digest: 'sha256:abc', Size: 528 } },
  { status: 'Status: Downloaded newer image for alpine:3.20' },
];

test('wait() alone drains the stream and resolves only after it ended', async () => {
  const { body, state } = source(pull);
  const stream = progressStream(body);
  const result = await stream.wait();
  assert.equal(state.ended, true, 'resolved after the end of the stream, not before');
  assert.equal(state.produced, pull.length);
  assert.deepEqual(result, {
    messages: 5,
    lastStatus: 'Status: Downloaded newer image for alpine:3.20',
    aux: [{ Tag: '3.20', Digest: 'sha256:abc', Size: 528 }],
  });
  assert.equal(stream.wait(), stream.wait(), 'same promise every call');
});

test('finish maps the result and runs once, after the last message', async () => {
  const { body, state } = source([
    { stream: 'Step 1/1\n' },
    { aux: { ID: 'sha256:img' } },
    { stream: 'done\n' },
  ]);
  let calls = 0;
  const stream = progressStream(body, async (r: ProgressResult) => {
    calls++;
    assert.equal(state.produced, 3);
    await tick();
    return String(r.aux[0]?.ID);
  });
  const first = stream.wait();
  assert.equal(await first, 'sha256:img');
  assert.equal(await stream.wait(), 'sha256:img');
  assert.equal(calls, 1);
});

test('an error message rejects wait() with the daemon text and closes the source', async () => {
  const detail = { message: 'manifest for alpine:nope not found: manifest unknown' };
  const { body, state } = source([
    { status: 'Pulling from library/alpine', id: 'nope' },
    { errorDetail: detail, error: detail.message },
    { status: 'never read' },
  ]);
  const err = await progressStream(body)
    .wait()
    .then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    );
  assert.ok(err instanceof EngineStreamError);
  assert.equal(err.code, 'STREAM_ERROR');
  assert.equal(err.message, detail.message);
  assert.deepEqual(err.detail, detail);
  assert.equal(state.produced, 2, 'nothing after the error is read');
  assert.equal(state.closed, true);
});

test('errorDetail without error, or error without errorDetail, both throw from messages()', async () => {
  for (const [message, text] of [
    [{ errorDetail: { code: 1, message: 'no space left on device' } }, 'no space left on device'],
    [{ error: 'toomanyrequests: rate limit' }, 'toomanyrequests: rate limit'],
  ] as const) {
    const seen: JsonMessage[] = [];
    await assert.rejects(
      async () => {
        for await (const m of progressStream(source([{ status: 'ok' }, message]).body).messages())
          seen.push(m);
      },
      (err: unknown) =>
        err instanceof EngineStreamError && err.code === 'STREAM_ERROR' && err.message === text,
    );
    assert.deepEqual(seen, [{ status: 'ok' }], 'the error message itself is not yielded');
  }
});

test('messages() and wait() together share one pass over the source', async () => {
  const { body, state } = source(pull);
  const s = progressStream(body);
  const early = s.wait(); // called before messages(): must not claim the stream itself
  let resolvedDuringIteration = false;
  void early.then(() => {
    resolvedDuringIteration = true;
  });
  const seen: JsonMessage[] = [];
  for await (const m of s.messages()) {
    seen.push(m);
    await tick();
    assert.equal(resolvedDuringIteration, false, 'wait() settles only when the stream has ended');
  }
  assert.deepEqual(seen, pull);
  const result = await early;
  assert.equal(result.messages, 5);
  assert.equal(await s.wait(), result);
  assert.equal(state.starts, 1, 'the source was consumed exactly once');
});

test('wait() after messages() was called waits for that iteration', async () => {
  const { body, state } = source(pull);
  const s = progressStream(body);
  const iterable = s.messages();
  const waited = s.wait();
  let count = 0;
  for await (const _ of iterable) count++;
  assert.equal((await waited).messages, count);
  assert.equal(state.starts, 1);
  assert.throws(
    () => s.messages(),
    (err: unknown) => err instanceof EngineError && err.code === 'INVALID_ARGUMENT',
  );
});

test('breaking out of messages() early closes the source and rejects wait() with ABORTED', async () => {
  const { body, state } = source(pull);
  const s = progressStream(body);
  for await (const m of s.messages()) {
    assert.equal(m.status, 'Pulling from library/alpine');
    break;
  }
  assert.equal(state.closed, true, "the source's finally ran");
  assert.equal(state.ended, false);
  await assert.rejects(
    s.wait(),
    (err: unknown) =>
      err instanceof EngineError &&
      err.code === 'ABORTED' &&
      err.message === 'progress stream closed before it finished',
  );
});

test('a transport error rejects wait() with that error', async () => {
  const { body } = source(pull, { failAfter: 2 });
  await assert.rejects(progressStream(body).wait(), /socket hang up/);
});

test('a value that is not an object is a protocol error', async () => {
  await assert.rejects(
    progressStream(source([{ status: 'a' }, 'oops']).body).wait(),
    (err: unknown) =>
      err instanceof EngineStreamError && err.code === 'STREAM_PROTOCOL' && /"oops"/.test(err.message),
  );
});

test('an error from finish rejects wait() and is thrown by messages()', async () => {
  const s = progressStream(source([{ status: 'x' }]).body, () => {
    throw new Error('no image ID in build output');
  });
  await assert.rejects(async () => {
    for await (const _ of s.messages()) {
      // consume
    }
  }, /no image ID/);
  await assert.rejects(s.wait(), /no image ID/);
});

test('no unhandled rejection when wait() is never called', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    // 1. only messages(), and the stream carries an error
    await assert.rejects(async () => {
      for await (const _ of progressStream(source([{ status: 'a' }, { error: 'boom' }]).body).messages()) {
        // consume
      }
    }, /boom/);
    // 2. only messages(), consumer breaks early (the internal promise rejects with ABORTED)
    for await (const _ of progressStream(source(pull).body).messages()) break;
    // 3. only messages(), the transport fails
    await assert.rejects(async () => {
      for await (const _ of progressStream(source(pull, { failAfter: 1 }).body).messages()) {
        // consume
      }
    }, /socket hang up/);
    // Let any unhandled rejection surface (reported after the microtask queue drains).
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
