/**
 * Image pull, push and build with live progress: streamed HTTP responses (`application/x-ndjson`),
 * one JSON object a line — `{ type: 'progress', layers, overall, output? }` at most every 100 ms,
 * then `{ type: 'done', ... }` or `{ type: 'error', message }`. A failure before the daemon sent
 * anything (unknown image, bad reference, refused credentials) is a plain HTTP error instead.
 *
 * Audit: the outcome of a transfer is known only at the end of the stream, after the router has
 * sent the response head, so these handlers set `audit.recordsItself` and append the row
 * themselves — success or failure of the whole transfer — before writing the last line (a client
 * that saw `done` knows the action is on record). Registry credentials are passed to the SDK only:
 * never put in the audit parameters, logs or error messages. A request without `auth` uses the
 * console's stored credentials for the registry (registries/store.ts); the audit row says which
 * (`login: 'request' | 'stored' | 'none'`, and the stored registry's name). The key is not
 * `credentials`: the audit redactor would blank any value under such a name.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BuildOptions,
  dockerfileRegistries,
  type JsonMessage,
  type ProgressStream,
  type RegistryAuth,
  registryKey,
} from '@gantry/engine';
import { z } from 'zod';
import { auditActor } from '../http/access.ts';
import { errorResponse, HttpError } from '../http/errors.ts';
import { defineRoute, type RouteContext, type RouteDefinition } from '../http/route.ts';
import { readJsonBody } from '../http/router.ts';
import { engineOf } from '../realtime/engine.ts';
import { PROGRESS_INTERVAL_MS, ProgressTracker } from '../realtime/progress.ts';
import { flag } from '../realtime/query.ts';
import type { RegistryStore, StoredCredentials } from '../registries/store.ts';

/** Largest build context accepted (bytes), counted as it streams to the daemon. */
export const BUILD_CONTEXT_LIMIT = 512 * 1024 * 1024;

const registryAuth = z
  .object({
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(4096),
    serveraddress: z.string().min(1).max(256).optional(),
  })
  .optional();

const pullBody = z.object({
  image: z.string().min(1).max(512),
  tag: z.string().min(1).max(128).optional(),
  platform: z.string().min(1).max(64).optional(),
  auth: registryAuth,
});

const pushBody = z.object({
  image: z.string().min(1).max(512),
  tag: z.string().min(1).max(128).optional(),
  auth: registryAuth,
});

/** A JSON object of strings given as one query value (`buildargs={"A":"1"}`). */
const stringMap = z
  .string()
  .max(64 * 1024)
  .optional()
  .transform((value, context) => {
    if (value === undefined) return undefined;
    try {
      return z.record(z.string(), z.string()).parse(JSON.parse(value));
    } catch {
      context.addIssue({
        code: 'custom',
        message: 'expected a JSON object of strings, e.g. {"KEY":"value"}',
      });
      return z.NEVER;
    }
  });

const buildQuery = z.object({
  tags: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) =>
      (Array.isArray(value) ? value : (value ?? '').split(',')).map((tag) => tag.trim()).filter(Boolean),
    )
    .describe('image references to tag the result with (comma list or repeated)'),
  dockerfile: z.string().min(1).max(4096).optional().describe('path of the Dockerfile inside a tar context'),
  buildargs: stringMap.describe('JSON object of build arguments'),
  labels: stringMap.describe('JSON object of labels for the image'),
  target: z.string().min(1).max(256).optional(),
  nocache: flag(false),
  pull: flag(false).describe('always pull the FROM images'),
  platform: z.string().min(1).max(64).optional(),
});

const dockerfileBody = z.object({
  dockerfile: z
    .string()
    .min(1)
    .max(1024 * 1024),
});

const engineParams = z.object({ engine: z.string() });

type AnyContext = RouteContext<unknown, unknown, unknown>;

/**
 * The response of a transfer: progress lines while `stream` runs, then the audit row, then the
 * last line. Waits for the first message, so an early failure is thrown (the router answers it).
 */
