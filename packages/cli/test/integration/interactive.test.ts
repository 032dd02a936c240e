/**
 * The interactive container commands against the real engine: `run` (exit codes next to the docker
 * CLI's, `--rm`, `-d`, piped stdin), `exec` (stdin EOF reaching the process, exit codes), `attach`,
 * `start -a`; then through a real terminal — tmux — `run -it` typing into a shell, `exec -it`
 * following a window resize, detaching with ctrl-p ctrl-q and with `--detach-keys`, and the
 * process's exit code reaching the outer shell.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Terminal, tmuxMissing } from '../../../../test/terminal.ts';
import { type Captured, GANTRY_ENTRY, gantry, runProcess } from '../support.ts';

const DOCKER_CLI = '/usr/local/bin/docker';
const TEST_LABEL = `${process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test'}=1`;
const IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman'
    ? 'Podman: the CLI is verified on Docker Engine first'
    : !existsSync(DOCKER_CLI)
      ? `${DOCKER_CLI} is not installed`
      : false;

const run = randomBytes(4).toString('hex');
let counter = 0;
const created: string[] = [];
/** A container name of this run, removed at the end. */
function containerName(what: string): string {
  const name = `gantry-test-it-${what}-${run}-${++counter}`;
  created.push(name);
  return name;
}

const docker = (args: readonly string[]) => runProcess(DOCKER_CLI, args);

/** A process with `input` on its stdin, then EOF — or, with `endInput: false`, stdin left open. */
function withInput(
  command: string,
  args: readonly string[],
  input: string,
  { endInput = true } = {},
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 128,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    if (endInput) child.stdin.end(input);
    else child.stdin.write(input);
  });
}
const gantryWithInput = (args: readonly string[], input: string, options?: { endInput?: boolean }) =>
  withInput(process.execPath, ['--', GANTRY_ENTRY, ...args], input, options);

/** docker's messages name docker; gantry's name gantry. */
const asGantry = (text: string) =>
  text.replaceAll(/^docker: /gm, 'gantry: ').replaceAll("'docker run --help'", "'gantry run --help'");

async function state(name: string): Promise<string> {
  const result = await docker(['inspect', '--format', '{{.State.Status}}', name]);
  return result.code === 0 ? result.stdout.trim() : 'missing';
}

