/**
 * Build contexts from directories: what goes in (checked by listing the tar with the system `tar`),
 * that excluded directories are not even read, that bytes flow while the walk goes on (a large file
 * is never held in memory), and the failures a caller can cause. build.test.ts (integration)
 * compares the same walk with the real docker CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, afterEach, describe, mock, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildContext, resolveDockerfile } from '../../src/build-context.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-context-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A fresh directory holding `files` (a name ending in `/` is an empty directory). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(work, 'ctx-'));
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith('/')) mkdirSync(join(root, name), { recursive: true });
    else {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), content);
    }
  }
  return root;
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Entry names, in archive order, as GNU tar lists them. */
function listing(tar: Buffer): string[] {
  return execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** The stream's failure, which must happen. */
async function failureOf(stream: Readable): Promise<unknown> {
  try {
    await bytesOf(stream);
  } catch (err) {
    return err;
  }
  assert.fail('expected the context stream to fail');
}

describe('what a context holds', () => {
  test('.dockerignore excludes, exceptions re-include, build files stay, order is byte order', async () => {
    const root = tree({
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': [
        '*.md',
        '!README.md',
        'node_modules',
        'build/',
        '!build/keep.txt',
        '**/*.tmp',
        // Excluding the build files themselves: the CLI still sends them (the daemon drops them).
        'Dockerfile',
        '.dockerignore',
        '/secret',
      ].join('\n'),
      'README.md': 'r',
      'CHANGES.md': 'c',
      'src/a.ts': 'a',
      'src/B.ts': 'b',
      'src/b.tmp': 't',
      'src/deep/c.tmp': 't',
      'node_modules/x/index.js': 'x',
      'build/out.o': 'o',
      'build/keep.txt': 'k',
      'secret/key': 's',
      'empty/': '',
      'Zebra.txt': 'z',
      'émoji-😀.txt': 'e',
    });
    const names = listing(await bytesOf(buildContext(root)));
    assert.deepEqual(names, [
      '.dockerignore',
      'Dockerfile',
      'README.md',
      'Zebra.txt', // 'Z' (0x5A) sorts before 'b' and 'e'
      'build/keep.txt', // the excluded directory itself has no entry
      'empty/',
      'src/',
      'src/B.ts',
      'src/a.ts',
      'src/deep/',
      'émoji-😀.txt',
    ]);
  });

  test('a Dockerfile in an excluded directory is sent, and nothing else from there', async () => {
    const root = tree({
      'docker/Dockerfile.dev': 'FROM scratch\n',
      'docker/other': 'o',
      '.dockerignore': 'docker\n',
      'app.txt': 'a',
    });
    const names = listing(await bytesOf(buildContext(root, { dockerfile: './docker/Dockerfile.dev' })));
    assert.deepEqual(names, ['.dockerignore', 'app.txt', 'docker/Dockerfile.dev']);
  });

  test('symlinks are stored, not followed; modes survive', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n', 'real/file.txt': 'f' });
    symlinkSync('real', join(root, 'alias'));
    symlinkSync('/etc/passwd', join(root, 'outside'));
    const tar = await bytesOf(buildContext(root));
    const verbose = execFileSync('tar', ['-tv', '--numeric-owner'], { input: tar, encoding: 'utf8' });
    assert.match(verbose, /^lrwxrwxrwx 0\/0 .* alias -> real$/m);
    assert.match(verbose, /^lrwxrwxrwx 0\/0 .* outside -> \/etc\/passwd$/m);
    assert.doesNotMatch(verbose, /alias\/file\.txt/);
    assert.doesNotMatch(verbose, /root/);
  });

  test('the same directory gives the same bytes; gzip wraps exactly those bytes', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n', 'a/b/c.txt': 'x'.repeat(70_000), 'd.txt': '' });
    const first = await bytesOf(buildContext(root));
    const second = await bytesOf(buildContext(root));
    assert.deepEqual(first, second);
    const gzipped = await bytesOf(buildContext(root, { gzip: true }));
    assert.deepEqual(gzipped.subarray(0, 2), Buffer.from([0x1f, 0x8b]));
    assert.deepEqual(gunzipSync(gzipped), first);
  });

  test('the default Dockerfile falls back to a lower-case dockerfile, as the daemon does', async () => {
    const root = tree({ dockerfile: 'FROM scratch\n', '.dockerignore': 'dockerfile\n' });
    assert.equal((await resolveDockerfile(root, undefined)).relativePath, 'dockerfile');
    assert.deepEqual(listing(await bytesOf(buildContext(root))), ['.dockerignore', 'dockerfile']);
  });
});

