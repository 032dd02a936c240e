/**
 * API tokens: everyone lists, creates and revokes their own (`authenticated`); `?all=1` lists and
 * revoking others' needs `users.manage`. The token's secret is in the creation answer only. Tokens
 * are created from a signed-in session, not by another token (which could outlive its own expiry).
 */
import { z } from 'zod';
import type { ApiToken } from '../auth/api-tokens.ts';
import { allows, type Principal } from '../auth/principal.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { engineGrant, pageOf, pagingQuery, requireSession } from './identity-kit.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const params = z.object({ id: z.string().min(1) });

const caller = (principal: Principal | undefined) => principal as Principal;
const mayManageAll = (principal: Principal | undefined) => allows(principal, 'users.manage');

export const tokenRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/tokens',
    requirement: 'authenticated',
    operation: 'tokens.list',
    summary: "The caller's API tokens (never their secrets); ?all=1 lists everyone's (users.manage)",
    query: pagingQuery.extend({ all: z.stringbool().optional() }),
    handler: async ({ query, principal, services }) => {
      if (query.all && !mayManageAll(principal)) {
        throw new HttpError(
          403,
          'FORBIDDEN',
          "permission 'users.manage' is required to list everyone's tokens",
          {
            permission: 'users.manage',
          },
        );
      }
      const needle = query.filter?.toLowerCase();
      const tokens = (
        await services.identity.tokens.list(query.all ? undefined : caller(principal).userId)
      ).filter((token) => needle === undefined || token.name.toLowerCase().includes(needle));
      return pageOf(tokens, query);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/tokens',
    requirement: 'authenticated',
    operation: 'tokens.create',
    summary:
      'Create an API token (role and engines default to yours and never exceed them); the answer holds the secret, shown once',
    body: z
      .object({
        name: z.string().min(1).max(100),
        role: z.string().min(1).max(64).optional(),
        engines: engineGrant.optional(),
        expiresAt: z.number().int().positive().optional(),
        expiresInDays: z.number().positive().max(3650).optional(),
      })
      .refine((body) => body.expiresAt === undefined || body.expiresInDays === undefined, {
        message: 'give expiresAt or expiresInDays, not both',
        path: ['expiresInDays'],
      }),
    handler: async ({ body, principal, services, audit }) => {
      const session = requireSession(principal);
      const owner = await services.identity.users.get(session.userId);
      if (!owner) throw new HttpError(401, 'UNAUTHENTICATED', 'sign in again');
      const expiresAt =
        body.expiresAt ??
        (body.expiresInDays === undefined ? undefined : Date.now() + body.expiresInDays * DAY_MS);
      audit.target = body.name;
      audit.params = { role: body.role ?? owner.role, engines: body.engines ?? '*', expiresAt };
      const { token, info } = await services.identity.tokens.create(owner, { ...body, expiresAt });
      return Response.json({ ...info, token }, { status: 201 });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/tokens/:id',
    requirement: 'authenticated',
    operation: 'tokens.revoke',
    summary: "Revoke an API token (your own; anyone's with users.manage)",
    params,
    handler: async ({ params, principal, services, audit }) => {
      const { tokens } = services.identity;
      const token: ApiToken | undefined = await tokens.get(params.id);
      // Someone else's token is "not found" to a caller who may not manage it: its id reveals nothing.
      if (!token || (token.userId !== caller(principal).userId && !mayManageAll(principal))) {
        throw new HttpError(404, 'TOKEN_NOT_FOUND', `there is no API token with id "${params.id}"`);
      }
      audit.target = `token:${token.name}`;
      await tokens.revoke(token.id);
      return undefined;
    },
  }),
];
