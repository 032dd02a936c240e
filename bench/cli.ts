/**
 * `npm run bench -- cli`: the whole-process wall time of `gantry ps -a`, `gantry images` and
 * `gantry version` against the docker CLI running the same commands on the same engine
 * (DOCKER_HOST, else the default socket — both processes inherit this environment). See
 * bench/README.md, "The cli case group".
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { writeJson } from './report.ts';
import { median } from './stats.ts';

/** The issue's target: every command at most 2.5x the docker CLI's wall time. */
export const CLI_TARGET = { max: 2.5, text: '<= 2.5x docker' } as const;

/** `gantry <argv>` and `docker <argv>`, compared pairwise. */
const COMMANDS = [
  { id: 'ps', argv: ['ps', '-a'] },
  { id: 'images', argv: ['images'] },
  { id: 'version', argv: ['version'] },
] as const;

const ROOT = join(import.meta.dirname, '..');
/** The npm bin (what `npx gantry` and a linked `gantry` run): sh wrapper -> Node 24 -> bin/gantry.js. */
const GANTRY = join(ROOT, 'packages', 'cli', 'bin', 'gantry');
const DOCKER =
  process.env.GANTRY_BENCH_DOCKER ??
  (existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : 'docker');
/** Node's own start-up, for reference: the Node bin/gantry runs, doing nothing. */
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface CliBenchOptions {
  readonly quick: boolean;
  readonly out: string;
}

interface Program {
  readonly file: string;
  readonly argv: readonly string[];
}

/** The wall time of one process from spawn to exit, in milliseconds; throws when it fails. */
function timeProcess(program: Program): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(program.file, program.argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0 && stdout !== '') resolve({ ms, stdout });
      else {
        const stderr = Buffer.concat(err).toString('utf8').trim();
        reject(
          new Error(`bench: \`${[program.file, ...program.argv].join(' ')}\` exited ${code}: ${stderr}`),
        );
      }
    });
  });
}

interface CommandResult {
  readonly id: string;
  readonly argv: readonly string[];
  /** Median wall time over the rounds, milliseconds. */
  readonly gantryMs: number;
  readonly dockerMs: number;
  /** Median of the per-round ratios gantry / docker (paired within a round). */
  readonly ratio: number;
  /** The lowest and highest per-round ratio. */
  readonly range: readonly [number, number];
  readonly met: boolean;
  readonly rounds: ReadonlyArray<{
    readonly gantryMs: number;
    readonly dockerMs: number;
    readonly first: string;
  }>;
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);

/**
 * Runs the rounds: each round times every command once through gantry and once through docker,
 * back to back, the pair's order alternating every round, so load on the machine (tests running on
 * the same engine) hits both alike. One untimed run of each first fills Node's compile cache and
 * builds the CLI bundle if the sources changed.
 */
export async function runCliBench(options: CliBenchOptions): Promise<0> {
  const rounds = options.quick ? 5 : 30;
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const engine = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock (default)';
  const serverVersion = (
    await timeProcess({ file: DOCKER, argv: ['version', '--format', '{{.Server.Version}}'] })
  ).stdout.trim();
  log(
    `bench cli: ${rounds} rounds against ${engine} (Docker ${serverVersion}), gantry = ${relative(ROOT, GANTRY)}`,
  );
  for (const { argv } of COMMANDS) {
    await timeProcess({ file: GANTRY, argv });
    await timeProcess({ file: DOCKER, argv });
  }
  const nodeProgram = { file: NODE, argv: ['-p', '0'] };
  await timeProcess(nodeProgram);

  const samples = COMMANDS.map(() => [] as Array<{ gantryMs: number; dockerMs: number; first: string }>);
  const nodeMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [i, { argv }] of COMMANDS.entries()) {
      const gantryFirst = round % 2 === 0;
      const a = await timeProcess(gantryFirst ? { file: GANTRY, argv } : { file: DOCKER, argv });
      const b = await timeProcess(gantryFirst ? { file: DOCKER, argv } : { file: GANTRY, argv });
      const [gantryMs, dockerMs] = gantryFirst ? [a.ms, b.ms] : [b.ms, a.ms];
      samples[i]?.push({ gantryMs, dockerMs, first: gantryFirst ? 'gantry' : 'docker' });
    }
    // Node doing nothing: the floor under any Node CLI (reference only, no target).
    nodeMs.push((await timeProcess(nodeProgram)).ms);
    if ((round + 1) % 5 === 0 || round + 1 === rounds) log(`  round ${round + 1}/${rounds}`);
  }

  const results: CommandResult[] = COMMANDS.map(({ id, argv }, i) => {
    const rows = samples[i] ?? [];
    const ratios = rows.map((row) => row.gantryMs / row.dockerMs);
    const ratio = median(ratios);
    return {
      id,
      argv,
      gantryMs: median(rows.map((row) => row.gantryMs)),
      dockerMs: median(rows.map((row) => row.dockerMs)),
      ratio,
      range: [Math.min(...ratios), Math.max(...ratios)],
      met: ratio <= CLI_TARGET.max,
      rounds: rows,
    };
  });
  const nodeMedian = median(nodeMs);
  const psDocker = results[0]?.dockerMs ?? Number.NaN;

  console.log('');
  console.log(
    `gantry vs docker CLI — whole-process wall time, ${options.quick ? 'QUICK run (5 rounds)' : `${rounds} rounds`}; medians, ratio = median of per-round ratios`,
  );
  const header = ['command', 'gantry ms', 'docker ms', 'x docker', 'per round', `target ${CLI_TARGET.text}`];
  const rows = results.map((r) => [
    r.argv.join(' '),
    fmt(r.gantryMs),
    fmt(r.dockerMs),
    fmt(r.ratio, 2),
    `${fmt(r.range[0], 2)} to ${fmt(r.range[1], 2)}`,
    r.met ? 'MET' : 'NOT MET',
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => (row[col] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(
    `reference: node -p 0 (Node's own start-up) ${fmt(nodeMedian)} ms = ${fmt(nodeMedian / psDocker, 2)}x docker ps -a`,
  );

  writeJson(options.out, {
    date: new Date().toISOString(),
    quick: options.quick,
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      engine: { host: engine, version: serverVersion },
      gantry: relative(ROOT, GANTRY),
      docker: DOCKER,
    },
    target: CLI_TARGET,
    cases: results,
    reference: { nodeStartupMs: nodeMedian, nodeStartupRounds: nodeMs, vsDockerPs: nodeMedian / psDocker },
  });
  console.log(`\nJSON: ${relative(process.cwd(), options.out) || options.out}`);
  // A missed target is reported, not an error (as in the other cases); a failing command threw.
  return 0;
}