describe('walking', () => {
  afterEach(() => {
    mock.restoreAll();
    syncBuiltinESMExports();
  });

  /** Spies on fs.promises.readdir / lstat; the module under test sees the spies through the live ESM bindings. */
  function spyOnFs(): { readdirs: string[]; lstats: string[] } {
    const calls = { readdirs: [] as string[], lstats: [] as string[] };
    const readdir = fsPromises.readdir;
    const lstat = fsPromises.lstat;
    mock.method(fsPromises, 'readdir', (path: string, options: unknown) => {
      calls.readdirs.push(path);
      return (readdir as (p: string, o: unknown) => Promise<unknown>)(path, options);
    });
    mock.method(fsPromises, 'lstat', (path: string) => {
      calls.lstats.push(path);
      return lstat(path);
    });
    syncBuiltinESMExports();
    return calls;
  }

  test('an excluded directory is pruned: never read, its entries never stat-ed', async () => {
    const files: Record<string, string> = {
      Dockerfile: 'FROM scratch\n',
      '.dockerignore': 'node_modules\nvendor\n!vendor/keep\n',
    };
    for (let i = 0; i < 300; i++) files[`node_modules/pkg${i}/index.js`] = 'x';
    files['vendor/keep/a.txt'] = 'a';
    files['vendor/other/b.txt'] = 'b';
    files['src/main.ts'] = 'm';
    const root = tree(files);
    const calls = spyOnFs();
    const names = listing(await bytesOf(buildContext(root)));
    assert.deepEqual(names, [
      '.dockerignore',
      'Dockerfile',
      'src/',
      'src/main.ts',
      'vendor/keep/',
      'vendor/keep/a.txt',
    ]);
    const read = calls.readdirs.map((path) => path.slice(root.length + 1) || '.');
    // vendor is opened only because `!vendor/keep` starts with `vendor/`; vendor/other is not.
    assert.deepEqual(read.sort(), ['.', 'src', 'vendor', 'vendor/keep']);
    assert.ok(
      !calls.lstats.some((path) => path.includes('node_modules')),
      'node_modules entries were stat-ed',
    );
  });

  test('bytes flow before the walk ends, and a 512 MiB file is never held in memory', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n', 'z-last.txt': 'z' });
    const big = join(root, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 512 * 1024 ** 2); // sparse: costs no disk
    const calls = spyOnFs();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let total = 0;
    let lstatsAtFirstChunk: string[] | undefined;
    for await (const chunk of buildContext(root)) {
      lstatsAtFirstChunk ??= [...calls.lstats];
      total += (chunk as Buffer).length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    assert.ok(total > 512 * 1024 ** 2, `the archive holds the whole file (${total} bytes)`);
    assert.ok(
      !lstatsAtFirstChunk?.some((path) => path.endsWith('z-last.txt')),
      'the first bytes came out before the walk reached the last file',
    );
    const grownMiB = (peak - baseline) / 1024 ** 2;
    assert.ok(grownMiB < 160, `resident memory grew by ${grownMiB.toFixed(0)} MiB while sending 512 MiB`);
  });
});

describe('failures', () => {
  test('a missing directory or Dockerfile, or a Dockerfile outside the context, is INVALID_ARGUMENT', async () => {
    const missing = await failureOf(buildContext(join(work, 'no-such-dir')));
    assert.match(String((missing as Error).message), /no-such-dir is not a directory/);
    assert.equal((missing as { code?: string }).code, 'INVALID_ARGUMENT');

    const root = tree({ 'app.txt': 'a' });
    await assert.rejects(bytesOf(buildContext(root)), {
      code: 'INVALID_ARGUMENT',
      message: /no Dockerfile at .*Dockerfile — add one or name it with the dockerfile option/,
    });
    await assert.rejects(bytesOf(buildContext(root, { dockerfile: '../Dockerfile' })), {
      code: 'INVALID_ARGUMENT',
      message: /not inside/,
    });
  });

  test('a bad .dockerignore pattern names the pattern', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n', '.dockerignore': 'ok\nbad[\n' });
    await assert.rejects(bytesOf(buildContext(root)), {
      code: 'INVALID_ARGUMENT',
      message: /\.dockerignore pattern 2 \("bad\["\) is invalid: unterminated "\[" class/,
    });
  });

  test('aborting the signal ends the stream with ABORTED', async () => {
    const root = tree({ Dockerfile: 'FROM scratch\n' });
    truncateSync(join(root, 'Dockerfile'), 64 * 1024 ** 2);
    const controller = new AbortController();
    const stream = buildContext(root, { signal: controller.signal });
    let chunks = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of stream) if (++chunks === 3) controller.abort();
      })(),
      { code: 'ABORTED' },
    );
    assert.ok(chunks < 10, `the stream went on for ${chunks} chunks after the abort`);
    await assert.rejects(bytesOf(buildContext(root, { signal: AbortSignal.abort() })), { code: 'ABORTED' });
  });
});
