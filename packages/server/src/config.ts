/**
 * The console's configuration from flags, environment (`GANTRY_*`) and a JSON config file, in that
 * order of precedence over the defaults. Everything is validated at start; each problem names where
 * the value came from (flag, variable or file key), the value (a database password masked) and
 * what is allowed, so a typo stops the start instead of surfacing later.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { ConsoleConfig, GatewayConfig } from './context.ts';

export class ConfigError extends Error {
  /** One line per problem, each naming its flag, variable or file key. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const MINUTE_MS = 60_000;
const KIB = 1024;
const MIB = 1024 * KIB;

/** A setting as the three sources name it, and how its text is turned into the value. */
interface Setting {
  readonly key:
    | Exclude<keyof ConsoleConfig, 'sessionIdleMs' | 'bodyLimitBytes' | 'gateway'>
    | 'sessionIdle'
    | 'bodyLimit'
    | GatewaySettingKey;
  readonly flag: string;
  readonly env: string;
  readonly argument: string;
  readonly description: string;
  /** What a valid value looks like, for the help text and for errors. */
  readonly allowed: string;
  readonly schema: z.ZodType<unknown, string>;
  /** Repeatable flag / comma-separated variable / array in the file. */
  readonly list?: true;
  /** A path: made absolute against the working directory, or the config file's directory. */
  readonly path?: true;
  /** A switch: the flag alone means `true` (`--gateway-insecure`). */
  readonly switch?: true;
}

type GatewaySettingKey =
  | 'gatewayHost'
  | 'gatewayPort'
  | 'gatewayCert'
  | 'gatewayKey'
  | 'gatewayClientCa'
  | 'gatewayInsecure'
  | 'gatewayPolicy';

const hostSchema = z.string().regex(/^[A-Za-z0-9._:%[\]-]+$/);
const portSchema = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .pipe(z.number().int().max(65_535));
const positiveInteger = (max: number) =>
  z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(max));

