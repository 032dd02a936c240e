/**
 * The tar reader, the path packer and the extractor: round trips through each other and through
 * GNU tar, `docker cp`'s renames, and — the security boundary — archives that try to write
 * outside the destination (`..`, absolute names, symbolic links planted by the archive or found in
 * the destination, hard links), each refused with nothing written outside.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EngineError } from '../../src/errors.ts';
import { TAR_TRAILER, type TarEntry, tarHeader, tarPadding } from '../../src/tar.ts';
import { extractTar } from '../../src/tar-extract.ts';
import { tarPath } from '../../src/tar-path.ts';
import { readTar } from '../../src/tar-read.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-tar-extract-'));
after(() => rmSync(work, { recursive: true, force: true }));

const MTIME = 1_700_000_123;
let dirs = 0;
function freshDir(what: string): string {
  const dir = join(work, `${what}-${dirs++}`);
  mkdirSync(dir);
  return dir;
}

/** An archive of entries (files hold `content`), as bytes. */
function archive(entries: Array<TarEntry & { content?: string }>): Buffer {
  const parts: Buffer[] = [];
  for (const { content, ...entry } of entries) {
    const data = Buffer.from(content ?? '');
    parts.push(tarHeader({ ...entry, size: entry.type === 'file' ? data.length : 0 }));
    if (entry.type === 'file') parts.push(data, tarPadding(data.length));
  }
  parts.push(TAR_TRAILER);
  return Buffer.concat(parts);
}

/** The bytes in pieces of `size`, as a network body would bring them. */
async function* pieces(bytes: Buffer, size = 100): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Every path below `root` with type, mode, size, mtime, link target and content — what a copy must keep. */
function describeTree(root: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      const what = stats.isSymbolicLink()
        ? `link -> ${readlinkSync(path)}`
        : stats.isDirectory()
          ? 'dir'
          : `file ${readFileSync(path, 'utf8')} nlink=${stats.nlink}`;
      const mode = stats.isSymbolicLink() ? '' : (stats.mode & 0o7777).toString(8);
      lines.push(`${prefix}${name} ${what} ${mode} ${Math.floor(stats.mtimeMs / 1000)}`);
      if (stats.isDirectory()) walk(path, `${prefix}${name}/`);
    }
  };
  walk(root, '');
  return lines;
}

/** A tree with what `docker cp` carries: modes (setuid, read-only dir), links of both kinds, long and non-ASCII names. */
function makeTree(): string {
  const root = freshDir('tree');
  const longDir = join(root, 'x'.repeat(90), 'y'.repeat(90));
  mkdirSync(longDir, { recursive: true });
  writeFileSync(join(longDir, `${'z'.repeat(120)}.txt`), 'long\n');
  writeFileSync(join(root, 'ünïcödé.txt'), 'ü\n');
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'tool'), '#!/bin/sh\n');
  chmodSync(join(root, 'sub', 'tool'), 0o4755);
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 7, 'b'));
  linkSync(join(root, 'sub', 'tool'), join(root, 'tool-again'));
  symlinkSync('sub/tool', join(root, 'relative-link'));
  symlinkSync('/etc/hostname', join(root, 'absolute-link'));
  mkdirSync(join(root, 'locked'));
  writeFileSync(join(root, 'locked', 'inside'), 'in\n');
  chmodSync(join(root, 'locked'), 0o555);
  for (const path of [longDir, join(root, 'sub', 'tool'), join(root, 'locked'), root])
    utimesSync(path, MTIME, MTIME);
  return root;
}

