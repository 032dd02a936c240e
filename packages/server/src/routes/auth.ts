/**
 * Signing in and out: login (sets the session cookie, returns the CSRF token), logout, logout
 * everywhere, who-am-I and changing one's own password. These routes write their own audit rows
 * (`auth.*`) with the username as actor; no row ever holds a password, and no answer says whether
 * a username exists.
 */
import { z } from 'zod';
import { clearedSessionCookie, sessionCookie } from '../auth/sessions.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { needsRehash, verifyDummyPassword, verifyPassword } from '../security/passwords.ts';
import { auditOwn, jsonWith, refusal, requireSession } from './identity-kit.ts';

/** The one answer to every failed login, whatever the reason. */
const invalidCredentials = () =>
  new HttpError(
    401,
    'INVALID_CREDENTIALS',
    'wrong username or password (after 5 failed attempts an account is locked for 15 minutes)',
  );

const loggedOut = (request: Request) =>
  new Response(null, { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(request) } });

export const authRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'POST',
    path: '/api/auth/login',
    requirement: 'public',
    operation: 'auth.login',
    summary: 'Sign in with username and password: sets the session cookie, returns the user and CSRF token',
    body: z.object({ username: z.string().min(1).max(256), password: z.string().min(1).max(4096) }),
    handler: async (context) => {
      const { body, services, ip, request } = context;
      const { users, limiter, sessions } = services.identity;
      const audit = (outcome: 'success' | 'failure' | 'denied', status: number, reason?: string) =>
        auditOwn(context, {
          operation: 'auth.login',
          actor: body.username.slice(0, 64),
          actorKind: outcome === 'success' ? 'user' : 'anonymous',
          outcome,
          status,
          params: reason === undefined ? undefined : { reason },
        });

      const retryAfter = limiter.ipRetryAfterSeconds(ip);
      if (retryAfter !== undefined) {
        await audit('denied', 429, 'too many failed logins from this address');
        return jsonWith(
          {
            error: {
              code: 'RATE_LIMITED',
              message: `too many failed logins from this address: try again in ${retryAfter} s`,
              details: { retryAfterSeconds: retryAfter },
            },
          },
          429,
          { 'Retry-After': String(retryAfter) },
        );
      }

      const found = await users.findForLogin(body.username);
      // Every refusal costs one password hash, so the time taken does not tell which reason it was.
      let refused: { outcome: 'failure' | 'denied'; reason: string } | undefined;
      if (!found) {
        await verifyDummyPassword(body.password);
        refused = { outcome: 'failure', reason: 'unknown username' };
      } else if (found.user.disabled) {
        await verifyDummyPassword(body.password);
        refused = { outcome: 'denied', reason: 'account disabled' };
      } else if (limiter.isLocked(found.user)) {
        await verifyDummyPassword(body.password);
        refused = { outcome: 'denied', reason: 'account locked' };
      } else if (!(await verifyPassword(body.password, found.passwordHash))) {
        const locked = await limiter.recordUserFailure(found.user.id);
        refused = {
          outcome: 'failure',
          reason: locked ? 'wrong password; account now locked' : 'wrong password',
        };
      }
      if (refused || !found) {
        limiter.recordIpFailure(ip);
        await audit(refused?.outcome ?? 'failure', 401, refused?.reason);
        throw invalidCredentials();
      }

      const { user, passwordHash } = found;
      await limiter.recordUserSuccess(user.id);
      if (needsRehash(passwordHash)) await users.rehash(user.id, body.password);
      const { cookieValue, session } = await sessions.create(user.id, {
        ip,
        userAgent: request.headers.get('user-agent'),
      });
      await audit('success', 200);
      return jsonWith({ user: (await users.get(user.id)) ?? user, csrfToken: session.csrfToken }, 200, {
        'Set-Cookie': sessionCookie(request, cookieValue),
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/logout',
    requirement: 'authenticated',
    operation: 'auth.logout',
    summary: 'End this session and clear its cookie',
    handler: async (context) => {
      const { principal, services, request } = context;
      if (principal?.sessionId) await services.identity.sessions.remove(principal.sessionId);
      await auditOwn(context, { operation: 'auth.logout', outcome: 'success', status: 204 });
      return loggedOut(request);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/logout-all',
    requirement: 'authenticated',
    operation: 'auth.logout-all',
    summary: "End every session of the caller's user (API tokens stay valid)",
    response: z.object({ sessionsEnded: z.number() }),
    handler: async (context) => {
      const { principal, services, request } = context;
      const ended = await services.identity.sessions.removeAllForUser(
        (principal as { userId: string }).userId,
      );
      await auditOwn(context, {
        operation: 'auth.logout-all',
        outcome: 'success',
        status: 200,
        params: { sessionsEnded: ended },
      });
      return jsonWith({ sessionsEnded: ended }, 200, { 'Set-Cookie': clearedSessionCookie(request) });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/auth/me',
    requirement: 'authenticated',
    operation: 'auth.me',
    summary: 'Who is calling: user, role, effective permissions, engines, and the CSRF token of the session',
    handler: async ({ principal, services }) => {
      const caller = principal as NonNullable<typeof principal>;
      return {
        kind: caller.kind,
        user: await services.identity.users.get(caller.userId),
        ...(caller.kind === 'token' ? { token: { id: caller.id, name: caller.name } } : {}),
        role: caller.role,
        permissions: [...caller.permissions].sort(),
        engines: caller.engines === '*' ? '*' : [...caller.engines].sort(),
        csrfToken: caller.csrfToken ?? null,
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/password',
    requirement: 'authenticated',
    operation: 'auth.password',
    summary: "Change one's own password (the current one is required); ends the user's other sessions",
    body: z.object({
      currentPassword: z.string().min(1).max(4096),
      newPassword: z.string().min(1).max(4096),
    }),
    handler: async (context) => {
      const { body, services } = context;
      const { users, limiter, sessions } = services.identity;
      try {
        const caller = requireSession(context.principal);
        const found = await users.findForLogin(caller.name);
        if (!found || found.user.id !== caller.userId)
          throw new HttpError(401, 'UNAUTHENTICATED', 'sign in again');
        const correct =
          !limiter.isLocked(found.user) && (await verifyPassword(body.currentPassword, found.passwordHash));
        if (!correct) {
          await limiter.recordUserFailure(caller.userId);
          throw new HttpError(403, 'WRONG_PASSWORD', 'the current password is wrong');
        }
        await users.setPassword(caller.userId, body.newPassword);
        const ended = await sessions.removeAllForUser(caller.userId, caller.sessionId);
        await auditOwn(context, {
          operation: 'auth.password',
          outcome: 'success',
          status: 204,
          params: { otherSessionsEnded: ended },
        });
        return undefined;
      } catch (error) {
        const refused = refusal(error) ?? { status: 500, code: 'INTERNAL' };
        await auditOwn(context, {
          operation: 'auth.password',
          outcome: refused.status === 403 ? 'denied' : 'failure',
          status: refused.status,
          params: { code: refused.code },
        });
        throw error;
      }
    },
  }),
];
