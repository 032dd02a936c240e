import { EngineError } from './errors.ts';

/**
 * The newest Engine API version this SDK speaks.
 *
 * @example
 * ```ts
 * import { compareVersions, MAX_API_VERSION } from '@gantry/engine';
 * if (compareVersions(await docker.apiVersion(), MAX_API_VERSION) < 0) console.log('the engine is older than this SDK');
 * ```
 */
export const MAX_API_VERSION = '1.55';
/**
 * The oldest Engine API version this SDK is tested against (Docker 20.10).
 *
 * @example
 * ```ts
 * import { compareVersions, MIN_API_VERSION } from '@gantry/engine';
 * const { ApiVersion = '0.0' } = await docker.system.version();
 * if (compareVersions(ApiVersion, MIN_API_VERSION) < 0) console.warn(`untested engine API ${ApiVersion}`);
 * ```
 */
export const MIN_API_VERSION = '1.41';
/** What the Go client assumes when a daemon's `/_ping` carries no `API-Version` header. */
const FALLBACK_API_VERSION = '1.24';

/**
 * Compares two `MAJOR.MINOR` API versions numerically (`1.9` < `1.41`).
 *
 * @example
 * ```ts
 * compareVersions('1.41', '1.9'); // 1
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Validates a pinned version string such as `1.43` (an optional leading `v` is accepted). */
export function parsePinnedVersion(value: string, source: string): string {
  const match = /^v?(\d+\.\d+)$/.exec(value.trim());
  if (!match?.[1]) {
    throw new EngineError('CONFIG', `${source} "${value}" is not an API version — use the form 1.41`);
  }
  return match[1];
}

/**
 * Go-client version negotiation: lazy (nothing is sent until the first request), single-flight
 * (concurrent first requests share one `/_ping`), result = min(client max, daemon's API-Version).
 * A pinned version disables negotiation entirely. A failed ping is not cached: the next request
 * tries again.
 */
export class VersionNegotiator {
  readonly #pinned: string | undefined;
  readonly #ping: () => Promise<string | undefined>;
  #settled: string | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(pinned: string | undefined, ping: () => Promise<string | undefined>) {
    this.#pinned = pinned;
    this.#settled = pinned;
    this.#ping = ping;
  }

  /** The version in use, or `undefined` before negotiation finished. */
  get current(): string | undefined {
    return this.#settled;
  }

  get pinned(): boolean {
    return this.#pinned !== undefined;
  }

  /**
   * Resolves the version to use, pinging the daemon once if needed. The shared ping carries no
   * caller's signal, so one caller aborting does not fail the others' negotiation.
   */
  resolve(): Promise<string> {
    if (this.#settled) return Promise.resolve(this.#settled);
    this.#inFlight ??= this.#ping().then(
      (serverVersion) => {
        this.#settled = negotiate(serverVersion);
        this.#inFlight = undefined;
        return this.#settled;
      },
      (err: unknown) => {
        this.#inFlight = undefined;
        throw err;
      },
    );
    return this.#inFlight;
  }
}

/**
 * min(client max, server version); a server without the header is treated as the Go client does.
 *
 * @example
 * ```ts
 * negotiate('1.41'); // '1.41'
 * negotiate('1.60'); // '1.55'
 * ```
 */
export function negotiate(serverVersion: string | undefined): string {
  const server = serverVersion && /^\d+\.\d+$/.test(serverVersion) ? serverVersion : FALLBACK_API_VERSION;
  return compareVersions(server, MAX_API_VERSION) < 0 ? server : MAX_API_VERSION;
}
