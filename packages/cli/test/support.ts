/**
 * Test helpers for the CLI: run `gantry` in-process on fake IO (unit tests, golden output), run it
 * as a real process against the harness engine (integration tests), and compare with golden files.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ConnectOptions, DockerClient } from '@gantry/engine';
import { type CliEnvironment, runCli } from '../src/cli.ts';
import type { Output } from '../src/io.ts';

export const CLI_ROOT = join(import.meta.dirname, '..');
export const GANTRY_ENTRY = join(CLI_ROOT, 'bin', 'gantry.js');
const GOLDEN_DIR = join(import.meta.dirname, 'golden');

/** A pinned "now" for golden output: 2026-01-02T03:04:05Z. */
export const FIXED_NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FakeRunOptions {
  /** What `io.client()` returns: an object with just the SDK methods the command calls. */
  readonly client?: object;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly columns?: number;
  readonly now?: number;
  /** What stdin holds, then its end (e.g. a prompt's answer); omitted: stdin never ends. */
  readonly stdin?: string;
}

/** The options `connect` was called with, per fake run (to test the global flags' mapping). */
export interface FakeRun extends Captured {
  readonly connects: ConnectOptions[];
}

/**
 * Runs `gantry <argv>` in this process: streams captured, clock pinned, and — the one fake — an
 * engine client answering with fixed data, so output is byte-for-byte reproducible (ids and times
 * from a real engine never are). Integration tests cover the real engine.
 */
export async function runFake(argv: readonly string[], options: FakeRunOptions = {}): Promise<FakeRun> {
  const stdout = capture(false);
  const stderr = capture(false);
  const connects: ConnectOptions[] = [];
  const environment: CliEnvironment = {
    stdout: stdout.output,
    stderr: stderr.output,
    stdin: options.stdin === undefined ? new PassThrough() : new PassThrough().end(options.stdin),
    env: options.env ?? {},
    signal: new AbortController().signal,
    terminalSize: () => (options.columns ? { columns: options.columns, rows: 24 } : undefined),
    now: () => options.now ?? FIXED_NOW,
    connect: async (connectOptions) => {
      connects.push(connectOptions);
      return { close: async () => undefined, ...options.client } as unknown as DockerClient;
    },
  };
  const code = await runCli(argv, environment);
  return { code, stdout: stdout.text(), stderr: stderr.text(), connects };
}

function capture(isTTY: boolean): { output: Output; text(): string } {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return {
    output: {
      write: (chunk) => chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
      isTTY,
      stream,
    },
    text: () => chunks.join(''),
  };
}

/** Runs a program to completion, capturing its output. */
export function runProcess(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** `gantry <args>` as a real process (bin/gantry.js on this Node), against the harness engine. */
export function gantry(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  // `--`: Node reads a `--env-file` anywhere in its arguments unless told where its own end.
  return runProcess(process.execPath, ['--', GANTRY_ENTRY, ...args], env);
}

/**
 * Compares with `test/golden/<name>`; `UPDATE_GOLDEN=1` rewrites the file instead (review the diff).
 * Returns the expected text for assert.equal.
 */
export function golden(name: string, actual: string): string {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  return readFileSync(path, 'utf8');
}
