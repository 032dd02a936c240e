import type { Readable } from 'node:stream';
import { buildProgressHooks, buildRequest } from '../build-request.ts';
import { abortable, type CallOptions, type EngineCore, type OperationInput } from '../core.ts';
import { DOCKER_HUB_SERVER, registryKey } from '../credentials.ts';
import { abortError, EngineApiError, EngineError, EngineStreamError, RegistryAuthError } from '../errors.ts';
import type * as G from '../generated/operations.ts';
import { type OperationId, operations } from '../generated/operations.ts';
import { encodeRegistryAuth, type RegistryAuth } from '../registry-auth.ts';
import { parseJsonValues } from '../streams/json-values.ts';
import {
  type JsonMessage,
  type ProgressResult,
  type ProgressStream,
  progressStream,
} from '../streams/progress.ts';
import type { HttpResponse } from '../transport/http.ts';

/**
 * A body streamed to the daemon as is (a tar archive): never buffered whole by the SDK.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const archive: BinaryInput = await readFile('app.tar'); // or a Readable / AsyncIterable<Uint8Array>
 * await docker.images.load(archive).wait();
 * ```
 */
export type BinaryInput = Readable | AsyncIterable<Uint8Array> | Uint8Array;

/**
 * An image reference split as Docker splits it (moby `distribution/reference.ParseNormalizedNamed`).
 *
 * @example
 * ```ts
 * parseReference('127.0.0.1:5000/team/app:1.2');
 * // { name: '127.0.0.1:5000/team/app', domain: '127.0.0.1:5000', path: 'team/app', tag: '1.2', digest: undefined }
 * ```
 */
export interface ImageReference {
  /** The repository as `docker images` shows it: `alpine`, `team/app`, `127.0.0.1:5000/team/app`. */
  readonly name: string;
  /** Registry host, with port if any; `docker.io` when the reference names none. */
  readonly domain: string;
  /** Repository path inside the registry; Docker Hub's official images get `library/`. */
  readonly path: string;
  /** The tag, when the reference has one (`latest` is NOT filled in here). */
  readonly tag: string | undefined;
  /** The digest (`sha256:…`), when the reference has one. */
  readonly digest: string | undefined;
}

// The grammar of distribution/reference (regexp.go), anchored.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
/** Docker refuses a bare 64-hex name: it would be ambiguous with an image ID. */
const IMAGE_ID = /^[a-f0-9]{64}$/;
/** distribution/reference `NameTotalLengthMax`. */
const NAME_MAX = 255;

/**
 * Splits an image reference into repository, tag and digest as Docker does: the last `:` is a tag
 * separator only when it comes after the last `/` (`127.0.0.1:5000/x/y` has no tag — the colon is
 * the port's); `@` starts a digest; a first component with a `.` or `:`, or `localhost`, is a
 * registry host, otherwise the image is on Docker Hub. Throws `INVALID_ARGUMENT` for what the docker
 * CLI rejects (upper-case repository, empty component, bare 64-hex id, bad tag or digest).
 *
 * @example
 * ```ts
 * parseReference('alpine');                     // name 'alpine', domain 'docker.io', path 'library/alpine', no tag
 * parseReference('127.0.0.1:5000/x/y:tag');      // name '127.0.0.1:5000/x/y', tag 'tag'
 * parseReference('busybox@sha256:' + 'a'.repeat(64)); // digest 'sha256:aaa…'
 * ```
 */
