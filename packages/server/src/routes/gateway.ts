/**
 * The Engine API gateway as the console shows it: whether and where it listens, its certificate's
 * fingerprint, and the policy in force (the document, and the built-in rules it overrides for
 * non-admins and admins), and the client certificates that sign in as an API token (mutual TLS,
 * `--gateway-client-ca`). The listener and policy are configured by flags and the policy file.
 */
import { z } from 'zod';
import { listClientCertificates, mapClientCertificate, unmapClientCertificate } from '../gateway/auth.ts';
import { ADMIN_RULES, SAFE_RULES } from '../gateway/default-policy.ts';
import type { GatewayRules } from '../gateway/policy-document.ts';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';

/** `GET /api/gateway`. */
export interface GatewayView {
  readonly enabled: boolean;
  /** `https://host:port` as listened on; null when it does not listen. */
  readonly url: string | null;
  /** SHA-256 fingerprint of the server certificate; null without TLS. */
  readonly fingerprint: string | null;
  /** Whether client certificates signed by `--gateway-client-ca` may sign in. */
  readonly mutualTls: boolean;
  /** Why it does not listen although configured. */
  readonly error: string | null;
  readonly policy: {
    readonly source: 'builtin' | 'file';
    readonly file: string | null;
    /** The validated document (`{}`: the built-in rules alone). */
    readonly document: unknown;
    readonly builtin: { readonly nonAdmin: GatewayRules; readonly admin: GatewayRules };
  };
}

const FINGERPRINT = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}$/;

export const gatewayRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/gateway',
    requirement: 'settings.read',
    operation: 'gateway.status',
    summary:
      'The Engine API gateway: address, certificate fingerprint, the policy document and the built-in rules',
    handler: ({ services }): GatewayView => {
      const status = services.gatewayStatus.current;
      return {
        enabled: status.enabled,
        url: status.url ?? null,
        fingerprint: status.fingerprint ?? null,
        mutualTls: status.mutualTls,
        error: status.error ?? null,
        policy: {
          source: status.policyFile ? 'file' : 'builtin',
          file: status.policyFile ?? null,
          document: status.policy,
          builtin: { nonAdmin: SAFE_RULES, admin: ADMIN_RULES },
        },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/gateway/client-certificates',
    requirement: 'settings.read',
    operation: 'gateway.client-certificates.list',
    summary: 'Client certificates mapped to API tokens: fingerprint, the token, whether it still works',
    handler: async ({ services }) => ({ items: await listClientCertificates(services) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/gateway/client-certificates',
    requirement: 'settings.manage',
    operation: 'gateway.client-certificates.map',
    summary:
      'Map a client certificate (PEM) to an API token (its secret): the certificate then signs in as that token',
    body: z
      .object({
        certificate: z
          .string()
          .min(1)
          .max(64 * 1024, 'the certificate is longer than 64 KiB'),
        token: z.string().min(1).max(200),
      })
      .strict(),
    handler: async ({ body, services, audit }) => {
      const fingerprint = await mapClientCertificate(services, body.certificate, body.token);
      // The token's secret never reaches the audit row: the fingerprint names the mapping.
      audit.target = fingerprint;
      return Response.json({ fingerprint }, { status: 201 });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/gateway/client-certificates/:fingerprint',
    requirement: 'settings.manage',
    operation: 'gateway.client-certificates.unmap',
    summary: 'Remove a client certificate mapping (the certificate no longer signs in)',
    params: z.object({
      fingerprint: z.string().regex(FINGERPRINT, 'a SHA-256 fingerprint: 32 hex pairs separated by ":"'),
    }),
    handler: async ({ params, services, audit }) => {
      const fingerprint = params.fingerprint.toUpperCase();
      audit.target = fingerprint;
      if (!(await unmapClientCertificate(services, fingerprint)))
        throw new HttpError(
          404,
          'NOT_FOUND',
          `no client certificate with fingerprint ${fingerprint} is mapped`,
        );
      return undefined;
    },
  }),
];
