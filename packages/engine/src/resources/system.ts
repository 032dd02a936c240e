import { abortable, type CallOptions, type EngineCore } from '../core.ts';
import { registryKey } from '../credentials.ts';
import { abortError, EngineError } from '../errors.ts';
import type {
  BuildCache,
  ContainerSummary,
  EventMessage,
  ImageSummary,
  Volume,
} from '../generated/models.ts';
import type * as G from '../generated/operations.ts';
import type { RegistryAuth } from '../registry-auth.ts';
import { type JsonReviver, parseJsonValues } from '../streams/json-values.ts';
import type { HttpResponse } from '../transport/http.ts';
import { type Timestamp, toUnixTimestamp } from './containers.ts';

/**
 * What `GET /_ping` tells about the daemon, from its response headers.
 *
 * @example
 * ```ts
 * const info: PingInfo = await docker.system.ping();
 * if (info.swarm === 'active/manager') console.log(await docker.services.list());
 * ```
 */
export interface PingInfo {
  /** The daemon's newest API version (`API-Version` header), e.g. `'1.41'`; undefined if it sent none. */
  readonly apiVersion: string | undefined;
  /** `'linux'` or `'windows'` (`OSType` header). */
  readonly osType: string | undefined;
  /**
   * The daemon's default builder (`Builder-Version` header): `'1'` (classic) or `'2'` (BuildKit);
   * Docker 20.10 sends it only when its configuration names a builder.
   */
  readonly builderVersion: string | undefined;
  /** Whether experimental features are on (`Docker-Experimental: true`). */
  readonly experimental: boolean;
  /**
   * The node's swarm state (`Swarm` header, sent by API 1.42+ daemons — undefined from Docker 20.10):
   * `'inactive'`, `'pending'`, `'error'`, `'locked'`, `'active/worker'` or `'active/manager'`.
   */
  readonly swarm: string | undefined;
}

/**
 * `docker system df`'s answer. The generated `SystemDataUsageResult` has only the per-kind
 * summaries API 1.52 introduced (`ImageUsage`, ...); daemons below 1.52 — Docker 20.10 included —
 * send the older lists instead, typed here as well. Each field is present only in the API versions
 * (and for the `type`s) that send it.
 *
 * @example
 * ```ts
 * const usage: DataUsage = await docker.system.df({ type: ['volume'] });
 * // API 1.52+: VolumeUsage; older daemons: the Volumes list (a Size of -1 means not computed)
 * const volumeBytes =
 *   usage.VolumeUsage?.TotalSize ??
 *   (usage.Volumes ?? []).reduce((sum, volume) => sum + Math.max(0, volume.UsageData?.Size ?? 0), 0);
 * ```
 */
export type DataUsage = G.SystemDataUsageResult & {
  /** Bytes used by all image layers (API < 1.52). */
  LayersSize?: number;
  /** API < 1.52. */
  Images?: ImageSummary[];
  /** API < 1.52. */
  Containers?: ContainerSummary[];
  /** API < 1.52. */
  Volumes?: Volume[];
  /** API < 1.52. */
  BuildCache?: BuildCache[];
};

/**
 * Options of {@link System.events}.
 *
 * @example
 * ```ts
 * const options: EventsOptions = {
 *   since: '5m',
 *   until: new Date(), // replay the last five minutes, then end
 *   filters: { type: ['container'], event: ['die', 'oom'] },
 * };
 * for await (const event of docker.system.events(options)) console.log(event.Action, event.Actor?.ID);
 * ```
 */
export interface EventsOptions extends CallOptions {
  /**
   * Replay events from this time on (the daemon keeps the last 256 in memory), then go on live.
   * A `Date`; a number of Unix **seconds** (fractions allowed); or a string: Unix seconds
   * (`'1700000000.5'`), a duration back from now as the CLI takes it (`'10m'`, `'1h30m'`), or a
   * date `Date.parse` reads (`'2024-05-01T12:00:00Z'`).
   */
  readonly since?: Timestamp;
  /** Stop at this time (same forms as `since`): in the past, the stream ends once replayed. */
  readonly until?: Timestamp;
  /** E.g. `{ type: ['container'], event: ['die'], label: ['app=shop'] }`. */
  readonly filters?: G.Filters;
}

