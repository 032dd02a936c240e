import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import {
  type ContextTls,
  chooseHost,
  DEFAULT_UNIX_SOCKET,
  dockerConfigDir,
  type EndpointSource,
  type HostChoice,
  nonEmpty,
  readIfPresent,
} from './context.ts';

export { DEFAULT_UNIX_SOCKET };

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
 * Where and how to reach an engine, fully resolved, with where the address came from (`source`).
 * An `ssh` endpoint reaches the engine through `docker system dial-stdio` run on the remote host.
 *
 * @example
 * ```ts
 * const endpoint: Endpoint = docker.endpoint;
 * // { kind: 'unix', socketPath: '/var/run/docker.sock', url: 'unix:///var/run/docker.sock', source: 'default' }
 * // { kind: 'ssh', user: 'me', hostname: 'build-box', port: undefined, remoteSocket: undefined, url: 'ssh://me@build-box', source: 'env' }
 * ```
 */
export type Endpoint =
  | {
      readonly kind: 'unix';
      readonly socketPath: string;
      readonly url: string;
      readonly source: EndpointSource;
    }
  | {
      readonly kind: 'tcp';
      readonly hostname: string;
      readonly port: number;
      readonly tls: TlsMaterial | undefined;
      readonly url: string;
      readonly source: EndpointSource;
    }
  | {
      readonly kind: 'ssh';
      /** `undefined`: ssh's own choice (`User` in ~/.ssh/config, else the local user). */
      readonly user: string | undefined;
      /** A host name, address or `Host` alias of the ssh config. */
      readonly hostname: string;
      /** `undefined`: ssh's own choice (`Port` in ~/.ssh/config, else 22). */
      readonly port: number | undefined;
      /** The engine socket on the remote host (the URL's path); `undefined`: the remote CLI's default. */
      readonly remoteSocket: string | undefined;
      readonly url: string;
      readonly source: EndpointSource;
    };

