/**
 * Engines: list (only those granted), status, add / edit / remove, and connection tests (a saved
 * engine or an unsaved configuration). TLS material and ssh keys go in, never out: answers and audit
 * rows say which pieces are stored, not what they are.
 */
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import type { ConsoleServices, EngineHandle } from '../context.ts';
import type { EngineConfig, TlsConfig } from '../engines/connect.ts';
import type { EngineService, EngineTestResult, ManagedEngine } from '../engines/manager.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';

/** Services' engine manager with its administration side (app.ts builds it with createEngineManager). */
function engineService(services: ConsoleServices): EngineService {
  const engines = services.engines as Partial<EngineService>;
  if (typeof engines.add !== 'function')
    throw new Error('services.engines is not an engine manager from engines/manager.ts');
  return engines as EngineService;
}

const granted = (principal: Principal | undefined, id: string) =>
  principal !== undefined && (principal.engines === '*' || principal.engines.has(id));

/** The engine the path names, if the caller is granted it (404 otherwise: no hint that it exists). */
function visibleEngine(context: {
  engine: EngineHandle | undefined;
  principal: Principal | undefined;
}): ManagedEngine {
  const { engine } = context;
  if (!engine || !granted(context.principal, engine.id))
    throw new HttpError(404, 'ENGINE_NOT_FOUND', 'no such engine (GET /api/engines lists them)');
  return engine as ManagedEngine;
}

/** What the API shows of an engine. */
export function engineSummary(engine: ManagedEngine) {
  const { state, version, apiVersion, error, since } = engine.status();
  return {
    id: engine.id,
    name: engine.name,
    url: engine.url,
    tls: engine.tls,
    ssh: engine.url.startsWith('ssh://') ? { key: engine.sshKey } : null,
    status: { state, version, apiVersion, error, since },
    createdAt: engine.createdAt,
    updatedAt: engine.updatedAt,
  };
}

const pem = (what: string) =>
  z
    .string()
    .max(64 * 1024, `${what} is longer than 64 KiB`)
    .refine((value) => value.includes('-----BEGIN '), `${what} must be PEM text (-----BEGIN ...)`);

const tlsBody = z
  .object({
    ca: pem('the CA certificate').optional(),
    cert: pem('the client certificate').optional(),
    key: pem('the client key').optional(),
    verify: z.boolean().optional(),
  })
  .strict();

const engineName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'a name is 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
  );

const engineUrl = z
  .string()
  .min(1, 'the URL must not be empty')
  .max(2048, 'the URL is longer than 2048 characters');
const sshKey = pem('the ssh key');

const engineBody = z
  .object({ name: engineName, url: engineUrl, tls: tlsBody.optional(), sshKey: sshKey.optional() })
  .strict();

const patchBody = z
  .object({
    name: engineName.optional(),
    url: engineUrl.optional(),
    tls: tlsBody.nullable().optional(),
    sshKey: sshKey.nullable().optional(),
  })
  .strict();

const testQuery = z.object({ skipTest: z.stringbool().optional() });

/**
 * Safe for an audit row: where, and which secret pieces were given (never their text). Named so the
 * audit redactor keeps them (it blanks any field named like `key`): `tls.given: ['ca', 'cert', 'key']`.
 */
function auditParams(input: {
  url?: string | undefined;
  tls?: TlsConfig | null | undefined;
  sshKey?: string | null | undefined;
}) {
  const tls =
    input.tls === null
      ? 'removed'
      : input.tls
        ? {
            given: (['ca', 'cert', 'key'] as const).filter((piece) => Boolean(input.tls?.[piece])),
            verify: input.tls.verify !== false,
          }
        : undefined;
  return {
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(tls !== undefined ? { tls } : {}),
    ...(input.sshKey !== undefined
      ? { ssh: input.sshKey === null ? 'identity removed' : 'identity given' }
      : {}),
  };
}

/** A failed test refuses the save: 422 with the SDK's reason (it names the endpoint and the fix). */
function requireReachable(result: EngineTestResult): void {
  if (result.ok) return;
  throw new HttpError(
    422,
    'ENGINE_TEST_FAILED',
    `the engine did not answer: ${result.error} (save anyway with ?skipTest=1)`,
    { code: result.code },
  );
}

export const engineRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/engines',
    requirement: 'engines.read',
    operation: 'engines.list',
    summary: 'The engines granted to the caller, with reachability and versions',
    handler: ({ services, principal }) => ({
      items: engineService(services)
        .list()
        .filter((engine) => granted(principal, engine.id))
        .map(engineSummary),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/engines/:engine',
    requirement: 'engines.read',
    operation: 'engines.inspect',
    summary: 'One engine: status, versions, object counts and inventory state',
    handler: (context) => {
      const engine = visibleEngine(context);
      const inventory = engine.inventory.status();
      return { ...engineSummary(engine), counts: inventory.counts, inventory };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/engines',
    requirement: 'engines.manage',
    operation: 'engines.create',
    summary: 'Add an engine (unix, tcp + TLS / mTLS, ssh); tested first unless ?skipTest=1',
    query: testQuery,
    body: engineBody,
    handler: async ({ services, body, query, audit }) => {
      audit.target = body.name;
      audit.params = { ...auditParams(body), ...(query.skipTest ? { skipTest: true } : {}) };
      const engines = engineService(services);
      const config: EngineConfig = { url: body.url, tls: body.tls, sshKey: body.sshKey };
      if (!query.skipTest) requireReachable(await engines.test(config));
      const engine = await engines.add({ name: body.name, ...config });
      audit.target = engine.id;
      return Response.json(engineSummary(engine), { status: 201 });
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/engines/:engine',
    requirement: 'engines.manage',
    operation: 'engines.update',
    summary:
      'Change an engine (name, URL, TLS material, ssh key; null removes); tested first unless ?skipTest=1',
    query: testQuery,
    body: patchBody,
    handler: async (context) => {
      const { services, body, query, audit } = context;
      const engine = visibleEngine(context);
      audit.target = engine.id;
      audit.params = {
        ...(body.name ? { name: body.name } : {}),
        ...auditParams(body),
        ...(query.skipTest ? { skipTest: true } : {}),
      };
      const engines = engineService(services);
      const reconnects = body.url !== undefined || body.tls !== undefined || body.sshKey !== undefined;
      if (reconnects && !query.skipTest)
        requireReachable(await engines.test(await engines.merged(engine.id, body)));
      return engineSummary(await engines.update(engine.id, body));
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/engines/:engine',
    requirement: 'engines.manage',
    operation: 'engines.remove',
    summary: 'Remove an engine (its streams are closed; nothing on the engine changes)',
    handler: async (context) => {
      const engine = visibleEngine(context);
      context.audit.target = engine.id;
      context.audit.params = { name: engine.name };
      await engineService(context.services).remove(engine.id);
      return undefined;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/engines/:engine/test',
    requirement: 'engines.manage',
    operation: 'engines.test',
    summary: 'Connect to a saved engine afresh: version and API version, or why not',
    handler: async (context) => {
      const engine = visibleEngine(context);
      context.audit.target = engine.id;
      const engines = engineService(context.services);
      return engines.test(await engines.merged(engine.id, {}));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/engines/test',
    requirement: 'engines.manage',
    operation: 'engines.test',
    summary: 'Connect with an unsaved configuration: version and API version, or why not',
    body: engineBody.omit({ name: true }).extend({ name: engineName.optional() }),
    handler: async ({ services, body, audit }) => {
      audit.params = auditParams(body);
      return engineService(services).test({ url: body.url, tls: body.tls, sshKey: body.sshKey });
    },
  }),
];
