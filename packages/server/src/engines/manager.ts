/**
 * The engines the console manages: loaded from the `engines` table, each with its own client,
 * connection loop and inventory. Engines are independent: each reconnects on its own schedule
 * (0.5 s doubling to 30 s, with jitter), and nothing here waits on an engine to answer another's
 * request. Several console processes may share one database: each polls a cheap signature of the
 * table (count, latest and sum of `updated_at`) and reloads when another process changed it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type DockerClient } from '@gantry/engine';
import type {
  ConsoleConfig,
  EngineHandle,
  EngineManager,
  EngineStatus,
  Logger,
  Metrics,
  SecretBox,
} from '../context.ts';
import type { Database } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import {
  describeTls,
  type EngineConfig,
  EngineConfigError,
  type EngineConnection,
  type EngineRow,
  engineConnection,
  localEngineConfig,
  openEngineRow,
  sealEngineConfig,
  type TlsConfig,
  type TlsSummary,
  validateEngineConfig,
} from './connect.ts';
import { INVENTORY_RESOURCES, Inventory } from './inventory.ts';

/** An engine as the manager holds it: the handle routes get, plus what the engines API shows. */
export interface ManagedEngine extends EngineHandle {
  readonly inventory: Inventory;
  /** Which TLS pieces are stored (`null`: no TLS); never the material itself. */
  readonly tls: TlsSummary | null;
  /** Whether an ssh key is stored. */
  readonly sshKey: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface EngineInput extends EngineConfig {
  readonly name: string;
}

/** A change of an engine: absent fields stay; `tls: null` / `sshKey: null` remove what is stored. */
export interface EnginePatch {
  readonly name?: string | undefined;
  readonly url?: string | undefined;
  readonly tls?: TlsConfig | null | undefined;
  readonly sshKey?: string | null | undefined;
}

export interface EngineTestResult {
  readonly ok: boolean;
  readonly version?: string;
  readonly apiVersion?: string;
  readonly os?: string;
  readonly arch?: string;
  /** Why it failed, in the SDK's words (names the endpoint and what to do; never a secret). */
  readonly error?: string;
  readonly code?: string;
  readonly durationMs: number;
}

export interface EngineService extends EngineManager {
  list(): readonly ManagedEngine[];
  /** By id only: grants, paths and audit rows all name engines by id. */
  get(id: string): ManagedEngine | undefined;
  add(input: EngineInput): Promise<ManagedEngine>;
  update(id: string, patch: EnginePatch): Promise<ManagedEngine>;
  /** The configuration `update` would store, validated (to test before saving). */
  merged(id: string, patch: EnginePatch): Promise<EngineConfig>;
  remove(id: string): Promise<boolean>;
  /** Connects with an unsaved configuration: version and API version, or why not. */
  test(config: EngineConfig): Promise<EngineTestResult>;
  /** Re-reads the table now (it also happens every `pollMs` by itself). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface EngineManagerDeps {
  readonly db: Database;
  readonly secretBox: SecretBox;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly config: Pick<ConsoleConfig, 'localEngine' | 'dataDir'>;
  /** How often the table is checked for other processes' changes (ms, default 3000). */
  readonly pollMs?: number;
  /** Events within this window share one inventory refresh (ms, default 20). */
  readonly coalesceMs?: number;
  /** Time to open a connection (ms, default 5000). */
  readonly connectTimeoutMs?: number;
  /** The longest wait between reconnect attempts to a down engine (ms, default 30000). */
  readonly maxReconnectDelayMs?: number;
}

/** The name (and id) of the engine added on first start. */
export const LOCAL_ENGINE = 'local';
const MAX_BACKOFF_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
/** A daemon that accepts the connection but never answers must not hold the loop (ms). */
const VERSION_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = 10_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): 0.5 s doubling up to 30 s, times a random
 * factor in [0.8, 1.2) so that engines (and consoles) lost together do not retry in lockstep.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  maxMs: number = MAX_BACKOFF_MS,
): number {
  const base = Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** Math.min(attempt, 16));
  return Math.min(maxMs, Math.round(base * (0.8 + 0.4 * random())));
}

