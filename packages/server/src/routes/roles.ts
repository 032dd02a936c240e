/**
 * Roles and the permission table: list (built-ins with their permissions, then custom roles),
 * inspect, and `GET /api/permissions` (`roles.read`); create, edit and remove custom roles
 * (`roles.manage`). Built-ins are read-only; a role in use cannot be removed (409).
 */
import { z } from 'zod';
import { ALL_PERMISSIONS, PERMISSIONS } from '../auth/permissions.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { pageOf, pagingQuery } from './identity-kit.ts';

const params = z.object({ name: z.string().min(1).max(64) });
const permissions = z.array(z.string().min(1)).max(ALL_PERMISSIONS.length * 2);
const description = z.string().max(500);

export const roleRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/permissions',
    requirement: 'roles.read',
    operation: 'permissions.list',
    summary: 'The permission table: every permission with its scope (global or engine) and meaning',
    handler: () => ({
      items: ALL_PERMISSIONS.map((name) => ({ name, ...PERMISSIONS[name] })),
      total: ALL_PERMISSIONS.length,
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/roles',
    requirement: 'roles.read',
    operation: 'roles.list',
    summary: 'List roles: the built-ins (read-only) then custom roles, each with its permissions',
    query: pagingQuery,
    handler: async ({ query, services }) => {
      const needle = query.filter?.toLowerCase();
      const roles = (await services.identity.roles.list()).filter(
        (role) => needle === undefined || role.name.toLowerCase().includes(needle),
      );
      return pageOf(roles, query);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/roles/:name',
    requirement: 'roles.read',
    operation: 'roles.inspect',
    summary: 'One role with its permissions',
    params,
    handler: async ({ params, services }) => {
      const role = await services.identity.roles.get(params.name);
      if (!role) throw new HttpError(404, 'ROLE_NOT_FOUND', `there is no role named "${params.name}"`);
      return role;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/roles',
    requirement: 'roles.manage',
    operation: 'roles.create',
    summary: 'Create a custom role from named permissions',
    body: z.object({ name: z.string().min(1).max(64), description: description.optional(), permissions }),
    handler: async ({ body, services, audit }) => {
      audit.target = body.name;
      audit.params = { permissions: body.permissions };
      return Response.json(await services.identity.roles.create(body), { status: 201 });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/roles/:name',
    requirement: 'roles.manage',
    operation: 'roles.update',
    summary: "Change a custom role's description or permissions (takes effect on the next request)",
    params,
    body: z.object({ description: description.optional(), permissions: permissions.optional() }),
    handler: async ({ params, body, services, audit }) => {
      audit.target = params.name;
      audit.params = { permissions: body.permissions };
      return services.identity.roles.update(params.name, body);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/roles/:name',
    requirement: 'roles.manage',
    operation: 'roles.remove',
    summary: 'Remove a custom role that no user or unrevoked token holds',
    params,
    handler: async ({ params, services, audit }) => {
      audit.target = params.name;
      await services.identity.roles.remove(params.name);
      return undefined;
    },
  }),
];
