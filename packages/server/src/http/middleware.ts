/**
 * What every HTTP response of the console gets, whatever answered it: a request id, the security
 * headers, `no-store` under /api, and a JSON 404 for unknown /api paths.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ConsoleApp, ConsoleEnv } from './router.ts';

/** A client's own X-Request-Id is kept when it is short and plain (it ends up in logs and audit rows). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The UI is served from the console itself and loads nothing from elsewhere. `connect-src 'self'`
 * covers same-origin ws:/wss: (CSP level 3); images may be data: URLs (icons).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

/** The request id (X-Request-Id in and out) and every security header, on every response. */
export const requestBasics: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const given = c.req.header('x-request-id');
  const requestId = given && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
  c.set('requestId', requestId);
  await next();
  let headers = c.res.headers;
  try {
    headers.set('X-Request-Id', requestId);
  } catch {
    // A response with immutable headers (e.g. passed through from fetch): copy it once.
    c.res = new Response(c.res.body, c.res);
    headers = c.res.headers;
    headers.set('X-Request-Id', requestId);
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  // API answers (and health, metrics) are never cached; static files say how long they keep.
  if (c.req.path === '/api' || c.req.path.startsWith('/api/') || !headers.has('Cache-Control')) {
    headers.set('Cache-Control', 'no-store');
  }
};

/** Unknown /api paths answer JSON (the UI and scripts read `error.code`), other paths plain 404. */
export function installNotFound(app: ConsoleApp, fallback?: (path: string) => Response | undefined) {
  app.notFound((c) => {
    const path = c.req.path;
    if (path === '/api' || path.startsWith('/api/')) {
      return c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${path}` } }, 404);
    }
    return fallback?.(path) ?? c.text('Not Found', 404);
  });
}
