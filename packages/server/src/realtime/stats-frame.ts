/** One container's resource usage as the stats channels send it, from the SDK's `docker stats` formulas. */
import { blockIo, cpuPercent, memoryPercent, memoryUsage, networkIo, type StatsSample } from '@gantry/engine';

export interface StatsFigures {
  /** Percent of one CPU (up to 100 × CPUs), as `docker stats`. */
  readonly cpuPercent: number;
  /** Bytes in use without reclaimable cache; limit in bytes; percent of the limit. */
  readonly memory: { readonly usage: number; readonly limit: number; readonly percent: number };
  /** Bytes received / sent since the container started. */
  readonly network: { readonly rx: number; readonly tx: number };
  /** Bytes read / written on block devices since the container started. */
  readonly blockIo: { readonly read: number; readonly write: number };
  readonly pids: number;
  /** When the daemon read the figures, ms since the epoch. */
  readonly time: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * The figures of `sample`. `previous` (an earlier sample of the same container) supplies the CPU
 * baseline for samples taken with `one-shot`, which carry none.
 */
export function statsFigures(sample: StatsSample, previous?: StatsSample): StatsFigures {
  const withBaseline = previous ? { ...sample, precpu_stats: previous.cpu_stats } : sample;
  const read = Date.parse(sample.read ?? '');
  return {
    cpuPercent: round2(cpuPercent(withBaseline)),
    memory: {
      usage: memoryUsage(sample),
      limit: sample.memory_stats?.limit ?? 0,
      percent: round2(memoryPercent(sample)),
    },
    network: networkIo(sample),
    blockIo: blockIo(sample),
    pids: sample.pids_stats?.current ?? 0,
    // A stopped container's sample reads `0001-01-01T00:00:00Z`.
    time: Number.isFinite(read) && read > 0 ? read : Date.now(),
  };
}
