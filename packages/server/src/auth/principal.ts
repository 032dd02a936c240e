import { isEngineScoped, type Permission, type Requirement } from './permissions.ts';

/** Who makes a request: a signed-in user (session cookie) or an API token (`Authorization: Bearer`). */
export interface Principal {
  readonly kind: 'user' | 'token';
  /** User id, or token id. */
  readonly id: string;
  /** For audit rows: the user name, or `token:<name>`. */
  readonly name: string;
  /** The user owning the session or token. */
  readonly userId: string;
  readonly role: string;
  readonly permissions: ReadonlySet<Permission>;
  /** Engine ids granted, or `'*'` for all engines (present and future). */
  readonly engines: '*' | ReadonlySet<string>;
  /** Sessions only: the CSRF token a mutating request must echo in `X-CSRF-Token`. */
  readonly csrfToken?: string;
  /** Sessions only: the session's id hash (for logout of this session). */
  readonly sessionId?: string;
}

/**
 * Whether `principal` meets `requirement` — on `engineId` for engine-scoped permissions. The one
 * decision function: routes, channels and the permission-table test all call it.
 */
export function allows(
  principal: Principal | undefined,
  requirement: Requirement,
  engineId?: string,
): boolean {
  if (requirement === 'public') return true;
  if (!principal) return false;
  if (requirement === 'authenticated') return true;
  if (!principal.permissions.has(requirement)) return false;
  if (!isEngineScoped(requirement)) return true;
  if (engineId === undefined) return false;
  return principal.engines === '*' || principal.engines.has(engineId);
}
