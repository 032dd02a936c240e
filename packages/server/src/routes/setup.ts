/**
 * First-admin setup: `GET /api/setup` says whether it is still needed, `POST /api/setup` with the
 * token the console printed creates the admin (then 410 `SETUP_DONE` forever). Audited here
 * (`setup.create`), with the chosen username as actor and never the password or token.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { auditOwn, refusal } from './identity-kit.ts';

export const setupRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/setup',
    requirement: 'public',
    operation: 'setup.status',
    summary: 'Whether the console still waits for its first admin',
    response: z.object({ required: z.boolean() }),
    handler: async ({ services }) => ({ required: await services.identity.setup.required() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/setup',
    requirement: 'public',
    operation: 'setup.create',
    summary: 'Create the first admin with the one-time setup token the console printed',
    body: z.object({
      token: z.string().min(1).max(200),
      username: z.string().min(1).max(64),
      password: z.string().min(1).max(4096),
    }),
    handler: async (context) => {
      const { body, services } = context;
      const actor = { actor: body.username, actorKind: 'anonymous' as const, operation: 'setup.create' };
      try {
        const user = await services.identity.setup.complete(body);
        await auditOwn(context, {
          ...actor,
          actorKind: 'user',
          target: user.username,
          outcome: 'success',
          status: 201,
        });
        return Response.json({ user }, { status: 201 });
      } catch (error) {
        const refused = refusal(error) ?? { status: 500, code: 'INTERNAL' };
        await auditOwn(context, {
          ...actor,
          outcome: refused.status === 403 || refused.status === 410 ? 'denied' : 'failure',
          status: refused.status,
          params: { code: refused.code },
        });
        throw error;
      }
    },
  }),
];
