import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EngineApiError, EngineConnectionError, EngineError } from '@gantry/engine';
import { parseFlags } from '../../src/args.ts';
import { describeError, StatusError, UsageError } from '../../src/errors.ts';
import { connectOptions, globalFlags } from '../../src/global-flags.ts';

const notFound = new EngineApiError(404, 'No such container: web', {
  method: 'GET',
  path: '/containers/web/json',
  operation: 'ContainerInspect',
});
const unreachable = new EngineConnectionError(
  'ENGINE_PERMISSION_DENIED',
  'unix:///var/run/docker.sock',
  'permission denied',
  'add your user to the docker group or set DOCKER_HOST',
  { cause: Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }) },
);

interface Case {
  readonly name: string;
  readonly error: unknown;
  readonly debug?: boolean;
  readonly text: string;
  readonly status: number;
}

const cases: Case[] = [
  {
    name: 'unknown flag: docker wording, usage, exit 125',
    error: new UsageError('unknown flag: --foo', {
      commandPath: 'gantry run',
      usage: 'gantry run [OPTIONS] IMAGE',
      kind: 'flag',
    }),
    text: "unknown flag: --foo\n\nUsage:  gantry run [OPTIONS] IMAGE\n\nRun 'gantry run --help' for more information",
    status: 125,
  },
  {
    name: 'argument count: prefixed, exit 1',
    error: new UsageError("'gantry ps' accepts no arguments", {
      commandPath: 'gantry ps',
      usage: 'gantry ps [OPTIONS]',
      kind: 'args',
    }),
    text: "gantry: 'gantry ps' accepts no arguments\n\nUsage:  gantry ps [OPTIONS]\n\nRun 'gantry ps --help' for more information",
    status: 1,
  },
  {
    name: 'unknown command',
    error: new UsageError('unknown command: gantry foo', { commandPath: 'gantry', kind: 'command' }),
    text: "gantry: unknown command: gantry foo\n\nRun 'gantry --help' for more information",
    status: 1,
  },
  {
    name: 'status error keeps its code',
    error: new StatusError(127, 'not found'),
    text: 'not found',
    status: 127,
  },
  {
    name: 'daemon error: docker prefix, exit 1',
    error: notFound,
    text: 'Error response from daemon: No such container: web',
    status: 1,
  },
  {
    name: 'daemon error with -D: code and request',
    error: notFound,
    debug: true,
    text: 'Error response from daemon: No such container: web\nerror code: API_NOT_FOUND (HTTP 404 on GET /containers/web/json, ContainerInspect)',
    status: 1,
  },
  {
    name: 'engine unreachable: one line naming the problem and the fix',
    error: unreachable,
    text: 'cannot reach the engine at unix:///var/run/docker.sock: permission denied — add your user to the docker group or set DOCKER_HOST',
    status: 1,
  },
  {
    name: 'configuration error',
    error: new EngineError(
      'CONFIG',
      'invalid engine host "x": it has no scheme — use unix:///var/run/docker.sock',
    ),
    text: 'invalid engine host "x": it has no scheme — use unix:///var/run/docker.sock',
    status: 1,
  },
  { name: 'Ctrl-C: silent, 130', error: new EngineError('ABORTED', 'interrupted'), text: '', status: 130 },
  { name: 'any other error: its message, exit 1', error: new Error('boom'), text: 'boom', status: 1 },
];

describe('describeError (message and exit code per error)', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const report = await describeError(testCase.error, testCase.debug ?? false);
      assert.equal(report.text, testCase.text);
      assert.equal(report.status, testCase.status);
    });
  }

  it('-D on a connection error adds the code and the cause chain', async () => {
    const report = await describeError(unreachable, true);
    const lines = report.text.split('\n');
    assert.equal(lines[1], 'error code: ENGINE_PERMISSION_DENIED');
    assert.equal(lines[2], 'caused by: connect EACCES /var/run/docker.sock (EACCES)');
  });
});

describe('global flags -> ConnectOptions', () => {
  const parse = (argv: string[]) =>
    parseFlags(argv, globalFlags, { commandPath: 'gantry', usage: 'gantry', interspersed: false });

  it('passes nothing the user did not give, so the SDK reads DOCKER_* itself', () => {
    const env = { DOCKER_HOST: 'tcp://h:2375' };
    assert.deepEqual(connectOptions(parse([]), env), { env });
  });

  it('-H, --context and --config', () => {
    const options = connectOptions(parse(['-H', 'tcp://h:2376', '--context', 'x', '--config', '/cfg']), {
      HOME: '/h',
    });
    assert.equal(options.host, 'tcp://h:2376');
    assert.equal(options.context, 'x');
    assert.deepEqual(options.env, { HOME: '/h', DOCKER_CONFIG: '/cfg' });
  });

  it('--tlsverify implies TLS and reads the certificate files given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-cli-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA');
    const options = connectOptions(parse(['--tlsverify', '--tlscacert', join(dir, 'ca.pem')]), {});
    assert.equal(options.tlsVerify, true);
    assert.deepEqual(options.tls, { ca: Buffer.from('CA') });
  });

  it('--tls alone: TLS with the default certificate directory', () => {
    assert.equal(connectOptions(parse(['--tls']), {}).tls, true);
    assert.equal(connectOptions(parse(['--tls=false']), {}).tls, false);
  });

  it('a missing certificate file is named with the flag to fix', () => {
    assert.throws(() => connectOptions(parse(['--tls', '--tlskey', '/nope/key.pem']), {}), {
      message: 'could not read TLS key "/nope/key.pem": no such file — check --tlskey',
    });
  });

  it('two -H are refused', () => {
    assert.throws(() => connectOptions(parse(['-H', 'unix:///a', '-H', 'unix:///b']), {}), StatusError);
  });
});
