/**
 * What the bench creates on the engine, and its removal. Everything goes through the raw client
 * (not the SDK under test) and carries `io.gantry.test=1` — the label the test harness sweeps —
 * plus `io.gantry.bench=<run id>`, by which {@link Fixtures.cleanup} finds leftovers of this run.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_SLOTS, RUNS_DIR, slotPaths } from '../test/harness/paths.ts';
import type { RawConnection } from './raw-client.ts';

export const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
export const BENCH_LABEL = 'io.gantry.bench';
/** The harness's busybox image (`sh`, `sleep`, `yes`, `head`, `true`). */
export const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
/** API version of every raw request: the oldest the SDK supports, which every engine it targets speaks. */
export const RAW_API = '/v1.41';

const HARNESS_IMAGE_MODULE = join(import.meta.dirname, '..', 'test', 'harness', 'image.ts');

/** A line of `yes` output: 64 characters and a newline, so every log frame carries 65 payload bytes. */
const LINE = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/**
 * Holds a slot of the test harness while the bench has objects on the engine. A test run sweeps
 * everything labelled `io.gantry.test` when it ends — unless another live run holds a slot — so
 * without this an `npm test` finishing mid-bench would remove the bench's containers. The bench
 * takes a free slot the way a run does (a run file with its pid) but never reclaims a stale one
 * (that is the harness's job); a run file the bench leaves behind after a crash is reclaimed by
 * the next test run like any dead run's. Returns the release function.
 */
