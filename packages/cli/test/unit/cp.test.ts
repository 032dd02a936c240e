/**
 * `cp`'s path rules (copy-paths.ts), table-driven: which argument names a container, the local
 * paths docker prints, where an archive is extracted under which name, and Go's error wording.
 * The whole command is compared with `docker cp` in test/integration/cp.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type CopyInfo,
  copyInfoDestinationPath,
  copyInfoSourcePath,
  copyTarget,
  evalSymlinks,
  rebasedName,
  resolveLocalPath,
  splitCopyArgument,
  splitPathDirEntry,
} from '../../src/copy-paths.ts';
import { runFake } from '../support.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-cp-unit-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('cp arguments', () => {
  const cases: Array<[string, { container: string; path: string }]> = [
    ['web:/etc/hosts', { container: 'web', path: '/etc/hosts' }],
    ['web:', { container: 'web', path: '' }],
    ['/abs/file:with:colons', { container: '', path: '/abs/file:with:colons' }],
    ['./file:name.txt', { container: '', path: './file:name.txt' }],
    ['plain.txt', { container: '', path: 'plain.txt' }],
    ['-', { container: '', path: '-' }],
  ];
  for (const [arg, expected] of cases) {
    it(`splits ${arg}`, () => assert.deepEqual(splitCopyArgument(arg), expected));
  }

  it('makes local paths absolute, keeping a trailing / or /.', () => {
    const cwd = resolve('.');
    assert.equal(resolveLocalPath('.'), `${cwd}/.`);
    assert.equal(resolveLocalPath('./'), `${cwd}/./`);
    assert.equal(resolveLocalPath('dir/'), `${cwd}/dir/`);
    assert.equal(resolveLocalPath('dir/./'), `${cwd}/dir/./`);
    assert.equal(resolveLocalPath('a/../b'), `${cwd}/b`);
  });

  it('splits a path into its directory and entry, `DIR/.` into DIR and `.`', () => {
    assert.deepEqual(splitPathDirEntry('/d/a.txt'), { dir: '/d', base: 'a.txt' });
    assert.deepEqual(splitPathDirEntry('/d/'), { dir: '/', base: 'd' });
    assert.deepEqual(splitPathDirEntry('/d/.'), { dir: '/d', base: '.' });
    assert.deepEqual(splitPathDirEntry('/'), { dir: '/', base: '/' });
  });

  it('keeps the name asked for when a link resolves to another', () => {
    assert.deepEqual(rebasedName('/d/rel', '/d/a.txt'), ['/d/a.txt', 'rel']);
    assert.deepEqual(rebasedName('/d/link/', '/d/target'), ['/d/target/', 'link']);
    assert.deepEqual(rebasedName('/d/link/.', '/d/target'), ['/d/target/.', '']); // both end in `.`
    assert.deepEqual(rebasedName('/d/same', '/e/same'), ['/e/same', '']);
  });
});

describe('where a copy lands', () => {
  const info = (path: string, exists: boolean, isDir: boolean, rebaseName = ''): CopyInfo => ({
    path,
    exists,
    isDir,
    rebaseName,
  });
  const file = info('/src/a.txt', true, false);
  const dir = info('/src/d', true, true);
  const cases: Array<[string, CopyInfo, CopyInfo, { directory: string; name: string } | string]> = [
    ['file into an existing directory', file, info('/dst', true, true), { directory: '/dst', name: 'a.txt' }],
    ['file over a file', file, info('/dst/b.txt', true, false), { directory: '/dst', name: 'b.txt' }],
    ['file to a new name', file, info('/dst/new', false, false), { directory: '/dst', name: 'new' }],
    ['file to a new name ending in /', file, info('/dst/new/', false, false), 'no such directory'],
    ['directory to a new name', dir, info('/dst/new', false, false), { directory: '/dst', name: 'new' }],
    ['directory into a directory', dir, info('/dst', true, true), { directory: '/dst', name: 'd' }],
    ['directory over a file', dir, info('/dst/b.txt', true, false), 'cannot copy directory'],
    [
      'contents into a directory',
      info('/src/d/.', true, true),
      info('/dst', true, true),
      { directory: '/dst', name: '.' },
    ],
    [
      'contents to a new name',
      info('/src/d/.', true, true),
      info('/dst/n', false, false),
      { directory: '/dst', name: 'n' },
    ],
    [
      'followed link into a directory',
      info('/src/a.txt', true, false, 'rel'),
      info('/dst', true, true),
      { directory: '/dst', name: 'rel' },
    ],
  ];
  for (const [what, source, destination, expected] of cases) {
    it(what, () => {
      if (typeof expected === 'string')
        assert.throws(() => copyTarget(source, destination), { message: expected });
      else assert.deepEqual(copyTarget(source, destination), expected);
    });
  }
});

describe('local paths, with Go error wording', () => {
  const root = join(work, 'fs');
  mkdirSync(join(root, 'real'), { recursive: true });
  writeFileSync(join(root, 'real', 'file'), 'x');
  symlinkSync('real', join(root, 'dirlink'));
  symlinkSync(join(root, 'real', 'file'), join(root, 'filelink'));
  symlinkSync('missing', join(root, 'dangling'));

  it('resolves links as filepath.EvalSymlinks does', async () => {
    assert.equal(await evalSymlinks(join(root, 'dirlink', 'file')), join(root, 'real', 'file'));
    assert.equal(await evalSymlinks(join(root, 'dirlink', '..', 'filelink')), join(root, 'real', 'file'));
    await assert.rejects(evalSymlinks(join(root, 'nope', 'x')), {
      message: `lstat ${join(root, 'nope')}: no such file or directory`,
    });
    await assert.rejects(evalSymlinks(`${join(root, 'real', 'file')}/`), { message: 'not a directory' });
  });

  it('describes sources with their directory links resolved, the last one only with -L', async () => {
    assert.deepEqual(await copyInfoSourcePath(join(root, 'dirlink', 'file'), false), {
      path: join(root, 'real', 'file'),
      exists: true,
      isDir: false,
      rebaseName: '',
    });
    const notFollowed = await copyInfoSourcePath(join(root, 'filelink'), false);
    assert.equal(notFollowed.path, join(root, 'filelink'));
    const followed = await copyInfoSourcePath(join(root, 'filelink'), true);
    assert.deepEqual([followed.path, followed.rebaseName], [join(root, 'real', 'file'), 'filelink']);
    await assert.rejects(copyInfoSourcePath(join(root, 'absent'), false), {
      message: `lstat ${join(root, 'absent')}: no such file or directory`,
    });
  });

  it('describes destinations through a final link, a dangling one naming the file to create', async () => {
    assert.deepEqual(await copyInfoDestinationPath(join(root, 'dirlink')), {
      path: join(root, 'real'),
      exists: true,
      isDir: true,
      rebaseName: '',
    });
    assert.deepEqual(await copyInfoDestinationPath(join(root, 'dangling')), {
      path: join(root, 'missing'),
      exists: false,
      isDir: false,
      rebaseName: '',
    });
    await assert.rejects(copyInfoDestinationPath(join(root, 'none', 'x')), {
      message: `stat ${join(root, 'none')}: no such file or directory`,
    });
  });
});

describe('cp on fake IO', () => {
  const cases: Array<[string[], string]> = [
    [['cp', 'a', 'b'], 'must specify at least one container source\n'],
    [['cp', 'c1:/a', 'c2:/b'], 'copying between containers is not supported\n'],
    [['cp', '', 'c:/x'], 'source can not be empty\n'],
    [['container', 'cp', 'c:/x', ''], 'destination can not be empty\n'],
  ];
  for (const [argv, stderr] of cases) {
    it(`gantry ${argv.join(' ')}`, async () => {
      const result = await runFake(argv);
      assert.deepEqual(
        { code: result.code, stdout: result.stdout, stderr: result.stderr },
        { code: 1, stdout: '', stderr },
      );
    });
  }

  it('checks the local output path before asking the engine', async () => {
    const result = await runFake(['cp', 'c:/etc/hosts', join(work, 'no-dir', 'hosts')]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `invalid output path: directory "${join(work, 'no-dir')}" does not exist\n`);
    assert.equal(result.connects.length, 0);
  });
});