const SETTINGS: readonly Setting[] = [
  {
    key: 'host',
    flag: '--host',
    env: 'GANTRY_HOST',
    argument: '<address>',
    description: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)',
    allowed: 'an IP address or host name such as 127.0.0.1, 0.0.0.0 or ::1',
    schema: hostSchema,
  },
  {
    key: 'port',
    flag: '--port',
    env: 'GANTRY_PORT',
    argument: '<port>',
    description: 'TCP port to listen on (default 8080; 0 picks a free one)',
    allowed: 'a whole number from 0 to 65535',
    schema: portSchema,
  },
  {
    key: 'dataDir',
    flag: '--data-dir',
    env: 'GANTRY_DATA_DIR',
    argument: '<dir>',
    description: 'where the SQLite database and the secret key file live (default $XDG_DATA_HOME/gantry)',
    allowed: 'a directory path',
    schema: z.string().min(1),
    path: true,
  },
  {
    key: 'databaseUrl',
    flag: '--database-url',
    env: 'GANTRY_DATABASE_URL',
    argument: '<url>',
    description: 'postgres://user:password@host:5432/db to use PostgreSQL instead of SQLite',
    allowed: 'a postgres:// or postgresql:// URL, e.g. postgres://gantry:PASSWORD@db.example:5432/gantry',
    schema: z.string().refine((text) => urlWithProtocol(text, ['postgres:', 'postgresql:'])),
  },
  {
    key: 'allowedOrigins',
    flag: '--allowed-origin',
    env: 'GANTRY_ALLOWED_ORIGINS',
    argument: '<origin>',
    description: "an origin allowed besides the console's own, e.g. https://console.example (repeatable)",
    allowed:
      'an origin: http:// or https://, a host and an optional port, no path (e.g. https://console.example)',
    schema: z
      .string()
      .refine(
        (text) =>
          urlWithProtocol(text, ['http:', 'https:']) && new URL(text).origin === text.replace(/\/$/, ''),
      )
      .transform((text) => new URL(text).origin),
    list: true,
  },
  {
    key: 'localEngine',
    flag: '--local-engine',
    env: 'GANTRY_LOCAL_ENGINE',
    argument: '<url>',
    description: 'engine added as the first one on first start (default: what `docker` would use)',
    allowed: 'an engine URL: unix:///var/run/docker.sock, tcp://HOST:PORT, ssh://USER@HOST or npipe://',
    schema: z
      .string()
      .refine((text) => urlWithProtocol(text, ['unix:', 'tcp:', 'ssh:', 'npipe:', 'http:', 'https:'])),
  },
  {
    key: 'sessionIdle',
    flag: '--session-idle',
    env: 'GANTRY_SESSION_IDLE',
    argument: '<minutes>',
    description: 'minutes a session stays valid without use (default 720 = 12 h)',
    allowed: 'a whole number of minutes from 1 to 43200 (30 days)',
    schema: positiveInteger(43_200).transform((minutes) => minutes * MINUTE_MS),
  },
  {
    key: 'auditRetentionDays',
    flag: '--audit-retention-days',
    env: 'GANTRY_AUDIT_RETENTION_DAYS',
    argument: '<days>',
    description: 'prune audit rows older than this (default: keep forever)',
    allowed: 'a whole number of days from 1 to 36500',
    schema: positiveInteger(36_500),
  },
  {
    key: 'bodyLimit',
    flag: '--body-limit',
    env: 'GANTRY_BODY_LIMIT',
    argument: '<size>',
    description: 'largest request body accepted: bytes, or with k / m for KiB / MiB (default 1m)',
    allowed: 'a size from 1k to 1024m: bytes, or a whole number followed by k (KiB) or m (MiB), e.g. 512k',
    schema: z
      .string()
      .regex(/^\d+\s*[kKmM]?$/)
      .transform(parseSize)
      .pipe(
        z
          .number()
          .int()
          .min(KIB)
          .max(1024 * MIB),
      ),
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    env: 'GANTRY_LOG_LEVEL',
    argument: '<level>',
    description: 'least severe log records written: debug, info, warn or error (default info)',
    allowed: 'debug, info, warn or error',
    schema: z.enum(['debug', 'info', 'warn', 'error']),
  },
  {
    key: 'gatewayPort',
    flag: '--gateway-port',
    env: 'GANTRY_GATEWAY_PORT',
    argument: '<port|off>',
    description: 'TCP port of the Engine API gateway (default 2376; 0 picks a free one; off disables it)',
    allowed: 'a whole number from 0 to 65535, or off',
    schema: z.union([z.literal('off'), portSchema]),
  },
  {
    key: 'gatewayHost',
    flag: '--gateway-host',
    env: 'GANTRY_GATEWAY_HOST',
    argument: '<address>',
    description: 'address the gateway listens on (default 127.0.0.1)',
    allowed: 'an IP address or host name such as 127.0.0.1, 0.0.0.0 or ::1',
    schema: hostSchema,
  },
  {
    key: 'gatewayCert',
    flag: '--gateway-cert',
    env: 'GANTRY_GATEWAY_CERT',
    argument: '<file>',
    description: "the gateway's TLS certificate, PEM (default: one generated into <data-dir>/gateway/)",
    allowed: 'a PEM certificate file path (with --gateway-key)',
    schema: z.string().min(1),
    path: true,
  },
  {
    key: 'gatewayKey',
    flag: '--gateway-key',
    env: 'GANTRY_GATEWAY_KEY',
    argument: '<file>',
    description: 'the private key of --gateway-cert, PEM',
    allowed: 'a PEM private key file path (with --gateway-cert)',
    schema: z.string().min(1),
    path: true,
  },
  {
    key: 'gatewayClientCa',
    flag: '--gateway-client-ca',
    env: 'GANTRY_GATEWAY_CLIENT_CA',
    argument: '<file>',
    description:
      'CA bundle (PEM) for mutual TLS: client certificates it signed sign in as their mapped API token',
    allowed: 'a PEM CA certificate file path',
    schema: z.string().min(1),
    path: true,
  },
  {
    key: 'gatewayPolicy',
    flag: '--gateway-policy',
    env: 'GANTRY_GATEWAY_POLICY',
    argument: '<file>',
    description: 'gateway policy document, JSON or YAML (default: the built-in safe rules for non-admins)',
    allowed: 'a JSON or YAML policy file path',
    schema: z.string().min(1),
    path: true,
  },
  {
    key: 'gatewayInsecure',
    flag: '--gateway-insecure',
    env: 'GANTRY_GATEWAY_INSECURE',
    argument: '',
    description: 'serve the gateway over plain HTTP (only on a loopback address; for tests and local tools)',
    allowed: 'true or false (the flag alone means true)',
    schema: z.enum(['true', 'false']).transform((text) => text === 'true'),
    switch: true,
  },
];

const CONFIG_FLAG = '--config';
const CONFIG_ENV = 'GANTRY_CONFIG';
const FILE_KEYS = SETTINGS.map((setting) => setting.key);

/** The text `gantry-server serve --help` prints. */
export const CONFIG_HELP = [
  'Options (flags override GANTRY_* variables, which override the config file, which overrides defaults):',
  '',
  ...[
    ...SETTINGS.map((s) => [`${s.flag} ${s.argument}`, s.env, s.description] as const),
    [
      `${CONFIG_FLAG} <file.json>`,
      CONFIG_ENV,
      `JSON config file with the keys ${FILE_KEYS.join(', ')}`,
    ] as const,
  ].map(([flag, env, description]) => `  ${flag.padEnd(30)} ${env.padEnd(28)} ${description}`),
  '',
  'GANTRY_ALLOWED_ORIGINS takes a comma-separated list; the config file an array (allowedOrigins).',
  'GANTRY_SECRET_KEY: 64 hex digits sealing secrets at rest (else <data-dir>/secret.key is used or made).',
].join('\n');

