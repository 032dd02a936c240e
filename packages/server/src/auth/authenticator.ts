/**
 * Who is calling: `Authorization: Bearer gty_...` or the `gantry_session` cookie, turned into a
 * {@link Principal} from the role (built-in or custom) and engine grants. A token's principal is
 * the intersection of the token and its owner, so a token never exceeds the user who made it.
 */
import type { Authenticator } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import type { TokenStore } from './api-tokens.ts';
import type { Permission } from './permissions.ts';
import type { Principal } from './principal.ts';
import type { RoleStore } from './roles.ts';
import { readSessionCookie, type SessionStore } from './sessions.ts';
import type { EngineGrant, UserStore } from './users.ts';

export interface AuthenticatorDeps {
  readonly users: Pick<UserStore, 'get'>;
  readonly roles: Pick<RoleStore, 'get'>;
  readonly sessions: Pick<SessionStore, 'resolve'>;
  readonly tokens: Pick<TokenStore, 'resolve'>;
}

const unauthenticated = (message: string) => new HttpError(401, 'UNAUTHENTICATED', message);

/** Engines both grants allow: `'*'` only when both are `'*'`. */
export function intersectEngines(a: EngineGrant, b: EngineGrant): '*' | ReadonlySet<string> {
  if (a === '*' && b === '*') return '*';
  if (a === '*') return new Set(b);
  if (b === '*') return new Set(a);
  const other = new Set(b);
  return new Set(a.filter((id) => other.has(id)));
}

/** Permissions both sets hold. */
export const intersectPermissions = (
  a: ReadonlySet<Permission>,
  b: ReadonlySet<Permission>,
): ReadonlySet<Permission> => new Set([...a].filter((permission) => b.has(permission)));

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  /** A role's permissions; none for a role that no longer exists. */
  const permissionsOf = async (role: string): Promise<ReadonlySet<Permission>> =>
    new Set((await deps.roles.get(role))?.permissions ?? []);

  const fromBearer = async (bearer: string): Promise<Principal> => {
    const found = await deps.tokens.resolve(bearer);
    if (!found) throw unauthenticated('the API token is unknown, expired or revoked');
    const { token, owner } = found;
    return {
      kind: 'token',
      id: token.id,
      name: `token:${token.name}`,
      userId: owner.id,
      role: token.role,
      permissions: intersectPermissions(await permissionsOf(token.role), await permissionsOf(owner.role)),
      engines: intersectEngines(token.engines, owner.engines),
    };
  };

  const fromCookie = async (cookieValue: string): Promise<Principal> => {
    const session = await deps.sessions.resolve(cookieValue);
    const user = session && (await deps.users.get(session.userId));
    if (!session || !user || user.disabled) throw unauthenticated('the session has ended: sign in again');
    return {
      kind: 'user',
      id: user.id,
      name: user.username,
      userId: user.id,
      role: user.role,
      permissions: await permissionsOf(user.role),
      engines: user.engines === '*' ? '*' : new Set(user.engines),
      csrfToken: session.csrfToken,
      sessionId: session.idHash,
    };
  };

  return {
    async authenticate(request) {
      const authorization = request.headers.get('authorization');
      if (authorization !== null) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        if (!match) throw unauthenticated('the Authorization header must be "Bearer <API token>"');
        return fromBearer(match[1] as string);
      }
      const cookieValue = readSessionCookie(request);
      return cookieValue === undefined ? undefined : fromCookie(cookieValue);
    },
  };
}