export function holdHarnessSlot(): () => void {
  try {
    mkdirSync(RUNS_DIR, { recursive: true });
  } catch {
    return () => {};
  }
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const paths = slotPaths(slot);
    const state = { pid: process.pid, startedAt: new Date().toISOString(), paths, engines: [], bench: true };
    try {
      writeFileSync(paths.runFile, `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx' });
    } catch {
      continue;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        unlinkSync(paths.runFile);
      } catch {
        // already gone
      }
    };
  }
  console.error('bench: no free test-harness slot — a test run ending now may sweep the bench containers');
  return () => {};
}

export class Fixtures {
  readonly runId = randomBytes(4).toString('hex');
  readonly #conn: RawConnection;
  readonly #containers = new Set<string>();
  #cleaned: Promise<void> | undefined;

  constructor(conn: RawConnection) {
    this.#conn = conn;
  }

  get labels(): Record<string, string> {
    return { [TEST_LABEL]: '1', [BENCH_LABEL]: this.runId };
  }

  /**
   * Makes sure the test image exists: builds it with `ensureTestImage` from test/harness/image.ts
   * (a static busybox imported with the docker CLI) when it is missing, or fails saying what to do.
   */
  async ensureImage(dockerHost: string): Promise<void> {
    if (await this.#imageExists()) return;
    const mod = existsSync(HARNESS_IMAGE_MODULE)
      ? ((await import(HARNESS_IMAGE_MODULE)) as {
          ensureTestImage?: (dockerHosts: string[]) => Promise<void>;
        })
      : {};
    const hint = 'run `npm test` once (it builds the test image), then rerun the bench';
    if (typeof mod.ensureTestImage !== 'function') {
      throw new Error(`bench: the test image ${TEST_IMAGE} is missing — ${hint}`);
    }
    console.error(`bench: ${TEST_IMAGE} is missing: building it with test/harness/image.ts`);
    try {
      await mod.ensureTestImage([dockerHost]);
    } catch (err) {
      throw new Error(`bench: building ${TEST_IMAGE} failed (${(err as Error).message}) — ${hint}`, {
        cause: err,
      });
    }
    if (!(await this.#imageExists())) throw new Error(`bench: ${TEST_IMAGE} is still missing — ${hint}`);
  }

  /** Creates and starts `count` labelled containers that sleep, `parallel` at a time. Returns their ids. */
  async idleContainers(count: number, parallel = 4): Promise<string[]> {
    const ids: string[] = [];
    let next = 0;
    const worker = async (conn: RawConnection) => {
      while (next < count) {
        const i = next++;
        const id = await this.#create(conn, `gantry-bench-${this.runId}-idle-${i}`, {
          Image: TEST_IMAGE,
          Cmd: ['sleep', '3600'],
          Labels: this.labels,
          HostConfig: { NetworkMode: 'none' },
        });
        await this.#start(conn, id);
        ids.push(id);
      }
    };
    const conns = Array.from({ length: Math.min(parallel, count) }, () => this.#conn.fork());
    try {
      await Promise.all(conns.map(worker));
    } finally {
      for (const conn of conns) conn.close();
    }
    return ids;
  }

  /**
   * Runs a container that writes `stdoutBytes` to stdout then `stderrBytes` to stderr (lines of
   * 65 bytes, the last one cut) and waits for it to exit. The json-file driver is pinned with a
   * size cap above the log, so a daemon-wide rotation setting cannot truncate it.
   */
  async logContainer(stdoutBytes: number, stderrBytes: number): Promise<{ id: string; seconds: number }> {
    const script = `yes ${LINE} | head -c ${stdoutBytes}; yes ${LINE.toUpperCase()} | head -c ${stderrBytes} >&2`;
    const id = await this.#create(this.#conn, `gantry-bench-${this.runId}-logs`, {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', script],
      Labels: this.labels,
      HostConfig: {
        NetworkMode: 'none',
        LogConfig: {
          Type: 'json-file',
          Config: { 'max-size': `${Math.ceil((stdoutBytes + stderrBytes) / 1e6) * 4 + 16}m` },
        },
      },
    });
    const started = performance.now();
    await this.#start(this.#conn, id);
    const result = await this.#conn.json<{ StatusCode: number }>('POST', `${RAW_API}/containers/${id}/wait`);
    const seconds = (performance.now() - started) / 1000;
    if (result.StatusCode !== 0) throw new Error(`bench: the log writer exited with ${result.StatusCode}`);
    return { id, seconds };
  }

  /** Removes every container this run created (force, with volumes), also ones it lost track of. */
  cleanup(): Promise<void> {
    this.#cleaned ??= this.#cleanup();
    return this.#cleaned;
  }

  async #cleanup(): Promise<void> {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${BENCH_LABEL}=${this.runId}`] }));
    const errors: string[] = [];
    try {
      const listed = await this.#conn.json<{ Id: string }[]>(
        'GET',
        `${RAW_API}/containers/json?all=1&filters=${filters}`,
      );
      for (const c of listed) this.#containers.add(c.Id);
    } catch (err) {
      errors.push((err as Error).message);
    }
    for (const id of this.#containers) {
      try {
        const res = await this.#conn.request('DELETE', `${RAW_API}/containers/${id}?force=1&v=1`);
        if (res.status >= 400 && res.status !== 404)
          errors.push(`remove ${id.slice(0, 12)}: ${res.status} ${res.body}`);
        else this.#containers.delete(id);
      } catch (err) {
        errors.push(`remove ${id.slice(0, 12)}: ${(err as Error).message}`);
      }
    }
    if (errors.length) {
      console.error(
        `bench: cleanup incomplete (remove leftovers with label ${BENCH_LABEL}=${this.runId}):\n  ${errors.join('\n  ')}`,
      );
    }
  }

  async #create(conn: RawConnection, name: string, body: unknown): Promise<string> {
    const res = await conn.request(
      'POST',
      `${RAW_API}/containers/create?name=${encodeURIComponent(name)}`,
      body,
    );
    if (res.status >= 400)
      throw new Error(`bench: create ${name} -> ${res.status} ${res.body.toString('utf8').trim()}`);
    const { Id } = JSON.parse(res.body.toString('utf8')) as { Id: string };
    this.#containers.add(Id);
    return Id;
  }

  async #start(conn: RawConnection, id: string): Promise<void> {
    const res = await conn.request('POST', `${RAW_API}/containers/${id}/start`);
    if (res.status >= 400)
      throw new Error(`bench: start ${id.slice(0, 12)} -> ${res.status} ${res.body.toString('utf8').trim()}`);
  }

  async #imageExists(): Promise<boolean> {
    const res = await this.#conn.request('GET', `${RAW_API}/images/${encodeURIComponent(TEST_IMAGE)}/json`);
    if (res.status === 404) return false;
    if (res.status >= 400)
      throw new Error(`bench: inspect ${TEST_IMAGE} -> ${res.status} ${res.body.toString('utf8').trim()}`);
    return true;
  }
}
