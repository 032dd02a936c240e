/**
 * One console process: builds every service from the configuration, registers the route and channel
 * tables, listens, and closes it all again. `main.ts` calls it for `gantry-server serve`; tests call
 * it through test/support.ts.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { createAuditLog } from './audit/audit-log.ts';
import { verifyAuditChain } from './audit/verify.ts';
import { createIdentity } from './auth/identity.ts';
import type { ConsoleConfig, ConsoleServices, Logger } from './context.ts';
import type { Database } from './db/database.ts';
import { openDatabase } from './db/open.ts';
import { createEngineManager } from './engines/manager.ts';
import { type RunningGateway, startGateway } from './gateway/listener.ts';
import { gatewayStages } from './gateway/stages.ts';
import { installNotFound, requestBasics } from './http/middleware.ts';
import type { RouteDefinition } from './http/route.ts';
import { type ConsoleApp, type ConsoleEnv, describe, registerRoutes } from './http/router.ts';
import { webFiles } from './http/web.ts';
import { createLogger } from './log.ts';
import { createMetrics } from './metrics.ts';
import type { ChannelDefinition } from './realtime/channel.ts';
import { allChannels } from './realtime/index.ts';
import { createChannelServer } from './realtime/upgrade.ts';
import { createRegistryStore } from './registries/store.ts';
import { consoleRoutes } from './routes/console.ts';
import { allRoutes } from './routes/index.ts';
import { createSecretBox, loadSecretKey } from './security/secret-box.ts';

export interface StartOptions {
  /** Environment for the secret key (`GANTRY_SECRET_KEY`); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the REST table (the permission test stubs every handler); default `allRoutes`. */
  readonly routes?: readonly RouteDefinition[];
  /** Replaces the channel table; default `allChannels`. */
  readonly channels?: readonly ChannelDefinition[];
  /** Where the start banner and the one-time setup token go; default process.stdout. */
  readonly stdout?: { write(text: string): unknown };
  /** Where JSON log lines go; default process.stderr. */
  readonly logStream?: { write(line: string): unknown };
  /** Replaces built services, for tests that inject a fault (e.g. a failing audit log). */
  readonly overrides?: Partial<ConsoleServices>;
}

export interface RunningConsole {
  /** `http://host:port` as listened on (port resolved when 0 was asked). */
  readonly url: string;
  readonly port: number;
  readonly services: ConsoleServices;
  /** Printed once when no admin exists yet: `POST /api/setup` takes it. */
  readonly setupToken?: string | undefined;
  readonly server: Server;
  /** The Engine API gateway, unless configured off. */
  readonly gateway?: RunningGateway | undefined;
  /** Stops accepting, closes sockets, engine streams and the database. Idempotent. */
  close(): Promise<void>;
}

