/**
 * What the engine-object route modules (containers, images, networks, ... plugins) share: path and
 * query schemas, the engine's client, streamed downloads and size-limited streamed uploads.
 */
import { Readable } from 'node:stream';
import type { DockerClient, Filters } from '@gantry/engine';
import { z } from 'zod';
import type { EngineHandle } from '../context.ts';
import { HttpError } from '../http/errors.ts';

/** The engine's client; the router resolved `:engine` before the handler runs. */
export function clientOf(context: { readonly engine: EngineHandle | undefined }): DockerClient {
  if (!context.engine)
    throw new Error('an engine-object route ran without an engine: its path needs /:engine/');
  return context.engine.client;
}

/**
 * A container, network, volume, node, service, task, secret or config: by id or name. A `/` would
 * send the daemon's request to another endpoint (`a/json`), so it is refused; `.` and `..` likewise.
 */
export const objectRef = (what: string) =>
  z
    .string()
    .min(1, `the ${what} id or name must not be empty`)
    .max(256, `the ${what} id or name is longer than 256 characters`)
    .refine((value) => !value.includes('/'), `a ${what} id or name cannot contain "/"`)
    .refine((value) => value !== '.' && value !== '..', `"." and ".." are not ${what} names`);

/**
 * An image (or plugin) reference: `name[:tag][@digest]`, an id, or a short id. It may contain `/`
 * (`registry:5000/team/app:1`), so clients percent-encode it into one path segment (`%2F`). No `.`
 * or `..` segment: the daemon cleans paths and would answer another endpoint.
 */
export const imageRef = (what = 'image') =>
  z
    .string()
    .min(1, `the ${what} reference must not be empty`)
    .max(512, `the ${what} reference is longer than 512 characters`)
    .refine(
      (value) => value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'),
      `a ${what} reference has no empty, "." or ".." path segments`,
    );

/** `{ id }` path parameters (`:engine` is the router's and not repeated here). */
export const idParams = (what: string) => z.object({ id: objectRef(what) });

/** A boolean query flag: `true|false`, `1|0`, `yes|no`, `on|off`. */
export const flag = () => z.stringbool().optional();

/** A non-negative whole number in the query (`?t=10`). */
export const count = () => z.coerce.number().int().nonnegative().optional();

/** Labels: `{ "key": "value" }`. */
export const labels = z.record(z.string().min(1, 'a label key must not be empty'), z.string());

const filtersMap = z.record(z.string(), z.union([z.array(z.string()), z.record(z.string(), z.boolean())]));

/** Engine filters as the Engine API takes them: `?filters={"label":["a=b"]}` (JSON, as the daemon does). */
export const filtersQuery = z
  .string()
  .transform((text, ctx): Filters => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = filtersMap.safeParse(json);
    if (parsed.success) return parsed.data;
    ctx.addIssue({
      code: 'custom',
      message: 'filters must be JSON like {"label":["key=value"],"until":["24h"]}',
    });
    return z.NEVER;
  })
  .optional();

/** Turns a name into an ASCII `Content-Disposition` filename (and the exact one as `filename*`). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\w.+-]+/g, '_').slice(0, 200) || 'download';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * A download streamed from an SDK stream: never buffered; a client going away aborts the request's
 * signal, which the SDK call was given, and cancelling the web stream destroys the Node one.
 */
export function streamed(
  body: Readable,
  options: { contentType: string; filename?: string; headers?: Record<string, string> },
): Response {
  const headers = new Headers(options.headers);
  headers.set('Content-Type', options.contentType);
  if (options.filename !== undefined) headers.set('Content-Disposition', attachment(options.filename));
  headers.set('Cache-Control', 'no-store');
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { status: 200, headers });
}

/** 1 GiB: files copied into a container. */
export const ARCHIVE_UPLOAD_LIMIT = 1024 ** 3;
/** 16 GiB: image tarballs (`load`, `import`) can be big. */
export const IMAGE_UPLOAD_LIMIT = 16 * 1024 ** 3;

/**
 * A request body streamed to the engine as it arrives, never held whole, cut at `limit` bytes
 * with a 413. `Content-Length` is checked before anything is sent, so a well-behaved client over
 * the limit is refused before the engine sees a byte. A chunked body over the limit aborts the
 * engine request (`signal`), and `run` rethrows the 413.
 */
export interface LimitedUpload {
  readonly body: AsyncIterable<Uint8Array>;
  /** Aborted when the client goes away or the body passes the limit: give it to the SDK call. */
  readonly signal: AbortSignal;
  /** Runs the SDK call; a failure caused by the limit becomes the 413. */
  run<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export function limitedUpload(
  request: Request,
  signal: AbortSignal,
  limit: number,
  what: string,
): LimitedUpload {
  const tooLarge = () =>
    new HttpError(
      413,
      'PAYLOAD_TOO_LARGE',
      `${what} is larger than ${formatBytes(limit)}, the most this route accepts`,
      { limit },
    );
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (!request.body)
    throw new HttpError(400, 'VALIDATION', `${what} is missing: send it as the request body`);
  const source = request.body;
  const cut = new AbortController();
  const combined = AbortSignal.any([signal, cut.signal]);
  let exceeded = false;
  async function* limited(): AsyncGenerator<Uint8Array, void, undefined> {
    const reader = source.getReader();
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        total += value.byteLength;
        if (total > limit) {
          exceeded = true;
          cut.abort(tooLarge());
          throw tooLarge();
        }
        yield value;
      }
    } finally {
      // Also when the engine stopped reading early (it refused the request): stop receiving.
      reader.cancel().catch(() => {});
    }
  }
  return {
    body: limited(),
    signal: combined,
    async run(call) {
      try {
        return await call(combined);
      } catch (err) {
        if (exceeded) throw tooLarge();
        throw err;
      }
    },
  };
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Only the names of `KEY=value` entries: environment values never reach an audit row. */
export const envNames = (env: readonly string[] | undefined) =>
  env?.map((entry) => entry.split('=', 1)[0] ?? '');

/** Query of the non-following service and task logs (the logs channel follows). */
export const swarmLogsQuery = z.object({
  tail: z.union([z.literal('all'), z.coerce.number().int().nonnegative()]).default(1000),
  since: z.string().min(1).optional(),
  timestamps: flag(),
  details: flag(),
  stdout: flag(),
  stderr: flag(),
});

/** 8 MiB of log text per answer: more is for the logs channel or a download. */
const LOGS_LIMIT = 8 * 1024 ** 2;

/** Reads log frames to their end (no follow), keeping up to 8 MiB: `{ frames: [{ stream, text }], truncated }`. */
export async function collectLogs(
  frames: AsyncIterable<{ readonly stream: string; readonly data: Buffer }>,
): Promise<{ frames: { stream: string; text: string }[]; truncated: boolean }> {
  const kept: { stream: string; text: string }[] = [];
  let size = 0;
  let truncated = false;
  for await (const frame of frames) {
    size += frame.data.length;
    if (size > LOGS_LIMIT) {
      truncated = true;
      break;
    }
    kept.push({ stream: frame.stream, text: frame.data.toString('utf8') });
  }
  return { frames: kept, truncated };
}
