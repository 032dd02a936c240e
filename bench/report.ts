/** Turns the rounds of every case into the printed table and the JSON file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type BenchCase, IMPL_NAMES, IMPLS, type Impl, type Target } from './cases.ts';
import { median, type Sample, type SampleSummary, summarize } from './stats.ts';

/** Medians over the rounds of one implementation in one case. */
export interface ImplResult {
  /** ops/s or MB/s, per the case's unit. */
  readonly throughput: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Client CPU (this process): microseconds per op, or milliseconds per MB for MB/s cases. */
  readonly cpu: number;
  /** Client CPU time over wall time (1 = one core busy). */
  readonly cpuLoad: number;
  /** Median over rounds of (this implementation / raw) in the same round. */
  readonly vsRaw: number;
  /** Median over rounds of (this implementation / dockerode) in the same round. */
  readonly vsDockerode: number;
  readonly rounds: readonly SampleSummary[];
}

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly unit: BenchCase['unit'];
  readonly params: BenchCase['params'];
  /** The implementation order of every round (rotated so drift hits each position equally). */
  readonly order: readonly (readonly Impl[])[];
  readonly results: Readonly<Record<Impl, ImplResult>>;
  readonly target?: Target & {
    readonly ratio: number;
    readonly met: boolean;
    /** The lowest and highest per-round ratio: how much the rounds disagree. */
    readonly range: readonly [number, number];
  };
  readonly problems: readonly string[];
}

function throughputOf(unit: BenchCase['unit'], s: SampleSummary): number {
  return unit === 'MB/s' ? (s.mbPerSec ?? Number.NaN) : s.opsPerSec;
}

/** Reduces the per-round samples of a case to medians and paired ratios, and checks the target. */
export function caseResult(
  benchCase: BenchCase,
  samples: Readonly<Record<Impl, readonly Sample[]>>,
  order: readonly (readonly Impl[])[],
): CaseResult {
  const summaries = Object.fromEntries(IMPLS.map((impl) => [impl, samples[impl].map(summarize)])) as Record<
    Impl,
    SampleSummary[]
  >;
  const perRound = (impl: Impl, base: Impl) =>
    summaries[impl].map((s, round) => {
      const b = summaries[base][round];
      return b ? throughputOf(benchCase.unit, s) / throughputOf(benchCase.unit, b) : Number.NaN;
    });
  const pairedRatio = (impl: Impl, base: Impl) => median(perRound(impl, base));
  const cpuOf = (s: SampleSummary) => (benchCase.unit === 'MB/s' ? s.cpuMsPerMB : s.cpuUsPerOp) ?? Number.NaN;
  const results = Object.fromEntries(
    IMPLS.map((impl) => {
      const rounds = summaries[impl];
      const result: ImplResult = {
        throughput: median(rounds.map((s) => throughputOf(benchCase.unit, s))),
        ...(benchCase.latency
          ? {
              p50Ms: median(rounds.map((s) => s.p50Ms ?? Number.NaN)),
              p99Ms: median(rounds.map((s) => s.p99Ms ?? Number.NaN)),
            }
          : {}),
        cpu: median(rounds.map(cpuOf)),
        cpuLoad: median(rounds.map((s) => s.cpuLoad ?? Number.NaN)),
        vsRaw: pairedRatio(impl, 'raw'),
        vsDockerode: pairedRatio(impl, 'dockerode'),
        rounds,
      };
      return [impl, result];
    }),
  ) as Record<Impl, ImplResult>;
  const target = benchCase.target;
  let checked: CaseResult['target'];
  if (target) {
    const base: Impl = target.kind === 'vs-raw' ? 'raw' : 'dockerode';
    const ratios = perRound('gantry', base).filter(Number.isFinite);
    const ratio = median(ratios);
    checked = {
      ...target,
      ratio,
      met: ratio >= target.min,
      range: [Math.min(...ratios), Math.max(...ratios)],
    };
  }
  return {
    id: benchCase.id,
    title: benchCase.title,
    unit: benchCase.unit,
    params: benchCase.params,
    order,
    results,
    ...(checked ? { target: checked } : {}),
    problems: benchCase.check?.(samples) ?? [],
  };
}

function fmt(value: number | undefined, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function fmtThroughput(value: number): string {
  return fmt(value, value >= 1000 ? 0 : value >= 100 ? 1 : 2);
}

/** The table printed at the end of a run. */
export function formatTable(results: readonly CaseResult[]): string {
  const header = ['case', 'impl', 'throughput', 'p50 ms', 'p99 ms', 'client CPU', 'x raw', 'x dockerode'];
  const rows: string[][] = [];
  const notes: (string | undefined)[] = [];
  for (const r of results) {
    IMPLS.forEach((impl, i) => {
      const x = r.results[impl];
      rows.push([
        i === 0 ? r.title : '',
        IMPL_NAMES[impl],
        `${fmtThroughput(x.throughput)} ${r.unit}`,
        fmt(x.p50Ms, 3),
        fmt(x.p99Ms, 3),
        Number.isFinite(x.cpu)
          ? `${fmt(x.cpu, r.unit === 'MB/s' ? 1 : 0)} ${r.unit === 'MB/s' ? 'ms/MB' : 'µs/op'}`
          : '-',
        fmt(x.vsRaw, 2),
        fmt(x.vsDockerode, 2),
      ]);
      notes.push(undefined);
    });
    if (r.target) {
      const verdict = r.target.met ? 'MET' : 'NOT MET';
      const against = r.target.kind === 'vs-raw' ? 'raw' : 'dockerode';
      const [low, high] = r.target.range;
      notes[notes.length - 1] =
        `  target: ${r.target.text} -> ${fmt(r.target.ratio, 3)}x ${against}: ${verdict}` +
        ` (per round ${fmt(low, 2)} to ${fmt(high, 2)})`;
    } else notes[notes.length - 1] = '  target: none in the issue (reported for comparison)';
    const raw = r.results.raw;
    if (r.unit === 'MB/s' && raw.cpuLoad < 0.8) {
      // The raw client waited on the engine most of the time: throughput ratios then say little
      // about the clients; their CPU per MB does.
      notes[notes.length - 1] +=
        `\n  note: engine-bound — the raw client was busy ${fmt(raw.cpuLoad * 100, 0)}% of the time, so throughput` +
        ` mostly measures the engine; client CPU per MB vs raw: Gantry ${fmt(r.results.gantry.cpu / raw.cpu, 2)}x,` +
        ` dockerode ${fmt(r.results.dockerode.cpu / raw.cpu, 2)}x`;
    }
    for (const p of r.problems) notes[notes.length - 1] += `\n  CHECK FAILED: ${p}`;
  }
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => (row[col] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, col) => (col <= 1 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
      .join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((row, i) => {
    out.push(line(row));
    const note = notes[i];
    if (note) out.push(note, '');
  });
  return out.join('\n');
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
