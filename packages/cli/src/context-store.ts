/**
 * The docker CLI's context store, read and written the way the docker CLI does so either tool sees
 * the other's contexts: `$DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json` holds the name,
 * metadata and docker endpoint; `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem` its TLS
 * material; `currentContext` in `$DOCKER_CONFIG/config.json` names the current one (absent means
 * `default`, which is DOCKER_HOST or the default socket and never stored). The SDK's `connect()`
 * reads the same layout (packages/engine/src/transport/context.ts).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StatusError } from './errors.ts';
import type { CommandIO } from './io.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_CONTEXT = 'default';
export const DEFAULT_CONTEXT_DESCRIPTION = 'Current DOCKER_HOST based configuration';
const DEFAULT_HOST = 'unix:///var/run/docker.sock';
const TLS_FILES = ['ca.pem', 'cert.pem', 'key.pem'] as const;

/** A context as `context inspect` prints it (docker's field order). */
export interface StoredContext {
  readonly Name: string;
  readonly Metadata: { readonly Description?: string };
  readonly Endpoints: { readonly docker: { readonly Host: string; readonly SkipTLSVerify: boolean } };
  readonly TLSMaterial: { readonly docker?: readonly string[] };
  readonly Storage: { readonly MetadataPath: string; readonly TLSPath: string };
}

export function configDir(env: Env): string {
  return env.DOCKER_CONFIG || join(env.HOME ?? homedir(), '.docker');
}

function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function metaDir(env: Env, name: string): string {
  return join(configDir(env), 'contexts', 'meta', contextId(name));
}

function tlsDir(env: Env, name: string): string {
  return join(configDir(env), 'contexts', 'tls', contextId(name));
}

/** docker's context names: a letter or digit, then letters, digits, `.`, `_`, `+`, `-`. */
export function checkContextName(name: string): void {
  if (name === '') throw new StatusError(1, 'context name cannot be empty');
  if (name === DEFAULT_CONTEXT) throw new StatusError(1, `"${name}" is a reserved context name`);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/.test(name))
    throw new StatusError(
      1,
      `context name "${name}" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"`,
    );
}