async function transferResponse<R>(
  context: AnyContext,
  operation: string,
  stream: ProgressStream<R>,
  summary: (result: R) => Record<string, unknown>,
  cleanup: () => Promise<void> = async () => {},
): Promise<Response> {
  const iterator = stream.messages()[Symbol.asyncIterator]();
  let first: IteratorResult<JsonMessage>;
  try {
    first = await iterator.next();
  } catch (error) {
    await cleanup();
    throw error;
  }
  const tracker = new ProgressTracker();
  const encoder = new TextEncoder();
  let output!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => {
      output = controller;
    },
  });
  const write = (line: Record<string, unknown>) => {
    try {
      output.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
    } catch {
      // The client went away; the signal stops the transfer.
    }
  };
  context.audit.recordsItself = true;

  void (async () => {
    let timer: NodeJS.Timeout | undefined;
    let sentAt = 0;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      sentAt = Date.now();
      write({ ...tracker.frame() });
    };
    let last: Record<string, unknown>;
    let status = 200;
    try {
      for (let step = first; !step.done; step = await iterator.next()) {
        tracker.update(step.value);
        const wait = PROGRESS_INTERVAL_MS - (Date.now() - sentAt);
        if (wait <= 0) flush();
        else timer ??= setTimeout(flush, wait);
      }
      const result = await stream.wait();
      clearTimeout(timer);
      tracker.complete();
      write({ ...tracker.frame(true) });
      last = { type: 'done', ...summary(result) };
    } catch (error) {
      clearTimeout(timer);
      if (tracker.changed) flush();
      const mapped = errorResponse(error);
      status = mapped.status;
      if (mapped.internal)
        context.services.log.error('transfer failed', {
          requestId: context.requestId,
          operation,
          error: String(error),
        });
      last = { type: 'error', code: mapped.body.error.code, message: mapped.body.error.message };
    }
    await cleanup().catch(() => {});
    try {
      await context.services.audit.append({
        ...auditActor(context.principal, context.audit.actor),
        engineId: context.engine?.id,
        operation,
        target: context.audit.target,
        params: context.audit.params,
        outcome: status < 400 ? 'success' : 'failure',
        status,
        ip: context.ip,
        requestId: context.requestId,
      });
    } catch (error) {
      context.services.log.error('audit append failed', {
        requestId: context.requestId,
        operation,
        error: String(error),
      });
      last = {
        type: 'error',
        code: 'AUDIT_FAILED',
        message: 'the action could not be recorded in the audit log',
      };
    }
    write(last);
    try {
      output.close();
    } catch {
      // Already cancelled by the client.
    }
  })();

  return new Response(body, {
    headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * The credentials for a pull or push of `image`: those of the request, else the stored ones for its
 * registry, else none (anonymous); and what the audit row says of them (never the secret).
 */
async function credentialsOf(
  registries: RegistryStore,
  image: string,
  given: z.output<typeof registryAuth>,
): Promise<{ auth: RegistryAuth | undefined; audit: Record<string, unknown> }> {
  if (given) return { auth: { ...given }, audit: { login: 'request' } };
  const stored = await registries.credentialsFor(image);
  if (!stored) return { auth: undefined, audit: { login: 'none' } };
  return { auth: stored.auth, audit: { login: 'stored', registry: stored.registry.name } };
}

/**
 * A build's `auth` option (`X-Registry-Config`) from stored credentials, keyed as the daemon looks
 * them up, and what the audit row says of them.
 */
function buildCredentials(stored: readonly StoredCredentials[]): {
  auth: BuildOptions['auth'];
  audit: Record<string, unknown>;
} {
  if (stored.length === 0) return { auth: undefined, audit: { login: 'none' } };
  return {
    auth: Object.fromEntries(stored.map((entry) => [registryKey(entry.registry.serverAddress), entry.auth])),
    audit: { login: 'stored', registries: stored.map((entry) => entry.registry.name) },
  };
}

/** The request body, counted as it streams: past `limit` bytes the upload fails with a 413. */
async function* limited(body: ReadableStream<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  const reader = body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > limit) {
        throw new HttpError(
          413,
          'PAYLOAD_TOO_LARGE',
          `the build context exceeds the limit of ${limit} bytes`,
        );
      }
      yield read.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

export const transferRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'POST',
    path: '/api/engines/:engine/images/pull',
    requirement: 'images.pull',
    operation: 'images.pull',
    summary: 'Pull an image, streaming per-layer progress as NDJSON',
    params: engineParams,
    body: pullBody,
    handler: async (context) => {
      const { image, tag, platform } = context.body;
      context.audit.target = tag ? `${image}:${tag}` : image;
      const { auth, audit } = await credentialsOf(context.services.registries, image, context.body.auth);
      context.audit.params = { ...(platform ? { platform } : {}), ...audit };
      const stream = engineOf(context.engine).client.images.pull(image, {
        tag,
        platform,
        auth,
        signal: context.signal,
      });
      return transferResponse(context as AnyContext, 'images.pull', stream, (result) => ({
        image: result.image.Id,
        tags: result.image.RepoTags ?? [],
        status: result.lastStatus,
      }));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/engines/:engine/images/push',
    requirement: 'images.push',
    operation: 'images.push',
    summary: 'Push an image to its registry, streaming per-layer progress as NDJSON',
    params: engineParams,
    body: pushBody,
    handler: async (context) => {
      const { image, tag } = context.body;
      context.audit.target = tag ? `${image}:${tag}` : image;
      const { auth, audit } = await credentialsOf(context.services.registries, image, context.body.auth);
      context.audit.params = audit;
      const stream = engineOf(context.engine).client.images.push(image, {
        tag,
        auth,
        signal: context.signal,
      });
      return transferResponse(context as AnyContext, 'images.push', stream, (result) => ({
        digest: result.digest,
        size: result.size,
      }));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/engines/:engine/images/build',
    requirement: 'images.build',
    operation: 'images.build',
    summary:
      'Build an image from a tar context (application/x-tar, up to 512 MiB, streamed) or a Dockerfile alone (JSON { dockerfile }), streaming progress as NDJSON',
    params: engineParams,
    query: buildQuery,
    handler: async (context) => {
      const { query, request } = context;
      const options: BuildOptions = {
        t: query.tags.length > 0 ? query.tags : undefined,
        dockerfile: query.dockerfile,
        buildargs: query.buildargs,
        labels: query.labels,
        target: query.target,
        nocache: query.nocache,
        pull: query.pull ? '1' : undefined,
        platform: query.platform,
        signal: context.signal,
      };
      context.audit.target = query.tags.join(',') || undefined;
      // Build argument values may be secrets: only their names are kept.
      context.audit.params = {
        buildargs: Object.keys(query.buildargs ?? {}),
        ...(query.target ? { target: query.target } : {}),
        nocache: query.nocache,
      };
      const client = engineOf(context.engine).client;
      const { registries } = context.services;
      /** The build's options with these stored credentials, noted in the audit row. */
      const withCredentials = (stored: readonly StoredCredentials[]): BuildOptions => {
        const { auth, audit } = buildCredentials(stored);
        context.audit.params = { ...context.audit.params, ...audit };
        return { ...options, auth };
      };
      const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
      if (type === 'application/x-tar') {
        if (!request.body)
          throw new HttpError(400, 'VALIDATION', 'send the build context as the request body');
        const declared = Number(request.headers.get('content-length') ?? 0);
        if (declared > BUILD_CONTEXT_LIMIT) {
          throw new HttpError(
            413,
            'PAYLOAD_TOO_LARGE',
            `the build context exceeds the limit of ${BUILD_CONTEXT_LIMIT} bytes`,
          );
        }
        // The Dockerfile is inside a stream sent on as it arrives, so which registries its FROM lines
        // name is not known beforehand: every stored registry's credentials go along.
        const stream = client.images.build(
          limited(request.body, BUILD_CONTEXT_LIMIT),
          withCredentials(await registries.allCredentials()),
        );
        return transferResponse(context as AnyContext, 'images.build', stream, (result) => ({
          image: result.imageId,
        }));
      }
      if (type === 'application/json') {
        const parsed = dockerfileBody.safeParse(
          await readJsonBody(request, context.services.config.bodyLimitBytes),
        );
        if (!parsed.success) {
          throw new HttpError(
            400,
            'VALIDATION',
            'body.dockerfile: expected the Dockerfile text as a string',
            {
              fields: [{ field: 'body.dockerfile', message: 'expected a string' }],
            },
          );
        }
        const { dockerfile } = parsed.data;
        // Only the registries its FROM / COPY --from images come from get credentials.
        const stored = await registries.credentialsForHosts(
          dockerfileRegistries(dockerfile, query.buildargs),
        );
        // A Dockerfile-only build: a one-file context, made by the SDK from a temporary directory.
        const directory = await mkdtemp(join(tmpdir(), 'gantry-build-'));
        await writeFile(join(directory, 'Dockerfile'), dockerfile);
        const stream = client.images.build(
          { directory },
          { ...withCredentials(stored), dockerfile: undefined },
        );
        return transferResponse(
          context as AnyContext,
          'images.build',
          stream,
          (result) => ({ image: result.imageId }),
          () => rm(directory, { recursive: true, force: true }),
        );
      }
      throw new HttpError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'send a tar build context as application/x-tar, or { "dockerfile": "..." } as application/json',
      );
    },
  }),
];
