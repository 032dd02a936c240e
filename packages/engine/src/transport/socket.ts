import { type NetConnectOpts, connect as netConnect, type Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { EngineConnectionError } from '../errors.ts';
import type { Endpoint, TlsMaterial } from './endpoint.ts';
import type { SshDialer, SshOptions } from './ssh.ts';

/**
 * Opens the connections to one engine: every HTTP request (through {@link SocketPool}) and every
 * hijacked attach / exec stream gets its socket here. One per client; `close()` releases what the
 * dialer holds beyond its sockets (an ssh master connection).
 */
export interface Dialer {
  readonly endpoint: Endpoint;
  /** The most connections the pool may keep open at once; `undefined`: the pool's default. */
  readonly maxConnections: number | undefined;
  /** @param timeoutMs connect timeout in milliseconds; 0 disables it. */
  open(timeoutMs: number, signal?: AbortSignal): Promise<Socket>;
  /**
   * Why `socket` closed before the daemon answered, when the dialer can tell (a TLS alert, ssh's
   * stderr); `undefined` otherwise.
   */
  explainSilentClose(socket: Socket, timeoutMs: number): Promise<Error | undefined>;
  close(): Promise<void>;
}

/** sshd's default MaxSessions is 10 per connection: the pool leaves 4 for exec / attach streams. */
const SSH_POOL_CHANNELS = 6;

/**
 * The dialer for an endpoint. unix / tcp / TLS connect directly (at most `maxConnections` at once,
 * `undefined`: the pool's default); ssh loads its module only now, on the first connection, so
 * programs that never use ssh never load it.
 */
export function createDialer(
  endpoint: Endpoint,
  ssh: SshOptions = {},
  maxConnections: number | undefined = undefined,
): Dialer {
  if (endpoint.kind !== 'ssh') {
    return {
      endpoint,
      maxConnections,
      open: (timeoutMs, signal) => openSocket(endpoint, timeoutMs, signal),
      explainSilentClose: (_socket, timeoutMs) => probeTlsRejection(endpoint, timeoutMs),
      close: async () => {},
    };
  }
  let loaded: Promise<SshDialer> | undefined;
  const load = () => {
    loaded ??= import('./ssh.ts').then((module) => new module.SshDialer(endpoint, ssh));
    return loaded;
  };
  return {
    endpoint,
    maxConnections: SSH_POOL_CHANNELS,
    open: async (timeoutMs, signal) => (await load()).open(timeoutMs, signal),
    explainSilentClose: async (socket) => (await loaded)?.explainSilentClose(socket),
    close: async () => (await loaded)?.close(),
  };
}

type DirectEndpoint = Exclude<Endpoint, { kind: 'ssh' }>;

/**
 * Opens a unix, tcp or TLS connection, so all three behave alike and connection failures get the
 * same diagnostics.
 *
 * `allowHalfOpen` lets a hijacked stream close its write side (stdin EOF) and keep reading.
 *
 * @param timeoutMs connect timeout in milliseconds; 0 disables it.
 */
export function openSocket(
  endpoint: DirectEndpoint,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createRawSocket(endpoint);
    const readyEvent = endpoint.kind === 'tcp' && endpoint.tls ? 'secureConnect' : 'connect';
    const timer =
      timeoutMs > 0 ? setTimeout(() => fail(timeoutError(endpoint, timeoutMs)), timeoutMs) : undefined;
    const onAbort = () => fail(signal?.reason ?? new Error('aborted'));
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
    };
    function fail(err: unknown) {
      cleanup();
      socket.destroy();
      reject(err);
    }
    const onError = (err: Error) => fail(diagnoseConnectError(endpoint, err));
    if (signal?.aborted) return fail(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once(readyEvent, () => {
      cleanup();
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/**
 * Explains a TLS connection the daemon closed without a word. With TLS 1.3 a daemon rejects a
 * missing or unknown client certificate only after the handshake, so the HTTP layer just sees the
 * socket close. On that failure path this opens one more connection, sends a ping and returns the
 * TLS alert it gets, if any (resolves `undefined` when the probe sees no TLS error).
 */
export async function probeTlsRejection(endpoint: Endpoint, timeoutMs: number): Promise<Error | undefined> {
  if (endpoint.kind !== 'tcp' || !endpoint.tls) return undefined;
  let socket: Socket;
  try {
    socket = await openSocket(endpoint, timeoutMs);
  } catch (err) {
    return diagnoseConnectError(endpoint, err as Error);
  }
  return new Promise((resolve) => {
    const done = (result: Error | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(undefined), Math.max(timeoutMs, 1000));
    socket.once('error', (err) => {
      const diagnosed = diagnoseConnectError(endpoint, err);
      done(diagnosed === err ? undefined : diagnosed);
    });
    socket.once('data', () => done(undefined));
    socket.once('end', () => done(undefined));
    socket.write('GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n');
  });
}

/**
 * Bytes a paused socket reads ahead before it stops reading from the kernel (Node's default: 64 KiB).
 * A consumer that pauses — a response body whose reader is busy — then leaves the daemon's writes in
 * the kernel, where they pile up into one large read when it resumes, instead of the socket taking
 * every small write (a log line, an event) on its own. While flowing this changes nothing. TLS
 * sockets keep Node's default: their one option would shrink the write buffer too.
 */
const READ_AHEAD_BYTES = 1;

function createRawSocket(endpoint: DirectEndpoint): Socket {
  if (endpoint.kind === 'unix') {
    return netConnect({
      path: endpoint.socketPath,
      allowHalfOpen: true,
      readableHighWaterMark: READ_AHEAD_BYTES,
    } as NetConnectOpts);
  }
  if (!endpoint.tls) {
    return netConnect({
      host: endpoint.hostname,
      port: endpoint.port,
      allowHalfOpen: true,
      readableHighWaterMark: READ_AHEAD_BYTES,
    } as NetConnectOpts);
  }
  // TLS runs over a half-open-capable TCP socket so stdin EOF can be signalled while output flows.
  // node:tls is loaded here, on the first TLS connection: importing it costs ~20 ms of start-up.
  const tls = process.getBuiltinModule('node:tls');
  return tls.connect({
    socket: netConnect({ host: endpoint.hostname, port: endpoint.port, allowHalfOpen: true }),
    servername: isIp(endpoint.hostname) ? undefined : endpoint.hostname,
    secureContext: secureContextOf(endpoint.tls, tls),
    rejectUnauthorized: endpoint.tls.verify,
    ALPNProtocols: ['http/1.1'],
  });
}

/** One secure context per client's TLS material, built on its first connection. */
const secureContexts = new WeakMap<TlsMaterial, SecureContext>();

/**
 * The CA, certificate and key parsed once: given to each `tls.connect` instead, they are parsed
 * into a new context per connection (0.3-0.6 ms here, on every pooled or hijacked connection).
 */
function secureContextOf(material: TlsMaterial, tls: typeof import('node:tls')): SecureContext {
  let context = secureContexts.get(material);
  if (!context) {
    const { ca, cert, key } = material;
    context = tls.createSecureContext({ ca, cert, key });
    secureContexts.set(material, context);
  }
  return context;
}

function isIp(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.includes(':');
}

function timeoutError(endpoint: DirectEndpoint, ms: number): EngineConnectionError {
  return new EngineConnectionError(
    'ENGINE_TIMEOUT',
    endpoint.url,
    `no connection after ${ms} ms`,
    'check that the daemon is running and the address and firewall are right, or raise timeouts.connect',
  );
}

/**
 * Turns a low-level connect error into an actionable {@link EngineConnectionError}; other errors pass
 * through unchanged.
 */
export function diagnoseConnectError(endpoint: Endpoint, err: Error): Error {
  if (err instanceof EngineConnectionError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const at = endpoint.url;
  if (code === 'ENOENT') {
    return new EngineConnectionError(
      'ENGINE_SOCKET_MISSING',
      at,
      'the socket does not exist',
      'start the Docker daemon (dockerd) or set DOCKER_HOST to where it listens',
      { cause: err },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new EngineConnectionError(
      'ENGINE_PERMISSION_DENIED',
      at,
      'permission denied',
      'add your user to the docker group (then log in again) or set DOCKER_HOST',
      { cause: err },
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') {
    return new EngineConnectionError(
      'ENGINE_UNREACHABLE',
      at,
      `${code === 'ENOTFOUND' ? 'the host name does not resolve' : 'connection refused'} (${code})`,
      'check that the daemon is running and listening there, or set DOCKER_HOST',
      { cause: err },
    );
  }
  if (isTlsError(code, err)) {
    return new EngineConnectionError(
      'ENGINE_TLS',
      at,
      `TLS handshake failed (${code || err.message})`,
      tlsHint(code, err),
      { cause: err },
    );
  }
  return err;
}

function isTlsError(code: string, err: Error): boolean {
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ALTNAME/.test(code) ||
    /ssl|tls|certificate/i.test(err.message)
  );
}

function tlsHint(code: string, err: Error): string {
  // An alert is the daemon speaking: it refused what we sent, i.e. our client certificate.
  if (/ALERT/.test(code)) {
    return 'the daemon rejected the client certificate (missing, or not signed by its CA) — check DOCKER_CERT_PATH/cert.pem and key.pem';
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|HOSTNAME/.test(code)) {
    return "the daemon's certificate is not signed by the CA you gave or does not name this host — check DOCKER_CERT_PATH/ca.pem";
  }
  if (/certificate required|alert.*(?:certificate|handshake)|bad certificate|unknown ca/i.test(err.message)) {
    return 'the daemon rejected the client certificate — check DOCKER_CERT_PATH/cert.pem and key.pem';
  }
  if (/wrong version number|http request/i.test(err.message)) {
    return 'the daemon does not speak TLS on this port — drop DOCKER_TLS_VERIFY or use the TLS port';
  }
  return 'check the CA, client certificate and key in DOCKER_CERT_PATH';
}
