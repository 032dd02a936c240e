/**
 * The access decision shared by REST routes (router.ts) and WebSocket channels (realtime/upgrade.ts),
 * so both guard the same way: who is calling, whether the requirement allows them on the engine the
 * path names, CSRF for cookie sessions, and which engine that is.
 */
import { isEngineScoped, isPermission, type Requirement } from '../auth/permissions.ts';
import { allows, type Principal } from '../auth/principal.ts';
import type { AuditEntry, ConsoleServices, EngineHandle } from '../context.ts';
import { HttpError } from './errors.ts';

/** The path parameter naming an engine, in routes and channels alike. */
export const ENGINE_PARAM = 'engine';

/**
 * Checks a route or channel definition when it is registered: an engine-scoped permission needs
 * `:engine` in the path, otherwise `allows()` could never grant it (there is no engine to check).
 */
export function assertGuardable(kind: string, path: string, requirement: Requirement): void {
  if (requirement === 'public' || requirement === 'authenticated') return;
  if (!isPermission(requirement)) throw new Error(`${kind} ${path}: unknown requirement '${requirement}'`);
  if (isEngineScoped(requirement) && !path.includes(`/:${ENGINE_PARAM}`)) {
    throw new Error(
      `${kind} ${path}: '${requirement}' is engine-scoped, so the path must name the engine (/:${ENGINE_PARAM}/)`,
    );
  }
}

/**
 * The caller, or undefined. On `public` routes a stale or invalid credential is ignored rather than
 * refused, so that a browser with an expired cookie can still log in.
 */
export async function identify(
  services: ConsoleServices,
  request: Request,
  requirement: Requirement,
): Promise<Principal | undefined> {
  if (requirement === 'public') {
    return services.authenticator.authenticate(request).catch(() => undefined);
  }
  return services.authenticator.authenticate(request);
}

/**
 * 401 without a principal, 403 naming the permission (and engine) otherwise. Runs before anything
 * about the request is validated or looked up, so a caller without the permission learns nothing
 * (not even whether the engine exists).
 */
export function authorize(
  principal: Principal | undefined,
  requirement: Requirement,
  engineId?: string,
): void {
  if (allows(principal, requirement, engineId)) return;
  if (!principal)
    throw new HttpError(401, 'UNAUTHENTICATED', 'sign in or send an API token (Authorization: Bearer)');
  const where = isPermission(requirement) && isEngineScoped(requirement) ? ` on engine '${engineId}'` : '';
  throw new HttpError(403, 'FORBIDDEN', `permission '${requirement}'${where} is required`, {
    permission: requirement,
    ...(where ? { engine: engineId } : {}),
  });
}

/**
 * Whether a browser's Origin may act with the console's cookies: the console's own origin (http or
 * https with the request's Host — a TLS proxy in front keeps the Host) or one configured.
 */
export function originAllowed(
  origin: string,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return allowedOrigins.includes(origin);
}

export const originRefused = (origin: string) =>
  new HttpError(
    403,
    'ORIGIN',
    `Origin ${origin} is not allowed (add it with --allowed-origin / GANTRY_ALLOWED_ORIGINS)`,
  );

/**
 * Cookie sessions must echo their CSRF token in `X-CSRF-Token` on every request that changes
 * something, and come from an allowed Origin when the browser names one; bearer tokens cannot be
 * sent by a browser on its own, so they need neither.
 */
export function checkCsrf(
  principal: Principal | undefined,
  request: Request,
  allowedOrigins: readonly string[],
): void {
  if (principal?.kind !== 'user' || principal.csrfToken === undefined) return;
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  const origin = request.headers.get('origin');
  if (origin !== null && !originAllowed(origin, request.headers.get('host') ?? undefined, allowedOrigins)) {
    throw originRefused(origin);
  }
  const sent = request.headers.get('x-csrf-token');
  if (sent === null || !constantTimeEqual(sent, principal.csrfToken)) {
    throw new HttpError(
      403,
      'CSRF',
      'missing or wrong X-CSRF-Token header (GET /api/auth/me returns the token)',
    );
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** The engine the path names: 404 `ENGINE_NOT_FOUND` when the console has no such engine. */
export function resolveEngine(
  services: ConsoleServices,
  engineId: string | undefined,
): EngineHandle | undefined {
  if (engineId === undefined) return undefined;
  const engine = services.engines.get(engineId);
  if (!engine)
    throw new HttpError(404, 'ENGINE_NOT_FOUND', `no engine '${engineId}' (GET /api/engines lists them)`);
  return engine;
}

/** Who an audit row names: the principal, what the handler said (login: the name tried), or nobody. */
export function auditActor(
  principal: Principal | undefined,
  named?: string,
): Pick<AuditEntry, 'actor' | 'actorKind'> {
  if (principal) return { actor: principal.name, actorKind: principal.kind };
  return { actor: named ?? 'anonymous', actorKind: 'anonymous' };
}

/** The client's address as Node saw it (no proxy headers are trusted). */
export function remoteAddress(
  incoming: { socket?: { remoteAddress?: string | undefined } } | undefined,
): string {
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
