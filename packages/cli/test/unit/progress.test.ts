/**
 * The progress renderer against the docker CLI's own output. test/golden/progress/ holds message
 * streams recorded from the engine (`pull.jsonl`: a pull with a layer already present, two layers
 * downloaded and extracted, plus a layer of unknown size; `push.jsonl`) and what docker 28 printed
 * for exactly those streams (replayed to it by a fake engine) on a 120- and an 80-column terminal
 * (`script`, `stty -onlcr`) and into a pipe. gantry must print the same bytes: the redraws (cursor
 * up, erase line, cursor down), the bars (only above 110 columns) and the plain status lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { DockerClient, JsonMessage } from '@gantry/engine';
import { type CliEnvironment, runCli } from '../../src/cli.ts';
import { goDuration, ProgressRenderer, progressText } from '../../src/output/progress.ts';

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'progress');
const read = (name: string) => readFileSync(join(GOLDEN, name), 'utf8');
const messages = (name: string): JsonMessage[] =>
  read(name)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonMessage);

/** What the renderer writes for `stream`, on a terminal of `width` columns or (`undefined`) a pipe. */
function render(stream: readonly JsonMessage[], width: number | undefined): string {
  let text = '';
  const renderer = new ProgressRenderer(
    { write: (chunk) => (text += String(chunk)), isTTY: width !== undefined },
    { width, now: () => 0 },
  );
  for (const message of stream) renderer.render(message);
  return text;
}

/** docker's pull output ends with the reference, which `pull` (not the renderer) prints. */
const withoutLastLine = (text: string) => text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);

