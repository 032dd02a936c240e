/**
 * The Engine API gateway as the console shows it: whether and where it listens, its certificate's
 * fingerprint, and the policy in force (the document, and the built-in rules it overrides for
 * non-admins and admins). Read-only: the gateway is configured by flags and the policy file.
 */

import { ADMIN_RULES, SAFE_RULES } from '../gateway/default-policy.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';

export const gatewayRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/gateway',
    requirement: 'settings.read',
    operation: 'gateway.status',
    summary:
      'The Engine API gateway: address, certificate fingerprint, the policy document and the built-in rules',
    handler: ({ services }) => {
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
];