export async function startConsole(
  config: ConsoleConfig,
  options: StartOptions = {},
): Promise<RunningConsole> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const log = createLogger({
    level: config.logLevel,
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  const db = options.overrides?.db ?? (await openConsoleDatabase(config));
  const closers: (() => Promise<unknown> | unknown)[] = [() => db.close()];
  try {
    const metrics = options.overrides?.metrics ?? createMetrics();
    const secretBox = options.overrides?.secretBox ?? createSecretBox((await loadSecretKey(config, env)).key);
    const audit = createAuditLog(db, secretBox);
    // Closed after everything that appends (gateway reads are appended without waiting), before the database.
    closers.unshift(() => audit.settled());
    const identity = createIdentity({ db, config, audit, log });
    const engines =
      options.overrides?.engines ?? (await createEngineManager({ db, secretBox, log, metrics, config }));
    closers.unshift(() => (engines as { close?: () => Promise<void> }).close?.());
    const services: ConsoleServices = {
      config,
      db,
      log,
      metrics,
      secretBox,
      audit,
      authenticator: identity.authenticator,
      engines,
      identity,
      registries: createRegistryStore(db, secretBox),
      gatewayStatus: { current: { enabled: false, mutualTls: false, policy: {} } },
      ...options.overrides,
    };
    const setupToken = await identity.setup.prepare();
    const stopRetention = identity.retention.start();
    closers.unshift(stopRetention);

    const routes = options.routes ?? allRoutes;
    const channels = options.channels ?? allChannels;
    const app: ConsoleApp = new Hono<ConsoleEnv>();
    app.use('*', requestBasics);
    registerRoutes(app, [...routes, ...consoleRoutes({ routes, channels })], services);
    const web = webFiles();
    if (web) {
      app.get('*', async (c, next) => {
        if (c.req.path.startsWith('/api/') || c.req.path === '/api') return next();
        return (await web(c.req.path)) ?? next();
      });
    }
    installNotFound(app);

    // The gateway is up before the console answers: a ready console (/healthz) means both are.
    let gateway: RunningGateway | undefined;
    if (config.gateway) {
      const policyFile = config.gateway.policyFile;
      const mutualTls = config.gateway.clientCaFile !== undefined;
      try {
        const stages = gatewayStages(config.gateway);
        const started = await startGateway({
          services,
          config: config.gateway,
          dataDir: config.dataDir,
          stages,
          stdout,
        });
        closers.unshift(() => started.close());
        gateway = started;
        services.gatewayStatus.current = {
          enabled: true,
          url: started.url,
          fingerprint: started.fingerprint,
          mutualTls,
          policyFile,
          policy: stages.policy,
        };
      } catch (error) {
        // Another console (or a daemon's TLS port) holds the address, or no certificate could be
        // made (no openssl): the gateway stays closed, which is safe, and the console still serves.
        const at = `${config.gateway.host}:${config.gateway.port}`;
        const why =
          (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
            ? `${at} is in use (choose --gateway-port, or --gateway-port off)`
            : `${error instanceof Error ? error.message : String(error)}`;
        services.gatewayStatus.current = { enabled: false, mutualTls, error: why, policyFile, policy: {} };
        stdout.write(`Gantry gateway not started: ${why}\n`);
        log.warn('gateway not started', { address: at, reason: why });
      }
    }
    const channelServer = createChannelServer(channels, services);
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    server.on('upgrade', (request, socket, head) => channelServer.handleUpgrade(request, socket, head));
    // Closed here too when listening fails (idempotent).
    closers.unshift(() => channelServer.close());
    await listen(server, config.host, config.port);
    // Upgraded sockets keep server.close() waiting for good: stop accepting, end the channels, then wait.
    closers.unshift(async () => {
      const stopped = stopServer(server);
      await channelServer.close();
      await stopped;
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

    // One write: a reader of a pipe that sees the banner sees the setup token with it.
    stdout.write(
      `Gantry console listening on ${url}\n` +
        (setupToken
          ? `\n  No administrator yet. One-time setup token (POST /api/setup, or the setup page):\n\n` +
            `    ${setupToken}\n\n`
          : ''),
    );
    log.info('console started', { url, database: db.dialect, engines: engines.list().length });

    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      services,
      setupToken,
      server,
      gateway,
      close: () => {
        closing ??= runClosers(closers, log);
        return closing;
      },
    };
  } catch (error) {
    await runClosers(closers, log);
    throw error;
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting; idle keep-alive connections go at once, busy ones get 5 s to finish. */
async function stopServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 5000);
  await closed;
  clearTimeout(timer);
}

async function runClosers(
  closers: readonly (() => Promise<unknown> | unknown)[],
  log: Logger,
): Promise<void> {
  for (const close of closers) {
    try {
      await close();
    } catch (error) {
      log.warn('close step failed', { error: describe(error) });
    }
  }
}

/** The configured database, migrated: what the console and the offline audit commands open. */
export const openConsoleDatabase = (config: ConsoleConfig): Promise<Database> => openDatabase(config);

/** `gantry-server audit verify`: the chain checked row by row; `ok` false on any problem. */
export async function verifyAuditLog(
  config: ConsoleConfig,
  db: Database,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; text: string }> {
  const secretBox = createSecretBox((await loadSecretKey(config, env)).key);
  const result = await verifyAuditChain(db, secretBox);
  const range = result.checked ? ` (seq ${result.firstSeq}..${result.lastSeq})` : '';
  const lines = [
    `audit log: ${result.checked} rows checked${range}: ${result.ok ? 'the chain is intact' : `${result.problems.length} problem(s)`}`,
    ...result.problems.map((problem) => `  seq ${problem.seq}: ${problem.problem}`),
  ];
  return { ok: result.ok, text: lines.join('\n') };
}

/** `gantry-server audit export`: every row, oldest first, one JSON object per line (each ends with a newline). */
export async function* exportAuditLog(config: ConsoleConfig, db: Database, env: NodeJS.ProcessEnv) {
  const secretBox = createSecretBox((await loadSecretKey(config, env)).key);
  yield* createAuditLog(db, secretBox).exportJsonLines({});
}
