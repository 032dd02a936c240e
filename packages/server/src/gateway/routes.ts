/**
 * The gateway's route table: method + canonical path -> operation, matched the way the daemon's
 * router (gorilla/mux) would, but stricter wherever the daemon's match could be read two ways.
 *
 * The daemon registers every route as `/v{version}<path>` and `<path>`, matches the method exactly and
 * the *decoded* path with anchored regexes. Path variables are `{name:.*}` for containers, exec,
 * images, networks, volumes, plugins and distribution (so they can swallow `/`), and `{id}` (no `/`)
 * for the swarm resources. Here a variable holds no `/`, except an image, distribution or plugin
 * name (`library/busybox`, `vieux/sshfs:latest`), the only ones the daemon serves with a `/` inside.
 */
import { GATEWAY_OPERATIONS } from './generated/operations.ts';
import type { GatewayOperation } from './types.ts';

export interface OperationMatch {
  readonly operation: GatewayOperation;
  /** Path variables, already percent-decoded (once, with the rest of the path). */
  readonly params: Readonly<Record<string, string>>;
}

/** Where one decoded path leads, before the version check. */
export type RouteLookup =
  | { readonly kind: 'match'; readonly match: OperationMatch }
  /** The daemon's looser variables fit more than one operation: it would pick by registration order. */
  | { readonly kind: 'ambiguous'; readonly operations: readonly GatewayOperation[] }
  /** Only the daemon's looser variables fit: a `/` inside a container, volume, network or exec id. */
  | { readonly kind: 'slash-in-param'; readonly operation: GatewayOperation }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] }
  | { readonly kind: 'none' };

interface CompiledRoute {
  readonly operation: GatewayOperation;
  readonly names: readonly string[];
  /** What the gateway accepts. */
  readonly strict: RegExp;
  /** What the daemon's router would accept for the same template. */
  readonly loose: RegExp;
}

/** Templates whose `{name}` may hold `/` (image references, plugin references). */
const SLASHED_NAME = /^\/(?:images|distribution|plugins)\/\{name\}/;
/** Swarm routes are registered with plain `{id}`: no `/` even for the daemon. */
const SWARM_RESOURCE = /^\/(?:services|nodes|tasks|secrets|configs|swarm)(?:\/|$)/;
const VARIABLE = /\{([^}]+)\}/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(operation: GatewayOperation): CompiledRoute {
  const { pattern } = operation;
  const names = [...pattern.matchAll(VARIABLE)].map((m) => `${m[1]}`);
  const literals = pattern.split(VARIABLE).filter((_, index) => index % 2 === 0);
  const build = (variable: string) => new RegExp(`^${literals.map(escapeRegExp).join(variable)}$`, 's');
  const strict = SLASHED_NAME.test(pattern) ? '(.+)' : '([^/]+)';
  const loose = SWARM_RESOURCE.test(pattern) ? '([^/]+)' : '(.*)';
  return { operation, names, strict: build(strict), loose: build(loose) };
}

const ROUTES: readonly CompiledRoute[] = GATEWAY_OPERATIONS.map(compile);

/**
 * Finds the operation a decoded, already clean path (no version or engine prefix) names. Every
 * version's operations take part: the daemon's router does not look at the version either.
 *
 * @example
 * ```ts
 * const found = lookupRoute('GET', '/images/library/busybox:latest/json');
 * // { kind: 'match', match: { operation: ImageInspect, params: { name: 'library/busybox:latest' } } }
 * ```
 */
export function lookupRoute(method: string, path: string): RouteLookup {
  const sameMethod = ROUTES.filter((route) => route.operation.method === method);
  const loose = sameMethod.filter((route) => route.loose.test(path));
  if (loose.length > 1) return { kind: 'ambiguous', operations: loose.map((route) => route.operation) };
  const [route] = loose;
  if (route) {
    const found = route.strict.exec(path);
    if (!found) return { kind: 'slash-in-param', operation: route.operation };
    const params = Object.fromEntries(route.names.map((name, index) => [name, `${found[index + 1]}`]));
    return { kind: 'match', match: { operation: route.operation, params } };
  }
  const allowed = ROUTES.filter((other) => other.loose.test(path)).map((other) => other.operation.method);
  return allowed.length ? { kind: 'wrong-method', allowed: [...new Set(allowed)].sort() } : { kind: 'none' };
}

const versionParts = (version: string) => version.split('.').map(Number) as [number, number];

/**
 * Orders two `major.minor` API versions, numerically (1.9 < 1.41).
 *
 * @example
 * ```ts
 * compareApiVersions('1.41', '1.9'); // > 0
 * ```
 */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor, aMinor] = versionParts(a);
  const [bMajor, bMinor] = versionParts(b);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * Whether API `version` has the operation (its minVersion..maxVersion range).
 *
 * @example
 * ```ts
 * operationServes(volumeUpdate, '1.41'); // false: VolumeUpdate came with 1.42
 * ```
 */
export function operationServes(operation: GatewayOperation, version: string): boolean {
  if (compareApiVersions(version, operation.minVersion) < 0) return false;
  return operation.maxVersion === undefined || compareApiVersions(version, operation.maxVersion) <= 0;
}

/**
 * The operation and path variables for a canonical path, or undefined when none (or more than one)
 * fits, or the API version lacks it. `apiVersion` undefined: not checked (the caller pins it later).
 *
 * @example
 * ```ts
 * matchOperation('POST', '/containers/abc/start', '1.47');
 * // { operation: ContainerStart, params: { id: 'abc' } }
 * ```
 */
export function matchOperation(method: string, path: string, apiVersion: string | undefined) {
  const found = lookupRoute(method, path);
  if (found.kind !== 'match') return undefined;
  if (apiVersion !== undefined && !operationServes(found.match.operation, apiVersion)) return undefined;
  return found.match;
}
