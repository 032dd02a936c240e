import { type CredentialSource, CredentialStore } from './credentials.ts';
import { abortError, EngineError, EngineVersionError } from './errors.ts';
import { type OperationId, type OperationSpec, operations } from './generated/operations.ts';
import { type Endpoint, type EndpointOptions, resolveEndpoint } from './transport/endpoint.ts';
import { type HijackedConnection, hijack } from './transport/hijack.ts';
import {
  type BufferedResponse,
  type HttpRequest,
  type HttpResponse,
  HttpTransport,
  type RequestBody,
  type Timeouts,
} from './transport/http.ts';
import { createDialer, type Dialer } from './transport/socket.ts';
import type { SshOptions } from './transport/ssh.ts';
import {
  compareVersions,
  MAX_API_VERSION,
  MIN_API_VERSION,
  parsePinnedVersion,
  VersionNegotiator,
} from './version.ts';

/**
 * Options for {@link connect}. Everything is optional: the environment fills the gaps as the docker CLI does.
 *
 * @example
 * ```ts
 * import { connect } from '@gantry/engine';
 * const docker = connect({
 *   host: 'tcp://10.0.0.5:2376',
 *   tlsVerify: true,
 *   certPath: '/etc/docker/client-certs', // ca.pem, cert.pem, key.pem
 *   apiVersion: '1.43', // pinned: no negotiation ping
 *   timeouts: { connect: 5_000 }, // ms
 * });
 * const remote = connect({ host: 'ssh://deploy@build-box', ssh: { configFile: '/etc/gantry/ssh_config' } });
 * const staging = connect({ context: 'staging' }); // as `docker --context staging`
 * ```
 */
export interface ConnectOptions extends EndpointOptions {
  /** Pin the API version (e.g. `'1.43'`) and skip negotiation; `DOCKER_API_VERSION` does the same. */
  readonly apiVersion?: string;
  readonly timeouts?: Timeouts;
  /** Extra headers sent with every request (e.g. a gateway's `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Environment to read `DOCKER_*` from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How `ssh://` hosts are reached: ssh config file, ssh program. */
  readonly ssh?: SshOptions;
  /**
   * Most connections open to a unix or tcp engine at once (default 64); more requests wait for
   * one. Each open stream (logs -f, events, stats) holds one: a proxy or console serving many
   * clients raises it. ssh engines use channels of one ssh connection instead (6).
   */
  readonly maxConnections?: number;
  /**
   * Registry credentials for pulls, pushes and logins given no `auth`: by default a
   * {@link CredentialStore} over the docker CLI's `config.json` (`DOCKER_CONFIG` and `HOME` from
   * `env`), another {@link CredentialSource}, or `false` to never look any up (anonymous).
   */
  readonly credentials?: CredentialSource | false;
}

/**
 * Every SDK call accepts a signal; aborting it closes the request, or the stream it opened.
 *
 * @example
 * ```ts
 * // gives up (and closes the request) after 5 s, rejecting with an ABORTED EngineError
 * const info = await docker.containers.inspect('web', { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

type Scalar = string | number | boolean;
/** The query as typed by the generated `<Operation>Query` interfaces. */
export type QueryInput = object;

/** What a resource method hands to the core for one operation. */
export interface OperationInput extends CallOptions {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: QueryInput | undefined;
  /** A JSON body (serialized here) — or, with `contentType`, a raw body sent as is. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/**
 * One request as a proxy forwards it to the daemon.
 *
 * @example
 * ```ts
 * const request: PassthroughRequest = { method: 'GET', path: '/v1.41/_ping' };
 * ```
 */
export interface PassthroughRequest {
  readonly method: string;
  /** Exactly what goes on the request line: `/v1.41/containers/json?all=1`, already encoded. */
  readonly path: string;
  /** Sent as given; the transport adds `Host` and, for a body, `Content-Length`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Body bytes buffered before the connection is paused (default 65,536). A relay that reads the
   * body in batches passes 1: between its reads the daemon's bytes wait in the kernel and arrive
   * in one read, not one per daemon write (a 64 MiB log through the gateway: a third of the CPU).
   */
  readonly bodyBufferBytes?: number;
}

/**
 * The request core shared by all resource modules: resolves the API version, checks that the
 * operation and each parameter exist in it, encodes path and query, and runs the request through
 * the single transport.
 */
export class EngineCore {
  readonly endpoint: Endpoint;
  /** Where calls without `auth` get registry credentials; undefined: anonymous. */
  readonly credentials: CredentialSource | undefined;
  readonly #dialer: Dialer;
  readonly #transport: HttpTransport;
  readonly #negotiator: VersionNegotiator;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #connectTimeout: number;

