import type { WebSocket } from 'ws';
import type { z } from 'zod';
import type { Requirement } from '../auth/permissions.ts';
import type { Principal } from '../auth/principal.ts';
import type { ConsoleServices, EngineHandle } from '../context.ts';

/** What a realtime channel gets once the upgrade passed Origin, authentication and permission checks. */
export interface ChannelContext<Params, Query> {
  readonly params: Params;
  readonly query: Query;
  readonly principal: Principal;
  readonly engine: EngineHandle | undefined;
  readonly socket: WebSocket;
  /** Aborted when the socket closes: pass it to every SDK call so daemon streams end with it. */
  readonly signal: AbortSignal;
  readonly requestId: string;
  readonly ip: string;
  readonly services: ConsoleServices;
}

/**
 * One WebSocket channel (`GET` + `Upgrade: websocket`). Listed in a table (`realtime/index.ts`)
 * that the upgrade handler routes by, and that the permission test walks with the REST routes.
 * Messages are JSON text frames `{ type, ... }` unless the channel documents binary frames.
 */
export interface ChannelDefinition<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  /** `/api/engines/:engine/containers/:id/logs` (same syntax as routes). */
  readonly path: string;
  readonly requirement: Requirement;
  /** Audit / metrics name, e.g. `containers.exec`. Channels that act (exec) are audited on open. */
  readonly operation: string;
  readonly audited: boolean;
  readonly summary: string;
  readonly params?: P;
  readonly query?: Q;
  /** Runs for the life of the socket; resolves or rejects when it is done (the socket is then closed). */
  readonly open: (context: ChannelContext<z.output<P>, z.output<Q>>) => Promise<void>;
}

export const defineChannel = <P extends z.ZodType, Q extends z.ZodType>(
  channel: ChannelDefinition<P, Q>,
): ChannelDefinition => channel as unknown as ChannelDefinition;
