/**
 * The bench cases. Each case has one runner per implementation — Gantry (`@gantry/engine`),
 * dockerode, and the raw-socket baseline — doing the same work against the same engine, the way a
 * user of that library would write it.
 */
import { Writable } from 'node:stream';
import type { DockerClient } from '@gantry/engine';
import type Dockerode from 'dockerode';
import { RAW_API } from './fixtures.ts';
import { DemuxCounter, hijack, type RawConnection, type RawEndpoint, readToEnd } from './raw-client.ts';
import { type Sample, timeConcurrent, timeSequential } from './stats.ts';

export const IMPLS = ['gantry', 'dockerode', 'raw'] as const;
export type Impl = (typeof IMPLS)[number];

export const IMPL_NAMES: Record<Impl, string> = {
  gantry: 'Gantry',
  dockerode: 'dockerode',
  raw: 'raw socket',
};

/** A goal from the issue, checked on the medians. */
export type Target =
  | { readonly kind: 'vs-raw'; readonly min: number; readonly text: string }
  | { readonly kind: 'vs-dockerode'; readonly min: number; readonly text: string };

export interface Runner {
  /** Untimed calls before a measured run (warms the JIT and the connections). */
  warmup(): Promise<void>;
  run(): Promise<Sample>;
}

export interface BenchCase {
  readonly id: string;
  readonly title: string;
  /** What the throughput column means. */
  readonly unit: 'ops/s' | 'MB/s';
  /** Whether per-operation latencies are meaningful. */
  readonly latency: boolean;
  readonly rounds: number;
  readonly params: Readonly<Record<string, number | string>>;
  readonly target?: Target;
  readonly runners: Record<Impl, Runner>;
  /** Checks the implementations did the same work; returns problems (empty = consistent). */
  check?(samples: Readonly<Record<Impl, readonly Sample[]>>): string[];
  /** Releases what the case opened (extra raw sockets). */
  close?(): void;
}

/** The clients under test, shared by all cases. */
export interface Clients {
  readonly gantry: DockerClient;
  readonly dockerode: Dockerode;
  readonly endpoint: RawEndpoint;
  /** A keep-alive raw connection for sequential raw cases. */
  readonly raw: RawConnection;
}

const PING_TARGET: Target = { kind: 'vs-raw', min: 0.95, text: 'Gantry >= 0.95x raw' };

