/**
 * The identity and audit services the routes use beyond `ConsoleServices`' interfaces, built
 * together by {@link createIdentity} (app.ts puts the result at `services.identity`).
 */
import type { AuditStore } from '../audit/audit-log.ts';
import { type AuditRetention, createAuditRetention } from '../audit/retention.ts';
import type { Authenticator, ConsoleConfig, Logger } from '../context.ts';
import type { Database } from '../db/database.ts';
import { createTokenStore, type TokenStore } from './api-tokens.ts';
import { createAuthenticator } from './authenticator.ts';
import { createLoginLimiter, type LoginLimiter } from './login-limiter.ts';
import { createRoleStore, type RoleStore } from './roles.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';
import { createSetupService, type SetupService } from './setup.ts';
import { createUserStore, type UserStore } from './users.ts';

export interface IdentityServices {
  readonly users: UserStore;
  readonly roles: RoleStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly limiter: LoginLimiter;
  readonly setup: SetupService;
  readonly authenticator: Authenticator;
  /** The full audit log (list, export, prune) behind `services.audit`. */
  readonly audit: AuditStore;
  readonly retention: AuditRetention;
}

export function createIdentity(deps: {
  db: Database;
  config: Pick<ConsoleConfig, 'sessionIdleMs' | 'auditRetentionDays'>;
  audit: AuditStore;
  log?: Logger | undefined;
}): IdentityServices {
  const { db, config, audit, log } = deps;
  const roles = createRoleStore(db);
  const users = createUserStore(db, roles);
  const sessions = createSessionStore(db, { idleMs: config.sessionIdleMs });
  const tokens = createTokenStore(db, roles);
  return {
    users,
    roles,
    sessions,
    tokens,
    limiter: createLoginLimiter(db),
    setup: createSetupService(db),
    authenticator: createAuthenticator({ users, roles, sessions, tokens }),
    audit,
    retention: createAuditRetention({ db, audit, config, log }),
  };
}
