/**
 * The console API's answer and message shapes, for clients compiled against them (the browser UI
 * imports this module with `import type` only: nothing here exists at run time).
 *
 * @example
 * ```ts
 * import type { Me, Page, EngineSummary } from '@gantry/server/api-types';
 * const me: Me = await (await fetch('/api/auth/me')).json();
 * ```
 */
import type { ApiToken } from './auth/api-tokens.ts';
import type { BuiltinRole, Permission } from './auth/permissions.ts';
import type { Role } from './auth/roles.ts';
import type { EngineGrant, User } from './auth/users.ts';
import type { AuditRecord } from './context.ts';
import type { InventoryItem, InventoryResource, InventoryStatus } from './engines/inventory.ts';
import type { EngineTestResult } from './engines/manager.ts';
import type { ClientCertificateMapping } from './gateway/auth.ts';
import type { GatewayRules } from './gateway/policy-document.ts';
import type { LogLine } from './realtime/log-lines.ts';
import type { LayerProgress, ProgressFrame } from './realtime/progress.ts';
import type { StatsFigures } from './realtime/stats-frame.ts';
import type { ContainerSample, EngineTotals, OverviewMessage } from './realtime/stats-sampler.ts';
import type { RegistryView } from './registries/store.ts';
import type { engineSummary } from './routes/engines.ts';
import type { GatewayView } from './routes/gateway.ts';

export type {
  ApiToken,
  AuditRecord,
  BuiltinRole,
  ClientCertificateMapping,
  ContainerSample,
  EngineGrant,
  EngineTestResult,
  EngineTotals,
  GatewayRules,
  GatewayView,
  InventoryItem,
  InventoryResource,
  InventoryStatus,
  LayerProgress,
  LogLine,
  OverviewMessage,
  Permission,
  ProgressFrame,
  RegistryView,
  Role,
  StatsFigures,
  User,
};

/** `GET /api/engines` items and `GET /api/engines/:engine`. */
export type EngineSummary = ReturnType<typeof engineSummary>;

/** `GET /api/auth/me`. */
export interface Me {
  readonly kind: 'user' | 'token';
  readonly user: User | undefined;
  readonly token?: { readonly id: string; readonly name: string };
  readonly role: string;
  readonly permissions: readonly Permission[];
  readonly engines: EngineGrant;
  readonly csrfToken: string | null;
}

/** Every paged list: inventory kinds, users, roles, tokens, audit. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly groups?: readonly { project: string | null; total: number; running: number }[];
}

/** The one error shape of every refusal. */
export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: Record<string, unknown>;
  };
}
