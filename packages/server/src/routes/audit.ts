/**
 * The audit log (`audit.read`): a filtered, paged list (newest first), a JSON Lines export
 * (oldest first, streamed) and a verification of the hash chain.
 */
import { z } from 'zod';
import type { AuditFilter } from '../audit/audit-log.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { MAX_PAGE_SIZE } from './identity-kit.ts';

const time = z.coerce.number().int().nonnegative();
const filterQuery = z.object({
  actor: z.string().optional(),
  operation: z.string().optional(),
  engine: z.string().optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  since: time.optional(),
  until: time.optional(),
});

const toFilter = (query: z.output<typeof filterQuery>): AuditFilter => ({
  actor: query.actor,
  operation: query.operation,
  engineId: query.engine,
  outcome: query.outcome,
  since: query.since,
  until: query.until,
});

export const auditRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/audit',
    requirement: 'audit.read',
    operation: 'audit.list',
    summary:
      'Audit rows, newest first: filter by actor, operation prefix, engine, outcome, since / until (ms)',
    query: filterQuery.extend({
      page: z.coerce.number().int().min(1).default(1),
      pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    }),
    handler: ({ query, services }) => services.identity.audit.list(toFilter(query), query),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/audit/export',
    requirement: 'audit.read',
    operation: 'audit.export',
    summary: 'The audit rows as JSON Lines, oldest first (same filters as the list), streamed',
    query: filterQuery,
    handler: ({ query, services, signal }) => {
      const lines = services.identity.audit.exportJsonLines(toFilter(query))[Symbol.asyncIterator]();
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = signal.aborted ? { done: true as const, value: undefined } : await lines.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await lines.return?.();
        },
      });
      return new Response(body, {
        headers: {
          'Content-Type': 'application/x-ndjson; charset=utf-8',
          'Content-Disposition': 'attachment; filename="gantry-audit.jsonl"',
        },
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/audit/verify',
    requirement: 'audit.read',
    operation: 'audit.verify',
    summary: 'Check the hash chain: edited, deleted or truncated rows, and forged hashes',
    handler: ({ services }) => verifyAuditChain(services.db, services.secretBox),
  }),
];
