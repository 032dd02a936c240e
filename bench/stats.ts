/** Timing helpers and small statistics for the bench. */

/** What one measured run of one implementation produced. */
export interface Sample {
  /** Operations completed (requests, exec round trips, log reads). */
  readonly ops: number;
  /** Wall time of the measured part, in seconds. */
  readonly seconds: number;
  /** Per-operation latency in milliseconds, when the case is latency-shaped. */
  readonly latenciesMs?: Float64Array;
  /** Payload bytes moved (throughput cases). */
  readonly bytes?: number;
  /** Case-specific counters reported in the JSON (e.g. stdout / stderr bytes, frames). */
  readonly detail?: Readonly<Record<string, number>>;
  /** CPU time this process used during the run (user + system), in milliseconds; set by the runner loop. */
  readonly cpuMs?: number;
}

/** The figures derived from one sample. */
export interface SampleSummary {
  readonly opsPerSec: number;
  readonly mbPerSec?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly meanMs?: number;
  readonly ops: number;
  readonly seconds: number;
  readonly bytes?: number;
  readonly detail?: Readonly<Record<string, number>>;
  /** Client CPU (this process, user + system) per operation, in microseconds. */
  readonly cpuUsPerOp?: number;
  /** Client CPU per MB of payload, in milliseconds (throughput cases). */
  readonly cpuMsPerMB?: number;
  /** Client CPU time over wall time: 1 = one core busy the whole run. */
  readonly cpuLoad?: number;
}

/** 1 MB = 10^6 bytes, the unit of every MB/s figure. */
export const MB = 1_000_000;

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2
    ? (finite[mid] as number)
    : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

export function summarize(sample: Sample): SampleSummary {
  const base = {
    opsPerSec: sample.ops / sample.seconds,
    ops: sample.ops,
    seconds: sample.seconds,
    ...(sample.bytes !== undefined
      ? { bytes: sample.bytes, mbPerSec: sample.bytes / MB / sample.seconds }
      : {}),
    ...(sample.detail ? { detail: sample.detail } : {}),
    ...(sample.cpuMs !== undefined
      ? {
          cpuUsPerOp: (sample.cpuMs * 1000) / sample.ops,
          cpuLoad: sample.cpuMs / 1000 / sample.seconds,
          ...(sample.bytes ? { cpuMsPerMB: sample.cpuMs / (sample.bytes / MB) } : {}),
        }
      : {}),
  };
  const lat = sample.latenciesMs;
  if (!lat || lat.length === 0) return base;
  const sorted = Float64Array.from(lat).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    ...base,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sum / sorted.length,
  };
}

/** Runs a measured run and adds the CPU time this process spent during it. */
export async function withCpu(run: () => Promise<Sample>): Promise<Sample> {
  const before = process.cpuUsage();
  const sample = await run();
  const used = process.cpuUsage(before);
  return { ...sample, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs `fn` `n` times one after the other, timing each call. */
export async function timeSequential(n: number, fn: (i: number) => Promise<unknown>): Promise<Sample> {
  const latencies = new Float64Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    latencies[i] = performance.now() - t;
  }
  return { ops: n, seconds: (performance.now() - start) / 1000, latenciesMs: latencies };
}

/**
 * Runs `n` calls spread over `workers` concurrent loops (each loop takes the next call as soon as
 * its previous one finished, so `workers` calls are in flight the whole time). `fn` gets the worker
 * index, so an implementation can pin a connection per worker.
 */
export async function timeConcurrent(
  n: number,
  workers: number,
  fn: (worker: number) => Promise<unknown>,
): Promise<Sample> {
  const latencies = new Float64Array(n);
  let next = 0;
  const start = performance.now();
  const loop = async (worker: number) => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await fn(worker);
      latencies[i] = performance.now() - t;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  return { ops: n, seconds: (performance.now() - start) / 1000, latenciesMs: latencies };
}