/**
 * An event from {@link System.events}: the engine's message plus `timeNanoText`, the exact decimal
 * text of `timeNano`. Nanoseconds since 1970 exceed 2^53, so the `timeNano` number is rounded (to
 * a multiple of 256 ns); use the text (`BigInt(event.timeNanoText)`) where the exact time matters.
 *
 * @example
 * ```ts
 * for await (const event of docker.system.events({ since: '1m', until: new Date() })) {
 *   const nanos = event.timeNanoText === undefined ? undefined : BigInt(event.timeNanoText);
 *   console.log(nanos, event.Action);
 * }
 * ```
 */
export type EngineEvent = EventMessage & { readonly timeNanoText?: string };

/** Records the source text of a top-level `timeNano` on the event it belongs to. */
const keepTimeNanoText: JsonReviver = function (key, value, context) {
  if (key === 'timeNano' && context?.source !== undefined) this.timeNanoText = context.source;
  return value;
};

/**
 * The engine itself: `docker version`, `docker info`, `docker system df`, `docker events`,
 * `docker login`.
 *
 * @example
 * ```ts
 * const { Version, ApiVersion } = await docker.system.version();
 * for await (const event of docker.system.events({ filters: { type: ['container'] } })) {
 *   console.log(event.Action, event.Actor?.ID);
 * }
 * ```
 */
export class System {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Pings the daemon (`GET /_ping`) and reads what its headers tell. Throws `STREAM_PROTOCOL` when
   * the answer is not `OK` — the endpoint is not a Docker engine (or a proxy in between rewrote it).
   *
   * @example
   * ```ts
   * const { apiVersion, osType, swarm } = await docker.system.ping();
   * // { apiVersion: '1.41', osType: 'linux', swarm: 'inactive', ... }
   * ```
   */
  async ping(options: CallOptions = {}): Promise<PingInfo> {
    const response = await this.#core.buffered('SystemPing', { signal: options.signal });
    const bytes = response.body;
    // 'OK' compared as bytes: this is the cheapest call there is, and often made in a loop.
    if (bytes.length !== 2 || bytes[0] !== 0x4f || bytes[1] !== 0x4b) {
      const body = bytes.toString('utf8', 0, 1024).trim();
      throw new EngineError(
        'STREAM_PROTOCOL',
        `GET /_ping answered "${body.slice(0, 80)}" instead of "OK" — is ${this.#core.endpoint.url} a Docker engine?`,
      );
    }
    return pingInfo(response);
  }

