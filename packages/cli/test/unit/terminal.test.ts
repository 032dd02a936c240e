/**
 * The interactive session's parts on fake streams: detach-key parsing and matching, the session pump
 * (routing, raw mode, detach, half-close), terminal-size following, and run's exit-code mapping.
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { LogFrame } from '@gantry/engine';
import { runExitCode } from '../../src/commands/container/run.ts';
import { StatusError } from '../../src/errors.ts';
import type { CommandIO, Input } from '../../src/io.ts';
import { DetachKeyMatcher, detachKeys, parseDetachKeys } from '../../src/terminal/detach-keys.ts';
import {
  followTerminalSize,
  NOT_A_TTY,
  pipeSession,
  requireTerminalInput,
  type SessionStreams,
} from '../../src/terminal/session.ts';
import { runFake } from '../support.ts';

const CTRL_P = 0x10;
const CTRL_Q = 0x11;

describe('parseDetachKeys', () => {
  const cases: Array<[string, number[]]> = [
    ['ctrl-p,ctrl-q', [CTRL_P, CTRL_Q]],
    ['ctrl-a,x', [0x01, 0x78]],
    ['ctrl-@', [0x00]],
    ['ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_', [27, 28, 29, 30, 31]],
    ['CTRL-Z', [26]],
    ['a,b,c', [0x61, 0x62, 0x63]],
  ];
  for (const [spec, bytes] of cases) {
    it(`${JSON.stringify(spec)} -> ${JSON.stringify(bytes)}`, () => {
      assert.deepEqual([...parseDetachKeys(spec)], bytes);
    });
  }
  const refused: Array<[string, string]> = [
    ['', ''],
    ['ctrl-', 'ctrl-'],
    ['ctrl-1', 'ctrl-1'],
    ['foo', 'foo'],
    ['ctrl-ab', 'ctrl-ab'],
    ['é', 'é'],
    ['ctrl-p,,ctrl-q', ''],
  ];
  for (const [spec, key] of refused) {
    it(`refuses ${JSON.stringify(spec)} with docker's message`, () => {
      assert.throws(() => parseDetachKeys(spec), { message: `Unknown character: '${key}'` });
    });
  }

  it('the flag wins, then the config file, then ctrl-p,ctrl-q; a bad one keeps its text for the engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-keys-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ detachKeys: 'ctrl-e,e' }));
    const env = { DOCKER_CONFIG: dir };
    assert.deepEqual(await detachKeys(undefined, {}), {
      text: 'ctrl-p,ctrl-q',
      bytes: Uint8Array.of(16, 17),
    });
    assert.deepEqual(await detachKeys(undefined, env), { text: 'ctrl-e,e', bytes: Uint8Array.of(5, 0x65) });
    assert.deepEqual(await detachKeys('ctrl-a,x', env), { text: 'ctrl-a,x', bytes: Uint8Array.of(1, 0x78) });
    assert.deepEqual(await detachKeys('ctrl-1', env), { text: 'ctrl-1', bytes: Uint8Array.of(16, 17) });
  });
});

describe('DetachKeyMatcher', () => {
  const scanAll = (chunks: number[][], keys = [CTRL_P, CTRL_Q]) => {
    const matcher = new DetachKeyMatcher(Uint8Array.from(keys));
    const forwarded: number[] = [];
    for (const chunk of chunks) {
      const scan = matcher.scan(Uint8Array.from(chunk));
      forwarded.push(...scan.forward);
      if (scan.detached) return { forwarded, detached: true, held: [] as number[] };
    }
    return { forwarded, detached: false, held: [...matcher.flush()] };
  };

  const cases: Array<{
    name: string;
    chunks: number[][];
    forwarded: number[];
    detached: boolean;
    held?: number[];
  }> = [
    { name: 'plain input passes', chunks: [[0x61, 0x62]], forwarded: [0x61, 0x62], detached: false },
    { name: 'keys one read each', chunks: [[0x61], [CTRL_P], [CTRL_Q]], forwarded: [0x61], detached: true },
    { name: 'keys in one read', chunks: [[0x61, CTRL_P, CTRL_Q]], forwarded: [0x61], detached: true },
    {
      name: 'input after the keys is dropped',
      chunks: [[CTRL_P, CTRL_Q, 0x62]],
      forwarded: [],
      detached: true,
    },
    {
      name: 'a lone ctrl-p reaches the process with the next key',
      chunks: [[CTRL_P], [0x61]],
      forwarded: [CTRL_P, 0x61],
      detached: false,
    },
    {
      name: 'ctrl-p ctrl-p ctrl-q: the first is input, the second starts the sequence',
      chunks: [[CTRL_P], [CTRL_P], [CTRL_Q]],
      forwarded: [CTRL_P],
      detached: true,
    },
    {
      name: 'a held ctrl-p at end of input',
      chunks: [[0x61, CTRL_P]],
      forwarded: [0x61],
      detached: false,
      held: [CTRL_P],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = scanAll(c.chunks);
      assert.deepEqual(result.forwarded, c.forwarded);
      assert.equal(result.detached, c.detached);
      if (c.held) assert.deepEqual(result.held, c.held);
    });
  }

  it('a one-key sequence detaches at once', () => {
    assert.deepEqual(scanAll([[0x61, 0x78, 0x62]], [0x78]), { forwarded: [0x61], detached: true, held: [] });
  });
});

/** A terminal-ish stdin: a PassThrough with isTTY and setRawMode recorded. */
type FakeStdin = Input & { rawModes: boolean[]; feed(bytes: number[] | string): void; end(): void };