describe('progress renderer: byte for byte what docker 28 prints', () => {
  const cases = [
    {
      name: 'pull, 120-column terminal: bars, redrawn in place',
      stream: 'pull.jsonl',
      width: 120,
      docker: 'docker-pull-tty-120.txt',
      pull: true,
    },
    {
      name: 'pull, 80-column terminal: counts only',
      stream: 'pull.jsonl',
      width: 80,
      docker: 'docker-pull-tty-80.txt',
      pull: true,
    },
    {
      name: 'pull, not a terminal: status changes only',
      stream: 'pull.jsonl',
      width: undefined,
      docker: 'docker-pull-plain.txt',
      pull: true,
    },
    {
      name: 'push, terminal',
      stream: 'push.jsonl',
      width: 120,
      docker: 'docker-push-tty-120.txt',
      pull: false,
    },
    {
      name: 'push, not a terminal',
      stream: 'push.jsonl',
      width: undefined,
      docker: 'docker-push-plain.txt',
      pull: false,
    },
  ];
  for (const test of cases) {
    it(test.name, () => {
      const expected = read(test.docker);
      assert.equal(
        render(messages(test.stream), test.width),
        test.pull ? withoutLastLine(expected) : expected,
      );
    });
  }

  it('a scripted sequence: new ids open lines, updates move up to theirs, an id-less line ends the block', () => {
    const script: JsonMessage[] = [
      { status: 'Pulling from team/app', id: '1' },
      { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa' },
      { status: 'Pulling fs layer', progressDetail: {}, id: 'bbb' },
      { status: 'Downloading', progressDetail: { current: 1_200_000, total: 3_400_000 }, id: 'aaa' },
      { status: 'Pull complete', progressDetail: {}, id: 'bbb' },
      { status: 'Digest: sha256:0' },
      { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa' },
    ];
    const up = (n: number) => `\x1b[${n}A`;
    const down = (n: number) => `\x1b[${n}B`;
    const erase = '\x1b[2K\r';
    assert.equal(
      render(script, 120),
      '1: Pulling from team/app\n' +
        `\n${up(1)}${erase}aaa: Pulling fs layer \r${down(1)}` +
        `\n${up(1)}${erase}bbb: Pulling fs layer \r${down(1)}` +
        `${up(2)}${erase}aaa: Downloading [=================>                                 ]    1.2MB/3.4MB\r${down(2)}` +
        `${up(1)}${erase}bbb: Pull complete \r${down(1)}` +
        'Digest: sha256:0\n' +
        // After an id-less line the old ids are forgotten: `aaa` opens a new line below.
        `\n${up(1)}${erase}aaa: Pulling fs layer \r${down(1)}`,
    );
    assert.equal(
      render(script, undefined),
      '1: Pulling from team/app\naaa: Pulling fs layer\nbbb: Pulling fs layer\nbbb: Pull complete\nDigest: sha256:0\naaa: Pulling fs layer\n',
    );
  });

  it('build output (stream text) is written as it comes, aux messages go to onAux', () => {
    const seen: unknown[] = [];
    let text = '';
    const renderer = new ProgressRenderer(
      { write: (chunk) => (text += String(chunk)), isTTY: true },
      { onAux: (aux) => seen.push(aux) },
    );
    renderer.render({ stream: 'Step 1/2 : FROM busybox\n' });
    renderer.render({ stream: ' ---> 7ec862358cc7\n' });
    renderer.render({ aux: { ID: 'sha256:1' } });
    assert.equal(text, 'Step 1/2 : FROM busybox\n ---> 7ec862358cc7\n');
    assert.deepEqual(seen, [{ ID: 'sha256:1' }]);
  });
});

describe('progressText (docker JSONProgress.String)', () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 10);
  const start = Date.UTC(2026, 0, 1, 0, 0, 0) / 1000;
  const table: Array<[string, Parameters<typeof progressText>[0], number, string]> = [
    ['nothing yet', { current: 0, total: 0 }, 120, ''],
    ['unknown total', { current: 1_234_567 }, 120, ' 1.235MB'],
    ['narrow: no bar', { current: 500, total: 1000 }, 80, '    500B/1kB'],
    ['full bar', { current: 1000, total: 1000 }, 120, `[${'='.repeat(50)}>] ${'1kB'.padStart(8)}/1kB`],
    ['current beyond total: total dropped', { current: 2000, total: 1000 }, 80, '     2kB'],
    ['other units', { current: 3, total: 10, units: 'layers' }, 80, '3/10 layers'],
    [
      'hidden counts',
      { current: 5, total: 10, hidecounts: true },
      120,
      `[${'='.repeat(25)}>${' '.repeat(25)}] `,
    ],
    // 250 of 1000 in 10 s: 30 s left.
    ['time left from start', { current: 250, total: 1000, start }, 80, '    250B/1kB 30s'],
    ['no time left on tiny terminals', { current: 250, total: 1000, start }, 40, '    250B/1kB'],
  ];
  for (const [name, detail, width, expected] of table) {
    it(name, () => assert.equal(progressText(detail, width, now), expected));
  }
  it('goDuration', () => {
    assert.deepEqual([0, 5, 65, 3_603].map(goDuration), ['0s', '5s', '1m5s', '1h0m3s']);
  });
});

describe('gantry pull on a terminal', () => {
  it('prints what docker prints: the redrawn layers, then the reference', async () => {
    const stream = messages('pull.jsonl');
    let asked: unknown[] = [];
    const client = {
      close: async () => undefined,
      images: {
        pull: (...args: unknown[]) => {
          asked = args;
          return {
            async *messages() {
              yield* stream;
            },
            wait: async () => ({}),
          };
        },
      },
    } as unknown as DockerClient;
    let text = '';
    const output = (isTTY: boolean) => ({
      write: (chunk: string | Uint8Array) => {
        if (isTTY) text += String(chunk);
      },
      isTTY,
      stream: new PassThrough(),
    });
    const environment: CliEnvironment = {
      stdout: output(true),
      stderr: output(false),
      stdin: new PassThrough(),
      env: {},
      signal: new AbortController().signal,
      terminalSize: () => ({ columns: 120, rows: 40 }),
      now: () => 0,
      connect: async () => client,
    };
    const code = await runCli(['pull', '127.0.0.1:45123/gantry-test/exp:1'], environment);
    assert.equal(code, 0);
    assert.equal(text, read('docker-pull-tty-120.txt'));
    assert.equal(asked[0], '127.0.0.1:45123/gantry-test/exp:1');
  });
});
