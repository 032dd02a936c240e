import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';

/**
 * TLS material for a tcp / https endpoint. PEM contents, not paths.
 *
 * @example
 * ```ts
 * const tls: TlsMaterial = { ca: readFileSync('ca.pem'), cert: readFileSync('cert.pem'), key: readFileSync('key.pem'), verify: true };
 * ```
 */
export interface TlsMaterial {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Verify the daemon's certificate (DOCKER_TLS_VERIFY). `false` encrypts without verifying. */
  readonly verify: boolean;
}

/**
 * Where and how to reach an engine, fully resolved.
 *
 * @example
 * ```ts
 * const endpoint: Endpoint = docker.endpoint; // { kind: 'unix', socketPath: '/var/run/docker.sock', url: 'unix:///var/run/docker.sock' }
 * ```
 */
export type Endpoint =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly url: string }
  | {
      readonly kind: 'tcp';
      readonly hostname: string;
      readonly port: number;
      readonly tls: TlsMaterial | undefined;
      readonly url: string;
    };

/** The docker CLI's default daemon address on Linux. */
export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';

/** Engine address and TLS options as given by a caller (all optional; the environment fills the gaps). */
export interface EndpointOptions {
  /** `unix:///path`, `tcp://host:port`, `http://host:port` or `https://host:port`. */
  readonly host?: string;
  /** `true` uses TLS without verification unless `tlsVerify` is set; an object gives the material. */
  readonly tls?: boolean | Partial<TlsMaterial>;
  /** Directory holding `ca.pem`, `cert.pem`, `key.pem` (DOCKER_CERT_PATH; default `~/.docker`). */
  readonly certPath?: string;
  readonly tlsVerify?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the engine endpoint as the docker CLI does: an explicit `host` wins, then
 * `DOCKER_HOST`, then the default unix socket. TLS is on when `DOCKER_TLS_VERIFY` is non-empty
 * (verify) or `DOCKER_TLS` is non-empty / `tls: true` (encrypt only); material comes from
 * `DOCKER_CERT_PATH` (default `~/.docker`), where a missing file is simply not used — as the CLI does.
 *
 * @example
 * ```ts
 * const ep = resolveEndpoint({}, { DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1' });
 * // { kind: 'tcp', hostname: '10.0.0.5', port: 2376, tls: { verify: true, ca, cert, key }, ... }
 * ```
 */
export function resolveEndpoint(options: EndpointOptions = {}, env: Env = process.env): Endpoint {
  const host = options.host ?? nonEmpty(env.DOCKER_HOST) ?? `unix://${DEFAULT_UNIX_SOCKET}`;
  const verify = options.tlsVerify ?? nonEmpty(env.DOCKER_TLS_VERIFY) !== undefined;
  const tlsWanted =
    options.tls !== undefined ? options.tls !== false : nonEmpty(env.DOCKER_TLS) !== undefined;
  const parsed = parseHost(host);
  if (parsed.scheme === 'unix')
    return { kind: 'unix', socketPath: parsed.path, url: `unix://${parsed.path}` };
  const useTls = parsed.scheme === 'https' || tlsWanted || verify;
  const port = parsed.port ?? (useTls ? 2376 : 2375);
  const tls = useTls ? loadTls(options, verify, env) : undefined;
  const scheme = useTls ? 'https' : 'http';
  return {
    kind: 'tcp',
    hostname: parsed.hostname,
    port,
    tls,
    url: `${scheme}://${formatHost(parsed.hostname)}:${port}`,
  };
}

type ParsedHost =
  | { scheme: 'unix'; path: string }
  | { scheme: 'tcp' | 'http' | 'https'; hostname: string; port: number | undefined };

/** Parses a DOCKER_HOST value, rejecting what the CLI rejects with a message naming the fix. */
export function parseHost(host: string): ParsedHost {
  const match = /^([a-z]+):\/\/(.*)$/i.exec(host.trim());
  if (!match) throw invalidHost(host, 'it has no scheme');
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw invalidHost(host, 'a unix socket path must be absolute');
    return { scheme: 'unix', path: rest };
  }
  if (scheme === 'ssh') {
    throw new EngineError(
      'CONFIG',
      `DOCKER_HOST ${host}: ssh:// hosts are not supported yet — use unix://, tcp:// or https://`,
    );
  }
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') {
    throw invalidHost(host, `the scheme ${scheme}:// is not one of unix, tcp, http, https`);
  }
  let url: URL;
  try {
    url = new URL(`http://${rest}`);
  } catch {
    throw invalidHost(host, 'the address does not parse');
  }
  if (url.pathname !== '/' && url.pathname !== '')
    throw invalidHost(host, 'a path after the address is not supported');
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw invalidHost(host, 'the host name is empty');
  return { scheme, hostname, port: url.port ? Number(url.port) : undefined };
}

function loadTls(options: EndpointOptions, verify: boolean, env: Env): TlsMaterial {
  const given = typeof options.tls === 'object' ? options.tls : {};
  const certPath =
    options.certPath ?? nonEmpty(env.DOCKER_CERT_PATH) ?? join(env.HOME ?? homedir(), '.docker');
  return {
    ca: given.ca ?? readIfPresent(join(certPath, 'ca.pem')),
    cert: given.cert ?? readIfPresent(join(certPath, 'cert.pem')),
    key: given.key ?? readIfPresent(join(certPath, 'key.pem')),
    verify: given.verify ?? verify,
  };
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EngineError('CONFIG', `cannot read TLS file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function invalidHost(host: string, why: string): EngineError {
  return new EngineError(
    'CONFIG',
    `invalid engine host "${host}": ${why} — use unix:///var/run/docker.sock, tcp://HOST:PORT or https://HOST:PORT`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function formatHost(hostname: string): string {
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}