export function parseReference(reference: string): ImageReference {
  const invalid = (why: string) =>
    new EngineError('INVALID_ARGUMENT', `invalid image reference "${reference}": ${why}`);
  if (IMAGE_ID.test(reference)) throw invalid('a 64-character hexadecimal string is an image ID, not a name');
  const slash = reference.indexOf('/');
  const first = slash < 0 ? '' : reference.slice(0, slash);
  let domain: string;
  let remainder: string;
  // splitDockerDomain: the first component is a registry only if it looks like a host.
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = 'docker.io';
    remainder = reference;
  } else {
    domain = first;
    remainder = reference.slice(slash + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  const colon = remainder.indexOf(':');
  const at = remainder.indexOf('@');
  const cut = [colon, at].filter((i) => i >= 0);
  const repository = cut.length ? remainder.slice(0, Math.min(...cut)) : remainder;
  if (repository.toLowerCase() !== repository) throw invalid('the repository name must be lowercase');
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (!match) throw invalid('it does not match [registry[:port]/]name[:tag][@digest]');
  const fullName = match[1] as string;
  if (fullName.length > NAME_MAX) throw invalid(`the repository name is longer than ${NAME_MAX} characters`);
  const path = fullName.slice(domain.length + 1);
  const official = domain === 'docker.io' && path.startsWith('library/') && path.indexOf('/', 8) < 0;
  const name = domain === 'docker.io' ? (official ? path.slice('library/'.length) : path) : fullName;
  return { name, domain, path, tag: match[2], digest: match[3] };
}

/**
 * Options of {@link Images.pull}.
 *
 * @example
 * ```ts
 * const options: PullOptions = {
 *   tag: '3.20',
 *   platform: 'linux/arm64',
 *   auth: { username: 'ci', password: token, serveraddress: 'registry.example' },
 * };
 * await docker.images.pull('registry.example/base/alpine', options).wait();
 * ```
 */
export interface PullOptions extends CallOptions {
  /** Tag (or digest) to pull when `image` has none; default `latest`. Must agree with a tag in `image`. */
  readonly tag?: string;
  /** `os[/arch[/variant]]`, e.g. `linux/arm64`, for a multi-platform image. */
  readonly platform?: string;
  /** Credentials for the image's registry; they replace the client's `credentials` lookup (`{}`: anonymous). */
  readonly auth?: RegistryAuth;
  /**
   * Pull every tag of the repository (`docker pull -a`): `image` and `tag` must name no tag or
   * digest, and `wait()` resolves with the stream's summary only (no single image to inspect).
   */
  readonly allTags?: boolean;
}

/**
 * What a finished pull resolves with: the stream's summary and the image as it is now present.
 *
 * @example
 * ```ts
 * const { image, lastStatus }: PullResult = await docker.images.pull('alpine:3.20').wait();
 * console.log(image.Id, lastStatus); // 'sha256:…' 'Status: Image is up to date for alpine:3.20'
 * ```
 */
export type PullResult = ProgressResult & {
  /** `images.inspect` of the pulled reference, made after the stream ended. */
  readonly image: G.ImageInspectResult;
};

/**
 * Options of {@link Images.import}.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const options: ImportOptions = { repo: 'team/base', tag: '1', changes: ['ENV LANG=C.UTF-8', 'CMD ["/bin/sh"]'] };
 * await docker.images.import(createReadStream('rootfs.tar'), options).wait();
 * ```
 */
export interface ImportOptions extends CallOptions {
  /** Repository to tag the new image with (may include a tag: `team/base:1`). */
  readonly repo?: string;
  readonly tag?: string;
  /** Dockerfile instructions applied to the image: `CMD`, `ENTRYPOINT`, `ENV`, `EXPOSE`, `LABEL`, `USER`, `VOLUME`, `WORKDIR`. */
  readonly changes?: string[];
  /** Commit message stored in the image's history. */
  readonly message?: string;
  /** `os[/arch[/variant]]` the rootfs is for. */
  readonly platform?: string;
}

/**
 * What a finished import resolves with.
 *
 * @example
 * ```ts
 * const { imageId }: ImportResult = await docker.images.import(rootfsTar, { repo: 'team/base' }).wait();
 * console.log(imageId); // 'sha256:…'
 * ```
 */
export type ImportResult = ProgressResult & {
  /** The new image's ID (`sha256:…`): the daemon's last status line. */
  readonly imageId: string | undefined;
};

/**
 * Options of {@link Images.push}.
 *
 * @example
 * ```ts
 * const options: PushOptions = { tag: '1.2', auth: { username: 'ci', password: token } };
 * await docker.images.push('registry.example/team/app', options).wait();
 * ```
 */
export interface PushOptions extends CallOptions {
  /** Tag to push when `name` has none; default `latest`. Must agree with a tag in `name`. */
  readonly tag?: string;
  /** Credentials for the registry; they replace the client's `credentials` lookup (`{}`: anonymous). */
  readonly auth?: RegistryAuth;
  /** Push every local tag of the repository (`docker push -a`): `name` and `tag` must name no tag. */
  readonly allTags?: boolean;
}

/**
 * What a finished push resolves with.
 *
 * @example
 * ```ts
 * const { digest, size }: PushResult = await docker.images.push('registry.example/team/app:1.2', { auth }).wait();
 * console.log(digest, size); // 'sha256:…' 1574 (bytes)
 * ```
 */
export type PushResult = ProgressResult & {
  /** The manifest digest the registry stored (`sha256:…`), when the daemon reported it. */
  readonly digest: string | undefined;
  /** Manifest size in bytes, when reported. */
  readonly size: number | undefined;
};

/**
 * What a finished load resolves with.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const { images, imageIds }: LoadResult = await docker.images.load(createReadStream('bundle.tar')).wait();
 * console.log(images, imageIds); // ['team/app:1', 'team/worker:1'] []
 * ```
 */
export type LoadResult = ProgressResult & {
  /** References the archive tagged (`Loaded image: team/app:1`), in arrival order. */
  readonly images: string[];
  /** IDs of loaded images that had no tag in the archive (`Loaded image ID: sha256:…`). */
  readonly imageIds: string[];
};

/**
 * What {@link Images.build} builds from:
 * - `{ directory }` — a local directory, streamed as a tar while it is walked, `.dockerignore`
 *   applied as the docker CLI applies it (see {@link buildContext}); `gzip: true` compresses it;
 * - `{ remote }` — a URL the daemon fetches itself: a tar (optionally compressed), a plain-text
 *   Dockerfile, or a Git repository (`https://…/repo.git#branch:dir`; needs `git` on the daemon's
 *   host). Nothing is uploaded;
 * - a tar you made ({@link BinaryInput}: bytes, a `Readable`, any `AsyncIterable<Uint8Array>`),
 *   optionally gzip/bzip2/xz-compressed, sent as is.
 *
 * @example
 * ```ts
 * await docker.images.build({ directory: './app' }, { t: 'team/app:dev' }).wait();
 * await docker.images.build({ directory: './app', gzip: true }, { dockerfile: 'docker/Dockerfile' }).wait();
 * await docker.images.build({ remote: 'https://example.com/context.tar.gz' }, { t: 'team/app:ci' }).wait();
 * await docker.images.build(await readFile('context.tar')).wait();
 * ```
 */
export type BuildSource =
  | { readonly directory: string; readonly gzip?: boolean }
  | { readonly remote: string }
  | BinaryInput;

/**
 * Options of {@link Images.build}: the `/build` query (without `remote`: pass `{ remote }` as the
 * source) plus per-registry credentials for the images the build pulls. Maps and lists are encoded
 * as the daemon reads them: `buildargs`, `labels`, `cachefrom` and `outputs` as JSON, `t` and
 * `extrahosts` as repeated parameters.
 *
 * @example
 * ```ts
 * const options: BuildOptions = {
 *   t: ['team/app:dev', 'team/app:latest'],
 *   dockerfile: 'docker/Dockerfile', // relative to the context's root
 *   target: 'runtime', // a stage of a multi-stage Dockerfile
 *   buildargs: { NODE_VERSION: '24' },
 *   labels: { 'org.opencontainers.image.revision': commit },
 *   cachefrom: ['team/app:latest'], // images whose layers may serve as cache
 *   networkmode: 'none', // for RUN steps
 *   platform: 'linux/amd64',
 *   auth: { 'registry.example': { username: 'ci', password: token } },
 * };
 * await docker.images.build({ directory: '.' }, options).wait();
 * ```
 */
export type BuildOptions = Omit<G.ImageBuildQuery, 'remote'> & {
  /**
   * Credentials by registry (`registry.example:5000`, `https://index.docker.io/v1/`), sent as
   * `X-Registry-Config` together with what the client's `credentials` hold for the other
   * registries the Dockerfile pulls from.
   */
  readonly auth?: Readonly<Record<string, RegistryAuth>>;
} & CallOptions;

/**
 * What a finished build resolves with.
 *
 * @example
 * ```ts
 * const { imageId }: BuildResult = await docker.images.build(context, { t: 'team/app:dev' }).wait();
 * console.log(imageId); // 'sha256:…'
 * ```
 */
export type BuildResult = ProgressResult & {
  /** The built image: `sha256:…` from the `aux` message, or the short ID of `Successfully built <id>`. */
  readonly imageId: string;
};

/**
 * Options of {@link Images.commit}: the `/commit` query (`container`, `repo`, `tag`, ...) plus the image config.
 *
 * @example
 * ```ts
 * const options: CommitOptions = { container: 'web', repo: 'team/web', tag: 'debug', Env: ['MODE=debug'] };
 * const { Id } = await docker.images.commit(options);
 * ```
 */
export type CommitOptions = G.ImageCommitQuery & G.ImageCommitBody & CallOptions;

/**
 * @internal Not part of the public API (shared by `Images` and `Plugins`).
 *
 * Opens a progress-reporting operation. The request is sent at once (like every SDK call);
 * consume the stream with `messages()` or `wait()` — until then the response stays open, and the
 * daemon waits on it. `tap` sees every raw message first (to pick lines out of `stream`), `finish`
 * maps the summary to the operation's result. An abort via the caller's signal surfaces as
 * `ABORTED`; leaving `messages()` early closes the request. Shared by images and plugins.
 */
export function openProgress<R>(
  core: EngineCore,
  operationId: OperationId,
  input: OperationInput,
  hooks: ProgressHooks<R>,
): ProgressStream<R> {
  return progressOf(core.send(operationId, input), input.signal, hooks);
}

/** What {@link openProgress} does with the messages: `tap` sees each first, `finish` makes the result. */
interface ProgressHooks<R> {
  tap?: (message: JsonMessage) => void;
  finish: (result: ProgressResult) => R | Promise<R>;
}

/** A progress stream over a response that may still be on its way (a build first reads its Dockerfile). */
function progressOf<R>(
  response: Promise<HttpResponse>,
  signal: AbortSignal | undefined,
  hooks: ProgressHooks<R>,
): ProgressStream<R> {
  // The outcome is reported through wait()/messages(); an unconsumed failure must not crash the process.
  response.catch(() => {});
  return progressStream(responseValues(response, signal, hooks.tap), hooks.finish);
}

/** The JSON values of a progress response, `tap` seeing each first; the body is closed however iteration ends. */
async function* responseValues(
  response: Promise<HttpResponse>,
  signal: AbortSignal | undefined,
  tap?: (message: JsonMessage) => void,
): AsyncGenerator<unknown, void, undefined> {
  const { body } = await response;
  try {
    for await (const value of parseJsonValues(body)) {
      if (tap && value !== null && typeof value === 'object') tap(value as JsonMessage);
      yield value;
    }
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw err;
  } finally {
    body.destroy();
  }
}

/** Whose credentials a pull or push sends, and how it names itself in errors. */
interface RegistryAccess {
  /** `images.pull 127.0.0.1:5000/team/app:1`: the start of error messages. */
  readonly what: string;
  /** The reference's registry, as credentials are keyed ({@link registryKey}). */
  readonly registry: string;
  /** The call's own `auth`: then the client's credential source is not asked, and nothing is retried. */
  readonly explicit: RegistryAuth | undefined;
  /** Push: the daemon refuses a request without `X-Registry-Auth`, so anonymous access sends `{}` as the CLI does. */
  readonly alwaysSendAuth: boolean;
}

/**
 * A progress operation that talks to a registry (pull, push). It sends the call's `auth`, else what
 * the client's credential source has for the registry. When the registry refuses (see
 * {@link registryRefusal}) and the credentials came from the source, they are looked up again —
 * cache dropped — and, if that gives different ones, the operation runs once more: `messages()`
 * then goes on with the second attempt's messages. A final refusal is a `RegistryAuthError`.
 */
function openRegistryProgress<R>(
  core: EngineCore,
  operationId: OperationId,
  input: OperationInput,
  access: RegistryAccess,
  finish: (result: ProgressResult) => R | Promise<R>,
): ProgressStream<R> {
  const source = access.explicit ? undefined : core.credentials;
  const lookup = (): Promise<RegistryAuth | undefined> =>
    source ? abortable(source.get(access.registry), input.signal) : Promise.resolve(access.explicit);
  const send = (auth: RegistryAuth | undefined): Promise<HttpResponse> => {
    const headers = access.alwaysSendAuth
      ? { 'X-Registry-Auth': encodeRegistryAuth(auth ?? {}) }
      : authHeader(auth);
    const response = core.send(operationId, { ...input, headers });
    response.catch(() => {});
    return response;
  };
  // Sent at once, like every SDK call, as soon as the credentials are known (cached after the first use).
  const first = lookup().then((auth) => ({ auth, response: send(auth) }));
  first.catch(() => {});

  async function* attempts(): AsyncGenerator<unknown, void, undefined> {
    let { auth, response } = await first;
    for (let retried = false; ; retried = true) {
      const refusal = yield* untilRefused(response, input.signal);
      if (!refusal) return;
      if (!retried && source) {
        source.forget(access.registry);
        const again = await lookup();
        if (encodeRegistryAuth(again ?? {}) !== encodeRegistryAuth(auth ?? {})) {
          auth = again;
          response = send(auth);
          continue;
        }
      }
      throw refusedError(access, auth, refusal);
    }
  }
  return progressStream(attempts(), finish);
}

/** The response's values until the registry refuses the credentials: returns that refusal, or undefined at the end. */
async function* untilRefused(
  response: Promise<HttpResponse>,
  signal: AbortSignal | undefined,
): AsyncGenerator<unknown, EngineError | undefined, undefined> {
  try {
    for await (const value of responseValues(response, signal)) {
      const refusal = registryRefusal(value);
      if (refusal) return refusal;
      yield value;
    }
  } catch (err) {
    // Docker 20.10 answers a refusal before the first message with a 500; newer daemons with a 401.
    if (err instanceof EngineApiError && (err.status === 401 || REGISTRY_REFUSED.test(err.message)))
      return err;
    throw err;
  }
  return undefined;
}

/** How registries (and the daemon relaying them) word a refusal of missing or wrong credentials. */
const REGISTRY_REFUSED = /\bunauthorized\b|no basic auth credentials|authentication required/i;

/** An in-stream error message that is a registry refusal, as the error `progressStream` would throw for it. */
function registryRefusal(value: unknown): EngineStreamError | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { error, errorDetail } = value as JsonMessage;
  const text = error || errorDetail?.message;
  if (!text || (errorDetail?.code !== 401 && !REGISTRY_REFUSED.test(text))) return undefined;
  return new EngineStreamError('STREAM_ERROR', text, errorDetail ?? { message: text });
}

