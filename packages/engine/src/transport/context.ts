import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';

/** The docker CLI's default daemon address on Linux. */
export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';

/**
 * Where an endpoint's address came from: the `host` option, `DOCKER_HOST`, a docker context
 * (`context:NAME`, from the `context` option, `DOCKER_CONTEXT` or the CLI's current context), the
 * default socket, or a socket found by discovery when the default one is absent.
 *
 * @example
 * ```ts
 * const docker = connect();
 * if (docker.endpoint.source === 'discovered') console.log(`using ${docker.endpoint.url}`);
 * ```
 */
export type EndpointSource = 'option' | 'env' | 'default' | 'discovered' | `context:${string}`;

/** TLS settings of a context's docker endpoint, from the context store. */
export interface ContextTls {
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  /** `SkipTLSVerify` in the context's meta.json. */
  readonly skipVerify: boolean;
}

/** The engine address picked before it is parsed. */
export interface HostChoice {
  readonly host: string;
  readonly source: EndpointSource;
  /** Set when the host comes from a named context that uses TLS (its material replaces DOCKER_CERT_PATH). */
  readonly contextTls?: ContextTls;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The name of the context that stands for "DOCKER_HOST, else the default socket". */
const DEFAULT_CONTEXT = 'default';

/**
 * Picks the engine address as the docker CLI does: the `host` option, else the `context` option,
 * else `DOCKER_HOST`, else `DOCKER_CONTEXT`, else `currentContext` in `$DOCKER_CONFIG/config.json`,
 * else the default socket — or, when that socket is absent, a rootless, Docker Desktop or Podman
 * socket found by {@link discoverSocket}. The context `default` means DOCKER_HOST / the default socket.
 */
export function chooseHost(
  options: { readonly host?: string | undefined; readonly context?: string | undefined },
  env: Env,
  isSocket: (path: string) => boolean = isSocketFile,
): HostChoice {
  if (options.host !== undefined && options.context !== undefined) {
    throw new EngineError(
      'CONFIG',
      `both host (${options.host}) and context (${options.context}) were given — pass one of them, as the docker CLI refuses --host with --context`,
    );
  }
  if (options.host !== undefined) return { host: options.host, source: 'option' };
  const dockerHost = nonEmpty(env.DOCKER_HOST);
  const contextName =
    options.context ?? (dockerHost ? undefined : (nonEmpty(env.DOCKER_CONTEXT) ?? currentContext(env)));
  if (contextName !== undefined && contextName !== DEFAULT_CONTEXT) return readContext(contextName, env);
  if (dockerHost) return { host: dockerHost, source: 'env' };
  if (isSocket(DEFAULT_UNIX_SOCKET)) return { host: `unix://${DEFAULT_UNIX_SOCKET}`, source: 'default' };
  const found = discoverSocket(env, isSocket);
  if (found) return { host: `unix://${found}`, source: 'discovered' };
  return { host: `unix://${DEFAULT_UNIX_SOCKET}`, source: 'default' };
}

/**
 * Engine sockets other than the default one, in the order they are tried: rootless Docker, Docker
 * Desktop (both places it has used), then Podman (rootless, then rootful). Returns the first that
 * exists and is a socket, or `undefined`.
 */
export function discoverSocket(
  env: Env,
  isSocket: (path: string) => boolean = isSocketFile,
): string | undefined {
  const home = env.HOME ?? homedir();
  const runtime = nonEmpty(env.XDG_RUNTIME_DIR);
  const candidates = [
    runtime && join(runtime, 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
    join(home, '.docker', 'run', 'docker.sock'),
    runtime && join(runtime, 'podman', 'podman.sock'),
    '/run/podman/podman.sock',
  ];
  return candidates.find((path): path is string => !!path && isSocket(path));
}

/** `$DOCKER_CONFIG`, else `~/.docker` (HOME from the environment given, as the CLI reads it). */
export function dockerConfigDir(env: Env): string {
  return nonEmpty(env.DOCKER_CONFIG) ?? join(env.HOME ?? homedir(), '.docker');
}

/** `currentContext` of `$DOCKER_CONFIG/config.json`; `undefined` when the file or the key is absent. */
function currentContext(env: Env): string | undefined {
  const path = join(dockerConfigDir(env), 'config.json');
  const text = readIfPresent(path);
  if (text === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(text.toString('utf8'));
  } catch (err) {
    throw new EngineError(
      'CONFIG',
      `${path} is not valid JSON (${(err as Error).message}) — fix or remove it, or set DOCKER_HOST`,
    );
  }
  const name = (config as { currentContext?: unknown } | null)?.currentContext;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

interface ContextMeta {
  readonly Endpoints?: { readonly docker?: { readonly Host?: unknown; readonly SkipTLSVerify?: unknown } };
}

/**
 * Reads a named context from the CLI's store: `contexts/meta/<sha256(name)>/meta.json` for the
 * docker endpoint and `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem` for its TLS material.
 */
function readContext(name: string, env: Env): HostChoice {
  const configDir = dockerConfigDir(env);
  // node:crypto only for named contexts: the default endpoint never needs it.
  const id = process.getBuiltinModule('node:crypto').createHash('sha256').update(name).digest('hex');
  const metaPath = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const text = readIfPresent(metaPath);
  if (text === undefined) {
    throw new EngineError(
      'CONFIG',
      `docker context "${name}" does not exist (no ${metaPath}) — run \`docker context ls\` to see the contexts, or pick another with DOCKER_CONTEXT / the context option`,
    );
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(text.toString('utf8')) as ContextMeta;
  } catch (err) {
    throw new EngineError(
      'CONFIG',
      `docker context "${name}": ${metaPath} is not valid JSON (${(err as Error).message}) — recreate it with \`docker context create\``,
    );
  }
  const endpoint = meta?.Endpoints?.docker;
  if (typeof endpoint?.Host !== 'string' || endpoint.Host === '') {
    throw new EngineError(
      'CONFIG',
      `docker context "${name}" has no docker endpoint host in ${metaPath} — check it with \`docker context inspect ${name}\` and recreate it with --docker host=...`,
    );
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const ca = readIfPresent(join(tlsDir, 'ca.pem'));
  const cert = readIfPresent(join(tlsDir, 'cert.pem'));
  const key = readIfPresent(join(tlsDir, 'key.pem'));
  const skipVerify = endpoint.SkipTLSVerify === true;
  // As the CLI: TLS applies when the store holds material or the context skips verification.
  const usesTls = ca !== undefined || cert !== undefined || key !== undefined || skipVerify;
  return {
    host: endpoint.Host,
    source: `context:${name}`,
    ...(usesTls ? { contextTls: { ca, cert, key, skipVerify } } : {}),
  };
}

/** A file's bytes, or `undefined` when it does not exist; other read failures are CONFIG errors. */
export function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EngineError('CONFIG', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function isSocketFile(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/** Environment values that are empty count as unset, as in the docker CLI. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