function fakeStdin(isTTY: boolean): FakeStdin {
  const stream = new PassThrough();
  const rawModes: boolean[] = [];
  return Object.assign(stream, {
    isTTY,
    rawModes,
    setRawMode: (raw: boolean) => rawModes.push(raw),
    feed: (bytes: number[] | string) =>
      void stream.write(typeof bytes === 'string' ? bytes : Buffer.from(bytes)),
  }) as unknown as FakeStdin;
}

interface FakeIo extends CommandIO {
  readonly out: string[];
  readonly err: string[];
  readonly stdoutStream: EventEmitter;
}

function fakeIo(
  stdin: Input,
  options: { size?: { columns: number; rows: number }; env?: Record<string, string> } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutStream = new PassThrough();
  const io = {
    stdout: {
      write: (chunk: string | Uint8Array) => out.push(Buffer.from(chunk).toString()),
      isTTY: true,
      stream: stdoutStream,
    },
    stderr: {
      write: (chunk: string | Uint8Array) => err.push(Buffer.from(chunk).toString()),
      isTTY: false,
      stream: new PassThrough(),
    },
    stdin,
    env: options.env ?? {},
    signal: new AbortController().signal,
    debug: false,
    terminalSize: () => options.size,
    trapSignals: () => () => undefined,
    client: () => Promise.reject(new Error('no engine in this test')),
    now: () => 0,
    out,
    err,
    stdoutStream,
  };
  return io as unknown as FakeIo;
}