/** Whether the arguments ask for the help text rather than a start. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Validated configuration; throws `ConfigError` listing every problem found. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConsoleConfig {
  const problems: string[] = [];
  const flags = parseFlags(argv, problems);
  const file = readConfigFile(flags.get(CONFIG_FLAG)?.at(-1) ?? nonEmpty(env[CONFIG_ENV]), problems);

  const values = new Map<Setting['key'], unknown>();
  // Every source is checked, also one a higher one overrides: a typo in the file is reported now.
  for (const setting of SETTINGS) {
    const fromFile = file && setting.key in file.values ? fileTexts(setting, file, problems) : undefined;
    const fromEnv = nonEmpty(env[setting.env]);
    const fromFlag = flags.get(setting.flag);
    const candidates: [Origin, string[] | undefined][] = [
      [{ name: setting.flag, base: undefined }, fromFlag],
      [
        { name: setting.env, base: undefined },
        fromEnv === undefined ? undefined : splitEnv(setting, fromEnv),
      ],
      [
        { name: `key "${setting.key}" of the config file ${file?.path}`, base: file && dirname(file.path) },
        fromFile,
      ],
    ];
    let chosen = false;
    for (const [origin, texts] of candidates) {
      if (texts === undefined) continue;
      const parsed = texts.map((text) => parseValue(setting, origin, text, problems));
      if (!chosen) values.set(setting.key, setting.list ? parsed : parsed.at(-1));
      chosen = true;
    }
  }
  const get = <T>(key: Setting['key'], fallback: T): T =>
    values.has(key) ? (values.get(key) as T) : fallback;
  const gateway = gatewayConfig(get, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    host: get('host', '127.0.0.1'),
    port: get('port', 8080),
    dataDir: get('dataDir', defaultDataDir(env)),
    databaseUrl: get<string | undefined>('databaseUrl', undefined),
    allowedOrigins: [...new Set(get<string[]>('allowedOrigins', []))],
    localEngine: get<string | undefined>('localEngine', undefined),
    sessionIdleMs: get('sessionIdle', 12 * 60 * MINUTE_MS),
    auditRetentionDays: get<number | undefined>('auditRetentionDays', undefined),
    bodyLimitBytes: get('bodyLimit', MIB),
    logLevel: get<ConsoleConfig['logLevel']>('logLevel', 'info'),
    gateway,
  };
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/i;

/** The gateway's settings checked together (undefined: `--gateway-port off`). */
function gatewayConfig(
  get: <T>(key: Setting['key'], fallback: T) => T,
  problems: string[],
): GatewayConfig | undefined {
  const port = get<number | 'off'>('gatewayPort', 2376);
  if (port === 'off') return undefined;
  const host = get('gatewayHost', '127.0.0.1');
  const certFile = get<string | undefined>('gatewayCert', undefined);
  const keyFile = get<string | undefined>('gatewayKey', undefined);
  const clientCaFile = get<string | undefined>('gatewayClientCa', undefined);
  const insecure = get('gatewayInsecure', false);
  const policyFile = get<string | undefined>('gatewayPolicy', undefined);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push(
      '--gateway-cert and --gateway-key go together: give both, or neither for a generated certificate',
    );
  }
  if (insecure && !LOOPBACK.test(host)) {
    problems.push(
      `--gateway-insecure serves the Engine API without TLS, so it is only allowed on a loopback address, not ${host}: use --gateway-host 127.0.0.1 or drop --gateway-insecure`,
    );
  }
  if (insecure && (clientCaFile !== undefined || certFile !== undefined)) {
    problems.push(
      '--gateway-insecure has no TLS: drop --gateway-cert, --gateway-key and --gateway-client-ca, or drop --gateway-insecure',
    );
  }
  return { host, port, certFile, keyFile, clientCaFile, insecure, policyFile };
}

interface Origin {
  /** How the message names the source: `--port`, `GANTRY_PORT`, `key "port" of the config file …`. */
  name: string;
  /** Directory a relative path is resolved against (the config file's); undefined: the working directory. */
  base: string | undefined;
}

function parseValue(setting: Setting, origin: Origin, text: string, problems: string[]): unknown {
  const result = setting.schema.safeParse(setting.key === 'logLevel' ? text.toLowerCase() : text);
  if (!result.success) {
    problems.push(`${origin.name} is ${JSON.stringify(shown(setting, text))}: expected ${setting.allowed}`);
    return undefined;
  }
  if (!setting.path) return result.data;
  const path = expandHome(String(result.data));
  return origin.base && !isAbsolute(path) ? resolve(origin.base, path) : resolve(path);
}

