/**
 * What the harness started, on disk, so teardown can stop it even after a crash:
 *
 * - `.gantry-test/state.json` — shared by the runs: the dockerd the harness started when no engine
 *   answered, and the engines whose swarm a test initialised. Whichever run finishes last acts on them.
 * - `<RUNS_DIR>/slot-N.json` — one per live `npm test` run on the machine: the run's pid, its paths,
 *   its registry and its second dockerd. Created with O_EXCL, so it is also the slot's lock.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRunning } from './exec.ts';
import { MAX_SLOTS, RUNS_DIR, type SlotPaths, STATE_FILE, slotPaths } from './paths.ts';

export interface HarnessDockerd {
  pid: number;
  dockerHost: string;
  /** Its extra mutual-TLS listener, `tcp://127.0.0.1:PORT`. */
  tlsHost: string;
}

export interface GlobalState {
  harnessDockerd?: HarnessDockerd;
  /** DOCKER_HOSTs whose swarm a test initialised (never one that was a swarm before). */
  swarmInitialisedByTests?: string[];
}

export interface TlsDaemonRecord {
  pid: number;
  /** Its own unix socket, `unix:///…/docker.sock`. */
  dockerHost: string;
  tlsHost: string;
}

export interface RunState {
  pid: number;
  startedAt: string;
  /** Which checkout the run belongs to: its directories are there. */
  paths: SlotPaths;
  /** Every engine the run's tests used, swept of labelled objects at teardown. */
  engines: string[];
  registryPid?: number;
  tlsDaemon?: TlsDaemonRecord;
  /** The run's `podman system service`, when the Podman pass provisioned one. */
  podmanPid?: number;
  /** The run's sshd for the ssh:// tests. */
  sshdPid?: number;
  /** The run's PostgreSQL postmaster, when it started one. */
  postgresPid?: number;
}

export function readGlobalState(): GlobalState {
  return readJson<GlobalState>(STATE_FILE) ?? {};
}

/** Read-modify-write of state.json; the rename makes each write atomic for concurrent readers. */
export function updateGlobalState(change: (state: GlobalState) => void): void {
  const state = readGlobalState();
  change(state);
  writeJsonAtomically(STATE_FILE, state);
}

export function writeRunState(paths: SlotPaths, state: RunState): void {
  writeJsonAtomically(paths.runFile, state);
}

export interface Slot {
  paths: SlotPaths;
  state: RunState;
}

/**
 * Takes the first free slot. A slot whose run died without tearing down (SIGKILL, a crash) is cleaned
 * by `reclaim` and then taken.
 */
export async function acquireSlot(
  reclaim: (paths: SlotPaths, stale: RunState) => Promise<void>,
): Promise<Slot> {
  mkdirSync(RUNS_DIR, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const paths = slotPaths(slot);
    const state: RunState = { pid: process.pid, startedAt: new Date().toISOString(), paths, engines: [] };
    if (tryCreate(paths.runFile, state)) return { paths, state };
    const holder = readJson<RunState>(paths.runFile);
    if (holder && isRunning(holder.pid, 'node')) continue;
    if (holder) await reclaim(holder.paths, holder);
    unlinkQuietly(paths.runFile);
    if (tryCreate(paths.runFile, state)) return { paths, state };
  }
  throw new Error(`all ${MAX_SLOTS} harness slots are taken by live test runs (see ${RUNS_DIR})`);
}

export function releaseSlot(paths: SlotPaths): void {
  unlinkQuietly(paths.runFile);
}

/** Live test runs other than this one: while any is running, machine-wide cleanup must wait. */
export function otherLiveRuns(): RunState[] {
  return readdirSync(RUNS_DIR)
    .filter((name) => /^slot-\d+\.json$/.test(name))
    .map((name) => readJson<RunState>(join(RUNS_DIR, name)))
    .filter((run): run is RunState => !!run && run.pid !== process.pid && isRunning(run.pid, 'node'));
}

function tryCreate(path: string, state: RunState): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined; // missing, or caught half-written by a crash: treated as absent
  }
}

function writeJsonAtomically(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
