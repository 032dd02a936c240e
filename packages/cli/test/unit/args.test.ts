import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlagValue, parseFlags } from '../../src/args.ts';
import type { FlagSpec } from '../../src/command.ts';
import { UsageError } from '../../src/errors.ts';

/** docker run's shape: booleans -i -t -d, value flags -e (list), --name, -p (list), -n (int). */
const FLAGS: Record<string, FlagSpec> = {
  interactive: { type: 'boolean', short: 'i', description: '' },
  tty: { type: 'boolean', short: 't', description: '' },
  detach: { type: 'boolean', short: 'd', description: '' },
  env: { type: 'list', short: 'e', description: '' },
  name: { type: 'string', description: '' },
  last: { type: 'number', short: 'n', default: -1, description: '' },
  'no-trunc': { type: 'boolean', description: '' },
  filter: {
    type: 'list',
    short: 'f',
    description: '',
    validate: (value) => {
      if (!value.includes('=')) throw new Error('bad format of filter (expected name=value)');
    },
  },
};

const CONTEXT = { commandPath: 'gantry run', usage: 'gantry run [OPTIONS] IMAGE', interspersed: true };

interface Case {
  readonly name: string;
  readonly argv: string[];
  readonly interspersed?: boolean;
  readonly values?: Record<string, FlagValue>;
  readonly positionals?: string[];
  readonly error?: string;
}

const cases: Case[] = [
  {
    name: 'combined booleans',
    argv: ['-itd', 'img'],
    values: { interactive: true, tty: true, detach: true },
    positionals: ['img'],
  },
  { name: 'long flag with =', argv: ['--name=web'], values: { name: 'web' } },
  { name: 'long flag with separate value', argv: ['--name', 'web'], values: { name: 'web' } },
  { name: 'value that looks like a flag is taken', argv: ['--name', '-x'], values: { name: '-x' } },
  {
    name: 'repeated list flag',
    argv: ['-e', 'A=1', '-e', 'B=2', '--env=C=3'],
    values: { env: ['A=1', 'B=2', 'C=3'] },
  },
  { name: 'short flag with attached value', argv: ['-n5', '-eX=1'], values: { last: 5, env: ['X=1'] } },
  { name: 'short flag with =value', argv: ['-n=7'], values: { last: 7 } },
  {
    name: 'boolean short with =value',
    argv: ['-d=false', '-i=1'],
    values: { detach: false, interactive: true },
  },
  { name: 'boolean long =false', argv: ['--no-trunc=false'], values: { 'no-trunc': false } },
  {
    name: 'boolean flag does not take the next argument',
    argv: ['--no-trunc', 'false'],
    values: { 'no-trunc': true },
    positionals: ['false'],
  },
  {
    name: 'combined booleans then a value flag',
    argv: ['-itn', '3'],
    values: { interactive: true, tty: true, last: 3 },
  },
  { name: 'negative and hex integers', argv: ['-n', '-1'], values: { last: -1 } },
  { name: 'hex integer', argv: ['--last=0x10'], values: { last: 16 } },
  { name: 'defaults', argv: [], values: { last: -1, env: [], name: undefined, tty: false } },
  {
    name: '-- ends the flags',
    argv: ['-i', '--', '-t', 'x'],
    values: { interactive: true, tty: false },
    positionals: ['-t', 'x'],
  },
  { name: 'a lone - is a positional', argv: ['-'], positionals: ['-'] },
  {
    name: 'interspersed: flags after positionals still parse',
    argv: ['img', '-i', 'sh'],
    values: { interactive: true },
    positionals: ['img', 'sh'],
  },
  {
    name: 'not interspersed: flags end at the first positional (run IMAGE sh -c)',
    argv: ['-it', 'img', 'sh', '-c', 'ls -l'],
    interspersed: false,
    values: { interactive: true, tty: true },
    positionals: ['img', 'sh', '-c', 'ls -l'],
  },
  { name: 'unknown long flag', argv: ['--foo'], error: 'unknown flag: --foo' },
  { name: 'unknown long flag with value', argv: ['--foo=bar'], error: 'unknown flag: --foo' },
  { name: 'unknown shorthand in a group', argv: ['-iZ'], error: "unknown shorthand flag: 'Z' in -iZ" },
  { name: 'missing value, long', argv: ['--name'], error: 'flag needs an argument: --name' },
  { name: 'missing value, short', argv: ['-n'], error: "flag needs an argument: 'n' in -n" },
  {
    name: 'bad integer',
    argv: ['-n', 'x'],
    error: 'invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax',
  },
  {
    name: 'bad boolean',
    argv: ['--no-trunc=maybe'],
    error:
      'invalid argument "maybe" for "--no-trunc" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
  },
  {
    name: 'validator refuses a value',
    argv: ['-f', 'dangling'],
    error: 'invalid argument "dangling" for "-f, --filter" flag: bad format of filter (expected name=value)',
  },
  { name: 'bad flag syntax', argv: ['---x'], error: 'bad flag syntax: ---x' },
];

describe('parseFlags (pflag behaviour)', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const context = { ...CONTEXT, interspersed: testCase.interspersed ?? true };
      if (testCase.error) {
        assert.throws(
          () => parseFlags(testCase.argv, FLAGS, context),
          (err: unknown) => {
            assert.ok(err instanceof UsageError);
            assert.equal(err.message, testCase.error);
            assert.equal(err.status, 125, 'flag errors exit 125 as in docker');
            return true;
          },
        );
        return;
      }
      const parsed = parseFlags(testCase.argv, FLAGS, context);
      for (const [name, value] of Object.entries(testCase.values ?? {})) {
        assert.deepEqual(parsed.values[name], value, `--${name}`);
      }
      assert.deepEqual(parsed.positionals, testCase.positionals ?? []);
    });
  }

  it('records which flags were given, including an explicit false', () => {
    const parsed = parseFlags(['--no-trunc=false', '-e', 'A'], FLAGS, CONTEXT);
    assert.deepEqual([...parsed.changed].sort(), ['env', 'no-trunc']);
  });

  it('warns once about a deprecated flag', () => {
    const flags: Record<string, FlagSpec> = {
      old: { type: 'list', description: '', deprecated: 'use --new instead' },
    };
    const parsed = parseFlags(['--old', 'a', '--old', 'b'], flags, CONTEXT);
    assert.deepEqual(parsed.warnings, ['Flag --old has been deprecated, use --new instead']);
    assert.deepEqual(parsed.values.old, ['a', 'b']);
  });
});