  constructor(options: ConnectOptions = {}) {
    const env = options.env ?? process.env;
    this.endpoint = resolveEndpoint(options, env);
    // Nothing is read here: the store looks a registry up on its first use.
    this.credentials =
      options.credentials === false ? undefined : (options.credentials ?? new CredentialStore({ env }));
    this.#connectTimeout = options.timeouts?.connect ?? 10_000;
    this.#headers = { 'User-Agent': 'gantry-engine/0.1', ...options.headers };
    if (
      options.maxConnections !== undefined &&
      !(Number.isInteger(options.maxConnections) && options.maxConnections > 0)
    ) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `maxConnections must be a positive whole number, not ${options.maxConnections}`,
      );
    }
    this.#dialer = createDialer(this.endpoint, options.ssh, options.maxConnections);
    this.#transport = new HttpTransport(this.#dialer, options.timeouts, this.#headers);
    const pinned = options.apiVersion
      ? parsePinnedVersion(options.apiVersion, 'apiVersion')
      : env.DOCKER_API_VERSION
        ? parsePinnedVersion(env.DOCKER_API_VERSION, 'DOCKER_API_VERSION')
        : undefined;
    this.#negotiator = new VersionNegotiator(pinned, () => this.#pingForVersion());
  }

  /** The API version in use, negotiating first if needed. */
  apiVersion(signal?: AbortSignal): Promise<string> {
    return abortable(this.#negotiator.resolve(), signal);
  }

  /** Sends the operation and parses the JSON answer (`undefined` for an empty body). */
  async json<T>(operationId: OperationId, input: OperationInput = {}): Promise<T> {
    const response = await this.buffered(operationId, input);
    const text = response.body.toString('utf8');
    if (!text.trim()) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new EngineError(
        'STREAM_PROTOCOL',
        `${operationId}: the daemon sent invalid JSON (${(err as Error).message})`,
      );
    }
  }

  /** Sends the operation and discards the body. */
  async void(operationId: OperationId, input: OperationInput = {}): Promise<void> {
    await this.buffered(operationId, input);
  }

  /** Sends the operation and reads the whole answer: status, headers and body bytes. */
  buffered(operationId: OperationId, input: OperationInput = {}): Promise<BufferedResponse> {
    return this.#withRequest(operationId, input, (req) => this.#transport.requestBuffered(req));
  }

  /** Sends the operation and hands back the live response (streams, tar, long polls). */
  send(operationId: OperationId, input: OperationInput = {}): Promise<HttpResponse> {
    return this.#withRequest(operationId, input, (req) => this.#transport.request(req));
  }

  /**
   * Builds the request and hands it to `send`. Once the version is known this runs without an
   * extra promise per layer: every call passes here, and each await costs a turn of the queue.
   */
  #withRequest<R>(
    operationId: OperationId,
    input: OperationInput,
    send: (req: HttpRequest) => Promise<R>,
  ): Promise<R> {
    try {
      if (input.signal?.aborted) throw abortError(input.signal);
      const version = this.#negotiator.current;
      if (version !== undefined) return send(this.#request(operationId, input, version));
      return this.apiVersion(input.signal).then((negotiated) =>
        send(this.#request(operationId, input, negotiated)),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #request(operationId: OperationId, input: OperationInput, version: string): HttpRequest {
    const spec = operations[operationId] as OperationSpec;
    this.#checkVersion(spec, input, version);
    const { headers, body } = this.#prepareBody(input);
    return {
      method: spec.method,
      path: `/v${version}${buildPath(spec, input)}`,
      headers,
      body,
      signal: input.signal,
      streaming: spec.streaming.length > 0,
      operation: operationId,
    };
  }

  /** Sends a request as given (no version check, no error mapping of statuses): see DockerClient.passthrough. */
  passthrough(request: PassthroughRequest): Promise<HttpResponse> {
    if (request.signal?.aborted) return Promise.reject(abortError(request.signal));
    return this.#transport.request({
      ...request,
      streaming: true,
      passthrough: true,
      operation: 'passthrough',
    });
  }

  /** Sends the operation with `Upgrade: <protocol>` and returns the hijacked connection. */
  async hijack(
    operationId: OperationId,
    input: OperationInput = {},
    protocol: 'tcp' | 'h2c' = 'tcp',
  ): Promise<HijackedConnection> {
    const spec = operations[operationId] as OperationSpec;
    if (input.signal?.aborted) throw abortError(input.signal);
    const version = await this.apiVersion(input.signal);
    this.#checkVersion(spec, input, version);
    const { headers } = this.#prepareBody({ ...input, body: undefined });
    return hijack(
      this.#dialer,
      this.#connectTimeout,
      {
        method: spec.method,
        path: `/v${version}${buildPath(spec, input)}`,
        headers: { ...this.#headers, ...headers },
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        signal: input.signal,
        operation: operationId,
        protocol,
      },
      () => this.#transport.takeIdleConnection(),
    );
  }

  /** Closes pooled connections, then the ssh master connection if there is one. Open streams end. */
  async close(): Promise<void> {
    await this.#transport.close();
    await this.#dialer.close();
  }

  /** Throws before sending when the operation or a parameter is newer than `version`. */
  #checkVersion(spec: OperationSpec, input: OperationInput, version: string): void {
    if (requiresNewer(spec.since, version)) {
      throw new EngineVersionError(`${spec.operationId} (${spec.method} ${spec.path})`, spec.since, version);
    }
    if (!input.query) return;
    for (const [name, value] of Object.entries(input.query)) {
      if (value === undefined) continue;
      const param = spec.query[name];
      if (!param) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `${spec.operationId} has no query parameter "${name}" — known: ${Object.keys(spec.query).join(', ') || 'none'}`,
        );
      }
      if (requiresNewer(param.since, version)) {
        throw new EngineVersionError(`the "${name}" parameter of ${spec.operationId}`, param.since, version);
      }
    }
  }

  /** The request's own headers; the client-wide ones are sent by the transport. */
  #prepareBody(input: OperationInput): { headers: Record<string, string> | undefined; body: RequestBody } {
    if (input.body === undefined && !input.headers) return NO_HEADERS_NO_BODY;
    const headers: Record<string, string> = {};
    if (input.headers)
      for (const [name, value] of Object.entries(input.headers))
        if (value !== undefined) headers[name] = value;
    if (input.body === undefined) return { headers, body: undefined };
    if (input.contentType) {
      headers['Content-Type'] = input.contentType;
      return { headers, body: input.body as RequestBody };
    }
    headers['Content-Type'] = 'application/json';
    return { headers, body: JSON.stringify(input.body) };
  }

  async #pingForVersion(): Promise<string | undefined> {
    const response = await this.#transport.requestBuffered({
      method: 'GET',
      path: '/_ping',
      operation: 'SystemPing',
    });
    const header = response.headers['api-version'];
    return Array.isArray(header) ? header[0] : header;
  }
}

