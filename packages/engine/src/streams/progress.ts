/**
 * Progress streams: the JSON message streams of long operations (`pull`, `push`, `build`, `load`,
 * `import`, plugin install). The HTTP status is 200 as soon as the operation starts, so failure
 * arrives as a message with `error` in the middle of the stream; this module turns that into a
 * thrown error, and gives callers two ways to consume the stream — iterate the messages, or just
 * wait for the end — that share one pass over the source.
 *
 * @example
 * ```ts
 * const pull = docker.images.pull('alpine:3.20');
 * for await (const m of pull.messages()) if (m.status) console.log(m.id ?? '', m.status);
 * const result = await pull.wait(); // resolves once the daemon ended the stream without error
 * ```
 */
import { EngineError, EngineStreamError } from '../errors.ts';

/**
 * One message of a progress stream (moby `pkg/jsonmessage.JSONMessage`).
 *
 * @example
 * ```ts
 * const m: JsonMessage = { status: 'Downloading', id: 'a1b2c3', progressDetail: { current: 1024, total: 4096 } };
 * ```
 */
export interface JsonMessage {
  /** What is happening, e.g. `Downloading`, `Pull complete`, `Digest: sha256:…`. */
  status?: string;
  /** What the status is about: a layer id (pull/push) or image reference. */
  id?: string;
  /** Human-readable progress bar (deprecated by the daemon, still sent). */
  progress?: string;
  /** Progress in bytes: `current` of `total` (total is 0 or absent when unknown). */
  progressDetail?: { current?: number; total?: number };
  /** Build output text (`build`), including its own newlines. */
  stream?: string;
  /** Set when the operation failed: the daemon's message. The stream ends after it. */
  error?: string;
  /** Structured form of `error`; `code` is rarely set. */
  errorDetail?: { code?: number; message?: string };
  /** Auxiliary result data, e.g. `{ ID: 'sha256:…' }` for a build or `{ Tag, Digest, Size }` for a push. */
  aux?: Record<string, unknown>;
  /** Unix time in seconds of the event (events-style messages). */
  time?: number;
  /** Source of the message, e.g. the image an event refers to. */
  from?: string;
}

/**
 * What a progress stream amounted to once it ended without error.
 *
 * @example
 * ```ts
 * const { messages, lastStatus, aux } = await docker.images.push('registry.example/app:1').wait();
 * console.log(messages, lastStatus, aux.at(-1)?.Digest);
 * ```
 */
export interface ProgressResult {
  /** Number of messages received (including ones without `status`). */
  readonly messages: number;
  /** `status` of the last message that had one, e.g. `Status: Downloaded newer image for alpine:3.20`. */
  readonly lastStatus: string | undefined;
  /** Every `aux` payload in arrival order (build: image ID; push: tag, digest, size). */
  readonly aux: readonly Record<string, unknown>[];
}

/**
 * A running progress-reporting operation. The underlying stream is read once: iterate
 * `messages()` (at most once) to see progress, and/or `await wait()` for the outcome. Calling
 * `messages()` claims the stream, so iterate what it returns: `wait()` then settles when that
 * iteration reaches the end. Breaking out of the iteration early closes the request and makes
 * `wait()` reject with `ABORTED`. Without `messages()`, `wait()` reads the stream itself.
 *
 * @example
 * ```ts
 * const build = docker.images.build(context, { t: 'app:dev' });
 * for await (const m of build.messages()) if (m.stream) process.stdout.write(m.stream);
 * const imageId = (await build.wait()).aux.find((a) => a.ID)?.ID;
 * ```
 */
export interface ProgressStream<R = ProgressResult> {
  /** Each message as it arrives; throws `EngineStreamError('STREAM_ERROR')` on an `error` message. */
  messages(): AsyncIterable<JsonMessage>;
  /** Settles once the stream ended: the result, or the in-stream / transport error. Same promise on every call. */
  wait(): Promise<R>;
}

