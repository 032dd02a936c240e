/**
 * The figures `docker stats` prints, computed from one `ContainerStats` sample exactly as the
 * docker CLI does (docker/cli `cli/command/container/stats_helpers.go`). Pure functions: feed
 * them the samples of `docker.containers.stats(id)`.
 *
 * @example
 * ```ts
 * import { cpuPercent, memoryUsage, memoryPercent } from '@gantry/engine';
 * for await (const sample of docker.containers.stats('web')) {
 *   console.log(`${cpuPercent(sample).toFixed(2)}% cpu, ${memoryUsage(sample)} B (${memoryPercent(sample).toFixed(2)}%)`);
 * }
 * ```
 */
import type { ContainerStatsResponse } from './generated/models.ts';

/**
 * A stats sample as the daemon sends it (`GET /containers/{id}/stats`). Podman (4.x) names the
 * container id `Id` where Docker sends `id`, and its `stream: false` sample has an empty
 * `precpu_stats` (no second read), so {@link cpuPercent} is 0 there.
 *
 * @example
 * ```ts
 * const sample: StatsSample = await docker.containers.stats('web', { stream: false });
 * console.log(sample.memory_stats?.limit); // bytes
 * ```
 */
export type StatsSample = ContainerStatsResponse & {
  /** Podman's name for `id`. */
  Id?: string;
};

/**
 * CPU usage in percent of ONE cpu (so up to `100 × CPUs`), over the interval between the sample's
 * `precpu_stats` and `cpu_stats`, as `docker stats` shows it.
 *
 * Linux: `(cpuDelta / systemDelta) × onlineCPUs × 100`, where `onlineCPUs` falls back to the length
 * of `percpu_usage` when the daemon does not report `online_cpus`; 0 unless both deltas are positive.
 * Windows (`os_type: 'windows'`): used 100 ns intervals over the possible ones between `preread`
 * and `read` across `num_procs` processors.
 *
 * Edge: a sample taken with `'one-shot': true` (or the first sample of a stream) has an empty
 * `precpu_stats`; the CLI formula then yields usage since the container started relative to the
 * host's total cpu time, not a current rate. Use `stream: false` without one-shot, or any sample
 * after the first of a stream, for a current figure.
 *
 * @example
 * ```ts
 * const sample = await docker.containers.stats('web', { stream: false });
 * console.log(`${cpuPercent(sample).toFixed(2)}%`); // '12.34%'
 * ```
 */
export function cpuPercent(sample: StatsSample): number {
  if (sample.os_type === 'windows') return cpuPercentWindows(sample);
  const cpu = sample.cpu_stats;
  const pre = sample.precpu_stats;
  const cpuDelta = num(cpu?.cpu_usage?.total_usage) - num(pre?.cpu_usage?.total_usage);
  const systemDelta = num(cpu?.system_cpu_usage) - num(pre?.system_cpu_usage);
  let onlineCpus = num(cpu?.online_cpus);
  if (onlineCpus === 0) onlineCpus = cpu?.cpu_usage?.percpu_usage?.length ?? 0;
  if (systemDelta > 0 && cpuDelta > 0) return (cpuDelta / systemDelta) * onlineCpus * 100;
  return 0;
}

function cpuPercentWindows(sample: StatsSample): number {
  const read = splitTimestamp(sample.read);
  const preread = splitTimestamp(sample.preread);
  if (read === undefined || preread === undefined) return 0;
  // Whole seconds and nanoseconds apart: one float of epoch nanoseconds would lose precision.
  const elapsedNs = (read.seconds - preread.seconds) * 1e9 + (read.nanos - preread.nanos);
  // Number of 100 ns intervals between the two reads, times the processors.
  const possibleIntervals = Math.max(0, Math.floor(elapsedNs / 100)) * num(sample.num_procs);
  const usedIntervals =
    num(sample.cpu_stats?.cpu_usage?.total_usage) - num(sample.precpu_stats?.cpu_usage?.total_usage);
  return possibleIntervals > 0 ? (usedIntervals / possibleIntervals) * 100 : 0;
}

