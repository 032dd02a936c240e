/**
 * Running programs: argv arrays only (never a shell), asynchronous so SIGINT/SIGTERM handlers still run
 * while apt-get or docker push is busy, and helpers to start, find and stop the long-lived processes
 * the harness owns.
 */
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants as osConstants } from 'node:os';
import { basename, delimiter, join } from 'node:path';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to the program's stdin, then stdin is closed (passwords travel this way, not in argv). */
  input?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a program to completion and reports its exit code and output, whatever the code. */
export function tryRun(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? 128 + (signal ? osConstants.signals[signal] : 0),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => {}); // the program may exit without reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a program and returns its stdout; a non-zero exit throws with the command and its output's tail. */
export async function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await tryRun(command, args, options);
  if (result.code !== 0) {
    const output = tail(`${result.stdout}\n${result.stderr}`.trim(), 30);
    throw new Error(`\`${[command, ...args].join(' ')}\` exited with ${result.code}\n${output}`);
  }
  return result.stdout;
}

/** The last `lines` lines of a text, for error messages that point at the cause without flooding. */
export function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

export function tailOfFile(path: string, lines = 30): string {
  return existsSync(path) ? tail(readFileSync(path, 'utf8').trimEnd(), lines) : `(no ${path})`;
}

/** Like `command -v`: the executable's path in PATH, or undefined. */
export function findInPath(name: string): string | undefined {
  // Root's PATH normally has the sbin directories, but a sudo-less CI shell may not: dockerd lives there.
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: keep looking
    }
  }
  return undefined;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a long-lived process in its own session (detached): a Ctrl-C in the terminal reaches the test
 * runner, whose handler then stops these in order, instead of killing dockerd mid-flight. Its output
 * goes to `logFile`; the caller records the pid in a state file so even a later run can stop it.
 */
export function spawnDetached(
  command: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, env, stdio: ['ignore', log, log] });
    child.on('error', () => {}); // surfaced by the caller's readiness check and the log
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** argv of a live process, or undefined when it is gone (a zombie counts as gone). */
export function processArgv(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is alive and still runs `program`: pids get reused, so a pid from an old state file is
 * only ours if the program matches.
 */
export function isRunning(pid: number, program: string): boolean {
  const argv = processArgv(pid);
  return argv?.[0] !== undefined && basename(argv[0]) === program;
}

/** SIGTERM, a grace period, then SIGKILL: resolves once the process is gone. */
export async function stopProcess(pid: number, program: string, graceMs = 15_000): Promise<void> {
  if (!isRunning(pid, program)) return;
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) throw new Error(`${program} (pid ${pid}) survived SIGKILL`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processArgv(pid) !== undefined) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Polls `ready` until it holds. `failed` is asked on every round, so a process that died at start-up
 * fails the wait at once with its reason instead of after the whole timeout.
 */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  failed: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready()) return;
    const reason = failed();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}