/**
 * The error a progress message reports (`error` / `errorDetail`), as a `STREAM_ERROR`; undefined
 * for a healthy message. Truthiness, not presence: a daemon may send `"error": null` or `""`.
 *
 * @example
 * ```ts
 * progressError({ error: 'pull access denied' })?.message; // 'pull access denied'
 * progressError({ status: 'Downloading' }); // undefined
 * ```
 */
export function progressError(message: JsonMessage): EngineStreamError | undefined {
  if (!message.error && !message.errorDetail) return undefined;
  const text = message.error || message.errorDetail?.message || 'the engine reported an error';
  return new EngineStreamError('STREAM_ERROR', text, message.errorDetail ?? { message: text });
}

/**
 * Wraps a stream of parsed JSON values (normally `parseJsonValues(response.body)`) as a
 * {@link ProgressStream}. `finish` maps the {@link ProgressResult} to the operation's own result
 * (it runs once, after the last message; its error rejects `wait()` and is thrown by `messages()`).
 * A value that is not a JSON object throws `STREAM_PROTOCOL`. No promise is left unhandled: an
 * error nobody waits for is only reported to whoever iterates `messages()`.
 *
 * @example
 * ```ts
 * const pull = progressStream(parseJsonValues(response.body));
 * await pull.wait(); // throws EngineStreamError with the daemon's text if the pull failed
 *
 * const built = progressStream(parseJsonValues(body), (r) => String(r.aux.find((a) => a.ID)?.ID));
 * const imageId = await built.wait();
 * ```
 */
export function progressStream<R = ProgressResult>(
  source: AsyncIterable<unknown>,
  finish?: (result: ProgressResult) => R | Promise<R>,
): ProgressStream<R> {
  let claimed = false;
  let settled = false;
  let resolveDone!: (value: R) => void;
  let rejectDone!: (reason: unknown) => void;
  const done = new Promise<R>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // Not calling wait() is fine: the outcome is also reported through messages().
  done.catch(() => {});

  const succeed = (value: R): void => {
    if (settled) return;
    settled = true;
    resolveDone(value);
  };
  const fail = (error: unknown): void => {
    if (settled) return;
    settled = true;
    rejectDone(error);
  };

  async function* iterate(): AsyncGenerator<JsonMessage, void, undefined> {
    let messages = 0;
    let lastStatus: string | undefined;
    const aux: Record<string, unknown>[] = [];
    try {
      for await (const value of source) {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new EngineStreamError(
            'STREAM_PROTOCOL',
            `progress stream: expected a JSON object, got ${Array.isArray(value) ? 'an array' : String(JSON.stringify(value)).slice(0, 80)}`,
          );
        }
        const message = value as JsonMessage;
        messages++;
        const failure = progressError(message);
        if (failure) throw failure;
        if (typeof message.status === 'string') lastStatus = message.status;
        if (message.aux && typeof message.aux === 'object') aux.push(message.aux);
        yield message;
      }
      const result: ProgressResult = { messages, lastStatus, aux };
      succeed(finish ? await finish(result) : (result as R));
    } catch (err) {
      fail(err);
      throw err;
    } finally {
      // Only reached unsettled when the consumer broke out early (return() at a yield).
      fail(new EngineError('ABORTED', 'progress stream closed before it finished'));
    }
  }

  const claim = (): AsyncGenerator<JsonMessage, void, undefined> => {
    if (claimed) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        'a progress stream can be consumed only once: call messages() once',
      );
    }
    claimed = true;
    return iterate();
  };

  return {
    messages: claim,
    wait(): Promise<R> {
      // Deferred to a microtask so that `const p = s.wait(); for await (const m of s.messages())`
      // still lets messages() claim the stream.
      if (!claimed) {
        queueMicrotask(() => {
          if (claimed) return;
          void (async () => {
            try {
              for await (const _ of claim()) {
                // draining: the messages themselves are not needed
              }
            } catch {
              // already recorded in `done`
            }
          })();
        });
      }
      return done;
    },
  };
}