/** The `default` context: the global `-H`, else DOCKER_HOST, else the default socket. */
export function defaultContext(env: Env, hosts: readonly string[] = []): StoredContext {
  return {
    Name: DEFAULT_CONTEXT,
    Metadata: {},
    Endpoints: { docker: { Host: hosts[0] || env.DOCKER_HOST || DEFAULT_HOST, SkipTLSVerify: false } },
    TLSMaterial: {},
    Storage: { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' },
  };
}

/** A stored context, or docker's "context not found" error naming the file it looked for. */
export function readContext(env: Env, name: string, hosts: readonly string[] = []): StoredContext {
  if (name === DEFAULT_CONTEXT) return defaultContext(env, hosts);
  const path = join(metaDir(env, name), 'meta.json');
  let meta: {
    Name?: string;
    Metadata?: { Description?: string };
    Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
  };
  try {
    meta = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new StatusError(
        1,
        `context "${name}": context not found: open ${path}: no such file or directory`,
      );
    throw new StatusError(1, `context "${name}": ${path}: ${(err as Error).message}`);
  }
  let material: string[] = [];
  try {
    material = readdirSync(join(tlsDir(env, name), 'docker')).sort();
  } catch {
    // No TLS material stored.
  }
  return {
    Name: meta.Name ?? name,
    Metadata: meta.Metadata ?? {},
    Endpoints: {
      docker: {
        Host: meta.Endpoints?.docker?.Host ?? '',
        SkipTLSVerify: meta.Endpoints?.docker?.SkipTLSVerify === true,
      },
    },
    TLSMaterial: material.length > 0 ? { docker: material } : {},
    Storage: { MetadataPath: metaDir(env, name), TLSPath: tlsDir(env, name) },
  };
}

/** Every stored context plus `default`. */
export function listContexts(env: Env, hosts: readonly string[] = []): StoredContext[] {
  let ids: string[] = [];
  try {
    ids = readdirSync(join(configDir(env), 'contexts', 'meta'));
  } catch {
    // No store yet: only the default context.
  }
  const stored = ids.flatMap((id) => {
    try {
      const meta = JSON.parse(
        readFileSync(join(configDir(env), 'contexts', 'meta', id, 'meta.json'), 'utf8'),
      );
      return typeof meta?.Name === 'string' ? [readContext(env, meta.Name)] : [];
    } catch {
      return [];
    }
  });
  return [defaultContext(env, hosts), ...stored];
}

export function contextExists(env: Env, name: string): boolean {
  if (name === DEFAULT_CONTEXT) return true;
  try {
    readFileSync(join(metaDir(env, name), 'meta.json'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The current context as docker decides it: `--context`, else `default` when `-H` or DOCKER_HOST
 * is set, else DOCKER_CONTEXT, else `currentContext` of config.json, else `default`.
 */
export function currentContextName(io: CommandIO): string {
  const flags = io.connection;
  if (flags?.context) return flags.context;
  if ((flags?.hosts.length ?? 0) > 0 || io.env.DOCKER_HOST) return DEFAULT_CONTEXT;
  if (io.env.DOCKER_CONTEXT) return io.env.DOCKER_CONTEXT;
  const current = readConfig(io.env).currentContext;
  return typeof current === 'string' && current !== '' ? current : DEFAULT_CONTEXT;
}

function readConfig(env: Env): Record<string, unknown> {
  const path = join(configDir(env), 'config.json');
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new StatusError(1, `${path}: ${(err as Error).message} — fix or remove the file`);
  }
}

/** Sets (or, for `default`, removes) `currentContext` in config.json, keeping every other key. */
export function writeCurrentContext(env: Env, name: string): void {
  const { currentContext: _previous, ...rest } = readConfig(env);
  const config = { auths: {}, ...rest, ...(name === DEFAULT_CONTEXT ? {} : { currentContext: name }) };
  mkdirSync(configDir(env), { recursive: true, mode: 0o700 });
  // docker writes the file tab-indented, without a final newline.
  writeFileSync(join(configDir(env), 'config.json'), JSON.stringify(config, null, '\t'), { mode: 0o600 });
}

export interface NewContext {
  readonly name: string;
  readonly description: string | undefined;
  readonly host: string;
  readonly skipTlsVerify: boolean;
  /** Files to copy into the store, by their stored name. */
  readonly tls: Partial<Record<(typeof TLS_FILES)[number], string>>;
}

/** Writes meta.json (docker's field order and spelling) and copies the TLS files. */
export function writeContext(env: Env, context: NewContext): void {
  const meta = {
    Name: context.name,
    Metadata: context.description !== undefined ? { Description: context.description } : {},
    Endpoints: { docker: { Host: context.host, SkipTLSVerify: context.skipTlsVerify } },
  };
  mkdirSync(metaDir(env, context.name), { recursive: true, mode: 0o755 });
  writeFileSync(join(metaDir(env, context.name), 'meta.json'), JSON.stringify(meta), { mode: 0o644 });
  const entries = Object.entries(context.tls);
  if (entries.length === 0) return;
  const dir = join(tlsDir(env, context.name), 'docker');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [file, source] of entries) {
    try {
      copyFileSync(source as string, join(dir, file));
    } catch (err) {
      rmSync(metaDir(env, context.name), { recursive: true, force: true });
      rmSync(tlsDir(env, context.name), { recursive: true, force: true });
      throw new StatusError(1, `unable to read ${source}: ${(err as Error).message}`);
    }
  }
}

/** The TLS files a stored context holds, by stored name -> path, to copy them to a new context. */
export function storedTlsFiles(env: Env, name: string): NewContext['tls'] {
  const dir = join(tlsDir(env, name), 'docker');
  const found: Partial<Record<(typeof TLS_FILES)[number], string>> = {};
  for (const file of TLS_FILES) {
    try {
      readFileSync(join(dir, file));
      found[file] = join(dir, file);
    } catch {
      // Not stored.
    }
  }
  return found;
}

export function removeContext(env: Env, name: string): void {
  rmSync(metaDir(env, name), { recursive: true, force: true });
  rmSync(tlsDir(env, name), { recursive: true, force: true });
}
