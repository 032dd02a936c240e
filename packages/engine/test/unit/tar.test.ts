/**
 * The tar writer, judged by GNU tar: archives it writes are extracted (or listed) by the system
 * `tar`, and what comes out is compared with what went in.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readTarFile, TAR_TRAILER, type TarEntry, tarHeader, tarPadding } from '../../src/tar.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-tar-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** An archive of `entries`, regular files holding `content`. */
function archive(entries: { entry: TarEntry; content?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { entry, content } of entries) {
    parts.push(tarHeader({ ...entry, size: content?.length ?? entry.size }));
    if (content) parts.push(content, tarPadding(content.length));
  }
  parts.push(TAR_TRAILER);
  return Buffer.concat(parts);
}

function extract(tar: Buffer): string {
  const dir = mkdtempSync(join(work, 'x-'));
  const file = join(dir, '..', `${dir.split('/').at(-1)}.tar`);
  writeFileSync(file, tar);
  execFileSync('tar', ['-x', '--same-permissions', '--numeric-owner', '-f', file, '-C', dir]);
  return dir;
}

const MTIME = 1_700_000_123;
const splittable = `${'d'.repeat(70)}/${'e'.repeat(70)}/${'f'.repeat(60)}.txt`; // 206 bytes: ustar prefix + name
const unsplittable = `${'g'.repeat(30)}/${'h'.repeat(140)}.txt`; // last segment > 100 bytes: PAX path
const unicode = 'ünï/cödé 😀 name.txt';

test('system tar extracts names, contents, modes, mtimes, symlinks and empty directories', () => {
  const hello = Buffer.from('hello\n');
  const empty = Buffer.alloc(0);
  const block = Buffer.alloc(512, 7); // exactly one block: no padding
  const tar = archive([
    { entry: { name: 'dir', type: 'directory', mode: 0o750, mtime: MTIME } },
    { entry: { name: 'dir/hello.txt', type: 'file', mode: 0o640, mtime: MTIME }, content: hello },
    { entry: { name: 'dir/empty.txt', type: 'file', mode: 0o600, mtime: MTIME }, content: empty },
    { entry: { name: 'dir/block.bin', type: 'file', mode: 0o644, mtime: MTIME }, content: block },
    { entry: { name: 'setuid', type: 'file', mode: 0o4755, mtime: MTIME }, content: hello },
    { entry: { name: 'empty-dir/', type: 'directory', mode: 0o1777, mtime: MTIME } },
    { entry: { name: 'link', type: 'symlink', mode: 0o777, mtime: MTIME, linkname: 'dir/hello.txt' } },
    {
      entry: {
        name: 'long-link',
        type: 'symlink',
        mode: 0o777,
        mtime: MTIME,
        linkname: `../${'t'.repeat(150)}`,
      },
    },
    { entry: { name: 'unicode-link', type: 'symlink', mode: 0o777, mtime: MTIME, linkname: 'ziel/ñ' } },
    {
      entry: {
        name: splittable.split('/').slice(0, 2).join('/'),
        type: 'directory',
        mode: 0o755,
        mtime: MTIME,
      },
    },
    { entry: { name: splittable, type: 'file', mode: 0o644, mtime: MTIME }, content: hello },
    { entry: { name: unsplittable, type: 'file', mode: 0o644, mtime: MTIME }, content: hello },
    { entry: { name: unicode, type: 'file', mode: 0o644, mtime: MTIME }, content: Buffer.from('ü\n') },
    { entry: { name: 'fifo', type: 'fifo', mode: 0o644, mtime: MTIME } },
  ]);
  assert.equal(tar.length % 512, 0);
  const dir = extract(tar);

  assert.equal(readFileSync(join(dir, 'dir/hello.txt'), 'utf8'), 'hello\n');
  assert.equal(lstatSync(join(dir, 'dir/hello.txt')).mode & 0o7777, 0o640);
  assert.equal(Math.floor(lstatSync(join(dir, 'dir/hello.txt')).mtimeMs / 1000), MTIME);
  assert.equal(readFileSync(join(dir, 'dir/empty.txt')).length, 0);
  assert.deepEqual(readFileSync(join(dir, 'dir/block.bin')), block);
  assert.equal(lstatSync(join(dir, 'dir')).mode & 0o7777, 0o750);
  assert.equal(lstatSync(join(dir, 'setuid')).mode & 0o7777, 0o4755);
  assert.ok(lstatSync(join(dir, 'empty-dir')).isDirectory());
  assert.equal(lstatSync(join(dir, 'empty-dir')).mode & 0o7777, 0o1777);
  assert.equal(readlinkSync(join(dir, 'link')), 'dir/hello.txt');
  assert.equal(readlinkSync(join(dir, 'long-link')), `../${'t'.repeat(150)}`);
  assert.equal(readlinkSync(join(dir, 'unicode-link')), 'ziel/ñ');
  assert.equal(readFileSync(join(dir, splittable), 'utf8'), 'hello\n');
  assert.equal(readFileSync(join(dir, unsplittable), 'utf8'), 'hello\n');
  assert.equal(readFileSync(join(dir, unicode), 'utf8'), 'ü\n');
  assert.ok(lstatSync(join(dir, 'fifo')).isFIFO());
});