describe('interactive container commands against the engine', { skip }, () => {
  after(async () => {
    if (created.length > 0) await docker(['rm', '-f', ...created]);
  });

  describe('run: exit codes as the docker CLI on the same engine', () => {
    const cases: Array<{ name: string; args: string[]; code: number }> = [
      { name: 'success', args: [IMAGE, 'sh', '-c', 'exit 0'], code: 0 },
      { name: "the container's own code", args: [IMAGE, 'sh', '-c', 'exit 3'], code: 3 },
      { name: 'engine refuses to create (125)', args: ['--memory', '1k', IMAGE, 'true'], code: 125 },
      { name: 'cannot invoke: a directory (126)', args: [IMAGE, '/etc'], code: 126 },
      { name: 'command not found (127)', args: [IMAGE, 'nosuchcommand'], code: 127 },
      { name: 'no such file (127)', args: [IMAGE, '/no/such/file'], code: 127 },
    ];
    for (const c of cases) {
      it(`${c.name}: exit ${c.code}`, async () => {
        const args = ['run', '--rm', '--label', TEST_LABEL, ...c.args];
        const [ours, theirs] = await Promise.all([gantry(args), docker(args)]);
        assert.equal(theirs.code, c.code, `docker itself: ${theirs.stderr}`);
        assert.equal(ours.code, c.code, ours.stderr);
        assert.equal(ours.stdout, theirs.stdout);
        assert.equal(ours.stderr, asGantry(theirs.stderr));
      });
    }
  });

  it('run --rm: output, exit code, and the container is gone when gantry returns', async () => {
    const name = containerName('rm');
    const result = await gantry([
      'run',
      '--rm',
      '--name',
      name,
      '--label',
      TEST_LABEL,
      IMAGE,
      'sh',
      '-c',
      'echo bye; echo oops >&2; exit 2',
    ]);
    assert.deepEqual(result, { code: 2, stdout: 'bye\n', stderr: 'oops\n' });
    assert.equal(await state(name), 'missing');
  });

  it('run -d: prints the id and leaves the container running', async () => {
    const name = containerName('detached');
    const result = await gantry(['run', '-d', '--name', name, '--label', TEST_LABEL, IMAGE, 'sleep', '300']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^[0-9a-f]{64}\n$/);
    const inspected = await docker(['inspect', '--format', '{{.Id}} {{.State.Status}}', name]);
    assert.equal(inspected.stdout, `${result.stdout.trim()} running\n`);
  });

  it('run -i: piped stdin reaches the process and its end is EOF', async () => {
    const result = await gantryWithInput(
      ['run', '-i', '--rm', '--label', TEST_LABEL, IMAGE, 'sh', '-c', 'cat; echo "[eof]"'],
      'line one\nline two\n',
    );
    assert.deepEqual(result, { code: 0, stdout: 'line one\nline two\n[eof]\n', stderr: '' });
  });

  describe('exec', () => {
    const name = containerName('exec');
    before(async () => {
      const started = await docker([
        'run',
        '-d',
        '--name',
        name,
        '--label',
        TEST_LABEL,
        IMAGE,
        'sleep',
        '300',
      ]);
      assert.equal(started.code, 0, started.stderr);
    });

    it('-i: stdin piped to cat, whose EOF ends it', async () => {
      const result = await gantryWithInput(['exec', '-i', name, 'cat'], 'hello\nworld\n');
      assert.deepEqual(result, { code: 0, stdout: 'hello\nworld\n', stderr: '' });
    });

    it('-e, --env-file, -w, -u reach the process', async () => {
      const result = await gantry([
        'exec',
        '-e',
        'GREETING=hi',
        '-w',
        '/tmp',
        '-u',
        'nobody',
        name,
        'sh',
        '-c',
        'echo "$GREETING $(pwd) $(id -un)"',
      ]);
      assert.deepEqual(result, { code: 0, stdout: 'hi /tmp nobody\n', stderr: '' });
    });

    const parity: Array<{ what: string; target: () => string; command: string[] }> = [
      { what: 'exit code', target: () => name, command: ['sh', '-c', 'echo out; echo err >&2; exit 5'] },
      { what: 'command not found', target: () => name, command: ['nosuchcommand'] },
      { what: 'not executable', target: () => name, command: ['/etc'] },
      { what: 'no such container', target: () => `${name}-missing`, command: ['true'] },
    ];
    for (const c of parity) {
      it(`${c.what}: output and exit code as docker exec`, async () => {
        const args = ['exec', c.target(), ...c.command];
        const [ours, theirs] = await Promise.all([gantry(args), docker(args)]);
        assert.notEqual(theirs.code, 0);
        assert.deepEqual(ours, theirs);
      });
    }

    it('-d: starts the command and returns at once', async () => {
      const result = await gantry(['exec', '-d', name, 'sh', '-c', 'echo detached > /tmp/mark']);
      assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
      let content = '';
      for (let tries = 0; tries < 50 && content !== 'detached\n'; tries++) {
        content = (await docker(['exec', name, 'cat', '/tmp/mark'])).stdout;
        if (content !== 'detached\n') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(content, 'detached\n');
    });
  });

  it("attach: stdin to a waiting process, its output back, its exit code gantry's", async () => {
    const name = containerName('attach');
    const started = await docker([
      'run',
      '-d',
      '-i',
      '--name',
      name,
      '--label',
      TEST_LABEL,
      IMAGE,
      'sh',
      '-c',
      'read line; echo "got $line"; exit 6',
    ]);
    assert.equal(started.code, 0, started.stderr);
    // stdin stays open: the daemon closes an attach's output as soon as its stdin ends (for a
    // container without StdinOnce), so an EOF racing the echo could swallow it — for docker too.
    const result = await gantryWithInput(['attach', name], 'hi\n', { endInput: false });
    assert.deepEqual(result, { code: 6, stdout: 'got hi\n', stderr: '' });
    const stopped = await gantry(['attach', name]);
    assert.deepEqual(stopped, {
      code: 1,
      stdout: '',
      stderr: 'You cannot attach to a stopped container, start it first\n',
    });
  });

  it('start -a: stdout and stderr apart, the exit code, as docker start -a', async () => {
    const name = containerName('start');
    const made = await docker([
      'create',
      '--name',
      name,
      '--label',
      TEST_LABEL,
      IMAGE,
      'sh',
      '-c',
      'echo out; echo err >&2; exit 4',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const ours = await gantry(['start', '-a', name]);
    assert.deepEqual(ours, { code: 4, stdout: 'out\n', stderr: 'err\n' });
    assert.deepEqual(await docker(['start', '-a', name]), ours);
  });

  it('start -ai: piped stdin reaches the container', async () => {
    const name = containerName('start-i');
    const made = await docker([
      'create',
      '-i',
      '--name',
      name,
      '--label',
      TEST_LABEL,
      IMAGE,
      'sh',
      '-c',
      'cat; exit 9',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const result = await gantryWithInput(['start', '-ai', name], 'piped\n');
    assert.deepEqual(result, { code: 9, stdout: 'piped\n', stderr: '' });
  });
});

// -------------------------------------------------------------------------------------------------
// Through a terminal

const execFileAsync = promisify(execFile);
const GANTRY = `${process.execPath} -- ${GANTRY_ENTRY}`;

describe('interactive commands through a terminal (tmux)', { skip: skip || tmuxMissing }, () => {
  const terminal = new Terminal();
  before(() => terminal.start());
  after(async () => {
    await terminal.stop();
    if (created.length > 0) await docker(['rm', '-f', ...created]);
  });

  it('run -it: a shell takes typed commands; `exit 7` makes the outer shell see 7', async () => {
    const name = containerName('run-it');
    await terminal.clear();
    await terminal.type(
      `${GANTRY} run -it --rm --name ${name} --label ${TEST_LABEL} ${IMAGE} sh; echo "rc=$?"`,
    );
    await terminal.waitFor(/^\/ # $/m);
    await terminal.type('echo "sum=$((6 * 7))"; tty');
    await terminal.waitFor(/^sum=42\n\/dev\/pts\/\d+\n/m);
    await terminal.type('exit 7');
    await terminal.waitFor(/^rc=7$/m);
    assert.equal(await state(name), 'missing', '--rm removed it');
  });

  it('exec -it: the TTY has the window size, and follows a resize', async () => {
    const name = containerName('exec-it');
    const started = await docker(['run', '-d', '--name', name, '--label', TEST_LABEL, IMAGE, 'sleep', '300']);
    assert.equal(started.code, 0, started.stderr);
    await terminal.resize(100, 30);
    await terminal.clear();
    await terminal.type(`${GANTRY} exec -it ${name} sh; echo "rc=$?"`);
    await terminal.waitFor(/^\/ # $/m);
    await terminal.type('echo "size=$(stty size)"');
    await terminal.waitFor(/^size=30 100$/m);
    await terminal.resize(120, 40);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await terminal.type('echo "size=$(stty size)"');
    await terminal.waitFor(/^size=40 120$/m);
    await terminal.type('exit');
    await terminal.waitFor(/^rc=0$/m);
    await terminal.resize(100, 30);
  });

  it('run -it: ctrl-p ctrl-q detaches, exit 0, nothing printed, the container runs on', async () => {
    const name = containerName('detach');
    await terminal.clear();
    await terminal.type(
      `${GANTRY} run -it --name ${name} --label ${TEST_LABEL} ${IMAGE} sh 2>/tmp/gantry-detach-${run}; echo "rc=$?"`,
    );
    await terminal.waitFor(/^\/ # $/m);
    await terminal.type('echo still attached');
    await terminal.waitFor(/^still attached$/m);
    await terminal.press('C-p', 'C-q');
    await terminal.waitFor(/rc=0$/m);
    assert.equal(await state(name), 'running');
    const stderr = await execFileAsync('cat', [`/tmp/gantry-detach-${run}`]);
    assert.equal(stderr.stdout, '', 'docker prints nothing when run detaches');
    await execFileAsync('rm', ['-f', `/tmp/gantry-detach-${run}`]);
  });

  it('run without a TTY: Ctrl-C goes to the container (--sig-proxy), whose exit code gantry returns', async () => {
    const name = containerName('sig-proxy');
    const script = 'trap "echo got-INT; exit 9" INT; echo ready; while true; do sleep 1; done';
    await terminal.clear();
    await terminal.type(
      `${GANTRY} run --rm --name ${name} --label ${TEST_LABEL} ${IMAGE} sh -c '${script}'; echo "rc=$?"`,
    );
    await terminal.waitFor(/^ready$/m);
    await terminal.press('C-c');
    await terminal.waitFor(/got-INT\nrc=9$/m); // after the terminal's own ^C echo
  });

  it('attach --detach-keys ctrl-a,x: ctrl-p ctrl-q go to the container, ctrl-a x detaches as docker attach does', async () => {
    const name = containerName('keys');
    const started = await docker(['run', '-d', '-it', '--name', name, '--label', TEST_LABEL, IMAGE, 'sh']);
    assert.equal(started.code, 0, started.stderr);
    for (const cli of [GANTRY, DOCKER_CLI]) {
      await terminal.clear();
      await terminal.type(`${cli} attach --detach-keys ctrl-a,x ${name}; echo "rc=$?"`);
      // attach redraws the prompt (a resize nudges the shell); type once it is attached.
      await terminal.waitFor(/^\/ # $/m);
      await terminal.press('C-p', 'C-q');
      // Not detached: ctrl-p reached the shell (recalling history), so clear the line and go on.
      await terminal.press('C-u');
      await terminal.type('echo "ok-$((1 + 1))"');
      await terminal.waitFor(/^ok-2$/m);
      await terminal.press('C-a', 'x');
      const shown = await terminal.waitFor(/(read escape sequence\n)?rc=(\d+)$/m);
      assert.equal(shown[1], 'read escape sequence\n', `${cli}: the message on stderr`);
      assert.equal(shown[2], '1', `${cli}: attach exits 1 when detached`);
      assert.equal(await state(name), 'running');
    }
  });
});
