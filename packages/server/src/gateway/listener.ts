/**
 * The Engine API gateway's own listener: `node:https` on `--gateway-host`:`--gateway-port`
 * (default 127.0.0.1:2376) with the given or generated certificate, optionally asking for client
 * certificates (`--gateway-client-ca`); plain `node:http` only with `--gateway-insecure` on a
 * loopback address. Requests and `Upgrade` requests (attach / exec hijacks) both go through
 * pipeline.ts; only HTTP/1.1 is spoken (ALPN), so no h2c or HTTP/2 preface reaches a handler.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConsoleServices, EngineHandle, GatewayConfig } from '../context.ts';
import { loadGatewayTls } from './certificate.ts';
import { EngineUpstream } from './forward.ts';
import { type GatewayContext, handleGatewayRequest, reply } from './pipeline.ts';
import type { GatewayStages } from './stages.ts';

export interface RunningGateway {
  /** `https://127.0.0.1:2376` as listened on (port resolved when 0 was asked). */
  readonly url: string;
  readonly port: number;
  /** SHA-256 fingerprint of the server certificate; undefined without TLS. */
  readonly fingerprint: string | undefined;
  /** The generated CA clients should trust (`ca.pem` for DOCKER_CERT_PATH); undefined for given certificates. */
  readonly caFile: string | undefined;
  readonly server: Server;
  /** Stops accepting, ends hijacked streams and engine connections. Idempotent. */
  close(): Promise<void>;
}

export interface GatewayStartOptions {
  readonly services: ConsoleServices;
  readonly config: GatewayConfig;
  readonly dataDir: string;
  readonly stages: GatewayStages;
  readonly stdout: { write(text: string): unknown };
}

export async function startGateway(options: GatewayStartOptions): Promise<RunningGateway> {
  const { services, config } = options;
  const tls = config.insecure ? undefined : await loadGatewayTls(config, options.dataDir);
  const upstreams = new WeakMap<EngineHandle, EngineUpstream>();
  const tunnels = new Set<Duplex>();
  const context: GatewayContext = {
    services,
    stages: options.stages,
    bodyLimitBytes: services.config.bodyLimitBytes,
    tunnels,
    // Through the engine handle's own client (and its connection pool): an edited engine gets a
    // new handle, so new connections, and the console closes the old client.
    upstream(engine) {
      let upstream = upstreams.get(engine);
      if (!upstream) {
        upstream = new EngineUpstream(engine.client);
        upstreams.set(engine, upstream);
      }
      return upstream;
    },
  };

  const onRequest = (request: IncomingMessage, res: ServerResponse) => {
    void handleGatewayRequest(context, request, { kind: 'http', res });
  };
  const server: Server = tls
    ? (createHttpsServer(
        {
          cert: tls.cert,
          key: tls.key,
          ALPNProtocols: ['http/1.1'],
          minVersion: 'TLSv1.2',
          ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
        },
        onRequest,
      ) as unknown as Server)
    : createHttpServer(onRequest);
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A hijacked stream ends one direction at a time (stdin EOF while output still flows).
    socket.allowHalfOpen = true;
    socket.on('error', () => socket.destroy());
    void handleGatewayRequest(context, request, { kind: 'upgrade', socket, head });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    reply(
      { kind: 'upgrade', socket, head: Buffer.alloc(0) },
      400,
      `malformed HTTP request (${error.code ?? 'parse error'})`,
    );
  });
  // Streams (logs -f, events, attach) stay open as long as the client wants.
  server.requestTimeout = 0;
  server.timeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  options.stdout.write(
    tls
      ? `Gantry gateway listening on ${url} (certificate SHA-256 ${tls.fingerprint}${tls.caFile ? `; clients trust ${tls.caFile}` : ''})\n`
      : `Gantry gateway listening on ${url} (plain HTTP: --gateway-insecure)\n`,
  );
  services.log.info('gateway started', { url, tls: Boolean(tls), mutualTls: Boolean(tls?.clientCa) });

  let closing: Promise<void> | undefined;
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const tunnel of tunnels) tunnel.destroy();
    const timer = setTimeout(() => server.closeAllConnections(), 5000);
    await closed;
    clearTimeout(timer);
  };
  return {
    url,
    port,
    fingerprint: tls?.fingerprint,
    caFile: tls?.caFile,
    server,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
