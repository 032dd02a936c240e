/**
 * The docker CLI's global flags (given before the command name) and how they become the SDK's
 * ConnectOptions. Endpoint resolution itself — DOCKER_HOST, DOCKER_CONTEXT, the context store,
 * DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION — is the SDK's (`connect()`), so the CLI
 * and the SDK always agree on where the engine is.
 */
import { readFileSync } from 'node:fs';
import type { ConnectOptions } from '@gantry/engine';
import type { ParsedFlags } from './args.ts';
import type { FlagSpec } from './command.ts';
import { StatusError } from './errors.ts';

export const globalFlags = {
  config: {
    type: 'string',
    description: 'Location of client config files',
    defaultText: '"$DOCKER_CONFIG, else ~/.docker"',
  },
  context: {
    type: 'string',
    short: 'c',
    description:
      'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "docker context use")',
  },
  debug: { type: 'boolean', short: 'D', description: 'Enable debug mode' },
  host: { type: 'list', short: 'H', description: 'Daemon socket to connect to', defaultText: '' },
  'log-level': {
    type: 'string',
    short: 'l',
    description: 'Set the logging level ("debug", "info", "warn", "error", "fatal")',
    default: 'info',
  },
  tls: { type: 'boolean', description: 'Use TLS; implied by --tlsverify' },
  tlscacert: {
    type: 'string',
    description: 'Trust certs signed only by this CA',
    defaultText: '"$DOCKER_CERT_PATH/ca.pem"',
  },
  tlscert: {
    type: 'string',
    description: 'Path to TLS certificate file',
    defaultText: '"$DOCKER_CERT_PATH/cert.pem"',
  },
  tlskey: { type: 'string', description: 'Path to TLS key file', defaultText: '"$DOCKER_CERT_PATH/key.pem"' },
  tlsverify: { type: 'boolean', description: 'Use TLS and verify the remote' },
  version: { type: 'boolean', short: 'v', description: 'Print version information and quit' },
} as const satisfies Record<string, FlagSpec>;

/**
 * Maps the global flags onto ConnectOptions. Only what was given on the command line is passed, so
 * the SDK's environment handling applies to the rest exactly as for any SDK user.
 */
export function connectOptions(
  flags: ParsedFlags,
  env: Readonly<Record<string, string | undefined>>,
): ConnectOptions {
  const value = (name: keyof typeof globalFlags) => flags.values[name];
  const hosts = value('host') as string[];
  if (hosts.length > 1) {
    throw new StatusError(
      1,
      `specify only one -H (got ${hosts.join(', ')}) — gantry talks to one engine at a time`,
    );
  }
  const config = value('config') as string | undefined;
  const options: { -readonly [K in keyof ConnectOptions]: ConnectOptions[K] } = {
    env: config ? { ...env, DOCKER_CONFIG: config } : env,
  };
  if (hosts[0] !== undefined) options.host = hosts[0];
  const context = value('context') as string | undefined;
  if (context !== undefined) options.context = context;
  if (flags.changed.has('tlsverify')) options.tlsVerify = value('tlsverify') as boolean;
  // As docker: --tlsverify implies --tls; the certificate flags matter only once TLS is on.
  const tlsOn = value('tls') === true || value('tlsverify') === true;
  if (tlsOn) {
    const material = {
      ...readPem('CA certificate', value('tlscacert'), 'ca', '--tlscacert'),
      ...readPem('TLS certificate', value('tlscert'), 'cert', '--tlscert'),
      ...readPem('TLS key', value('tlskey'), 'key', '--tlskey'),
    };
    options.tls = Object.keys(material).length > 0 ? material : true;
  } else if (flags.changed.has('tls')) {
    options.tls = false;
  }
  return options;
}

function readPem(
  what: string,
  path: unknown,
  key: 'ca' | 'cert' | 'key',
  flag: string,
): Record<string, Buffer> {
  if (typeof path !== 'string') return {};
  try {
    return { [key]: readFileSync(path) };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new StatusError(1, `could not read ${what} "${path}": ${reason} — check ${flag}`, { cause: err });
  }
}