/** Flags as `--name value` or `--name=value`; every flag takes a value. Unknown ones are problems. */
function parseFlags(argv: readonly string[], problems: string[]): Map<string, string[]> {
  const known = new Set([...SETTINGS.map((setting) => setting.flag), CONFIG_FLAG]);
  const flags = new Map<string, string[]>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (!argument.startsWith('--')) {
      problems.push(
        `unexpected argument ${JSON.stringify(argument)}: options are flags like --port 8080 (see --help)`,
      );
      continue;
    }
    const equals = argument.indexOf('=');
    const name = equals === -1 ? argument : argument.slice(0, equals);
    if (!known.has(name)) {
      problems.push(`unknown flag ${name}: the flags are ${[...known].join(', ')} (see --help)`);
      continue;
    }
    let value: string | undefined = equals === -1 ? undefined : argument.slice(equals + 1);
    if (value === undefined && SETTINGS.some((setting) => setting.flag === name && setting.switch)) {
      value = 'true';
    }
    if (value === undefined) {
      const next = argv[index + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        index++;
      }
    }
    if (value === undefined) {
      const setting = SETTINGS.find((candidate) => candidate.flag === name);
      problems.push(`${name} needs a value: ${setting ? setting.allowed : 'a JSON config file path'}`);
      continue;
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return flags;
}

interface ConfigFile {
  path: string;
  values: Record<string, unknown>;
}

function readConfigFile(path: string | undefined, problems: string[]): ConfigFile | undefined {
  if (path === undefined) return undefined;
  const absolute = resolve(expandHome(path));
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      `cannot read the config file ${absolute} (${code ?? String(error)}): give ${CONFIG_FLAG} an existing JSON file`,
    );
    return undefined;
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    problems.push(`the config file ${absolute} is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    problems.push(`the config file ${absolute} must hold a JSON object such as {"port": 8080}`);
    return undefined;
  }
  for (const key of Object.keys(values)) {
    if (!(FILE_KEYS as string[]).includes(key)) {
      problems.push(
        `unknown key "${key}" in the config file ${absolute}: the keys are ${FILE_KEYS.join(', ')}`,
      );
    }
  }
  return { path: absolute, values: values as Record<string, unknown> };
}

/** A file value as the texts the flags would give; null means unset. */
function fileTexts(setting: Setting, file: ConfigFile, problems: string[]): string[] | undefined {
  const value = file.values[setting.key];
  if (value === null) return undefined;
  const scalar = (item: unknown) =>
    typeof item === 'string' ||
    (setting.switch === true && typeof item === 'boolean') ||
    (typeof item === 'number' && Number.isFinite(item));
  if (setting.list ? Array.isArray(value) && value.every(scalar) : scalar(value)) {
    return (Array.isArray(value) ? value : [value]).map(String);
  }
  const expected = setting.list ? 'an array of strings' : 'a string or a number';
  problems.push(
    `key "${setting.key}" of the config file ${file.path} must be ${expected}: ${setting.allowed}`,
  );
  return undefined;
}

function splitEnv(setting: Setting, text: string): string[] {
  return setting.list
    ? text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [text];
}

/** An unset or empty variable counts as absent, as shells make `VAR=` easy to leave behind. */
const nonEmpty = (text: string | undefined) => (text === undefined || text === '' ? undefined : text);

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = nonEmpty(env.XDG_DATA_HOME);
  if (xdg && isAbsolute(xdg)) return join(xdg, 'gantry');
  return join(nonEmpty(env.HOME) ?? homedir(), '.local', 'share', 'gantry');
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

function parseSize(text: string): number {
  const match = /^(\d+)\s*([kKmM]?)$/.exec(text);
  const unit = match?.[2]?.toLowerCase();
  return Number(match?.[1]) * (unit === 'k' ? KIB : unit === 'm' ? MIB : 1);
}

function urlWithProtocol(text: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** The value as an error may show it: a password in a URL becomes `***`. */
function shown(setting: Setting, text: string): string {
  return setting.key === 'databaseUrl' || setting.key === 'localEngine' ? maskUrlPassword(text) : text;
}

/**
 * `postgres://user:secret@host/db` -> `postgres://user:***@host/db`. Text that is not such a URL
 * may still carry a password before an `@`: all of that part is masked then.
 */
export function maskUrlPassword(text: string): string {
  const url = /^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):.*@/i;
  if (url.test(text)) return text.replace(url, '$1:***@');
  const at = text.lastIndexOf('@');
  return at === -1 ? text : `***${text.slice(at)}`;
}
