/**
 * One `stats` row as docker's formatter StatsContext presents it to `--format`: `{{.ID}}`,
 * `{{.Name}}`, `{{.CPUPerc}}`, `{{.MemUsage}}`, … computed from an engine sample with the SDK's
 * stats helpers (`cpuPercent` and friends), in docker's units and precision.
 */
import type { StatsSample } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { bytesSize, humanSize, truncateId } from '../output/units.ts';

export const DEFAULT_STATS_TABLE =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

export const STATS_HEADERS = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
} as const;

/** The figures of one sample, computed once (the SDK's helpers, as docker's CLI computes them). */
export interface StatsFigures {
  readonly id: string;
  readonly name: string;
  readonly cpuPercent: number;
  readonly memory: number;
  readonly memoryLimit: number;
  readonly memoryPercent: number;
  readonly network: { readonly rx: number; readonly tx: number };
  readonly block: { readonly read: number; readonly write: number };
  readonly pids: number;
}

/** The SDK's helpers as the figures need them (passed in: the SDK is loaded lazily). */
export interface StatsHelpers {
  cpuPercent(sample: StatsSample): number;
  memoryUsage(sample: StatsSample): number;
  memoryPercent(sample: StatsSample): number;
  networkIo(sample: StatsSample): { rx: number; tx: number };
  blockIo(sample: StatsSample): { read: number; write: number };
}

export function statsFigures(sample: StatsSample, helpers: StatsHelpers): StatsFigures {
  return {
    id: sample.id ?? sample.Id ?? '',
    name: (sample.name ?? '').replace(/^\//, ''),
    cpuPercent: helpers.cpuPercent(sample),
    memory: helpers.memoryUsage(sample),
    memoryLimit: sample.memory_stats?.limit ?? 0,
    memoryPercent: helpers.memoryPercent(sample),
    network: helpers.networkIo(sample),
    block: helpers.blockIo(sample),
    pids: sample.pids_stats?.current ?? 0,
  };
}

/**
 * The formatter row: `container` is what the user named (the short id when listing), `trunc` cuts
 * the id to 12 characters.
 */
export function statsRow(container: string, figures: StatsFigures, trunc: boolean) {
  const pair = (a: number, b: number) => `${humanSize(a, 3)} / ${humanSize(b, 3)}`;
  return {
    [GO_TYPE]: '*formatter.statsContext',
    Container: () => container,
    ID: () => (trunc ? truncateId(figures.id) : figures.id),
    Name: () => figures.name,
    CPUPerc: () => `${figures.cpuPercent.toFixed(2)}%`,
    MemUsage: () => `${bytesSize(figures.memory)} / ${bytesSize(figures.memoryLimit)}`,
    MemPerc: () => `${figures.memoryPercent.toFixed(2)}%`,
    NetIO: () => pair(figures.network.rx, figures.network.tx),
    BlockIO: () => pair(figures.block.read, figures.block.write),
    PIDs: () => String(figures.pids),
  };
}
