import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatEnvironment, splitCommand, toArgv } from '../../src/helpers/command.ts';
import { singleFileTar } from '../../src/helpers/copy.ts';
import type { TarEntry } from '../../src/tar.ts';

describe('splitCommand (expected values taken from Python 3 shlex.split)', () => {
  const cases: [string, string[]][] = [
    [`sh -c 'echo "a  b"' x\\ y ""`, ['sh', '-c', 'echo "a  b"', 'x y', '']],
    ['a"b c"d', ['ab cd']],
    [`"a\\"b" "c\\d" 'e\\f' `, ['a"b', 'c\\d', 'e\\f']],
    ['  lead\ttab\nnl  ', ['lead', 'tab', 'nl']],
    [`echo \\$HOME "$HOME" '#not-comment' #x`, ['echo', '$HOME', '$HOME', '#not-comment', '#x']],
    ["''", ['']],
    ['"\\\\"', ['\\']],
    ["a'' b", ['a', 'b']],
    ['', []],
  ];
  for (const [line, expected] of cases) {
    test(JSON.stringify(line), () => assert.deepEqual(splitCommand(line), expected));
  }

  test('unclosed quotes and a trailing backslash are INVALID_ARGUMENT', () => {
    for (const line of ['"unclosed', "'unclosed", 'trail\\']) {
      assert.throws(() => splitCommand(line), { code: 'INVALID_ARGUMENT' });
    }
  });

  test('toArgv: a list is taken as is; an empty command is refused', () => {
    assert.deepEqual(toArgv(['a b', "'c'"], 'cmd'), ['a b', "'c'"]);
    assert.throws(() => toArgv('   ', 'cmd'), { code: 'INVALID_ARGUMENT', message: /cmd is empty/ });
    assert.throws(() => toArgv([1 as unknown as string], 'cmd'), { code: 'INVALID_ARGUMENT' });
  });
});

describe('formatEnvironment', () => {
  test('object: values stringified, null unsets (bare name), undefined skipped', () => {
    assert.deepEqual(formatEnvironment({ A: 'x=y', N: 3, B: true, U: null, S: undefined }, 'env'), [
      'A=x=y',
      'N=3',
      'B=true',
      'U',
    ]);
  });

  test('list: kept as is; bad names and entries are INVALID_ARGUMENT', () => {
    assert.deepEqual(formatEnvironment(['A=1', 'B'], 'env'), ['A=1', 'B']);
    assert.throws(() => formatEnvironment({ 'A=B': '1' }, 'env'), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => formatEnvironment({ '': '1' }, 'env'), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => formatEnvironment(['=1'], 'env'), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => formatEnvironment([''], 'env'), { code: 'INVALID_ARGUMENT' });
  });
});

describe('singleFileTar', () => {
  async function archive(entry: TarEntry & { size: number }, content: Uint8Array[]): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of singleFileTar(entry, content)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** Extracts with the system's tar (GNU tar on the test machines) and returns the file. */
  function extract(tar: Buffer, name: string): { data: Buffer; mode: number; mtime: number } {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-tar-'));
    try {
      const result = spawnSync('tar', ['-x', '-p', '-C', dir, '-f', '-'], { input: tar });
      assert.equal(result.status, 0, result.stderr.toString());
      const path = join(dir, name);
      const info = statSync(path);
      return { data: readFileSync(path), mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs / 1000) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const base = { type: 'file', mode: 0o640, mtime: Date.parse('2024-05-02T10:00:00Z') / 1000 } as const;

  test('a file the system tar extracts with its content, mode and mtime; blocks of 512 bytes', async () => {
    const data = Buffer.from(Array.from({ length: 1_300 }, (_, i) => i % 251));
    const tar = await archive({ ...base, name: 'data.bin', size: data.length }, [
      data.subarray(0, 700),
      data.subarray(700),
    ]);
    assert.equal(tar.length % 512, 0);
    assert.equal(tar.length, 512 + 1_536 + 1_024);
    const file = extract(tar, 'data.bin');
    assert.ok(file.data.equals(data));
    assert.equal(file.mode, 0o640);
    assert.equal(file.mtime, base.mtime);
  });

  test('a long non-ASCII name (a pax record) and an empty file work', async () => {
    const name = `${'é'.repeat(60)}.txt`; // 124 bytes of UTF-8
    const tar = await archive({ ...base, name, size: 0 }, []);
    assert.equal(extract(tar, name).data.length, 0);
  });

  test('content of the wrong length is a STREAM_ERROR; a path is not a file name', async () => {
    await assert.rejects(archive({ ...base, name: 'f', size: 5 }, [Buffer.from('abc')]), {
      code: 'STREAM_ERROR',
    });
    await assert.rejects(archive({ ...base, name: 'f', size: 2 }, [Buffer.from('abc')]), {
      code: 'STREAM_ERROR',
    });
    await assert.rejects(archive({ ...base, name: 'a/b', size: 0 }, []), { code: 'INVALID_ARGUMENT' });
  });
});
