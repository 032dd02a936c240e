/**
 * `gantry cp` side by side with `docker cp` on the same engine: each CLI works in its own local
 * directory and, for copies into a container, its own container, both prepared alike; every case
 * must print the same (container and directory names aside) and exit alike, and afterwards the
 * local trees and the containers' trees must be the same — contents, modes, owners, link targets,
 * hard links and mtimes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  lutimesSync,
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
import { after, before, describe, it } from 'node:test';
import { GANTRY_ENTRY } from '../support.ts';

const DOCKER_CLI = '/usr/local/bin/docker';
const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman'
    ? 'Podman: the CLI is verified on Docker Engine first'
    : existsSync(DOCKER_CLI)
      ? false
      : `${DOCKER_CLI} is not installed`;

const run = randomBytes(4).toString('hex');
/** Read from by both CLIs: copies out of a container change nothing in it. */
const SOURCE = `gantry-test-cp-src-${run}`;
const MTIME = 1_700_000_000;

type Side = 'docker' | 'gantry';
const SIDES: readonly Side[] = ['docker', 'gantry'];

interface Result {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

function exec(command: string, args: readonly string[], cwd: string, stdin?: Buffer): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(stdin);
  });
}

async function docker(args: readonly string[]): Promise<string> {
  const result = await exec(DOCKER_CLI, args, tmpdir());
  assert.equal(result.code, 0, `docker ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.toString('utf8');
}

describe('gantry cp against the engine, compared with docker cp', { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), 'gantry-cp-'));
  const dir = (side: Side) => join(work, side);
  /** Each CLI's own target container for copies into a container; `nobody` is its user (for -a). */
  const target = (side: Side) => `gantry-test-cp-${side}-${run}`;

  /** Runs `<cli> cp <args>` in the side's directory; `@` in an argument is the side's target container. */
  function cp(side: Side, args: readonly string[], stdin?: Buffer): Promise<Result> {
    const argv = ['cp', ...args.map((arg) => arg.replaceAll('@', target(side)))];
    return side === 'docker'
      ? exec(DOCKER_CLI, argv, dir(side), stdin)
      : exec(process.execPath, ['--', GANTRY_ENTRY, ...argv], dir(side), stdin);
  }

  /**
   * The output with the side's own names read as `@` and `/W`, docker's name as gantry's, and
   * without the internal log lines docker sometimes adds when it stops writing a tar it no longer
   * needs (`time="…" level=error msg="Can't add file … to tar: io: read/write on closed pipe"`).
   */
  function normalized(side: Side, result: Result) {
    const text = (value: string) =>
      value.replaceAll(target(side), '@').replaceAll(dir(side), '/W').replaceAll('docker', 'gantry');
    const stderr = result.stderr.replace(/^time="[^"]*" level=error msg=.*\n/gm, '');
    return { code: result.code, stdout: text(result.stdout.toString('utf8')), stderr: text(stderr) };
  }

  /** Both CLIs run `args`; their output and exit codes must match. Returns gantry's. */
  async function assertSame(args: readonly string[], stdin?: Buffer) {
    const theirs = normalized('docker', await cp('docker', args, stdin));
    const ours = normalized('gantry', await cp('gantry', args, stdin));
    assert.deepEqual(ours, theirs, `cp ${args.join(' ')}`);
    return ours;
  }

  before(async () => {
    for (const side of SIDES) {
      const root = dir(side);
      mkdirSync(join(root, 'srcdir', 'sub'), { recursive: true });
      mkdirSync(join(root, 'existing'));
      mkdirSync(join(root, 'existing2'));
      writeFileSync(join(root, 'f.txt'), 'hello\n');
      writeFileSync(join(root, 'srcdir', 'one'), '1\n');
      writeFileSync(join(root, 'srcdir', 'sub', 'two'), '2\n');
      linkSync(join(root, 'srcdir', 'one'), join(root, 'srcdir', 'hard'));
      symlinkSync('one', join(root, 'srcdir', 'sl'));
      for (const path of ['f.txt', 'srcdir/one', 'srcdir/sub/two', 'srcdir/sub', 'srcdir'])
        utimesSync(join(root, path), MTIME, MTIME);
      lutimesSync(join(root, 'srcdir', 'sl'), MTIME, MTIME);
      // Without -a the archive's owner is kept; as root the test can give the file another one.
      if (process.getuid?.() === 0) chownSync(join(root, 'f.txt'), 1234, 5678);
    }
    const label = ['--label', `${TEST_LABEL}=1`];
    await docker(['run', '-d', ...label, '--name', SOURCE, TEST_IMAGE, 'sleep', '600']);
    await docker([
      'exec',
      SOURCE,
      'sh',
      '-c',
      'mkdir -p /d/sub && echo hi > /d/a.txt && echo x > /d/sub/b && chmod 4750 /d/sub && ' +
        'ln -s /d/a.txt /d/link && ln -s a.txt /d/rel && ln /d/a.txt /d/hard',
    ]);
    for (const side of SIDES) {
      await docker([
        'run',
        '-d',
        ...label,
        '-u',
        'nobody',
        '--name',
        target(side),
        TEST_IMAGE,
        'sleep',
        '600',
      ]);
      await docker([
        'exec',
        '-u',
        'root',
        target(side),
        'sh',
        '-c',
        'mkdir -p /t/exist && echo hi > /t/file && chmod 777 /t && ln -s /t/exist /t/dirlink',
      ]);
    }
  });

  after(async () => {
    await exec(DOCKER_CLI, ['rm', '-f', SOURCE, ...SIDES.map(target)], tmpdir());
    rmSync(work, { recursive: true, force: true });
  });

  describe('out of a container', () => {
    const cases: ReadonlyArray<{ args: string[]; says?: RegExp; code?: number }> = [
      {
        args: [`${SOURCE}:/d/a.txt`, 'renamed.txt'],
        says: /^Successfully copied 2\.05kB to \/W\/renamed\.txt\n$/,
      },
      { args: [`${SOURCE}:/d`, 'dcopy'], says: /^Successfully copied 5\.63kB to \/W\/dcopy\n$/ },
      { args: [`${SOURCE}:/d/a.txt`, 'existing'], says: /to \/W\/existing\n$/ },
      { args: [`${SOURCE}:/d/.`, 'dotcopy'], says: /to \/W\/dotcopy\n$/ },
      { args: [`${SOURCE}:/d/.`, 'existing2'], says: /to \/W\/existing2\n$/ },
      { args: ['-L', `${SOURCE}:/d/link`, 'followed'], says: /2\.05kB/ },
      { args: [`${SOURCE}:/d/link`, 'notfollowed'], says: /1\.54kB/ },
      { args: ['-L', `${SOURCE}:/d/rel`, './'], says: /to \/W\/\.\/\n$/ },
      {
        args: [`${SOURCE}:/nope`, 'x'],
        says: new RegExp(
          `^Error response from daemon: Could not find the file /nope in container ${SOURCE}\n$`,
        ),
        code: 1,
      },
      {
        args: [`${SOURCE}:/d/a.txt`, 'nodir/x'],
        says: /^invalid output path: directory "\/W\/nodir" does not exist\n$/,
        code: 1,
      },
      {
        args: [`${SOURCE}:/d/a.txt`, 'newname/'],
        says: /^Successfully copied 0B to \/W\/newname\/\nno such directory\n$/,
        code: 1,
      },
      { args: [`${SOURCE}:/d`, 'f.txt'], says: /\ncannot copy directory\n$/, code: 1 },
      { args: [`${SOURCE}:/d/a.txt`, 'f.txt/'], says: /^stat \/W\/f\.txt\/: not a directory\n$/, code: 1 },
    ];
    for (const { args, says, code = 0 } of cases) {
      it(`cp -q=false ${args.join(' ')}`, async () => {
        const ours = await assertSame(['-q=false', ...args]);
        assert.equal(ours.code, code);
        if (says) assert.match(ours.stderr, says);
      });
    }

    it('is quiet by default when stdout is not a terminal', async () => {
      const ours = await assertSame([`${SOURCE}:/d/sub`, 'quiet-copy']);
      assert.deepEqual(ours, { code: 0, stdout: '', stderr: '' });
    });

    it('streams the tar archive to stdout with `-`', async () => {
      const theirs = await cp('docker', [`${SOURCE}:/d`, '-']);
      const ours = await cp('gantry', [`${SOURCE}:/d`, '-']);
      assert.equal(ours.code, 0);
      assert.equal(ours.stderr, '');
      assert.ok(ours.stdout.length > 0);
      assert.deepEqual(ours.stdout, theirs.stdout);
    });

    it('leaves the same files, modes, links and mtimes as docker', () => {
      const ours = describeTree(dir('gantry'));
      assert.deepEqual(ours, describeTree(dir('docker')));
      assert.ok(ours.includes('dcopy/sub dir 4750'), 'the setuid directory');
      assert.ok(
        ours.some((line) => line.startsWith('dcopy/hard file hi\n nlink=2')),
        'the hard link',
      );
      assert.ok(ours.some((line) => line.startsWith('notfollowed link -> /d/a.txt')));
      assert.ok(
        ours.some((line) => line.startsWith('rel file hi\n')),
        '-L keeps the name asked for',
      );
    });
  });

  describe('into a container', () => {
    const cases: ReadonlyArray<{ args: string[]; says?: RegExp; code?: number }> = [
      { args: ['f.txt', '@:/t/'], says: /^Successfully copied 2\.05kB to @:\/t\/\n$/ },
      { args: ['f.txt', '@:/t/renamed'] },
      { args: ['f.txt', '@:/t/file'] },
      { args: ['srcdir', '@:/t/newsrc'], says: /5\.12kB/ },
      { args: ['srcdir/.', '@:/t/exist'] },
      { args: ['srcdir', '@:/t/dirlink'], says: /to @:\/t\/exist\n$/ },
      { args: ['-a', 'f.txt', '@:/t/a-file'] },
      { args: ['-a', 'srcdir', '@:/t/a-dir'] },
      { args: ['-L', 'srcdir/sl', '@:/t/followed'] },
      { args: ['srcdir/sl', '@:/t/notfollowed'] },
      {
        args: ['f.txt', '@:/nope/x'],
        says: /^Successfully copied 2\.05kB to @:\/nope\/x\nError response from daemon: Could not find the file \/nope in container @\n$/,
        code: 1,
      },
      { args: ['f.txt', '@:/t/newdir/'], says: /^no such directory\n$/, code: 1 },
      { args: ['srcdir', '@:/t/file'], says: /cannot copy directory\n$/, code: 1 },
      { args: ['nosuch', '@:/t'], says: /^lstat \/W\/nosuch: no such file or directory\n$/, code: 1 },
      { args: ['nodir/x', '@:/t'], says: /^lstat \/W\/nodir: no such file or directory\n$/, code: 1 },
      { args: ['f.txt/', '@:/t'], says: /^not a directory\n$/, code: 1 },
      { args: ['-', '@:/t/file'], says: /^destination "@:\/t\/file" must be a directory\n$/, code: 1 },
      {
        args: ['srcdir', '@:/t/file/'],
        says: /cannot overwrite non-directory "\/t\/file" with directory "\/t"\n$/,
        code: 1,
      },
    ];
    for (const { args, says, code = 0 } of cases) {
      it(`cp -q=false ${args.join(' ')}`, async () => {
        const ours = await assertSame(['-q=false', ...args]);
        assert.equal(ours.code, code);
        if (says) assert.match(ours.stderr, says);
      });
    }

    it('extracts a tar archive from stdin with `-`', async () => {
      const tar = await exec('tar', ['-cf', '-', '-C', dir('docker'), 'f.txt', 'srcdir'], work);
      assert.equal(tar.code, 0);
      const ours = await assertSame(['-q=false', '-', '@:/t/exist/'], tar.stdout);
      assert.equal(ours.stderr, 'Successfully copied 0B to @:/t/exist/\n');
    });

    it('leaves the same files, owners, modes and mtimes in both containers', async () => {
      const listing = (side: Side) =>
        docker([
          'exec',
          target(side),
          'sh',
          '-c',
          "cd /t && find . -mindepth 1 -exec stat -c '%n %A %u:%g %s %h' {} + | sort && " +
            "find . ! -type d ! -name dirlink -exec stat -c '%n %Y' {} + | sort && find . -type f -exec md5sum {} + | sort",
        ]);
      const ours = await listing('gantry');
      assert.equal(ours, await listing('docker'));
      const root = process.getuid?.() === 0;
      assert.match(ours, root ? /^\.\/renamed -rw-r--r-- 1234:5678 6 1$/m : /^\.\/renamed -rw-r--r-- /m);
      assert.match(ours, /^\.\/a-file -rw-r--r-- 65534:65534 6 1$/m, '-a: the container user owns it');
      assert.match(ours, /^\.\/a-dir\/sub drwxr-xr-x 65534:65534 /m);
      assert.match(ours, /^\.\/newsrc\/hard -rw-r--r-- \d+:\d+ 2 2$/m, 'hard link kept');
      assert.match(ours, /^\.\/notfollowed lrwxrwxrwx /m);
      assert.match(ours, /^\.\/followed -rw-r--r-- /m);
      assert.match(ours, new RegExp(`^\\./renamed ${MTIME}$`, 'm'));
      assert.match(ours, new RegExp(`^\\./newsrc/sl ${MTIME}$`, 'm'));
    });
  });

  it('refuses what docker refuses before touching the engine', async () => {
    const cases: Array<[string[], string]> = [
      [['a', 'b'], 'must specify at least one container source\n'],
      [[`${SOURCE}:/x`, `${SOURCE}:/y`], 'copying between containers is not supported\n'],
      [['', 'x'], 'source can not be empty\n'],
      [['x', ''], 'destination can not be empty\n'],
    ];
    for (const [args, message] of cases) {
      const ours = await assertSame(args);
      assert.deepEqual(ours, { code: 1, stdout: '', stderr: message });
    }
  });
});

/** Each path below `root`: type, content, link count, permission bits — one line each, sorted. */
function describeTree(root: string): string[] {
  const lines: string[] = [];
  const walk = (directory: string, prefix: string) => {
    for (const name of readdirSync(directory).sort()) {
      const path = join(directory, name);
      const stats = lstatSync(path);
      const mode = (stats.mode & 0o7777).toString(8);
      const mtime = Math.floor(stats.mtimeMs / 1000);
      if (stats.isSymbolicLink()) lines.push(`${prefix}${name} link -> ${readlinkSync(path)}`);
      else if (stats.isDirectory()) {
        lines.push(`${prefix}${name} dir ${mode}`);
        walk(path, `${prefix}${name}/`);
      } else {
        lines.push(
          `${prefix}${name} file ${readFileSync(path, 'utf8')} nlink=${stats.nlink} ${mode} ${mtime}`,
        );
      }
    }
  };
  walk(root, '');
  return lines;
}
