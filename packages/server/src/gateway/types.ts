/**
 * Shapes shared by the gateway stages (canonical.ts, routes.ts, body.ts, policy.ts, scope.ts,
 * forward.ts). Every request is turned into one {@link CanonicalRequest} before anything is judged.
 */

/** How the daemon reads an operation's request body. */
export type BodyKind = 'none' | 'json' | 'tar' | 'raw';

/** One Engine API operation of the route table (generated from the spec). */
export interface GatewayOperation {
  /** The spec's operationId, e.g. `ContainerCreate`. */
  readonly id: string;
  /** Upper-case HTTP method, matched case-sensitively as the daemon does. */
  readonly method: string;
  /** Path pattern with `{name}` variables, e.g. `/containers/{id}/start`. */
  readonly pattern: string;
  /** First API version serving the operation (`1.41` = the floor of the specs read). */
  readonly minVersion: string;
  /** Last API version serving it; absent while the newest spec still has it. */
  readonly maxVersion?: string;
  readonly body: BodyKind;
  /** `hijack`: the connection becomes raw (101 or raw 200); `stream`: a long response body. */
  readonly stream?: 'hijack' | 'stream';
  /**
   * Shape of the JSON body (see generated/body-fields.ts): a spec definition name such as
   * `NodeSpec`, `<OperationId>Body` for inline schemas, or `[]X` for array bodies.
   */
  readonly bodySchema?: string;
  /**
   * Query parameters the spec (plus the SDK's quirks) knows: `one` = the daemon reads the first
   * value only, so a repeated key is refused; `all` = it reads every value.
   */
  readonly query: Readonly<Record<string, 'one' | 'all'>>;
}

/** A request after path cleaning, version and engine prefix removal and operation matching. */
export interface CanonicalRequest {
  readonly method: string;
  /** `1.41`..`1.55`, or undefined when the client sent no `/vX.Y` prefix (pinned later). */
  readonly apiVersion: string | undefined;
  /** Canonical path, without the version or engine prefix, percent-decoded once. */
  readonly path: string;
  /** From a `/engines/<id>` prefix; undefined when the request had none. */
  readonly engineId: string | undefined;
  readonly operation: GatewayOperation;
  /** Path variables of the operation pattern, percent-decoded once. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Canonical parsed JSON body (keys rewritten to the schema's spelling), or undefined. */
  readonly body: unknown;
  /** tar / raw bodies, read whole. */
  readonly rawBody?: Buffer;
}

/** Why a request is refused before it reaches the engine. */
export interface Denial {
  readonly status: 400 | 403 | 404 | 405 | 413 | 415;
  /** Stable rule id, e.g. `canonical.dot-segment`, `body.duplicate-key`. */
  readonly rule: string;
  /** Says what was wrong and what to change. */
  readonly message: string;
}
