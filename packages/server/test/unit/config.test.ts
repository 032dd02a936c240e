import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { CONFIG_HELP, ConfigError, loadConfig, wantsHelp } from '../../src/config.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-config-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;
function configFile(content: unknown): string {
  const path = join(scratch, `config-${files++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const HOME = { HOME: '/home/someone' };

/** The ConfigError's message for these inputs (fails the test when they load). */
function problem(argv: string[], env: NodeJS.ProcessEnv = HOME): string {
  try {
    loadConfig(argv, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
    return error.message;
  }
  assert.fail(`loaded without an error: ${argv.join(' ')}`);
}

test('defaults', () => {
  assert.deepEqual(loadConfig([], HOME), {
    host: '127.0.0.1',
    port: 8080,
    dataDir: '/home/someone/.local/share/gantry',
    databaseUrl: undefined,
    allowedOrigins: [],
    localEngine: undefined,
    sessionIdleMs: 12 * 60 * 60 * 1000,
    auditRetentionDays: undefined,
    bodyLimitBytes: 1024 * 1024,
    logLevel: 'info',
    gateway: {
      host: '127.0.0.1',
      port: 2376,
      certFile: undefined,
      keyFile: undefined,
      clientCaFile: undefined,
      insecure: false,
      policyFile: undefined,
    },
  });
  assert.equal(loadConfig([], { ...HOME, XDG_DATA_HOME: '/xdg/data' }).dataDir, '/xdg/data/gantry');
  assert.equal(loadConfig([], {}).dataDir, join(homedir(), '.local/share/gantry'));
});

test('every setting from flags, both as --flag value and --flag=value', () => {
  const config = loadConfig(
    [
      '--host=0.0.0.0',
      '--port',
      '0',
      '--data-dir',
      '/srv/gantry',
      '--database-url',
      'postgresql://gantry:pw@db:5432/gantry',
      '--allowed-origin',
      'https://console.example',
      '--allowed-origin=http://localhost:5173/',
      '--local-engine',
      'tcp://10.0.0.2:2376',
      '--session-idle',
      '30',
      '--audit-retention-days',
      '90',
      '--body-limit',
      '512k',
      '--log-level',
      'DEBUG',
      '--gateway-port',
      '0',
      '--gateway-host',
      '::1',
      '--gateway-insecure',
    ],
    HOME,
  );
  assert.deepEqual(config, {
    host: '0.0.0.0',
    port: 0,
    dataDir: '/srv/gantry',
    databaseUrl: 'postgresql://gantry:pw@db:5432/gantry',
    allowedOrigins: ['https://console.example', 'http://localhost:5173'],
    localEngine: 'tcp://10.0.0.2:2376',
    sessionIdleMs: 30 * 60_000,
    auditRetentionDays: 90,
    bodyLimitBytes: 512 * 1024,
    logLevel: 'debug',
    gateway: {
      host: '::1',
      port: 0,
      certFile: undefined,
      keyFile: undefined,
      clientCaFile: undefined,
      insecure: true,
      policyFile: undefined,
    },
  });
});

test('every setting from the environment; an empty variable counts as unset', () => {
  const config = loadConfig([], {
    ...HOME,
    GANTRY_HOST: '::1',
    GANTRY_PORT: '9000',
    GANTRY_DATA_DIR: 'relative/dir',
    GANTRY_DATABASE_URL: 'postgres://db/gantry',
    GANTRY_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
    GANTRY_LOCAL_ENGINE: 'unix:///run/docker.sock',
    GANTRY_SESSION_IDLE: '60',
    GANTRY_AUDIT_RETENTION_DAYS: '7',
    GANTRY_BODY_LIMIT: '2m',
    GANTRY_LOG_LEVEL: 'warn',
    GANTRY_CONFIG: '',
  });
  assert.equal(config.host, '::1');
  assert.equal(config.port, 9000);
  assert.equal(config.dataDir, resolve('relative/dir'));
  assert.equal(config.databaseUrl, 'postgres://db/gantry');
  assert.deepEqual(config.allowedOrigins, ['https://a.example', 'https://b.example:8443']);
  assert.equal(config.localEngine, 'unix:///run/docker.sock');
  assert.equal(config.sessionIdleMs, 3_600_000);
  assert.equal(config.auditRetentionDays, 7);
  assert.equal(config.bodyLimitBytes, 2 * 1024 * 1024);
  assert.equal(config.logLevel, 'warn');
  assert.equal(loadConfig([], { ...HOME, GANTRY_PORT: '' }).port, 8080);
});

test('precedence: flags over environment over config file over defaults', () => {
  const file = configFile({
    port: 7000,
    host: '10.0.0.1',
    logLevel: 'error',
    allowedOrigins: ['https://file.example'],
  });
  const env = { ...HOME, GANTRY_CONFIG: file, GANTRY_PORT: '7100', GANTRY_LOG_LEVEL: 'warn' };
  const config = loadConfig(['--port', '7200'], env);
  assert.equal(config.port, 7200);
  assert.equal(config.logLevel, 'warn');
  assert.equal(config.host, '10.0.0.1');
  assert.deepEqual(config.allowedOrigins, ['https://file.example']);
  assert.equal(config.bodyLimitBytes, 1024 * 1024);
  assert.equal(loadConfig([], env).port, 7100);
  assert.equal(loadConfig([], { ...HOME, GANTRY_CONFIG: file }).port, 7000);
  // --config beats GANTRY_CONFIG.
  assert.equal(
    loadConfig(['--config', configFile({ port: 6000 })], { ...HOME, GANTRY_CONFIG: file }).port,
    6000,
  );
});

test('config file: numbers or strings, null as unset, relative paths against the file', () => {
  const file = configFile({ dataDir: 'data', sessionIdle: '15', bodyLimit: 4096, auditRetentionDays: null });
  const config = loadConfig(['--config', file], HOME);
  assert.equal(config.dataDir, join(scratch, 'data'));
  assert.equal(config.sessionIdleMs, 15 * 60_000);
  assert.equal(config.bodyLimitBytes, 4096);
  assert.equal(config.auditRetentionDays, undefined);
});

test('each bad value names its flag, variable or file key, the value, and what is allowed', () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--port', 'http'], HOME, /--port is "http": expected a whole number from 0 to 65535/],
    [[], { GANTRY_PORT: '70000' }, /GANTRY_PORT is "70000": expected a whole number from 0 to 65535/],
    [['--host', 'a b'], HOME, /--host is "a b": expected an IP address or host name/],
    [
      ['--allowed-origin', 'https://x.example/path'],
      HOME,
      /--allowed-origin is "https:\/\/x.example\/path": expected an origin/,
    ],
    [[], { GANTRY_ALLOWED_ORIGINS: 'ftp://x' }, /GANTRY_ALLOWED_ORIGINS is "ftp:\/\/x": expected an origin/],
    [['--local-engine', 'docker.sock'], HOME, /--local-engine is "docker.sock": expected an engine URL/],
    [
      ['--session-idle', '0'],
      HOME,
      /--session-idle is "0": expected a whole number of minutes from 1 to 43200/,
    ],
    [['--session-idle', '1.5'], HOME, /--session-idle is "1.5"/],
    [
      [],
      { GANTRY_AUDIT_RETENTION_DAYS: '-1' },
      /GANTRY_AUDIT_RETENTION_DAYS is "-1": expected a whole number of days/,
    ],
    [['--body-limit', '10g'], HOME, /--body-limit is "10g": expected a size from 1k to 1024m/],
    [['--body-limit', '100'], HOME, /--body-limit is "100": expected a size from 1k/],
    [['--log-level', 'verbose'], HOME, /--log-level is "verbose": expected debug, info, warn or error/],
    [['--port'], HOME, /--port needs a value: a whole number/],
    [['--port', '--host', 'x'], HOME, /--port needs a value/],
    [['--verbose'], HOME, /unknown flag --verbose: the flags are --host, --port, .*--config \(see --help\)/],
    [['serve'], HOME, /unexpected argument "serve"/],
  ];
  for (const [argv, env, expected] of cases) assert.match(problem(argv, env), expected);
});

test('a database URL that is not postgres is refused with its password masked', () => {
  const message = problem(['--database-url', 'mysql://admin:hunter2@db/gantry']);
  assert.match(
    message,
    /--database-url is "mysql:\/\/admin:\*\*\*@db\/gantry": expected a postgres:\/\/ or postgresql:\/\/ URL/,
  );
  assert.ok(!message.includes('hunter2'));
  const malformed = problem([], { GANTRY_DATABASE_URL: 'postgres//admin:s3cr3t@db' });
  assert.ok(!malformed.includes('s3cr3t'), malformed);
  const fromFile = problem(['--config', configFile({ databaseUrl: 'sqlite://u:pa55@x' })]);
  assert.ok(!fromFile.includes('pa55') && fromFile.includes('key "databaseUrl"'), fromFile);
});

test('config file problems name the file and the key', () => {
  const unknown = configFile({ port: 1, prot: 2 });
  assert.match(
    problem(['--config', unknown]),
    new RegExp(`unknown key "prot" in the config file ${unknown}: the keys are host, port`),
  );
  const badValue = configFile({ port: 'eighty' });
  assert.match(
    problem(['--config', badValue]),
    new RegExp(`key "port" of the config file ${badValue} is "eighty"`),
  );
  const wrongType = configFile({ allowedOrigins: 'https://a.example' });
  assert.match(
    problem(['--config', wrongType]),
    /key "allowedOrigins" of the config file .* must be an array of strings/,
  );
  assert.match(
    problem(['--config', configFile({ port: true })]),
    /key "port" .* must be a string or a number/,
  );
  assert.match(problem(['--config', configFile('{ "port": 80, }')]), /is not valid JSON/);
  assert.match(problem(['--config', configFile([1, 2])]), /must hold a JSON object/);
  assert.match(
    problem([], { GANTRY_CONFIG: join(scratch, 'missing.json') }),
    /cannot read the config file .*missing\.json \(ENOENT\)/,
  );
});

test('a bad value is reported even where a higher source overrides it, and every problem is listed', () => {
  const file = configFile({ port: 'x' });
  const error = (() => {
    try {
      loadConfig(['--config', file, '--port', '1', '--log-level', 'loud', '--nope'], HOME);
    } catch (caught) {
      return caught as ConfigError;
    }
  })();
  assert.ok(error instanceof ConfigError);
  assert.equal(error.problems.length, 3);
  assert.match(error.message, /^invalid configuration:\n {2}- /);
});

test('help text lists every flag and variable', () => {
  for (const name of [
    '--host',
    '--port',
    '--data-dir',
    '--database-url',
    '--config',
    '--allowed-origin',
    '--local-engine',
    '--session-idle',
    '--audit-retention-days',
    '--body-limit',
    '--log-level',
    'GANTRY_HOST',
    'GANTRY_PORT',
    'GANTRY_DATA_DIR',
    'GANTRY_DATABASE_URL',
    'GANTRY_CONFIG',
    'GANTRY_ALLOWED_ORIGINS',
    'GANTRY_LOCAL_ENGINE',
    'GANTRY_SESSION_IDLE',
    'GANTRY_AUDIT_RETENTION_DAYS',
    'GANTRY_BODY_LIMIT',
    'GANTRY_LOG_LEVEL',
    'GANTRY_SECRET_KEY',
  ]) {
    assert.ok(CONFIG_HELP.includes(name), name);
  }
  assert.equal(wantsHelp(['--port', '1', '--help']), true);
  assert.equal(wantsHelp(['--port', '1']), false);
});

test('the gateway: off, insecure only on loopback, cert and key together', () => {
  assert.equal(loadConfig(['--gateway-port', 'off'], HOME).gateway, undefined);
  assert.equal(loadConfig([], { ...HOME, GANTRY_GATEWAY_PORT: 'off' }).gateway, undefined);
  assert.match(
    problem(['--gateway-host', '0.0.0.0', '--gateway-insecure']),
    /only allowed on a loopback address, not 0\.0\.0\.0/,
  );
  assert.match(problem(['--gateway-cert', '/x/cert.pem']), /--gateway-cert and --gateway-key go together/);
  assert.match(problem(['--gateway-port', 'of']), /--gateway-port is "of": expected .* or off/);
  const given = loadConfig(['--gateway-cert', '/x/c.pem', '--gateway-key', '/x/k.pem'], HOME).gateway;
  assert.equal(given?.certFile, '/x/c.pem');
  assert.equal(given?.insecure, false);
});
