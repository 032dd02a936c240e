/**
 * Users: list and inspect (`users.read`); create, edit (role, engines, password), disable, enable,
 * unlock and remove (`users.manage`). The last enabled admin cannot be removed, disabled or
 * demoted (409). Setting someone's password or disabling them ends their sessions.
 */
import { z } from 'zod';
import { checkPassword } from '../auth/users.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { engineGrant, pageOf, pagingQuery } from './identity-kit.ts';

const params = z.object({ id: z.string().min(1) });
const username = z.string().min(1).max(64);
const role = z.string().min(1).max(64);
const password = z.string().min(1).max(4096);

/** Disable or enable: one definition each way. */
const setDisabled = (disabled: boolean) =>
  defineRoute({
    method: 'POST',
    path: `/api/users/:id/${disabled ? 'disable' : 'enable'}`,
    requirement: 'users.manage',
    operation: disabled ? 'users.disable' : 'users.enable',
    summary: disabled
      ? 'Disable a user: no login, sessions ended, API tokens stop working'
      : 'Enable a disabled user again',
    params,
    handler: async ({ params, services, audit }) => {
      const user = await services.identity.users.update(params.id, { disabled });
      audit.target = user.username;
      return user;
    },
  });

export const userRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/users',
    requirement: 'users.read',
    operation: 'users.list',
    summary: 'List users (filter: part of the username)',
    query: pagingQuery.extend({ role: z.string().optional() }),
    handler: async ({ query, services }) => {
      const needle = query.filter?.toLowerCase();
      const users = (await services.identity.users.list()).filter(
        (user) =>
          (needle === undefined || user.username.toLowerCase().includes(needle)) &&
          (query.role === undefined || user.role === query.role),
      );
      return pageOf(users, query);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/users/:id',
    requirement: 'users.read',
    operation: 'users.inspect',
    summary: 'One user',
    params,
    handler: async ({ params, services }) => {
      const user = await services.identity.users.get(params.id);
      if (!user) throw new HttpError(404, 'USER_NOT_FOUND', `there is no user with id "${params.id}"`);
      return user;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/users',
    requirement: 'users.manage',
    operation: 'users.create',
    summary: 'Create a user with a role and engine grants',
    body: z.object({ username, password, role, engines: engineGrant.default([]) }),
    handler: async ({ body, services, audit }) => {
      audit.target = body.username;
      audit.params = { role: body.role, engines: body.engines };
      return Response.json(await services.identity.users.create(body), { status: 201 });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/users/:id',
    requirement: 'users.manage',
    operation: 'users.update',
    summary: "Change a user's role, engines, disabled flag or password (a new password ends their sessions)",
    params,
    body: z.object({
      role: role.optional(),
      engines: engineGrant.optional(),
      disabled: z.boolean().optional(),
      password: password.optional(),
    }),
    handler: async ({ params, body, services, audit }) => {
      const { users, sessions } = services.identity;
      audit.params = {
        role: body.role,
        engines: body.engines,
        disabled: body.disabled,
        passwordSet: body.password !== undefined,
      };
      // Checked first, then role and flags: a refused change leaves the password as it was.
      if (body.password !== undefined) checkPassword(body.password);
      const user = await users.update(params.id, body);
      if (body.password !== undefined) {
        await users.setPassword(params.id, body.password);
        await sessions.removeAllForUser(params.id);
      }
      audit.target = user.username;
      return user;
    },
  }),
  setDisabled(true),
  setDisabled(false),
  defineRoute({
    method: 'POST',
    path: '/api/users/:id/unlock',
    requirement: 'users.manage',
    operation: 'users.unlock',
    summary: 'Clear failed logins and the 15-minute lock',
    params,
    handler: async ({ params, services, audit }) => {
      const user = await services.identity.users.unlock(params.id);
      audit.target = user.username;
      return user;
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/users/:id',
    requirement: 'users.manage',
    operation: 'users.remove',
    summary: 'Remove a user with their sessions and API tokens',
    params,
    handler: async ({ params, services, audit }) => {
      const user = await services.identity.users.get(params.id);
      audit.target = user?.username ?? params.id;
      await services.identity.users.remove(params.id);
      return undefined;
    },
  }),
];