describe('tarPath -> readTar -> extractTar', () => {
  it('copies a tree with its modes, mtimes, links, hard links and long names', async () => {
    const tree = makeTree();
    const destination = freshDir('dest');
    await extractTar(tarPath(tree, { name: 'copy' }), destination);
    const copied = describeTree(join(destination, 'copy'));
    assert.deepEqual(copied, describeTree(tree));
    assert.ok(copied.some((line) => line.startsWith('tool-again file #!/bin/sh\n nlink=2 4755')));
    assert.equal(lstatSync(join(destination, 'copy')).mode & 0o7777, lstatSync(tree).mode & 0o7777);
  });

  it('names the entries as docker cp does: the base name, `.` for contents, owner numbers kept', async () => {
    const tree = makeTree();
    const names = async (name?: string) => {
      const seen: string[] = [];
      for await (const entry of readTar(tarPath(join(tree, 'sub'), name === undefined ? {} : { name }))) {
        seen.push(`${entry.type} ${entry.name} ${entry.uid}:${entry.gid}`);
      }
      return seen;
    };
    const { uid, gid } = lstatSync(join(tree, 'sub', 'tool'));
    assert.deepEqual(await names(), [`directory sub/ ${uid}:${gid}`, `file sub/tool ${uid}:${gid}`]);
    assert.deepEqual(await names('.'), [`directory ./ ${uid}:${gid}`, `file ./tool ${uid}:${gid}`]);
  });

  it('writes archives GNU tar lists (hard links as links) and reads what GNU tar writes', async () => {
    const tree = makeTree();
    const file = join(work, 'ours.tar');
    writeFileSync(file, await collect(tarPath(tree, { name: 't' })));
    const listing = execFileSync('tar', ['-tvf', file, '--numeric-owner'], { encoding: 'utf8' });
    assert.match(listing, /^hrwsr-xr-x .* t\/tool-again link to t\/sub\/tool$/m);
    assert.match(listing, /t\/x{90}\/y{90}\/z{120}\.txt/);

    for (const format of ['gnu', 'pax', 'ustar']) {
      const theirs = join(work, `gnu-${format}.tar`);
      // ustar cannot hold the 120-byte file name: leave that directory out there.
      const exclude = format === 'ustar' ? ['--exclude', 'x*'] : [];
      execFileSync('tar', ['-cf', theirs, `--format=${format}`, ...exclude, '-C', tree, '.']);
      const destination = freshDir(`from-${format}`);
      await extractTar(pieces(readFileSync(theirs), 333), destination);
      const expected = describeTree(tree).filter((line) => format !== 'ustar' || !line.startsWith('x'));
      assert.deepEqual(describeTree(destination), expected, format);
    }
  });

  it('renames the top entry for a copy under another name, or to its contents', async () => {
    const tree = makeTree();
    const renamed = freshDir('renamed');
    await extractTar(tarPath(join(tree, 'sub')), renamed, { rename: { from: 'sub', to: 'tools' } });
    assert.deepEqual(readdirSync(renamed), ['tools']);
    assert.equal(readFileSync(join(renamed, 'tools', 'tool'), 'utf8'), '#!/bin/sh\n');

    const contents = freshDir('contents');
    chmodSync(contents, 0o700);
    await extractTar(tarPath(join(tree, 'sub'), { name: '.' }), contents);
    assert.deepEqual(readdirSync(contents), ['tool']);
    assert.equal(lstatSync(contents).mode & 0o7777, 0o700, 'the existing destination keeps its mode');

    const dotToName = freshDir('dot-to-name');
    await extractTar(tarPath(join(tree, 'sub'), { name: '.' }), dotToName, {
      rename: { from: '.', to: 'new' },
    });
    assert.deepEqual(readdirSync(join(dotToName, 'new')), ['tool']);

    const rootArchive = archive([
      { name: '/', type: 'directory', mode: 0o755, mtime: MTIME },
      { name: '/etc/hosts', type: 'file', mode: 0o644, mtime: MTIME, content: 'h\n' },
    ]);
    const rootCopy = freshDir('root-copy');
    await extractTar(pieces(rootArchive), rootCopy, { rename: { from: '/', to: '.' } });
    assert.equal(readFileSync(join(rootCopy, 'etc', 'hosts'), 'utf8'), 'h\n');
  });

  it('refuses to replace a directory with a file (and the reverse) unless told to', async () => {
    const destination = freshDir('conflict');
    mkdirSync(join(destination, 'name'));
    const file = archive([{ name: 'name', type: 'file', mode: 0o644, mtime: MTIME, content: 'x' }]);
    await assert.rejects(extractTar(pieces(file), destination), {
      code: 'INVALID_ARGUMENT',
      message: `cannot overwrite directory "${join(destination, 'name')}" with non-directory "${destination}"`,
    });
    await extractTar(pieces(file), destination, { noOverwriteDirNonDir: false });
    assert.equal(readFileSync(join(destination, 'name'), 'utf8'), 'x');
  });

  it('reads the whole source, past the end-of-archive blocks, and fails on damaged input', async () => {
    const bytes = Buffer.concat([
      archive([{ name: 'a', type: 'file', mode: 0o644, mtime: MTIME, content: 'a' }]),
      Buffer.alloc(4096),
    ]);
    let read = 0;
    async function* counted() {
      for await (const chunk of pieces(bytes)) {
        read += chunk.length;
        yield chunk;
      }
    }
    await extractTar(counted(), freshDir('counted'));
    assert.equal(read, bytes.length);

    const truncated = bytes.subarray(0, 700);
    await assert.rejects(extractTar(pieces(truncated), freshDir('truncated')), {
      code: 'STREAM_PROTOCOL',
      message: /ends in the middle of a/,
    });
    const gzip = execFileSync('gzip', ['-c'], { input: bytes });
    await assert.rejects(extractTar(pieces(gzip), freshDir('gzip')), { code: 'STREAM_PROTOCOL' });
  });
});