/** Engine address and TLS options as given by a caller (all optional; the environment fills the gaps). */
export interface EndpointOptions {
  /** `unix:///path`, `tcp://host:port`, `http://host:port`, `https://host:port` or `ssh://[user@]host[:port]`. */
  readonly host?: string;
  /**
   * A docker context by name (as `docker --context`): its endpoint and TLS material come from the
   * CLI's context store in `$DOCKER_CONFIG/contexts`. Cannot be combined with `host`.
   */
  readonly context?: string;
  /** `true` uses TLS without verification unless `tlsVerify` is set; an object gives the material. */
  readonly tls?: boolean | Partial<TlsMaterial>;
  /** Directory holding `ca.pem`, `cert.pem`, `key.pem` (DOCKER_CERT_PATH; default `~/.docker`). */
  readonly certPath?: string;
  readonly tlsVerify?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the engine endpoint as the docker CLI does: the `host` option, else the `context`
 * option, else `DOCKER_HOST`, else `DOCKER_CONTEXT`, else the CLI's current context, else the
 * default unix socket (or, when it is absent, a rootless / Docker Desktop / Podman socket found on
 * this machine). TLS is on when `DOCKER_TLS_VERIFY` is non-empty (verify) or `DOCKER_TLS` is
 * non-empty / `tls: true` (encrypt only); material comes from `DOCKER_CERT_PATH` (default
 * `~/.docker`), where a missing file is simply not used — as the CLI does. A named context brings
 * its own TLS material from the context store instead.
 *
 * @example
 * ```ts
 * const ep = resolveEndpoint({}, { DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1' });
 * // { kind: 'tcp', hostname: '10.0.0.5', port: 2376, tls: { verify: true, ca, cert, key }, source: 'env', ... }
 * ```
 */
export function resolveEndpoint(options: EndpointOptions = {}, env: Env = process.env): Endpoint {
  const choice = chooseHost(options, env);
  const { source } = choice;
  const parsed = parseHost(choice.host);
  if (parsed.scheme === 'unix')
    return { kind: 'unix', socketPath: parsed.path, url: `unix://${parsed.path}`, source };
  if (parsed.scheme === 'ssh') {
    const { user, hostname, port, remoteSocket } = parsed;
    const url = `ssh://${user ? `${user}@` : ''}${formatHost(hostname)}${port ? `:${port}` : ''}${remoteSocket ?? ''}`;
    return { kind: 'ssh', user, hostname, port, remoteSocket, url, source };
  }
  const tls = tlsSettings(parsed.scheme === 'https', options, choice, env);
  const port = parsed.port ?? (tls ? 2376 : 2375);
  return {
    kind: 'tcp',
    hostname: parsed.hostname,
    port,
    tls,
    url: `${tls ? 'https' : 'http'}://${formatHost(parsed.hostname)}:${port}`,
    source,
  };
}

/** The TLS material to use, or `undefined` for plain text. Explicit options beat env and context. */
function tlsSettings(
  https: boolean,
  options: EndpointOptions,
  choice: HostChoice,
  env: Env,
): TlsMaterial | undefined {
  const fromContext = choice.source.startsWith('context:');
  const wanted =
    options.tls !== undefined
      ? options.tls !== false
      : fromContext
        ? choice.contextTls !== undefined
        : nonEmpty(env.DOCKER_TLS) !== undefined;
  const verify =
    options.tlsVerify ??
    (fromContext ? choice.contextTls?.skipVerify === false : nonEmpty(env.DOCKER_TLS_VERIFY) !== undefined);
  if (!https && !wanted && !verify) return undefined;
  const given = typeof options.tls === 'object' ? options.tls : {};
  const stored = fromContext ? choice.contextTls : undefined;
  const files = fromContext ? undefined : certFiles(options, env);
  return {
    ca: given.ca ?? stored?.ca ?? files?.ca,
    cert: given.cert ?? stored?.cert ?? files?.cert,
    key: given.key ?? stored?.key ?? files?.key,
    verify: given.verify ?? verify,
  };
}

/** `ca.pem`, `cert.pem`, `key.pem` from `certPath` / DOCKER_CERT_PATH / `~/.docker`, each if present. */
function certFiles(options: EndpointOptions, env: Env): Omit<ContextTls, 'skipVerify'> {
  // As the CLI: DOCKER_CERT_PATH defaults to the config directory, DOCKER_CONFIG or ~/.docker.
  const dir = options.certPath ?? nonEmpty(env.DOCKER_CERT_PATH) ?? dockerConfigDir(env);
  return {
    ca: readIfPresent(join(dir, 'ca.pem')),
    cert: readIfPresent(join(dir, 'cert.pem')),
    key: readIfPresent(join(dir, 'key.pem')),
  };
}

type ParsedHost =
  | { scheme: 'unix'; path: string }
  | { scheme: 'tcp' | 'http' | 'https'; hostname: string; port: number | undefined }
  | {
      scheme: 'ssh';
      user: string | undefined;
      hostname: string;
      port: number | undefined;
      remoteSocket: string | undefined;
    };

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
  if (scheme === 'ssh') return parseSshHost(host, rest);
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') {
    throw invalidHost(host, `the scheme ${scheme}:// is not one of unix, tcp, http, https, ssh`);
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

/**
 * `ssh://[user@]host[:port][/remote/socket]`, checked as the docker CLI checks it. A user or host
 * starting with `-` is refused (ssh would read it as an option), and so is anything with spaces or
 * control characters: the values end up in ssh's argv and the remote command line.
 */
function parseSshHost(host: string, rest: string): ParsedHost {
  let url: URL;
  try {
    url = new URL(`ssh://${rest}`);
  } catch {
    throw invalidHost(host, 'the ssh address does not parse');
  }
  if (url.password)
    throw invalidHost(host, 'a password in the URL is not supported (use a key or the ssh agent)');
  if (url.search || url.hash)
    throw invalidHost(host, 'a query or fragment after the address is not supported');
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      throw invalidHost(host, `"${value}" is not valid percent-encoding`);
    }
  };
  const user = url.username ? decode(url.username) : undefined;
  const hostname = decode(url.hostname).replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw invalidHost(host, 'the host name is empty');
  for (const [what, value] of [
    ['host name', hostname],
    ['user name', user],
  ] as const) {
    if (value?.startsWith('-')) throw invalidHost(host, `the ${what} must not start with "-"`);
    if (value !== undefined && /[\s\p{Cc}]/u.test(value))
      throw invalidHost(host, `the ${what} must not contain spaces or control characters`);
  }
  const path = decode(url.pathname);
  if (/[\s\p{Cc}]/u.test(path)) throw invalidHost(host, 'the remote socket path must not contain spaces');
  return {
    scheme: 'ssh',
    user,
    hostname,
    port: url.port ? Number(url.port) : undefined,
    remoteSocket: path === '' || path === '/' ? undefined : path,
  };
}

function invalidHost(host: string, why: string): EngineError {
  return new EngineError(
    'CONFIG',
    `invalid engine host "${host}": ${why} — use unix:///var/run/docker.sock, tcp://HOST:PORT, https://HOST:PORT or ssh://USER@HOST`,
  );
}

function formatHost(hostname: string): string {
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}
