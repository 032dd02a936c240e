/**
 * The services one console process is made of, as interfaces: routes and channels see only these.
 * `app.ts` builds the real ones; each lives in its own module (named beside each interface).
 */
import type { DockerClient } from '@gantry/engine';
import type { IdentityServices } from './auth/identity.ts';
import type { Principal } from './auth/principal.ts';
import type { Database } from './db/database.ts';
import type { EngineInventory } from './engines/inventory.ts';
import type { RegistryStore } from './registries/store.ts';

/** Validated configuration (config.ts): flags > environment > config file > defaults. */
export interface ConsoleConfig {
  /** Address and TCP port to listen on (default 127.0.0.1:8080; port 0 picks a free one). */
  readonly host: string;
  readonly port: number;
  /** Where the SQLite database and the secret key file live (default ~/.local/share/gantry). */
  readonly dataDir: string;
  /** `postgres://...` to use PostgreSQL; undefined: SQLite at `<dataDir>/gantry.db`. */
  readonly databaseUrl: string | undefined;
  /** Origins allowed for WebSockets and cookie-authenticated mutations besides the console's own. */
  readonly allowedOrigins: readonly string[];
  /** Engine URL added as the first engine on first start (default: what `docker` would use). */
  readonly localEngine: string | undefined;
  /** Session lifetime (ms) since last use; sessions also end 30 days after login at the latest. */
  readonly sessionIdleMs: number;
  /** Audit rows older than this are pruned (days); undefined: kept forever. */
  readonly auditRetentionDays: number | undefined;
  /** Largest request body accepted (bytes), except uploads that name their own limit. */
  readonly bodyLimitBytes: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The Engine API gateway (gateway/listener.ts); undefined: not started (`--gateway-port off`). */
  readonly gateway?: GatewayConfig | undefined;
}

/** Where and how the Engine API gateway listens. */
export interface GatewayConfig {
  /** Default 127.0.0.1:2376; port 0 picks a free one. */
  readonly host: string;
  readonly port: number;
  /** PEM files of the server certificate and key; undefined: generated into `<dataDir>/gateway/`. */
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  /** PEM CA bundle: clients may then authenticate with a certificate it signed (mapped to a token). */
  readonly clientCaFile?: string | undefined;
  /** Plain HTTP instead of TLS: only with `--gateway-insecure` and a loopback host. */
  readonly insecure: boolean;
  /** The policy document (JSON or YAML, gateway/policy-document.ts); undefined: the built-in rules. */
  readonly policyFile?: string | undefined;
}

/** Structured JSON logs (log.ts): one line per record on stderr; never given a secret. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Prometheus metrics (metrics.ts), rendered at /metrics. Names without the `gantry_` prefix. */
export interface Metrics {
  increment(name: string, labels?: Record<string, string>, by?: number): void;
  /** Records one observation in seconds into a histogram. */
  observe(name: string, seconds: number, labels?: Record<string, string>): void;
  /** A value read when /metrics is scraped. */
  gauge(name: string, help: string, read: () => number | Record<string, number>): void;
  render(): string;
}

/** Seals secrets at rest (security/secret-box.ts): AES-256-GCM with the console's key. */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** A 32-byte key for one purpose derived from the console's key (HKDF), e.g. the audit chain's HMAC key. */
  derive(purpose: string): Buffer;
}

export interface AuditEntry {
  readonly actor: string;
  readonly actorKind: 'user' | 'token' | 'anonymous' | 'system';
  readonly engineId?: string | undefined;
  /** `resource.verb`, e.g. `containers.start`, `auth.login`. */
  readonly operation: string;
  readonly target?: string | undefined;
  /** Redacted before writing (audit/redact.ts). */
  readonly params?: Record<string, unknown> | undefined;
  readonly outcome: 'success' | 'failure' | 'denied';
  /** HTTP status answered (or 101 for a channel). */
  readonly status: number;
  readonly ip?: string | undefined;
  readonly requestId?: string | undefined;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The hash-chained audit log (audit/audit-log.ts). `append` resolves once the row is committed. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  /**
   * The same row, committed with the next group commit (within 100 ms) instead of at once: for
   * records nobody waits on (allowed gateway reads). Resolves once committed.
   */
  appendLater(entry: AuditEntry): Promise<AuditRecord>;
}

/** Who is calling (auth/authenticator.ts): a session cookie or a bearer token, or nobody. */
export interface Authenticator {
  /** Throws an HttpError 401 for a presented but invalid / expired / revoked credential. */
  authenticate(request: Request): Promise<Principal | undefined>;
}

export type EngineState = 'connecting' | 'up' | 'down';

export interface EngineStatus {
  readonly state: EngineState;
  /** Engine version and negotiated API version once reached. */
  readonly version?: string;
  readonly apiVersion?: string;
  /** Why it is down, in words (never a secret). */
  readonly error?: string;
  /** ms since the epoch of the last change of state. */
  readonly since: number;
}

/** One engine the console manages (engines/manager.ts), with its live inventory. */
export interface EngineHandle {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly client: DockerClient;
  status(): EngineStatus;
  /** The engine's objects kept current by its one events stream; raw events via `inventory.onEvent`. */
  readonly inventory: EngineInventory;
}

export interface EngineManager {
  list(): readonly EngineHandle[];
  get(id: string): EngineHandle | undefined;
}

/** Everything a route or channel may use. Modules add their own service objects here. */
export interface ConsoleServices {
  readonly config: ConsoleConfig;
  readonly db: Database;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly secretBox: SecretBox;
  readonly audit: AuditLog;
  readonly authenticator: Authenticator;
  readonly engines: EngineManager;
  /** Users, roles, sessions, tokens, setup and the full audit log (auth/identity.ts). */
  readonly identity: IdentityServices;
  /** Registry credentials stored for the whole console, passwords sealed (registries/store.ts). */
  readonly registries: RegistryStore;
  /** What the Engine API gateway is doing (set once it started or failed to); read by GET /api/gateway. */
  readonly gatewayStatus: GatewayStatusBoard;
}

/** The gateway's state as the console API shows it: never a key, only the certificate's fingerprint. */
export interface GatewayStatus {
  readonly enabled: boolean;
  /** `https://host:port` as listened on. */
  readonly url?: string | undefined;
  /** SHA-256 fingerprint of the server certificate (undefined without TLS). */
  readonly fingerprint?: string | undefined;
  /** Whether client certificates signed by the configured CA are accepted. */
  readonly mutualTls: boolean;
  /** Why it is not running, when it was configured but could not start. */
  readonly error?: string | undefined;
  /** The policy document in force (undefined: the built-in rules alone). */
  readonly policyFile?: string | undefined;
  readonly policy: unknown;
}

export interface GatewayStatusBoard {
  current: GatewayStatus;
}