function refusedError(
  access: RegistryAccess,
  auth: RegistryAuth | undefined,
  cause: EngineError,
): RegistryAuthError {
  const credentials = access.explicit ? 'explicit' : auth ? 'configured' : 'none';
  const login = access.registry === DOCKER_HUB_SERVER ? 'docker login' : `docker login ${access.registry}`;
  const why = {
    explicit: 'refused the credentials given in `auth`',
    configured: 'refused the configured credentials, also when looked up again',
    none: `wants credentials, and none were given or configured — pass \`auth\` or run \`${login}\``,
  }[credentials];
  return new RegistryAuthError(
    access.registry,
    credentials,
    `${access.what}: the registry ${access.registry} ${why} (${cause.message})`,
    { cause },
  );
}

/** The `X-Registry-Auth` header, when credentials were given. */
function authHeader(auth: RegistryAuth | undefined): Record<string, string> {
  return auth ? { 'X-Registry-Auth': encodeRegistryAuth(auth) } : {};
}

/** `tag` from the options and the reference must agree; the API takes it as a separate parameter. */
function pickTag(reference: ImageReference, option: string | undefined, what: string): string | undefined {
  const own = reference.digest ?? reference.tag;
  if (option !== undefined && own !== undefined && option !== own) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `${what}: the reference names "${own}" but options.tag is "${option}" — give one of them`,
    );
  }
  return option ?? own;
}

