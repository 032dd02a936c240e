/**
 * An engine's stored configuration -> the SDK's `connect()` options. TLS material and ssh keys live
 * in the `engines` table sealed with the console's SecretBox; they are opened only here, handed to
 * the SDK, and never logged or returned (the API shows which pieces are present, not what they are).
 *
 * Rules: TLS is on for `https://`, or for `tcp://` / `http://` when a CA, certificate or key is
 * stored (so `tcp://` with nothing stored is plain text, as `DOCKER_HOST=tcp://` without
 * DOCKER_TLS*). Nothing comes from this process's `DOCKER_*` environment or `~/.docker` for a
 * stored engine: it connects the same from every console process.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectOptions, type Endpoint, EngineError, resolveEndpoint } from '@gantry/engine';
import type { SecretBox } from '../context.ts';

/** A row of the `engines` table (tls_* and ssh_key sealed). */
export interface EngineRow {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly tls_verify: number;
  readonly tls_ca: string | null;
  readonly tls_cert: string | null;
  readonly tls_key: string | null;
  readonly ssh_key: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly [column: string]: string | number | null;
}

export interface TlsConfig {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** Verify the daemon's certificate (default true). */
  readonly verify?: boolean | undefined;
}

/** How to reach one engine, secrets in the clear (in memory only). */
export interface EngineConfig {
  readonly url: string;
  readonly tls?: TlsConfig | undefined;
  /** An ssh private key (PEM / OpenSSH) for `ssh://` engines; without one ssh's agent and config apply. */
  readonly sshKey?: string | undefined;
}

/** What the API may show of an engine's secrets: which are stored, never their contents. */
export interface TlsSummary {
  readonly ca: boolean;
  readonly cert: boolean;
  readonly key: boolean;
  readonly verify: boolean;
}

/** Bad engine configuration; `field` names the request field (`url`, `tls.cert`, `sshKey`). */
export class EngineConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'EngineConfigError';
    this.field = field;
  }
}

const SCHEMES = ['unix', 'tcp', 'http', 'https', 'ssh'];
const EXAMPLES = 'unix:///var/run/docker.sock, tcp://HOST:2376, https://HOST:2376 or ssh://USER@HOST';

/**
 * Parses and normalizes an engine URL, refusing what could be misread: no scheme or another one,
 * a host name or user starting with `-` (an option to ssh), spaces, paths after a tcp address.
 */
export function parseEngineUrl(url: string): Endpoint {
  const text = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) throw new EngineConfigError('url', `"${url}" has no scheme — use ${EXAMPLES}`);
  if (!SCHEMES.includes(scheme))
    throw new EngineConfigError('url', `the scheme ${scheme}:// is not supported — use ${EXAMPLES}`);
  let endpoint: Endpoint;
  try {
    // Only parsing: explicit empty TLS material keeps the SDK from reading ~/.docker here.
    endpoint = resolveEndpoint({ host: text, tls: { ca: '', cert: '', key: '', verify: false } }, {});
  } catch (error) {
    throw new EngineConfigError('url', error instanceof EngineError ? error.message : String(error));
  }
  if (endpoint.kind === 'tcp' && /^[a-z]+:\/\/[^/]*@/i.test(text))
    throw new EngineConfigError(
      'url',
      'a user or password in a tcp:// or https:// URL is not supported — use TLS client certificates',
    );
  if (endpoint.kind !== 'unix' && endpoint.hostname.startsWith('-'))
    throw new EngineConfigError('url', `the host name in "${url}" must not start with "-"`);
  if (endpoint.kind === 'tcp' && !(endpoint.port > 0 && endpoint.port < 65536))
    throw new EngineConfigError('url', `the port in "${url}" must be between 1 and 65535`);
  return endpoint;
}

/** Whether the engine talks TLS: https://, or tcp:// / http:// with stored material. */
export function usesTls(config: EngineConfig): boolean {
  if (/^https:\/\//i.test(config.url.trim())) return true;
  return Boolean(config.tls?.ca || config.tls?.cert || config.tls?.key);
}

/**
 * Checks a configuration as a whole, each problem naming its field: the URL, TLS only for tcp,
 * certificate and key together and parseable, an ssh key only for ssh:// and shaped like one.
 * Returns the configuration with the URL normalized.
 */
export function validateEngineConfig(config: EngineConfig): EngineConfig {
  const endpoint = parseEngineUrl(config.url);
  const { tls, sshKey } = config;
  const material = Boolean(tls?.ca || tls?.cert || tls?.key);
  if (material && endpoint.kind !== 'tcp')
    throw new EngineConfigError(
      'tls',
      `TLS material is for tcp:// and https:// engines, not ${endpoint.kind}://`,
    );
  if (Boolean(tls?.cert) !== Boolean(tls?.key))
    throw new EngineConfigError(
      tls?.cert ? 'tls.key' : 'tls.cert',
      'a client certificate needs its private key and the other way round: give both tls.cert and tls.key, or neither',
    );
  if (tls?.ca) checkCertificate(tls.ca, 'tls.ca');
  if (tls?.cert) checkCertificate(tls.cert, 'tls.cert');
  if (tls?.key) {
    try {
      createPrivateKey(tls.key);
    } catch {
      throw new EngineConfigError(
        'tls.key',
        'tls.key is not a PEM private key (unencrypted, -----BEGIN ... PRIVATE KEY-----)',
      );
    }
  }
  if (sshKey) {
    if (endpoint.kind !== 'ssh')
      throw new EngineConfigError('sshKey', 'an ssh key is only for ssh:// engines');
    if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*$/.test(sshKey.trim()))
      throw new EngineConfigError(
        'sshKey',
        'sshKey is not a private key file (-----BEGIN OPENSSH PRIVATE KEY----- ... ); keys with a passphrase are not supported',
      );
  }
  return { ...config, url: config.url.trim() };
}