/** A session whose output the test pushes, and whose stdin records what reached the process. */
function fakeSession() {
  const frames: Array<LogFrame | 'end'> = [];
  let wake: (() => void) | undefined;
  const received: Buffer[] = [];
  let closed = false;
  const stdin = new PassThrough();
  stdin.on('data', (chunk: Buffer) => received.push(chunk));
  let stdinEnded = false;
  stdin.on('finish', () => {
    stdinEnded = true;
  });
  const session: SessionStreams = {
    output: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = frames.shift();
          if (next === 'end') return;
          if (next) {
            yield next;
            continue;
          }
          if (closed) throw new Error('socket closed');
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      },
    },
    stdin,
    close: () => {
      closed = true;
      wake?.();
    },
  };
  return {
    session,
    push(frame: LogFrame | 'end') {
      frames.push(frame);
      wake?.();
    },
    received: () => Buffer.concat(received),
    stdinEnded: () => stdinEnded,
    closed: () => closed,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const keys = Uint8Array.of(CTRL_P, CTRL_Q);

describe('pipeSession', () => {
  it('without a TTY: stdout and stderr frames where they belong, stdin forwarded, its end a half-close', async () => {
    const stdin = fakeStdin(false);
    const io = fakeIo(stdin);
    const fake = fakeSession();
    const ended = pipeSession(fake.session, io, { tty: false, stdin: true, detachKeys: keys });
    stdin.feed([0x61, CTRL_P, CTRL_Q, 0x0a]); // no TTY: the detach keys are ordinary input
    stdin.end();
    await tick();
    assert.deepEqual([...fake.received()], [0x61, CTRL_P, CTRL_Q, 0x0a]);
    assert.equal(fake.stdinEnded(), true, 'stdin EOF reaches the process');
    fake.push({ stream: 'stdout', data: Buffer.from('out\n') });
    fake.push({ stream: 'stderr', data: Buffer.from('err\n') });
    fake.push('end');
    assert.equal(await ended, 'ended');
    assert.deepEqual(io.out, ['out\n']);
    assert.deepEqual(io.err, ['err\n']);
    assert.deepEqual(stdin.rawModes, [], 'no raw mode without a TTY');
  });

  it('with a TTY: raw mode while it runs, console output to stdout, detach keys end it with the process running', async () => {
    const stdin = fakeStdin(true);
    const io = fakeIo(stdin);
    const fake = fakeSession();
    const ended = pipeSession(fake.session, io, { tty: true, stdin: true, detachKeys: keys });
    assert.deepEqual(stdin.rawModes, [true]);
    fake.push({ stream: 'console', data: Buffer.from('/ # ') });
    stdin.feed('ls\r');
    await tick();
    stdin.feed([CTRL_P]);
    await tick();
    stdin.feed([CTRL_Q, 0x62]);
    assert.equal(await ended, 'detached');
    assert.equal(fake.closed(), true, 'the connection is closed');
    assert.equal(
      fake.received().toString(),
      'ls\r',
      'neither the keys nor what followed reached the process',
    );
    assert.equal(fake.stdinEnded(), false, 'a detach is not an EOF');
    assert.deepEqual(io.out, ['/ # ']);
    assert.deepEqual(stdin.rawModes, [true, false], 'the terminal is restored');
  });

  it('with a TTY: a ctrl-p that is not followed by ctrl-q still reaches the process', async () => {
    const stdin = fakeStdin(true);
    const fake = fakeSession();
    const ended = pipeSession(fake.session, fakeIo(stdin), { tty: true, stdin: true, detachKeys: keys });
    stdin.feed([CTRL_P]);
    await tick();
    assert.deepEqual([...fake.received()], [], 'held until the next key decides');
    stdin.feed('x');
    await tick();
    assert.deepEqual([...fake.received()], [CTRL_P, 0x78]);
    fake.push('end');
    assert.equal(await ended, 'ended');
  });

  it('NORAW leaves the terminal alone; without stdin attached stdin is not read', async () => {
    const stdin = fakeStdin(true);
    const fake = fakeSession();
    const ended = pipeSession(fake.session, fakeIo(stdin, { env: { NORAW: '1' } }), {
      tty: true,
      stdin: true,
      detachKeys: keys,
    });
    fake.push('end');
    await ended;
    assert.deepEqual(stdin.rawModes, []);

    const unread = fakeStdin(true);
    const other = fakeSession();
    const done = pipeSession(other.session, fakeIo(unread), { tty: true, stdin: false, detachKeys: keys });
    unread.feed('typed');
    other.push('end');
    await done;
    assert.deepEqual(unread.rawModes, []);
    assert.equal(other.received().length, 0);
  });

  it('an output failure rejects (and the terminal is restored)', async () => {
    const stdin = fakeStdin(true);
    const fake = fakeSession();
    const ended = pipeSession(fake.session, fakeIo(stdin), { tty: true, stdin: true, detachKeys: keys });
    fake.session.close();
    await assert.rejects(ended, { message: 'socket closed' });
    assert.deepEqual(stdin.rawModes, [true, false]);
  });
});

describe('requireTerminalInput', () => {
  it("refuses -it on a stdin that is not a terminal with docker's message, exit 1", () => {
    const io = fakeIo(fakeStdin(false));
    assert.throws(
      () => requireTerminalInput(io, true, true),
      (err: unknown) => err instanceof StatusError && err.status === 1 && err.message === NOT_A_TTY,
    );
    requireTerminalInput(io, false, true);
    requireTerminalInput(io, true, false);
    requireTerminalInput(fakeIo(fakeStdin(true)), true, true);
  });
});

describe('followTerminalSize', () => {
  it('sends the size at once and on every window change, until stopped', async () => {
    let size = { columns: 100, rows: 30 };
    const io = fakeIo(fakeStdin(true));
    Object.assign(io, { terminalSize: () => size });
    const sent: Array<{ h: number; w: number }> = [];
    const stop = followTerminalSize(io, async (value) => void sent.push(value));
    await tick();
    size = { columns: 120, rows: 40 };
    io.stdoutStream.emit('resize');
    await tick();
    stop();
    io.stdoutStream.emit('resize');
    await tick();
    assert.deepEqual(sent, [
      { h: 30, w: 100 },
      { h: 40, w: 120 },
    ]);
  });

  it('nudge: one size up first, then the real one (a shell attached again redraws)', async () => {
    const io = fakeIo(fakeStdin(true), { size: { columns: 80, rows: 24 } });
    const sent: Array<{ h: number; w: number }> = [];
    const stop = followTerminalSize(io, async (value) => void sent.push(value), { nudge: true });
    await tick();
    await tick();
    stop();
    assert.deepEqual(sent, [
      { h: 25, w: 81 },
      { h: 24, w: 80 },
    ]);
  });

  it('retries a refused first resize; after ten retries says it uses the default size', async () => {
    const io = fakeIo(fakeStdin(true), { size: { columns: 80, rows: 24 } });
    let calls = 0;
    const stop = followTerminalSize(io, async () => {
      calls++;
      if (calls < 3) throw new Error('not running yet');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop();
    assert.equal(calls, 3);
    assert.deepEqual(io.err, []);

    const failing = fakeIo(fakeStdin(true), { size: { columns: 80, rows: 24 } });
    let attempts = 0;
    followTerminalSize(failing, async () => {
      attempts++;
      throw new Error('gone');
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(attempts, 11);
    assert.deepEqual(failing.err, ['failed to resize tty, using default size\n']);
  });
});

describe('run exit codes from the engine message (docker: 127 not found, 126 cannot invoke, else 125)', () => {
  const cases: Array<[string, number]> = [
    ['exec: "nosuch": executable file not found in $PATH: unknown', 127],
    ['exec: "/nonexist": stat /nonexist: no such file or directory: unknown', 127],
    ['exec: "/etc": permission denied: unknown', 126],
    ['exec: "/x": is a directory', 126],
    ['Minimum memory limit allowed is 6MB', 125],
    ['No such image: nope:latest', 125],
  ];
  for (const [message, code] of cases) {
    it(`${code}: ${message}`, () =>
      assert.equal(runExitCode(`Error response from daemon: ${message}`), code));
  }
});

describe('commands on fake IO', () => {
  it('start -a with two containers is refused as docker does', async () => {
    const result = await runFake(['start', '-a', 'one', 'two']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'you cannot start and attach multiple containers at once\n');
  });

  it('start: each name once started, then the summary of those that failed', async () => {
    const client = {
      containers: {
        start: async (name: string) => {
          if (name === 'bad') throw new StatusError(1, 'Error response from daemon: No such container: bad');
        },
      },
    };
    const result = await runFake(['start', 'a', 'bad', 'b'], { client });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'a\nb\n');
    assert.equal(
      result.stderr,
      'Error response from daemon: No such container: bad\nError: failed to start containers: bad\n',
    );
  });

  it('run -d with -a is a conflict, before anything is created', async () => {
    const result = await runFake(['run', '-d', '-a', 'stdout', 'busybox']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'conflicting options: cannot specify both --attach and --detach\n');
  });

  it('run -it on a stdin that is not a terminal: the input device is not a TTY, exit 1', async () => {
    const result = await runFake(['run', '-it', 'busybox', 'sh']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `${NOT_A_TTY}\n`);
  });

  it('run -d prints the new id and starts it without attaching', async () => {
    const calls: string[] = [];
    const client = {
      containers: {
        create: async (request: { AttachStdout?: boolean; AttachStdin?: boolean }) => {
          calls.push(`create stdout=${request.AttachStdout} stdin=${request.AttachStdin}`);
          return { Id: 'c0ffee', Warnings: [] };
        },
        beginWait: async (_id: string, options: { condition: string }) => {
          calls.push(`wait ${options.condition}`);
          return { result: new Promise(() => undefined) };
        },
        attach: async () => assert.fail('a detached run attaches nothing'),
        start: async (id: string) => void calls.push(`start ${id}`),
      },
    };
    const result = await runFake(['run', '-d', '-i', '--rm', 'busybox', 'true'], { client });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'c0ffee\n');
    assert.deepEqual(calls, ['create stdout=false stdin=false', 'wait removed', 'start c0ffee']);
  });
});