  /**
   * Pings with `HEAD /_ping`: the same headers, no body — the cheapest liveness check.
   *
   * @example
   * ```ts
   * const { apiVersion } = await docker.system.pingHead();
   * ```
   */
  async pingHead(options: CallOptions = {}): Promise<PingInfo> {
    return pingInfo(await this.#core.buffered('SystemPingHead', { signal: options.signal }));
  }

  /**
   * Versions of the engine and its components.
   *
   * @example
   * ```ts
   * const { Version, ApiVersion, MinAPIVersion, Os, Arch } = await docker.system.version();
   * ```
   */
  version(options: CallOptions = {}): Promise<G.SystemVersionResult> {
    return this.#core.json('SystemVersion', { signal: options.signal });
  }

  /**
   * System-wide information: counts, storage driver, swarm state, resources, ...
   *
   * @example
   * ```ts
   * const { Containers, Images, Swarm } = await docker.system.info();
   * console.log(Swarm?.LocalNodeState); // 'inactive'
   * ```
   */
  info(options: CallOptions = {}): Promise<G.SystemInfoResult> {
    return this.#core.json('SystemInfo', { signal: options.signal });
  }

  /**
   * Disk usage by images, containers, volumes and build cache (`docker system df`). Computing
   * volume sizes walks their files: on a busy host this takes seconds. `type` (API 1.42+) limits
   * the work to some kinds; against an older engine it throws `EngineVersionError` before sending.
   *
   * @example
   * ```ts
   * const usage = await docker.system.df();
   * // API 1.52+: usage.ImageUsage?.TotalSize; older daemons: usage.LayersSize, usage.Images
   * ```
   */
  df(options: G.SystemDataUsageQuery & CallOptions = {}): Promise<DataUsage> {
    const { signal, ...query } = options;
    return this.#core.json('SystemDataUsage', { query, signal });
  }

  /**
   * Checks registry credentials (`docker login`): the daemon logs in to `serveraddress` (Docker
   * Hub when empty). Resolves with `Status` (`'Login Succeeded'`) and, for registries that issue
   * one, an `IdentityToken` to use instead of the password from then on. Wrong credentials reject
   * with an `EngineApiError` (`API_UNAUTHORIZED` or `API_SERVER`, depending on the daemon's
   * version); the password never appears in the error. Given no username, password or token, it
   * checks what the client's `credentials` (the docker config by default) hold for
   * `serveraddress`, looked up afresh — `docker login <registry>` without `-u` — and throws
   * `INVALID_ARGUMENT` when there are none.
   *
   * @example
   * ```ts
   * const { Status } = await docker.system.auth({
   *   username: 'me',
   *   password: process.env.REGISTRY_PASSWORD,
   *   serveraddress: 'registry.example.com',
   * });
   * await docker.system.auth({ serveraddress: 'registry.example.com' }); // the stored credentials
   * ```
   */
  async auth(credentials: RegistryAuth & CallOptions = {}): Promise<G.SystemAuthResult> {
    const { signal, ...given } = credentials;
    let body: RegistryAuth = given;
    if (!given.username && !given.password && !given.identitytoken && !given.registrytoken) {
      const key = registryKey(given.serveraddress ?? '');
      const source = this.#core.credentials;
      // A login is the moment to see what is stored now, not what this client cached earlier.
      source?.forget(key);
      const stored = source ? await abortable(source.get(key), signal) : undefined;
      if (!stored) {
        throw new EngineError(
          'INVALID_ARGUMENT',
          `system.auth: no username, password or token given, and none configured for ${key} — pass them, or log in with the docker CLI first`,
        );
      }
      body = { ...stored, serveraddress: given.serveraddress || stored.serveraddress };
    }
    return this.#core.json('SystemAuth', { body, signal });
  }

  /**
   * Streams the engine's events (`docker events`). The request opens when iteration starts (each
   * `for await` opens its own): events before that are only seen through `since`. Without `until` the stream stays open until
   * the loop breaks (which closes the request), `signal` aborts, or the client closes; with an
   * `until` in the past it ends by itself after replaying.
   *
   * @example
   * ```ts
   * for await (const event of docker.system.events({ filters: { type: ['container'], event: ['die'] } })) {
   *   console.log(`${event.Actor?.ID} exited with ${event.Actor?.Attributes?.exitCode}`);
   *   if (done) break;
   * }
   * // the last ten minutes, then stop
   * for await (const event of docker.system.events({ since: '10m', until: new Date() })) console.log(event.Action);
   * ```
   */
  events(options: EventsOptions = {}): AsyncIterable<EngineEvent> {
    const { signal, since, until, filters } = options;
    // Checked now: a bad time is a mistake in the call, not something to find out mid-iteration.
    const query: G.SystemEventsQuery = {
      since: toUnixTimestamp(since, 'since'),
      until: toUnixTimestamp(until, 'until'),
      filters,
    };
    const core = this.#core;
    // Each iteration opens its own request, like `containers.logs`.
    return {
      async *[Symbol.asyncIterator]() {
        const response = await core.send('SystemEvents', { query, signal });
        try {
          for await (const value of parseJsonValues(response.body, keepTimeNanoText))
            yield value as EngineEvent;
        } catch (err) {
          if (signal?.aborted) throw abortError(signal);
          throw err;
        } finally {
          response.body.destroy();
        }
      },
    };
  }
}

function pingInfo(response: { readonly headers: HttpResponse['headers'] }): PingInfo {
  const header = (name: string): string | undefined => {
    const value = response.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    apiVersion: header('api-version'),
    osType: header('ostype'),
    builderVersion: header('builder-version'),
    experimental: header('docker-experimental') === 'true',
    swarm: header('swarm'),
  };
}