/**
 * Memory in use, in bytes, WITHOUT the page cache the kernel can reclaim — the `MEM USAGE` column
 * of `docker stats`. Linux: `usage` minus `total_inactive_file` (cgroup v1) or `inactive_file`
 * (cgroup v2), when that is smaller than `usage`; otherwise `usage` itself. Windows: the private
 * working set.
 *
 * @example
 * ```ts
 * const sample = await docker.containers.stats('web', { stream: false });
 * console.log(`${(memoryUsage(sample) / 2 ** 20).toFixed(1)} MiB`);
 * ```
 */
export function memoryUsage(sample: StatsSample): number {
  const memory = sample.memory_stats;
  if (sample.os_type === 'windows') return num(memory?.privateworkingset);
  const usage = num(memory?.usage);
  const stats = memory?.stats ?? {};
  // cgroup v1 reports total_inactive_file (hierarchical); the CLI tries it first.
  if ('total_inactive_file' in stats) {
    const inactive = num(stats.total_inactive_file);
    if (inactive < usage) return usage - inactive;
  }
  // cgroup v2 (and the v1 fall-through): inactive_file, 0 when absent.
  const inactive = num(stats.inactive_file);
  if (inactive < usage) return usage - inactive;
  return usage;
}

/**
 * {@link memoryUsage} as a percentage of the container's memory limit (`memory_stats.limit`, the
 * host's memory when no limit is set) — the `MEM %` column. 0 when the limit is unknown (a
 * stopped container) and always 0 on Windows, where the CLI shows no percentage.
 *
 * @example
 * ```ts
 * const sample = await docker.containers.stats('web', { stream: false });
 * if (memoryPercent(sample) > 90) console.warn('close to the memory limit');
 * ```
 */
export function memoryPercent(sample: StatsSample): number {
  if (sample.os_type === 'windows') return 0;
  const limit = num(sample.memory_stats?.limit);
  return limit !== 0 ? (memoryUsage(sample) / limit) * 100 : 0;
}

/**
 * Bytes read from and written to block devices since the container started — the `BLOCK I/O`
 * column. Linux: sums of `blkio_stats.io_service_bytes_recursive` entries whose `op` starts with
 * r/R or w/W (cgroup v1 lists per-device `Read`/`Write`/`Sync`/`Async`/`Total`; v2 lists
 * `read`/`write`). Windows: `storage_stats` read/write sizes.
 *
 * @example
 * ```ts
 * const { read, write } = blockIo(await docker.containers.stats('db', { stream: false }));
 * ```
 */
export function blockIo(sample: StatsSample): { read: number; write: number } {
  if (sample.os_type === 'windows') {
    return {
      read: num(sample.storage_stats?.read_size_bytes),
      write: num(sample.storage_stats?.write_size_bytes),
    };
  }
  let read = 0;
  let write = 0;
  for (const entry of sample.blkio_stats?.io_service_bytes_recursive ?? []) {
    const first = entry.op?.[0];
    if (first === 'r' || first === 'R') read += num(entry.value);
    else if (first === 'w' || first === 'W') write += num(entry.value);
  }
  return { read, write };
}

/**
 * Bytes received and sent over all the container's network interfaces since it started — the
 * `NET I/O` column. 0/0 for a container without networks (`--network none`, host networking).
 *
 * @example
 * ```ts
 * const { rx, tx } = networkIo(await docker.containers.stats('web', { stream: false }));
 * ```
 */
export function networkIo(sample: StatsSample): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const network of Object.values(sample.networks ?? {})) {
    rx += num(network?.rx_bytes);
    tx += num(network?.tx_bytes);
  }
  return { rx, tx };
}

/** An RFC 3339 timestamp with up to nanosecond digits, as whole epoch seconds + nanoseconds. */
function splitTimestamp(value: string | undefined): { seconds: number; nanos: number } | undefined {
  if (!value) return undefined;
  const fraction = /\.(\d+)/.exec(value)?.[1] ?? '';
  const ms = Date.parse(value.replace(/\.\d+/, ''));
  if (Number.isNaN(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos: Number(fraction.padEnd(9, '0').slice(0, 9)) };
}

function num(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