const LOADED_IMAGE = /^Loaded image: (.+)$/;
const LOADED_IMAGE_ID = /^Loaded image ID: (.+)$/;
const PUSH_DIGEST = /digest: (\S+:[0-9a-fA-F]+) size: (\d+)/;

/**
 * Images: `docker image ...` — pull, push, build, tag, save/load, import, commit, prune.
 * Long operations return a {@link ProgressStream}: iterate `messages()` for progress and/or
 * `await wait()` for the outcome.
 *
 * @example
 * ```ts
 * await docker.images.pull('alpine:3.20').wait();
 * await docker.images.tag('alpine:3.20', { repo: 'registry.example/base/alpine', tag: '3.20' });
 * const { digest } = await docker.images.push('registry.example/base/alpine:3.20', { auth }).wait();
 * ```
 */
export class Images {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists images (`docker images`). Filters: `reference` (`team/*:1.*`), `label`, `dangling`,
   * `before`, `since`.
   *
   * @example
   * ```ts
   * const mine = await docker.images.list({ filters: { reference: ['team/app'] } });
   * ```
   */
  list(options: G.ImageListQuery & CallOptions = {}): Promise<G.ImageListResult> {
    const { signal, ...query } = options;
    return this.#core.json('ImageList', { query, signal });
  }