/** Most requests (gets, starts, stops) carry neither a body nor headers of their own. */
const NO_HEADERS_NO_BODY = Object.freeze({ headers: undefined, body: undefined });

/**
 * True when `since` is newer than the version in use. `since` is floored at the oldest spec the
 * generator reads (1.41): such operations and parameters existed before it, so a client pinned
 * lower (the daemon accepts down to 1.40) is not refused for them.
 */
function requiresNewer(since: string, version: string): boolean {
  if (since === MIN_API_VERSION) return false; // the common case, without parsing
  return compareVersions(since, MIN_API_VERSION) > 0 && compareVersions(since, version) > 0;
}

/** Fills `{name}` placeholders and appends the encoded query string. */
export function buildPath(spec: OperationSpec, input: OperationInput): string {
  const path = !spec.path.includes('{')
    ? spec.path
    : spec.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const value = input.params?.[name];
        if (value === undefined || value === '') {
          throw new EngineError('INVALID_ARGUMENT', `${spec.operationId} needs a non-empty "${name}"`);
        }
        return encodePathSegment(value, spec, name);
      });
  const query = encodeQuery(spec, input.query);
  return query ? `${path}?${query}` : path;
}

/**
 * Image references keep their `/`, `:` and `@` readable; everything else is percent-encoded. A `.`
 * or `..` segment is refused: the daemon cleans paths, so it would reach a different endpoint.
 */
function encodePathSegment(value: string, spec: OperationSpec, name: string): string {
  if (value.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `${spec.operationId}: "${name}" must not contain "." or ".." path segments`,
    );
  }
  return encodeURIComponent(value).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%40/g, '@');
}

/**
 * Encodes a typed query the way the daemon reads it: booleans as `true`/`false`, JSON-valued
 * parameters (`filters`, `buildargs`, `labels`, ...) JSON-encoded, list parameters as repeated keys.
 *
 * @example
 * ```ts
 * encodeQuery(operations.ContainerList, { all: true, filters: { status: ['exited'] } });
 * // 'all=true&filters=%7B%22status%22%3A%5B%22exited%22%5D%7D'
 * ```
 */
export function encodeQuery(spec: OperationSpec, query: QueryInput | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    const encoding = spec.query[name]?.encoding ?? 'string';
    if (encoding === 'json') search.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    else if (Array.isArray(value)) for (const item of value as Scalar[]) search.append(name, String(item));
    else search.append(name, String(value as Scalar));
  }
  return search.toString();
}

/** Lets one caller stop waiting for a shared promise without cancelling it for the others. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export { MAX_API_VERSION };
