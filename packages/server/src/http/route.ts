import type { z } from 'zod';
import type { Requirement } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import type { ConsoleServices, EngineHandle } from '../context.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route handler gets: validated input, the caller, the engine its path names, and the services. */
export interface RouteContext<Params, Query, Body> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
  /** The caller; undefined only on `public` routes. */
  readonly principal: Principal | undefined;
  /** The engine named by `:engine` in the path (already checked against the caller's grants). */
  readonly engine: EngineHandle | undefined;
  readonly request: Request;
  readonly requestId: string;
  readonly ip: string;
  /** Aborted when the client goes away: pass it to every SDK call. */
  readonly signal: AbortSignal;
  readonly services: ConsoleServices;
  /**
   * What the audit row of this request says beyond the route: the target (e.g. a container id or
   * name) and parameters worth keeping. Secrets in `params` are redacted before writing.
   */
  readonly audit: {
    target?: string;
    params?: Record<string, unknown>;
    actor?: string;
    /**
     * Set by a handler that answers with a stream whose outcome is known only at its end (image
     * pull / push / build): it appends the audit row itself, with that outcome, before the stream's
     * last line. The router then writes no row for its (< 400) response; errors are still its own.
     */
    recordsItself?: boolean;
  };
}

/**
 * One REST route. Every route of the console is one of these, listed in a table (`routes/index.ts`):
 * the router registers them, the OpenAPI document is generated from them, and the permission test
 * walks them. Schemas are zod; a failed parse is a 400 naming the field.
 */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** Hono syntax: `/api/engines/:engine/containers/:id/start`. */
  readonly path: string;
  readonly requirement: Requirement;
  /** Audit and metrics name, `resource.verb`: `containers.start`. Every non-GET route is audited under it. */
  readonly operation: string;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Response body when it is JSON (for the OpenAPI document); streams and files leave it out. */
  readonly response?: z.ZodType;
  /** The result is sent as JSON (`undefined`: 204); a `Response` is sent as is (streams, files). */
  readonly handler: (
    context: RouteContext<z.output<P>, z.output<Q>, z.output<B>>,
  ) => Promise<unknown> | unknown;
}

/** Keeps a route's schemas and handler types tied together; returns the definition unchanged. */
export const defineRoute = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  route: RouteDefinition<P, Q, B>,
): RouteDefinition => route as unknown as RouteDefinition;