function checkCertificate(pem: string, field: string): void {
  try {
    new X509Certificate(pem);
  } catch {
    throw new EngineConfigError(field, `${field} is not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
}

/** The row's configuration with its secrets opened. */
export function openEngineRow(row: EngineRow, box: SecretBox): EngineConfig {
  const open = (sealed: string | null) => (sealed ? box.open(sealed) : undefined);
  return {
    url: row.url,
    tls: {
      ca: open(row.tls_ca),
      cert: open(row.tls_cert),
      key: open(row.tls_key),
      verify: row.tls_verify !== 0,
    },
    sshKey: open(row.ssh_key),
  };
}

/** The columns to store for a configuration, secrets sealed. */
export function sealEngineConfig(config: EngineConfig, box: SecretBox) {
  const seal = (plain: string | undefined) => (plain ? box.seal(plain) : null);
  return {
    url: config.url,
    tls_verify: config.tls?.verify === false ? 0 : 1,
    tls_ca: seal(config.tls?.ca),
    tls_cert: seal(config.tls?.cert),
    tls_key: seal(config.tls?.key),
    ssh_key: seal(config.sshKey),
  };
}

/** Which secrets a row holds, for the API (`null`: the engine does not use TLS). */
export function describeTls(row: EngineRow): TlsSummary | null {
  const summary = { ca: Boolean(row.tls_ca), cert: Boolean(row.tls_cert), key: Boolean(row.tls_key) };
  if (!/^https:\/\//i.test(row.url) && !summary.ca && !summary.cert && !summary.key) return null;
  return { ...summary, verify: row.tls_verify !== 0 };
}

/** SDK options plus what to clean up when the client is closed (an ssh key written for ssh). */
export interface EngineConnection {
  readonly options: ConnectOptions;
  dispose(): void;
}

export interface ConnectionSettings {
  /** Time to open a connection (ms): short, so a dead engine is found down quickly. */
  readonly connectTimeoutMs?: number;
  /**
   * The console's own known_hosts for ssh engines (e.g. `<dataDir>/ssh_known_hosts`), read before
   * `~/.ssh/known_hosts`.
   */
  readonly sshKnownHosts?: string;
}

/** Connections the console keeps open to one unix or tcp engine at most. */
const ENGINE_MAX_CONNECTIONS = 512;

/**
 * `connect()` options for a configuration. For ssh, the SDK runs the system OpenSSH client, which
 * reads keys from files only: a stored key is written, for the client's life, to a private
 * directory (0700, key 0600) with an ssh_config naming it, removed by `dispose()`.
 */
export function engineConnection(config: EngineConfig, settings: ConnectionSettings = {}): EngineConnection {
  const endpoint = parseEngineUrl(config.url);
  const base: ConnectOptions = {
    host: config.url,
    // A stored engine never picks up this process's DOCKER_* variables, ~/.docker, or its registry logins.
    env: {},
    credentials: false,
    timeouts: { connect: settings.connectTimeoutMs ?? 5_000 },
    // The console's channels and the gateway's clients share this client: every open stream
    // (logs -f, events, stats, attach through the gateway) holds a connection.
    maxConnections: ENGINE_MAX_CONNECTIONS,
  };
  if (endpoint.kind === 'tcp') {
    if (!usesTls(config)) return { options: { ...base, tls: false, tlsVerify: false }, dispose: () => {} };
    const verify = config.tls?.verify !== false;
    // '' rather than undefined: the SDK would fill a missing piece from DOCKER_CERT_PATH.
    const tls = {
      ca: config.tls?.ca ?? '',
      cert: config.tls?.cert ?? '',
      key: config.tls?.key ?? '',
      verify,
    };
    return { options: { ...base, tls, tlsVerify: verify }, dispose: () => {} };
  }
  if (endpoint.kind === 'ssh') return sshConnection(base, config.sshKey, settings.sshKnownHosts);
  return { options: base, dispose: () => {} };
}

function sshConnection(
  base: ConnectOptions,
  key: string | undefined,
  knownHosts: string | undefined,
): EngineConnection {
  if (!key && !knownHosts) return { options: base, dispose: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'gantry-engine-ssh-'));
  const lines: string[] = [];
  if (key) {
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
    lines.push(`IdentityFile "${keyFile}"`, 'IdentitiesOnly yes');
  }
  if (knownHosts) lines.push(`UserKnownHostsFile "${knownHosts}" ~/.ssh/known_hosts`);
  // -F replaces ~/.ssh/config: include it after ours (the first value ssh reads for an option wins).
  const userConfig = join(homedir(), '.ssh', 'config');
  if (existsSync(userConfig)) lines.push(`Include "${userConfig}"`);
  const configFile = join(dir, 'ssh_config');
  writeFileSync(configFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  return {
    options: { ...base, ssh: { configFile } },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The first engine's configuration: `localEngine` when configured, else exactly what the docker
 * CLI would use here (DOCKER_HOST, DOCKER_CONTEXT, the current context, the default socket),
 * with the TLS material that brings read now, so it is stored (sealed) with the engine.
 */
export function localEngineConfig(localEngine: string | undefined, env = process.env): EngineConfig {
  const endpoint = localEngine ? resolveEndpoint({ host: localEngine }, env) : resolveEndpoint({}, env);
  if (endpoint.kind !== 'tcp' || !endpoint.tls) return { url: endpoint.url };
  const text = (value: string | Buffer | undefined) => (value === undefined ? undefined : value.toString());
  const { ca, cert, key, verify } = endpoint.tls;
  return { url: endpoint.url, tls: { ca: text(ca), cert: text(cert), key: text(key), verify } };
}
