/**
 * Pieces the identity, audit and settings routes share: paging of small in-memory lists, the
 * engine-grant schema, the audit row the self-audited routes write, and the session-only guard.
 */
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import type { AuditEntry } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import type { RouteContext } from '../http/route.ts';

export const MAX_PAGE_SIZE = 500;

/** `?page=1&pageSize=50&filter=text` (filter: case-insensitive substring of the name). */
export const pagingQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  filter: z.string().optional(),
});

/** One page of `items` (already filtered and sorted), in the console's list shape. */
export function pageOf<T>(items: readonly T[], paging: { page: number; pageSize: number }) {
  const start = (paging.page - 1) * paging.pageSize;
  return { items: items.slice(start, start + paging.pageSize), total: items.length, ...paging };
}

/** `'*'` (every engine, present and future) or a list of engine ids. */
export const engineGrant = z.union([
  z.literal('*'),
  z.array(z.string().min(1, 'an engine id must not be empty')).max(1000, 'at most 1000 engine ids'),
]);

type AnyContext = RouteContext<unknown, unknown, unknown>;

/**
 * Writes the audit row of a self-audited route (audit-log.ts SELF_AUDITED_OPERATIONS): the router
 * leaves these to the handler, which knows the username and the outcome's reason.
 */
export async function auditOwn(
  context: Pick<AnyContext, 'services' | 'ip' | 'requestId' | 'principal'>,
  entry: Pick<AuditEntry, 'operation' | 'outcome' | 'status'> &
    Partial<Pick<AuditEntry, 'actor' | 'actorKind' | 'target' | 'params'>>,
): Promise<void> {
  const { principal } = context;
  await context.services.audit.append({
    actor: entry.actor ?? principal?.name ?? 'anonymous',
    actorKind: entry.actorKind ?? principal?.kind ?? 'anonymous',
    operation: entry.operation,
    target: entry.target,
    params: entry.params,
    outcome: entry.outcome,
    status: entry.status,
    ip: context.ip,
    requestId: context.requestId,
  });
}

/** 403 for API tokens on routes only a signed-in person may use (password, new tokens). */
export function requireSession(principal: Principal | undefined): Principal {
  if (principal?.kind !== 'user') {
    throw new HttpError(403, 'SESSION_REQUIRED', 'sign in with a password for this; API tokens cannot do it');
  }
  return principal;
}

/** A JSON response with extra headers (cookies, Retry-After). */
export const jsonWith = (body: unknown, status: number, headers: Record<string, string>): Response =>
  Response.json(body, { status, headers });

/** The status and code of a refusal, for the audit row; undefined for anything but an HttpError. */
export const refusal = (error: unknown) =>
  error instanceof HttpError ? { status: error.status, code: error.code } : undefined;