function repeat(n: number, fn: () => Promise<unknown>): Promise<void> {
  return timeSequential(n, fn).then(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// 1. _ping, sequential

async function rawPing(conn: RawConnection): Promise<string> {
  const res = await conn.request('GET', `${RAW_API}/_ping`);
  if (res.status !== 200) throw new Error(`bench: raw _ping -> ${res.status}`);
  return res.body.toString('latin1');
}

function assertOk(value: unknown, who: string): void {
  const text = Buffer.isBuffer(value)
    ? value.toString('utf8')
    : typeof value === 'string'
      ? value
      : undefined;
  // Gantry's ping may answer an object (status plus the headers it reads); "OK" or truthy is success.
  if (text !== undefined ? text !== 'OK' : !value)
    throw new Error(`bench: ${who} ping answered ${String(value)}`);
}

export function pingSequential(c: Clients, n: number, warmup: number, rounds: number): BenchCase {
  const runner = (call: () => Promise<unknown>, who: string): Runner => ({
    warmup: async () => {
      assertOk(await call(), who);
      await repeat(warmup, call);
    },
    run: () => timeSequential(n, call),
  });
  return {
    id: 'ping-seq',
    title: '_ping, sequential',
    unit: 'ops/s',
    latency: true,
    rounds,
    params: { requests: n, warmup },
    target: PING_TARGET,
    runners: {
      gantry: runner(() => c.gantry.system.ping(), 'Gantry'),
      dockerode: runner(() => c.dockerode.ping(), 'dockerode'),
      raw: runner(() => rawPing(c.raw), 'raw'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. _ping, N in flight

export function pingConcurrent(
  c: Clients,
  n: number,
  workers: number,
  warmup: number,
  rounds: number,
): BenchCase {
  // The raw baseline pins one persistent socket per worker.
  const conns = Array.from({ length: workers }, () => c.raw.fork());
  const runner = (call: (worker: number) => Promise<unknown>): Runner => ({
    warmup: () => timeConcurrent(warmup, workers, call).then(() => undefined),
    run: () => timeConcurrent(n, workers, call),
  });
  return {
    id: 'ping-concurrent',
    title: `_ping, ${workers} in flight`,
    unit: 'ops/s',
    latency: true,
    rounds,
    params: { requests: n, workers, warmup },
    target: PING_TARGET,
    runners: {
      gantry: runner(() => c.gantry.system.ping()),
      dockerode: runner(() => c.dockerode.ping()),
      raw: runner((w) => rawPing(conns[w] as RawConnection)),
    },
    close: () => {
      for (const conn of conns) conn.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. list containers

export function listContainers(
  c: Clients,
  ours: readonly string[],
  n: number,
  warmup: number,
  rounds: number,
): BenchCase {
  const check = (list: readonly { Id?: string }[], who: string) => {
    const ids = new Set(list.map((x) => x.Id));
    const missing = ours.filter((id) => !ids.has(id));
    if (missing.length)
      throw new Error(`bench: ${who} list misses ${missing.length} of the bench's containers`);
  };
  const runner = (call: () => Promise<readonly { Id?: string }[]>, who: string): Runner => ({
    warmup: async () => {
      check(await call(), who);
      await repeat(warmup, call);
    },
    run: () => timeSequential(n, call),
  });
  return {
    id: 'list',
    title: `list containers (all, ${ours.length}+ containers)`,
    unit: 'ops/s',
    latency: true,
    rounds,
    params: { requests: n, warmup, containers: ours.length },
    runners: {
      gantry: runner(() => c.gantry.containers.list({ all: true }), 'Gantry'),
      dockerode: runner(() => c.dockerode.listContainers({ all: true }), 'dockerode'),
      raw: runner(async () => {
        const res = await c.raw.request('GET', `${RAW_API}/containers/json?all=1`);
        if (res.status !== 200) throw new Error(`bench: raw list -> ${res.status}`);
        return JSON.parse(res.body.toString('utf8')) as { Id: string }[];
      }, 'raw'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 4. log demux throughput

interface LogCount {
  stdout: number;
  stderr: number;
}

/** A Writable that only counts what it is given. */
function countingSink(count: LogCount, key: keyof LogCount): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      count[key] += chunk.length;
      callback();
    },
  });
}

export function logThroughput(
  c: Clients,
  containerId: string,
  expected: LogCount,
  rounds: number,
): BenchCase {
  const timed = async (read: () => Promise<LogCount & { frames?: number }>): Promise<Sample> => {
    const start = performance.now();
    const count = await read();
    const seconds = (performance.now() - start) / 1000;
    const detail: Record<string, number> = { stdout: count.stdout, stderr: count.stderr };
    if (count.frames !== undefined) detail.frames = count.frames;
    return { ops: 1, seconds, bytes: count.stdout + count.stderr, detail };
  };
  const none = async () => {};
  return {
    id: 'logs',
    title: `log demux, ${((expected.stdout + expected.stderr) / 2 ** 20).toFixed(0)} MiB non-TTY log`,
    unit: 'MB/s',
    latency: false,
    rounds,
    params: { stdoutBytes: expected.stdout, stderrBytes: expected.stderr, lineBytes: 65 },
    target: { kind: 'vs-raw', min: 0.95, text: 'Gantry >= 0.95x raw' },
    runners: {
      gantry: {
        warmup: none,
        run: () =>
          timed(async () => {
            const count = { stdout: 0, stderr: 0, frames: 0 };
            for await (const f of c.gantry.containers.logs(containerId, { stdout: true, stderr: true })) {
              if (f.stream === 'stderr') count.stderr += f.data.length;
              else count.stdout += f.data.length;
              count.frames++;
            }
            return count;
          }),
      },
      dockerode: {
        warmup: none,
        run: () =>
          timed(async () => {
            // With follow: false dockerode buffers the whole log into one Buffer; follow: true is
            // how its users get a stream (the container has exited, so the stream ends).
            const stream = (await c.dockerode
              .getContainer(containerId)
              .logs({ stdout: true, stderr: true, follow: true })) as NodeJS.ReadableStream;
            const count = { stdout: 0, stderr: 0 };
            await new Promise<void>((resolve, reject) => {
              stream.on('end', resolve);
              stream.on('error', reject);
              c.dockerode.modem.demuxStream(
                stream,
                countingSink(count, 'stdout'),
                countingSink(count, 'stderr'),
              );
            });
            return count;
          }),
      },
      raw: {
        warmup: none,
        run: () =>
          timed(async () => {
            const counter = new DemuxCounter();
            const conn = c.raw.fork();
            try {
              const head = await conn.stream(
                'GET',
                `${RAW_API}/containers/${containerId}/logs?stdout=1&stderr=1`,
                undefined,
                counter.push,
              );
              if (head.status !== 200) throw new Error(`bench: raw logs -> ${head.status}`);
            } finally {
              conn.close();
            }
            if (!counter.complete) throw new Error('bench: raw logs ended inside a frame');
            return { stdout: counter.stdout, stderr: counter.stderr, frames: counter.frames };
          }),
      },
    },
    check(samples) {
      const problems: string[] = [];
      for (const impl of IMPLS) {
        for (const s of samples[impl]) {
          const d = s.detail ?? {};
          if (d.stdout !== expected.stdout || d.stderr !== expected.stderr) {
            problems.push(
              `${IMPL_NAMES[impl]} counted stdout ${d.stdout} / stderr ${d.stderr}, expected ${expected.stdout} / ${expected.stderr}`,
            );
          }
        }
      }
      return problems;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 5. exec round trip

const EXEC_CONFIG = { Cmd: ['true'], AttachStdout: true, AttachStderr: true };

export function execRoundTrip(
  c: Clients,
  containerId: string,
  n: number,
  warmup: number,
  rounds: number,
): BenchCase {
  const container = c.dockerode.getContainer(containerId);
  const gantry = async () => {
    const { Id } = await c.gantry.exec.create(containerId, EXEC_CONFIG);
    // Tty given, as the SDK docs advise: without it an API < 1.42 daemon costs one more inspect.
    const session = await c.gantry.exec.start(Id, { Tty: false });
    for await (const _ of session.output) {
      // `true` prints nothing; draining is what waits for the process to end.
    }
    const code = await session.exitCode();
    if (code !== 0) throw new Error(`bench: Gantry exec exited with ${code}`);
  };
  const dockerode = async () => {
    const exec = await container.exec(EXEC_CONFIG);
    const stream = await exec.start({ hijack: true, stdin: false });
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('error', reject);
      stream.resume();
    });
    const info = await exec.inspect();
    if (info.ExitCode !== 0) throw new Error(`bench: dockerode exec exited with ${info.ExitCode}`);
  };
  const raw = async () => {
    const { Id } = await c.raw.json<{ Id: string }>(
      'POST',
      `${RAW_API}/containers/${containerId}/exec`,
      EXEC_CONFIG,
    );
    const conn = await hijack(c.endpoint, 'POST', `${RAW_API}/exec/${Id}/start`, {
      Detach: false,
      Tty: false,
    });
    const counter = new DemuxCounter();
    await readToEnd(conn, counter.push);
    const info = await c.raw.json<{ ExitCode: number | null }>('GET', `${RAW_API}/exec/${Id}/json`);
    if (info.ExitCode !== 0) throw new Error(`bench: raw exec exited with ${info.ExitCode}`);
  };
  const runner = (call: () => Promise<void>): Runner => ({
    warmup: () => repeat(warmup, call),
    run: () => timeSequential(n, call),
  });
  return {
    id: 'exec',
    title: 'exec round trip (`true`)',
    unit: 'ops/s',
    latency: true,
    rounds,
    params: { execs: n, warmup },
    target: { kind: 'vs-dockerode', min: 1, text: 'Gantry no slower than dockerode' },
    runners: { gantry: runner(gantry), dockerode: runner(dockerode), raw: runner(raw) },
  };
}
