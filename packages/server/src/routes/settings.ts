/** Console settings: the audit retention (days, or null to keep rows forever). */
import { z } from 'zod';
import { type AuditRetention, MAX_RETENTION_DAYS } from '../audit/retention.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';

const settingsSchema = z.object({
  auditRetentionDays: z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable(),
  /** Where the value comes from: changed through this API, or the configuration. */
  auditRetentionSource: z.enum(['settings', 'config']),
});

const read = async (retention: AuditRetention) => {
  const { days, source } = await retention.get();
  return { auditRetentionDays: days, auditRetentionSource: source };
};

export const settingsRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/settings',
    requirement: 'settings.read',
    operation: 'settings.read',
    summary: 'Console settings',
    response: settingsSchema,
    handler: ({ services }) => read(services.identity.retention),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/settings',
    requirement: 'settings.manage',
    operation: 'settings.update',
    summary: 'Change console settings; a shorter audit retention prunes at once',
    body: settingsSchema.pick({ auditRetentionDays: true }).partial(),
    response: settingsSchema,
    handler: async ({ body, services, audit }) => {
      audit.params = body;
      if (body.auditRetentionDays !== undefined)
        await services.identity.retention.set(body.auditRetentionDays);
      return read(services.identity.retention);
    },
  }),
];
