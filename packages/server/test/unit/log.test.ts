import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type LoggerOptions } from '../../src/log.ts';

function capture(options: Omit<LoggerOptions, 'stream'>) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, stream: { write: (line: string) => lines.push(line) } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

test('one JSON object per line: time, level, msg first, then the fields', () => {
  const { logger, lines, records } = capture({ level: 'info' });
  logger.info('listening', { port: 8080, host: '127.0.0.1' });
  logger.warn('engine down', { engine: 'local' });
  assert.equal(lines.length, 2);
  for (const line of lines) assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
  const [first, second] = records();
  assert.deepEqual(Object.keys(first ?? {}), ['time', 'level', 'msg', 'port', 'host']);
  assert.equal(first?.level, 'info');
  assert.equal(first?.msg, 'listening');
  assert.equal(first?.port, 8080);
  assert.ok(!Number.isNaN(Date.parse(String(first?.time))));
  assert.equal(new Date(String(first?.time)).toISOString(), first?.time);
  assert.deepEqual({ level: second?.level, engine: second?.engine }, { level: 'warn', engine: 'local' });
});

test('records below the level are dropped', () => {
  const { logger, records } = capture({ level: 'warn' });
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  assert.deepEqual(
    records().map((record) => record.level),
    ['warn', 'error'],
  );
});

test('child loggers add their fields; the core keys cannot be overridden', () => {
  const { logger, records } = capture({ level: 'debug', base: { service: 'gantry' } });
  const child = logger.child({ engine: 'e1' }).child({ request: 'r1' });
  child.debug('hello', { level: 'fake', msg: 'fake', time: 'fake', extra: true });
  const [record] = records();
  assert.equal(record?.level, 'debug');
  assert.equal(record?.msg, 'hello');
  assert.notEqual(record?.time, 'fake');
  assert.deepEqual(
    { service: record?.service, engine: record?.engine, request: record?.request, extra: record?.extra },
    { service: 'gantry', engine: 'e1', request: 'r1', extra: true },
  );
});

test('errors are written as name, message and code', () => {
  const { logger, records } = capture({ level: 'info' });
  const error = Object.assign(new TypeError('connect ECONNREFUSED'), {
    code: 'ECONNREFUSED',
    secretStuff: 'x',
  });
  logger.error('cannot reach the engine', { error, nested: { cause: new Error('inner') } });
  const [record] = records();
  assert.deepEqual(record?.error, {
    name: 'TypeError',
    message: 'connect ECONNREFUSED',
    code: 'ECONNREFUSED',
  });
  assert.deepEqual(record?.nested, { cause: { name: 'Error', message: 'inner' } });
});

test('values of secret-looking fields never reach the line, at any depth', () => {
  const { logger, lines, records } = capture({ level: 'info' });
  const secrets = {
    password: 'pw-1',
    newPassword: 'pw-2',
    token: 'tk-3',
    apiToken: 'tk-4',
    secret: 'sc-5',
    clientSecret: 'sc-6',
    key: 'ky-7',
    tls_key: 'ky-8',
    privateKey: 'ky-9',
    authorization: 'Bearer ab-10',
    Cookie: 'gantry_session=cs-11',
    'set-cookie': 'cs-12',
  };
  logger.info('request', { ...secrets, user: 'alice', nested: { deeper: [{ password: 'pw-13' }] } });
  const line = lines.join('');
  for (const value of [...Object.values(secrets), 'pw-13'])
    assert.ok(!line.includes(value), `${value} leaked`);
  const [record] = records();
  for (const name of Object.keys(secrets)) assert.equal(record?.[name], '[redacted]', name);
  assert.equal(record?.user, 'alice');
  assert.deepEqual(record?.nested, { deeper: [{ password: '[redacted]' }] });
});

test('the default stream is stderr', () => {
  const original = process.stderr.write;
  const written: string[] = [];
  process.stderr.write = ((chunk: string) => {
    written.push(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    createLogger({ level: 'info' }).info('to stderr');
  } finally {
    process.stderr.write = original;
  }
  assert.equal(JSON.parse(written[0] ?? '{}').msg, 'to stderr');
});