describe('extractTar refuses entries that would leave the destination', () => {
  /** An outside directory holding a file the attack aims at, and a destination next to it. */
  function arena(): { outside: string; destination: string } {
    const base = freshDir('arena');
    const outside = join(base, 'outside');
    const destination = join(base, 'destination');
    mkdirSync(outside);
    mkdirSync(destination);
    writeFileSync(join(outside, 'victim'), 'original\n');
    return { outside, destination };
  }

  const file = (name: string): TarEntry & { content: string } => ({
    name,
    type: 'file',
    mode: 0o644,
    mtime: MTIME,
    content: 'pwned\n',
  });
  const symlink = (name: string, linkname: string): TarEntry => ({
    name,
    type: 'symlink',
    mode: 0o777,
    mtime: MTIME,
    linkname,
  });

  const cases: Array<{
    what: string;
    entries: (outside: string) => Array<TarEntry & { content?: string }>;
    prepare?: (destination: string, outside: string) => void;
    rename?: { from: string; to: string };
    message: RegExp;
  }> = [
    {
      what: 'a name climbing out with ..',
      entries: () => [file('../outside/victim')],
      message: /is outside of/,
    },
    {
      what: 'a name climbing out part way through',
      entries: () => [file('a/b/../../../outside/victim')],
      message: /is outside of/,
    },
    {
      what: 'an absolute name',
      entries: (outside) => [file(`${outside}/victim`)],
      message: /name is absolute/,
    },
    {
      what: 'a file written through a symbolic link the archive planted',
      entries: (outside) => [symlink('planted', outside), file('planted/victim')],
      message: /planted" on its way is a symbolic link/,
    },
    {
      what: 'a file written through a relative link planted deeper',
      entries: () => [
        { name: 'd', type: 'directory', mode: 0o755, mtime: MTIME },
        symlink('d/up', '../../outside'),
      ],
      message: /symbolic link to "..\/..\/outside", outside/,
    },
    {
      what: 'a file written through a symbolic link already in the destination',
      entries: () => [file('existing/victim')],
      prepare: (destination, outside) => symlinkSync(outside, join(destination, 'existing')),
      message: /existing" on its way is a symbolic link/,
    },
    {
      what: 'a hard link to a file outside',
      entries: () => [
        { name: 'hl', type: 'hardlink', mode: 0o644, mtime: MTIME, linkname: '../outside/victim' },
      ],
      message: /is outside of/,
    },
    {
      what: 'a hard link reaching outside through a symbolic link',
      entries: (outside) => [
        symlink('way', outside),
        { name: 'hl', type: 'hardlink', mode: 0o644, mtime: MTIME, linkname: 'way/victim' },
      ],
      message: /way" on its way is a symbolic link/,
    },
    {
      what: 'a rename that would climb out',
      entries: () => [file('top/victim')],
      rename: { from: 'top', to: '../outside' },
      message: /is outside of/,
    },
  ];

  for (const { what, entries, prepare, rename, message } of cases) {
    it(`refuses ${what}`, async () => {
      const { outside, destination } = arena();
      prepare?.(destination, outside);
      await assert.rejects(
        extractTar(pieces(archive(entries(outside))), destination, rename ? { rename } : {}),
        (err: unknown) => {
          assert.ok(err instanceof EngineError);
          assert.equal(err.code, 'INVALID_ARGUMENT');
          assert.match(err.message, /^tar: refusing to extract "/);
          assert.match(err.message, message);
          return true;
        },
      );
      assert.deepEqual(readdirSync(outside), ['victim']);
      assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'original\n');
    });
  }

  it("replaces a symbolic link at a file entry's own path instead of writing through it", async () => {
    const { outside, destination } = arena();
    symlinkSync(join(outside, 'victim'), join(destination, 'name'));
    await extractTar(pieces(archive([file('name')])), destination, { noOverwriteDirNonDir: false });
    assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'original\n');
    assert.ok(lstatSync(join(destination, 'name')).isFile());
    assert.equal(readFileSync(join(destination, 'name'), 'utf8'), 'pwned\n');
  });

  it('keeps absolute symbolic links as they are without following them', async () => {
    const { outside, destination } = arena();
    await extractTar(pieces(archive([symlink('abs', join(outside, 'victim'))])), destination);
    assert.equal(readlinkSync(join(destination, 'abs')), join(outside, 'victim'));
    assert.equal(existsSync(join(destination, 'abs')), true);
    assert.equal(readFileSync(join(outside, 'victim'), 'utf8'), 'original\n');
  });
});