  /**
   * Inspects an image by name, `name:tag`, `name@digest` or ID. Missing: `API_NOT_FOUND`.
   *
   * @example
   * ```ts
   * const { Id, RepoTags, Config } = await docker.images.inspect('alpine:3.20');
   * ```
   */
  inspect(name: string, options: G.ImageInspectQuery & CallOptions = {}): Promise<G.ImageInspectResult> {
    const { signal, ...query } = options;
    return this.#core.json('ImageInspect', { params: { name }, query, signal });
  }

  /**
   * The image's layer history, newest first (`docker history`).
   *
   * @example
   * ```ts
   * for (const layer of await docker.images.history('alpine:3.20')) console.log(layer.CreatedBy, layer.Size);
   * ```
   */
  history(name: string, options: G.ImageHistoryQuery & CallOptions = {}): Promise<G.ImageHistoryResult> {
    const { signal, ...query } = options;
    return this.#core.json('ImageHistory', { params: { name }, query, signal });
  }

  /**
   * Pulls every tag of a repository (`docker pull -a`); `wait()` resolves with the stream's summary.
   *
   * @example
   * ```ts
   * await docker.images.pull('registry.example/team/app', { allTags: true }).wait();
   * ```
   */
  pull(image: string, options: PullOptions & { readonly allTags: true }): ProgressStream<ProgressResult>;
  /**
   * Pulls an image (`docker pull`). `image` may carry a tag or digest (`repo:tag`, `repo@sha256:…`,
   * `host:5000/team/app:1`); otherwise `options.tag`, else `latest` (all tags: `allTags`). `wait()`
   * resolves only once the stream ended without error AND the image is present (it inspects the
   * image then), with that inspection as `image`. Credentials: `auth`, else the client's
   * `credentials` for the image's registry (the docker config by default). When the registry
   * refuses, configured credentials are looked up again and the pull retried once; a final refusal
   * rejects with `RegistryAuthError` (`REGISTRY_UNAUTHORIZED`), however the daemon reported it.
   * Other failures the daemon reports before the first progress message reject it with
   * `EngineApiError`, those in the middle of the stream with `EngineStreamError` (`STREAM_ERROR`).
   *
   * @example
   * ```ts
   * const pull = docker.images.pull('registry.example/team/app:1.2', { auth: { username: 'ci', password } });
   * for await (const m of pull.messages()) if (m.id) console.log(m.id, m.status, m.progressDetail?.current);
   * const { image } = await pull.wait();
   * ```
   */
  pull(image: string, options?: PullOptions): ProgressStream<PullResult>;
  pull(
    image: string,
    options: PullOptions = {},
  ): ProgressStream<PullResult> | ProgressStream<ProgressResult> {
    const { signal, auth, platform } = options;
    const reference = parseReference(image);
    if (options.allTags) {
      if (pickTag(reference, options.tag, 'images.pull') !== undefined) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `images.pull: allTags pulls every tag, so "${image}" must name none`,
        );
      }
      return openRegistryProgress(
        this.#core,
        'ImageCreate',
        { query: { fromImage: reference.name, platform }, signal },
        {
          what: `images.pull ${reference.name}`,
          registry: registryKey(reference.domain),
          explicit: auth,
          alwaysSendAuth: false,
        },
        (result) => result,
      );
    }
    const tag = pickTag(reference, options.tag, 'images.pull') ?? 'latest';
    const present = tag.includes(':') ? `${reference.name}@${tag}` : `${reference.name}:${tag}`;
    return openRegistryProgress(
      this.#core,
      'ImageCreate',
      { query: { fromImage: reference.name, tag, platform }, signal },
      {
        what: `images.pull ${present}`,
        registry: registryKey(reference.domain),
        explicit: auth,
        alwaysSendAuth: false,
      },
      async (result) => {
        let inspected: G.ImageInspectResult;
        try {
          inspected = await this.inspect(present, { signal });
        } catch (err) {
          if (err instanceof EngineError && err.code === 'API_NOT_FOUND') {
            throw new EngineStreamError(
              'STREAM_ERROR',
              `the pull of ${present} ended without error, but the image is not present (last status: ${result.lastStatus ?? 'none'})`,
            );
          }
          throw err;
        }
        return { ...result, image: inspected };
      },
    );
  }

  /**
   * Creates an image from a root filesystem tarball (`docker import`): a stream, bytes, or a URL
   * the daemon downloads itself. The tar may be compressed (gzip, bzip2, xz).
   *
   * @example
   * ```ts
   * import { createReadStream } from 'node:fs';
   * const { imageId } = await docker.images
   *   .import(createReadStream('rootfs.tar'), { repo: 'team/base', tag: '1', changes: ['CMD ["/bin/sh"]'] })
   *   .wait();
   * await docker.images.import('https://example.com/rootfs.tar.gz', { repo: 'team/base' }).wait();
   * ```
   */
  import(source: BinaryInput | string, options: ImportOptions = {}): ProgressStream<ImportResult> {
    const { signal, repo, tag, changes, message, platform } = options;
    const url = typeof source === 'string';
    const query: G.ImageCreateQuery = { fromSrc: url ? source : '-', repo, tag, changes, message, platform };
    const input: OperationInput = url
      ? { query, signal }
      : { query, body: source, contentType: 'application/x-tar', signal };
    return openProgress(this.#core, 'ImageCreate', input, {
      finish: (result) => ({ ...result, imageId: result.lastStatus?.trim() || undefined }),
    });
  }

  /**
   * Pushes an image to its registry (`docker push`). `name` may carry a tag; otherwise
   * `options.tag`, else `latest` (all tags: `allTags`). `wait()` resolves with the digest the
   * registry stored. Credentials: `auth`, else the client's `credentials` for the registry (the
   * docker config by default), else anonymous (`{}`). When the registry refuses, configured
   * credentials are looked up again and the push retried once (`messages()` then shows both
   * attempts); a final refusal rejects with `RegistryAuthError` (`REGISTRY_UNAUTHORIZED`).
   *
   * @example
   * ```ts
   * const { digest } = await docker.images.push('registry.example/team/app:1.2', { auth: { username: 'ci', password } }).wait();
   * ```
   */
  push(name: string, options: PushOptions = {}): ProgressStream<PushResult> {
    const { signal, auth } = options;
    const reference = parseReference(name);
    if (reference.digest !== undefined) {
      throw new EngineError('INVALID_ARGUMENT', `images.push: cannot push a digest reference ("${name}")`);
    }
    const given = pickTag(reference, options.tag, 'images.push');
    if (options.allTags && given !== undefined) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `images.push: allTags pushes every tag, so "${name}" must name none`,
      );
    }
    // No tag in the query: the daemon pushes every local tag of the repository.
    const tag = options.allTags ? undefined : (given ?? 'latest');
    return openRegistryProgress(
      this.#core,
      'ImagePush',
      { params: { name: reference.name }, query: { tag }, signal },
      {
        what: `images.push ${reference.name}${tag === undefined ? '' : `:${tag}`}`,
        registry: registryKey(reference.domain),
        explicit: auth,
        alwaysSendAuth: true,
      },
      (result) => {
        const aux = result.aux.findLast((a) => typeof a.Digest === 'string');
        if (aux) {
          return {
            ...result,
            digest: aux.Digest as string,
            size: typeof aux.Size === 'number' ? aux.Size : undefined,
          };
        }
        const line = PUSH_DIGEST.exec(result.lastStatus ?? '');
        return { ...result, digest: line?.[1], size: line ? Number(line[2]) : undefined };
      },
    );
  }

  /**
   * Tags an image: `name` (name, name:tag or ID) gets the reference `repo:tag` (default tag `latest`).
   *
   * @example
   * ```ts
   * await docker.images.tag('alpine:3.20', { repo: 'registry.example/base/alpine', tag: '3.20' });
   * ```
   */
  tag(name: string, options: G.ImageTagQuery & CallOptions): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('ImageTag', { params: { name }, query, signal });
  }

  /**
   * Removes an image or one of its tags (`docker rmi`): resolves with what was untagged and
   * deleted. `force` also removes it from stopped containers' use and all its tags; `noprune`
   * keeps untagged parents.
   *
   * @example
   * ```ts
   * const removed = await docker.images.remove('team/app:old', { force: true });
   * ```
   */
  remove(name: string, options: G.ImageDeleteQuery & CallOptions = {}): Promise<G.ImageDeleteResult> {
    const { signal, ...query } = options;
    return this.#core.json('ImageDelete', { params: { name }, query, signal });
  }

  /**
   * Removes unused images: dangling ones, or with `filters: { dangling: ['false'] }` every image no
   * container uses. Other filters: `until`, `label`.
   *
   * @example
   * ```ts
   * const { ImagesDeleted, SpaceReclaimed } = await docker.images.prune({ filters: { label: ['stage=ci'] } });
   * ```
   */
  prune(options: G.ImagePruneQuery & CallOptions = {}): Promise<G.ImagePruneResult> {
    const { signal, ...query } = options;
    return this.#core.json('ImagePrune', { query, signal });
  }

  /**
   * Searches a registry (Docker Hub unless `term` names another registry, which must implement
   * the v1 search API) — `docker search`.
   *
   * @example
   * ```ts
   * const hits = await docker.images.search('nginx', { limit: 5, filters: { 'is-official': ['true'] } });
   * ```
   */
  search(
    term: string,
    options: Omit<G.ImageSearchQuery, 'term'> & { readonly auth?: RegistryAuth } & CallOptions = {},
  ): Promise<G.ImageSearchResult> {
    const { signal, auth, ...query } = options;
    return this.#core.json('ImageSearch', { query: { ...query, term }, headers: authHeader(auth), signal });
  }

  /**
   * Creates an image from a container's filesystem (`docker commit`). Lower-case keys are the
   * query (`container`, `repo`, `tag`, `comment`, `author`, `pause`, `changes`); capitalised ones
   * the image config (`Labels`, `Env`, `Cmd`, ...), which `changes` instructions then amend.
   *
   * @example
   * ```ts
   * const { Id } = await docker.images.commit({
   *   container: 'web', repo: 'team/web', tag: 'snapshot', changes: ['ENV MODE=debug'], Labels: { stage: 'debug' },
   * });
   * ```
   */
  commit(options: CommitOptions): Promise<G.ImageCommitResult> {
    const { signal, ...rest } = options;
    const query: Record<string, unknown> = {};
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (key in operations.ImageCommit.query) query[key] = value;
      else body[key] = value;
    }
    return this.#core.json('ImageCommit', {
      query,
      body: Object.keys(body).length > 0 ? body : undefined,
      signal,
    });
  }

  /**
   * Exports an image (all its tags, layers and config) as a tar stream (`docker save`), for
   * {@link Images.load}. Consume or destroy the stream; destroying it closes the request.
   *
   * @example
   * ```ts
   * import { createWriteStream } from 'node:fs';
   * import { pipeline } from 'node:stream/promises';
   * await pipeline(await docker.images.save('team/app:1'), createWriteStream('app.tar'));
   * ```
   */
  async save(name: string, options: G.ImageGetQuery & CallOptions = {}): Promise<Readable> {
    const { signal, ...query } = options;
    const response = await this.#core.send('ImageGet', { params: { name }, query, signal });
    return response.body;
  }

  /**
   * Exports several images into one tar stream (`docker save a b c`); shared layers are stored once.
   *
   * @example
   * ```ts
   * const tar = await docker.images.saveAll(['team/app:1', 'team/worker:1']);
   * ```
   */
  async saveAll(
    names: string[],
    options: Omit<G.ImageGetAllQuery, 'names'> & CallOptions = {},
  ): Promise<Readable> {
    const { signal, ...query } = options;
    const response = await this.#core.send('ImageGetAll', { query: { ...query, names }, signal });
    return response.body;
  }

  /**
   * Loads images from a `docker save` tar (`docker load`). `wait()` resolves with the references
   * (and untagged IDs) the archive held.
   *
   * @example
   * ```ts
   * import { createReadStream } from 'node:fs';
   * const { images } = await docker.images.load(createReadStream('app.tar')).wait(); // ['team/app:1']
   * ```
   */
  load(tar: BinaryInput, options: G.ImageLoadQuery & CallOptions = {}): ProgressStream<LoadResult> {
    const { signal, ...query } = options;
    const images: string[] = [];
    const imageIds: string[] = [];
    return openProgress(
      this.#core,
      'ImageLoad',
      { query, body: tar, contentType: 'application/x-tar', signal },
      {
        tap: (message) => {
          if (typeof message.stream !== 'string') return;
          for (const line of message.stream.split('\n')) {
            const id = LOADED_IMAGE_ID.exec(line.trim());
            const ref = id ? undefined : LOADED_IMAGE.exec(line.trim());
            if (id?.[1]) imageIds.push(id[1]);
            else if (ref?.[1]) images.push(ref[1]);
          }
        },
        finish: (result) => ({ ...result, images, imageIds }),
      },
    );
  }

  /**
   * Supply-chain attestations (SBOM, provenance) of an image. Needs API 1.55: against an older
   * engine it throws `EngineVersionError` before anything is sent.
   *
   * @example
   * ```ts
   * const statements = await docker.images.attestations('team/app:1', { type: ['https://spdx.dev/Document'] });
   * ```
   */
  attestations(
    name: string,
    options: G.ImageAttestationsQuery & CallOptions = {},
  ): Promise<G.ImageAttestationsResult> {
    const { signal, ...query } = options;
    return this.#core.json('ImageAttestations', { params: { name }, query, signal });
  }

  /**
   * Builds an image with the classic builder — `docker build` with `DOCKER_BUILDKIT=0` — from a
   * directory, a remote URL or a tar (see {@link BuildSource}); the Dockerfile is `Dockerfile` at
   * the context's root unless `dockerfile` names another. The request goes out once the Dockerfile
   * was read (directory, or uncompressed tar bytes): `X-Registry-Config` then carries credentials
   * for the registries its `FROM` / `COPY --from` images come from — `options.auth`, else the
   * client's `credentials`. `wait()` resolves with the image ID; a failing step rejects it with
   * {@link EngineBuildError} (`STREAM_ERROR`): the daemon's message (`The command '/bin/sh -c …'
   * returned a non-zero code: 3`) and the output before it as `log`, which `messages()` also
   * yields. A bad directory, a missing Dockerfile or a bad `.dockerignore` rejects with
   * `INVALID_ARGUMENT`; aborting `signal` stops the upload or the build (`ABORTED`) and the daemon
   * cancels the running step. `version: '2'` (BuildKit) needs a session this SDK does not
   * provide. Pass `forcerm: true` to also remove the container of a failed step.
   *
   * @example
   * ```ts
   * const build = docker.images.build({ directory: './app' }, { t: 'team/app:dev', buildargs: { MODE: 'dev' } });
   * for await (const m of build.messages()) if (m.stream) process.stdout.write(m.stream);
   * const { imageId } = await build.wait();
   * ```
   */
  build(source: BuildSource, options: BuildOptions = {}): ProgressStream<BuildResult> {
    const request = buildRequest(source, options, this.#core.credentials);
    const response = request.then((input) => this.#core.send('ImageBuild', input));
    return progressOf(response, options.signal, buildProgressHooks());
  }

  /**
   * Removes build cache (`docker builder prune`): unused entries, or all with `all: true`.
   * Filters: `until`, `id`, `parent`, `type`, `description`, `inuse`, `shared`, `private`.
   *
   * @example
   * ```ts
   * const { SpaceReclaimed } = await docker.images.pruneBuildCache({ filters: { until: ['24h'] } });
   * ```
   */
  pruneBuildCache(options: G.BuildPruneQuery & CallOptions = {}): Promise<G.BuildPruneResult> {
    const { signal, ...query } = options;
    return this.#core.json('BuildPrune', { query, signal });
  }
}
