/**
 * Registries: credentials stored for the whole console (`registries.manage`), listed without their
 * passwords (`registries.read`), and checked by logging in through an engine. Pulls, pushes and
 * builds whose request brings no `auth` use them (transfers.ts). Passwords go in, never out: no
 * answer, audit row or error message holds one — audit rows name the fields that changed.
 */
import { EngineError } from '@gantry/engine';
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { engineOf } from '../realtime/engine.ts';
import { normalizeServerAddress, SERVER_ADDRESS_HINT } from '../registries/store.ts';

const registryName = z
  .string()
  .trim()
  .min(1, 'the name must not be empty')
  .max(64, 'a name has at most 64 characters')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'a name must not contain control characters');

/** Normalized here already, so a bad address is a 400 naming `body.serverAddress`. */
const serverAddress = z
  .string()
  .max(256, 'an address has at most 256 characters')
  .transform((address, context) => {
    const normalized = normalizeServerAddress(address);
    if (normalized !== undefined) return normalized;
    context.addIssue({ code: 'custom', message: SERVER_ADDRESS_HINT });
    return z.NEVER;
  });

const username = z.string().min(1, 'the user name must not be empty').max(256);
const password = z.string().min(1, 'the password must not be empty').max(4096);

const createBody = z.object({ name: registryName, serverAddress, username, password }).strict();
const patchBody = z
  .object({
    name: registryName.optional(),
    serverAddress: serverAddress.optional(),
    username: username.optional(),
    password: password.optional(),
  })
  .strict();

const idParams = z.object({ id: z.string().min(1).max(64) });
const checkParams = idParams.extend({ engine: z.string() });

const granted = (principal: Principal | undefined, engineId: string) =>
  principal !== undefined && (principal.engines === '*' || principal.engines.has(engineId));

export const registryRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/registries',
    requirement: 'registries.read',
    operation: 'registries.list',
    summary: 'Stored registry credentials: name, address and user name (never the password)',
    handler: ({ services }) => services.registries.list(),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/registries',
    requirement: 'registries.manage',
    operation: 'registries.create',
    summary: 'Store credentials for a registry (the password is sealed with the secret key)',
    body: createBody,
    handler: async ({ services, body, principal, audit }) => {
      audit.target = body.name;
      audit.params = { serverAddress: body.serverAddress, username: body.username };
      const registry = await services.registries.create({ ...body, createdBy: principal?.name });
      audit.target = registry.id;
      audit.params = { name: registry.name, ...audit.params };
      return Response.json(registry, { status: 201 });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/registries/:id',
    requirement: 'registries.manage',
    operation: 'registries.update',
    summary: "Change a registry's name, address, user name or password (absent: kept)",
    params: idParams,
    body: patchBody,
    handler: async ({ services, params, body, audit }) => {
      audit.target = params.id;
      // Which fields changed, and the new values of those that are not secret.
      const { password: _password, ...visible } = body;
      audit.params = { changed: Object.keys(body), ...visible };
      return services.registries.update(params.id, body);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/registries/:id',
    requirement: 'registries.manage',
    operation: 'registries.remove',
    summary: 'Remove stored registry credentials (images already pulled stay)',
    params: idParams,
    handler: async ({ services, params, audit }) => {
      audit.target = params.id;
      const removed = await services.registries.remove(params.id);
      audit.params = { name: removed.name, serverAddress: removed.serverAddress };
      return undefined;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/engines/:engine/registries/:id/check',
    requirement: 'registries.manage',
    operation: 'registries.check',
    summary: "Log in to the registry through this engine's /auth with the stored credentials",
    params: checkParams,
    handler: async (context) => {
      const { services, params, audit, principal, signal } = context;
      const engine = engineOf(context.engine);
      // registries.manage is global: the engine used for the login must still be granted.
      if (!granted(principal, engine.id))
        throw new HttpError(404, 'ENGINE_NOT_FOUND', 'no such engine (GET /api/engines lists them)');
      audit.target = params.id;
      const { registry, auth } = await services.registries.credentials(params.id);
      audit.params = { name: registry.name, serverAddress: registry.serverAddress };
      try {
        const answer = await engine.client.system.auth({ ...auth, signal });
        // Not the identity token the daemon may return: it is a credential.
        return { ok: true, status: answer.Status };
      } catch (error) {
        if (!(error instanceof EngineError) || !REFUSALS.has(error.code)) throw error;
        throw new HttpError(
          424,
          'REGISTRY_REFUSED',
          `the registry "${registry.name}" (${registry.serverAddress}) refused the login as "${registry.username}": ${error.message}`,
          { registry: registry.name },
        );
      }
    },
  }),
];

/**
 * What the daemon answers when the registry said no (wrong password, unknown user) or could not be
 * reached for the login: the registry's words, as a 424 (the console's caller is signed in).
 */
const REFUSALS = new Set<EngineError['code']>([
  'API_UNAUTHORIZED',
  'REGISTRY_UNAUTHORIZED',
  'API_FORBIDDEN',
  'API_BAD_REQUEST',
  'API_SERVER',
  'API_ERROR',
]);