export async function createEngineManager(deps: EngineManagerDeps): Promise<EngineService> {
  const { db, secretBox, log, metrics } = deps;
  const settings = {
    connectTimeoutMs: deps.connectTimeoutMs ?? 5_000,
    sshKnownHosts: join(deps.config.dataDir, 'ssh_known_hosts'),
  };
  const engines = new Map<string, EngineRuntime>();
  let signature = '';
  let closed = false;
  // Reloads run one at a time: a poll and an API change never reconcile at once.
  let reloading: Promise<void> = Promise.resolve();

  const startRuntime = (row: EngineRow) => {
    const runtime = new EngineRuntime(row, {
      box: secretBox,
      log: log.child({ engine: row.id }),
      metrics,
      coalesceMs: deps.coalesceMs,
      maxReconnectDelayMs: deps.maxReconnectDelayMs ?? MAX_BACKOFF_MS,
      settings,
    });
    engines.set(row.id, runtime);
    runtime.start();
  };

  const reconcile = async () => {
    const rows = await db.all<EngineRow>('SELECT * FROM engines ORDER BY name');
    const present = new Set(rows.map((row) => row.id));
    for (const [id, runtime] of engines) {
      if (present.has(id)) continue;
      engines.delete(id);
      await runtime.stop();
    }
    for (const row of rows) {
      const running = engines.get(row.id);
      if (running && Number(running.updatedAt) === Number(row.updated_at)) continue;
      if (running) {
        engines.delete(row.id);
        await running.stop();
      }
      if (!closed) startRuntime(row);
    }
  };

  const readSignature = async () => {
    const row = await db.get(
      'SELECT COUNT(*) AS n, MAX(updated_at) AS latest, SUM(updated_at) AS total FROM engines',
    );
    return `${row?.n}:${row?.latest}:${row?.total}`;
  };

  const reload = (force: boolean) => {
    const next = reloading.then(async () => {
      if (closed) return;
      const current = await readSignature();
      if (!force && current === signature) return;
      signature = current;
      await reconcile();
    });
    reloading = next.catch((error) => log.error('engine list reload failed', { error: String(error) }));
    return next;
  };

  // First start: the local engine, added once even when several consoles start together (fixed id).
  const existing = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM engines');
  if (Number(existing?.n ?? 0) === 0) {
    const local = localEngineConfig(deps.config.localEngine);
    const columns = sealEngineConfig(local, secretBox);
    const now = Date.now();
    await db.run(
      `INSERT INTO engines (id, name, url, tls_verify, tls_ca, tls_cert, tls_key, ssh_key, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING`,
      [
        LOCAL_ENGINE,
        LOCAL_ENGINE,
        columns.url,
        columns.tls_verify,
        columns.tls_ca,
        columns.tls_cert,
        columns.tls_key,
        null,
        now,
      ],
    );
    log.info('added the local engine', { engine: LOCAL_ENGINE, url: local.url });
  }
  await reload(true);

  const poll = setInterval(() => void reload(false), deps.pollMs ?? 3_000);
  poll.unref();

  metrics.gauge('engine_up', 'Whether the engine is reachable (1) or not (0), by engine.', () =>
    Object.fromEntries(
      [...engines.values()].map((engine) => [`engine=${engine.id}`, engine.status().state === 'up' ? 1 : 0]),
    ),
  );
  metrics.gauge('inventory_objects', 'Objects in the in-memory inventory, by engine and kind.', () => {
    const values: Record<string, number> = {};
    for (const engine of engines.values()) {
      const { counts } = engine.inventory.stats();
      for (const type of INVENTORY_RESOURCES) values[`engine=${engine.id},type=${type}`] = counts[type];
    }
    return values;
  });
  metrics.gauge('inventory_events_received', 'Daemon events received by the inventories, by engine.', () =>
    Object.fromEntries(
      [...engines.values()].map((engine) => [`engine=${engine.id}`, engine.inventory.stats().eventsReceived]),
    ),
  );

  const rowOf = async (id: string) => {
    const row = await db.get<EngineRow>('SELECT * FROM engines WHERE id = $1', [id]);
    if (!row) throw new HttpError(404, 'NOT_FOUND', `no engine with id '${id}'`);
    return row;
  };

  const checked = (config: EngineConfig) => {
    try {
      return validateEngineConfig(config);
    } catch (error) {
      if (error instanceof EngineConfigError) throw configError(error);
      throw error;
    }
  };

  const assertNameFree = async (name: string, except?: string) => {
    const clash = await db.get<{ id: string }>('SELECT id FROM engines WHERE name = $1', [name]);
    if (clash && clash.id !== except)
      throw new HttpError(409, 'CONFLICT', `an engine named '${name}' already exists`);
  };

  const afterWrite = async (id: string) => {
    await reload(true);
    const engine = engines.get(id);
    if (!engine) throw new HttpError(404, 'NOT_FOUND', `engine '${id}' was removed meanwhile`);
    return engine;
  };

  const service: EngineService = {
    list: () => [...engines.values()].sort((a, b) => a.name.localeCompare(b.name)),
    get: (id) => engines.get(id),

    async add(input) {
      const config = checked(input);
      await assertNameFree(input.name);
      const id = randomBytes(6).toString('hex');
      const columns = sealEngineConfig(config, secretBox);
      const now = Date.now();
      try {
        await db.run(
          `INSERT INTO engines (id, name, url, tls_verify, tls_ca, tls_cert, tls_key, ssh_key, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
          [
            id,
            input.name,
            columns.url,
            columns.tls_verify,
            columns.tls_ca,
            columns.tls_cert,
            columns.tls_key,
            columns.ssh_key,
            now,
          ],
        );
      } catch (error) {
        // Another console added the same name between the check and the insert.
        await assertNameFree(input.name);
        throw error;
      }
      log.info('engine added', { engine: id, name: input.name, url: config.url });
      return afterWrite(id);
    },

    async merged(id, patch) {
      const row = await rowOf(id);
      const current = openEngineRow(row, secretBox);
      return checked({
        url: patch.url ?? current.url,
        tls: patch.tls === null ? undefined : (patch.tls ?? current.tls),
        sshKey: patch.sshKey === null ? undefined : (patch.sshKey ?? current.sshKey),
      });
    },

    async update(id, patch) {
      const row = await rowOf(id);
      const config = await service.merged(id, patch);
      const name = patch.name ?? row.name;
      if (name !== row.name) await assertNameFree(name, id);
      const columns = sealEngineConfig(config, secretBox);
      // Strictly later than before: other consoles notice the change by it.
      const updatedAt = Math.max(Date.now(), Number(row.updated_at) + 1);
      await db.run(
        `UPDATE engines SET name = $2, url = $3, tls_verify = $4, tls_ca = $5, tls_cert = $6, tls_key = $7,
           ssh_key = $8, updated_at = $9 WHERE id = $1`,
        [
          id,
          name,
          columns.url,
          columns.tls_verify,
          columns.tls_ca,
          columns.tls_cert,
          columns.tls_key,
          columns.ssh_key,
          updatedAt,
        ],
      );
      log.info('engine updated', { engine: id, name, url: config.url });
      return afterWrite(id);
    },

    async remove(id) {
      const { changes } = await db.run('DELETE FROM engines WHERE id = $1', [id]);
      await reload(true);
      if (changes > 0) log.info('engine removed', { engine: id });
      return changes > 0;
    },

    async test(config) {
      const started = performance.now();
      let connection: EngineConnection | undefined;
      let client: DockerClient | undefined;
      try {
        connection = engineConnection(checked(config), settings);
        client = connect(connection.options);
        const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
        const version = await client.system.version({ signal });
        const apiVersion = await client.apiVersion({ signal });
        return {
          ok: true,
          version: version.Version,
          apiVersion,
          os: version.Os,
          arch: version.Arch,
          durationMs: Math.round(performance.now() - started),
        };
      } catch (error) {
        if (error instanceof HttpError) throw error;
        return {
          ok: false,
          error: (error as Error).message,
          code: (error as { code?: string }).code,
          durationMs: Math.round(performance.now() - started),
        };
      } finally {
        await client?.close().catch(() => undefined);
        connection?.dispose();
      }
    },

    sync: () => reload(false),

    async close() {
      closed = true;
      clearInterval(poll);
      await reloading;
      await Promise.all([...engines.values()].map((engine) => engine.stop()));
      engines.clear();
    },
  };
  return service;
}

function configError(error: EngineConfigError): HttpError {
  return new HttpError(400, 'VALIDATION', `invalid engine — ${error.field}: ${error.message}`, {
    fields: [{ field: `body.${error.field}`, message: error.message }],
  });
}

interface RuntimeDeps {
  readonly box: SecretBox;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly coalesceMs: number | undefined;
  readonly maxReconnectDelayMs: number;
  readonly settings: { connectTimeoutMs: number; sshKnownHosts: string };
}

/** One engine's client, connection loop and inventory, for the life of one version of its row. */
class EngineRuntime implements ManagedEngine {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly client: DockerClient;
  readonly inventory: Inventory;
  readonly tls: TlsSummary | null;
  readonly sshKey: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly #connection: EngineConnection | undefined;
  readonly #log: Logger;
  readonly #maxReconnectDelayMs: number;
  readonly #stop = new AbortController();
  #status: EngineStatus = { state: 'connecting', since: Date.now() };
  #loop: Promise<void> = Promise.resolve();

  constructor(row: EngineRow, deps: RuntimeDeps) {
    this.id = row.id;
    this.name = row.name;
    this.url = row.url;
    this.tls = describeTls(row);
    this.sshKey = Boolean(row.ssh_key);
    this.createdAt = Number(row.created_at);
    this.updatedAt = Number(row.updated_at);
    this.#log = deps.log;
    this.#maxReconnectDelayMs = deps.maxReconnectDelayMs;
    let connection: EngineConnection | undefined;
    let problem: string | undefined;
    try {
      connection = engineConnection(openEngineRow(row, deps.box), deps.settings);
    } catch (error) {
      // A row this console cannot use (another key sealed it, a URL edited by hand): shown down, not fatal.
      problem = (error as Error).message;
    }
    this.#connection = connection;
    // Without a usable configuration the client points nowhere and is never called.
    this.client = connect(
      connection?.options ?? { host: 'unix:///nonexistent', env: {}, credentials: false },
    );
    this.inventory = new Inventory(this.client, {
      engineId: row.id,
      log: deps.log,
      metrics: deps.metrics,
      coalesceMs: deps.coalesceMs,
    });
    if (problem) this.#status = { state: 'down', error: problem, since: Date.now() };
  }

  status(): EngineStatus {
    return this.#status;
  }

  start(): void {
    if (this.#connection) this.#loop = this.#run(this.#stop.signal);
  }

  async stop(): Promise<void> {
    this.#stop.abort(new Error('engine stopped'));
    await this.#loop;
    await this.client.close().catch(() => undefined);
    this.#connection?.dispose();
  }

  /** Connect, sync and follow events; on any failure, down and retry after the backoff. Never rejects. */
  async #run(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        const reach = AbortSignal.any([signal, AbortSignal.timeout(VERSION_TIMEOUT_MS)]);
        const version = await this.client.system.version({ signal: reach });
        const apiVersion = await this.client.apiVersion({ signal: reach });
        await this.inventory.run(signal, () => {
          attempt = 0;
          this.#set({ state: 'up', version: version.Version, apiVersion });
          this.#log.info('engine up', { version: version.Version, apiVersion });
        });
      } catch (error) {
        if (signal.aborted) break;
        this.inventory.markDown();
        const message = (error as Error).message;
        if (this.#status.state !== 'down' || this.#status.error !== message)
          this.#log.warn('engine down', { error: message });
        this.#set({ state: 'down', error: message });
      }
      try {
        await sleep(backoffDelay(attempt++, Math.random, this.#maxReconnectDelayMs), undefined, { signal });
      } catch {
        break;
      }
    }
  }

  #set(
    next: Omit<EngineStatus, 'since' | 'version' | 'apiVersion'> & { version?: string; apiVersion?: string },
  ): void {
    const previous = this.#status;
    this.#status = {
      version: previous.version,
      apiVersion: previous.apiVersion,
      ...next,
      since: previous.state === next.state ? previous.since : Date.now(),
    };
  }
}