test('only names that do not fit ustar get a PAX header', () => {
  const plain = tarHeader({ name: 'a'.repeat(100), type: 'file', mode: 0o644, mtime: MTIME, size: 1 });
  assert.equal(plain.length, 512);
  assert.equal(tarHeader({ name: splittable, type: 'file', mode: 0o644, mtime: MTIME, size: 1 }).length, 512);
  const pax = tarHeader({ name: unicode, type: 'file', mode: 0o644, mtime: MTIME, size: 1 });
  assert.equal(pax.length, 3 * 512);
  assert.equal(String.fromCharCode(pax[156] as number), 'x');
  assert.match(pax.subarray(512, 1024).toString('utf8'), new RegExp(`^\\d+ path=${unicode}\\n`));
  assert.equal(String.fromCharCode(pax[1024 + 156] as number), '0');
});

test('a size of 8 GiB or more and an mtime before 1970 go into PAX records that tar reads', () => {
  const big = 9 * 1024 ** 3 + 5;
  const tar = Buffer.concat([
    tarHeader({ name: 'huge.bin', type: 'file', mode: 0o644, mtime: -86_400, size: big }),
  ]);
  const file = join(work, 'huge.tar');
  writeFileSync(file, tar);
  // The content is not there: tar lists the header, then complains about the missing data.
  const listing = spawnSync('tar', ['--numeric-owner', '--utc', '-tvf', file], { encoding: 'utf8' });
  assert.match(listing.stdout, new RegExp(`0/0\\s+${big} 1969-12-31 00:00 huge\\.bin`));
});

test('PAX record lengths count themselves, across a change of digit count', () => {
  // A value that makes the record 99 bytes without its length, 101 with it: the length must be 101.
  for (let length = 80; length < 120; length++) {
    const name = `${'n'.repeat(length)}ü`;
    const header = tarHeader({ name, type: 'file', mode: 0o644, mtime: 0, size: 0 });
    const records = header.subarray(512, 512 + Number.parseInt(header.toString('ascii', 124, 135), 8));
    const text = records.toString('utf8');
    const declared = Number.parseInt(text, 10);
    assert.equal(declared, Buffer.byteLength(text), text);
  }
});

test('readTarFile finds a file in archives written by GNU tar and by the writer', () => {
  const dir = mkdtempSync(join(work, 'src-'));
  mkdirSync(join(dir, 'docker'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM a\n');
  writeFileSync(join(dir, 'docker', 'Dockerfile.dev'), 'FROM b\n');
  const gnu = execFileSync('tar', ['-c', '-C', dir, '.']);
  assert.equal(readTarFile(gnu, 'Dockerfile')?.toString(), 'FROM a\n');
  assert.equal(readTarFile(gnu, './docker/Dockerfile.dev')?.toString(), 'FROM b\n');
  assert.equal(readTarFile(gnu, 'missing'), undefined);

  const ours = archive([
    { entry: { name: unsplittable, type: 'file', mode: 0o644, mtime: 0 }, content: Buffer.from('long\n') },
    { entry: { name: unicode, type: 'file', mode: 0o644, mtime: 0 }, content: Buffer.from('uni\n') },
  ]);
  assert.equal(readTarFile(ours, unsplittable)?.toString(), 'long\n');
  assert.equal(readTarFile(ours, unicode)?.toString(), 'uni\n');
  // Not a tar (here: gzip bytes): undefined, no exception.
  assert.equal(readTarFile(execFileSync('gzip', ['-c'], { input: gnu }), 'Dockerfile'), undefined);
});
