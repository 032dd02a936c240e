/**
 * `npm run bench` — Gantry (`@gantry/engine`) vs dockerode vs a raw-socket baseline, in one process,
 * against the same engine (DOCKER_HOST or /var/run/docker.sock). See bench/README.md.
 *
 *   npm run bench                      full run (a few minutes)
 *   npm run bench -- --quick           small N smoke run
 *   npm run bench -- --only ping-seq,logs
 *   npm run bench -- --impl gantry     one implementation only (profiling)
 *   npm run bench -- --out path.json   JSON somewhere else than bench/results/latest.json
 *   npm run bench -- cli               the `gantry` CLI's start-up vs the docker CLI (bench/cli.ts)
 *   npm run bench -- console           the console server with 2k / 10k containers (bench/console.ts)
 *   npm run bench -- gateway           the Engine API gateway vs the engine directly (bench/gateway.ts)
 *   npm run bench -- web               the browser UI in Chromium: first row, scroll, log-tab memory (bench/web.ts)
 */
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DockerClient } from '@gantry/engine';
import Dockerode from 'dockerode';
import {
  type BenchCase,
  type Clients,
  execRoundTrip,
  IMPL_NAMES,
  IMPLS,
  type Impl,
  listContainers,
  logThroughput,
  pingConcurrent,
  pingSequential,
} from './cases.ts';
import { Fixtures, holdHarnessSlot, RAW_API, TEST_IMAGE } from './fixtures.ts';
import { endpointFromEnv, RawConnection } from './raw-client.ts';
import { type CaseResult, caseResult, formatTable, writeJson } from './report.ts';
import { type Sample, withCpu } from './stats.ts';

const CASE_IDS = ['ping-seq', 'ping-concurrent', 'list', 'logs', 'exec'] as const;
type CaseId = (typeof CASE_IDS)[number];

const MiB = 2 ** 20;

/** Sizes of a full run and of a `--quick` smoke run. */
const PROFILES = {
  full: {
    pingSeq: { requests: 3000, warmup: 200, rounds: 5 },
    pingConcurrent: { requests: 8000, workers: 16, warmup: 320, rounds: 5 },
    list: { containers: 20, requests: 500, warmup: 50, rounds: 5 },
    logs: { stdout: 200 * MiB, stderr: 2 * MiB, rounds: 3 },
    exec: { execs: 100, warmup: 5, rounds: 3 },
  },
  quick: {
    pingSeq: { requests: 300, warmup: 50, rounds: 2 },
    pingConcurrent: { requests: 800, workers: 16, warmup: 64, rounds: 2 },
    list: { containers: 5, requests: 50, warmup: 5, rounds: 2 },
    logs: { stdout: 8 * MiB, stderr: MiB / 4, rounds: 1 },
    exec: { execs: 10, warmup: 2, rounds: 2 },
  },
} as const;

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    impl: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(
    `usage: npm run bench [-- --quick] [--only ${CASE_IDS.join(',')}] [--impl ${IMPLS.join(',')}] [--out file.json]\n       npm run bench -- cli [--quick] [--out file.json]\nsee bench/README.md`,
  );
  process.exit(0);
}

/**
 * A case group named on the command line: `cli` (the CLI's start-up), `console` (the console
 * server at 2k / 10k containers); none: the SDK cases.
 */
const group = positionals[0];
if (
  group !== undefined &&
  (!['cli', 'console', 'gateway', 'web'].includes(group) || positionals.length > 1)
) {
  console.error(
    `bench: unknown case group "${positionals.join(' ')}" — known: cli, console, gateway, web (or none: the SDK cases)`,
  );
  process.exit(2);
}

const only = args.only ? args.only.split(',').map((s) => s.trim()) : [...CASE_IDS];
for (const id of only) {
  if (!(CASE_IDS as readonly string[]).includes(id)) {
    console.error(`bench: unknown case "${id}" — known: ${CASE_IDS.join(', ')}`);
    process.exit(2);
  }
}
const selected = new Set(only as CaseId[]);
const impls = args.impl ? args.impl.split(',').map((s) => s.trim()) : [...IMPLS];
for (const impl of impls) {
  if (!(IMPLS as readonly string[]).includes(impl)) {
    console.error(`bench: unknown implementation "${impl}" — known: ${IMPLS.join(', ')}`);
    process.exit(2);
  }
}
/** The implementations to run (all three unless `--impl` narrows it, e.g. for profiling one). */
const active = IMPLS.filter((impl) => impls.includes(impl));
const profile = args.quick ? PROFILES.quick : PROFILES.full;
const outPath = args.out ?? join(import.meta.dirname, 'results', 'latest.json');

/**
 * A full collection before every measured run, so garbage one implementation left behind is not
 * collected on another's clock. `npm run bench` cannot pass `--expose-gc`, so it is enabled here.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const log = (message: string) => process.stderr.write(`${message}\n`);

async function loadGantry(): Promise<DockerClient> {
  try {
    const { connect } = await import('@gantry/engine');
    return connect();
  } catch (err) {
    throw new Error(`bench: cannot load @gantry/engine (${(err as Error).message})`, { cause: err });
  }
}

/** Runs the case's rounds, rotating the implementation order every round, and reduces them. */
async function runCase(benchCase: BenchCase): Promise<CaseResult> {
  const samples: Record<Impl, Sample[]> = { gantry: [], dockerode: [], raw: [] };
  const order: Impl[][] = [];
  for (let round = 0; round < benchCase.rounds; round++) {
    const roundOrder = active.map((_, i) => active[(i + round) % active.length] as Impl);
    order.push(roundOrder);
    for (const impl of roundOrder) {
      const runner = benchCase.runners[impl];
      await runner.warmup();
      gc();
      const sample = await withCpu(() => runner.run());
      samples[impl].push(sample);
      const value =
        benchCase.unit === 'MB/s'
          ? `${((sample.bytes ?? 0) / 1e6 / sample.seconds).toFixed(1)} MB/s`
          : `${(sample.ops / sample.seconds).toFixed(0)} ops/s`;
      log(
        `  [${benchCase.id}] round ${round + 1}/${benchCase.rounds} ${IMPL_NAMES[impl].padEnd(10)} ${value}`,
      );
    }
  }
  return caseResult(benchCase, samples, order);
}

async function main(): Promise<number> {
  const endpoint = endpointFromEnv();
  const admin = new RawConnection(endpoint);
  const fixtures = new Fixtures(admin);
  const version = await admin.json<{ Version: string; ApiVersion: string; Os: string; Arch: string }>(
    'GET',
    `${RAW_API}/version`,
  );
  const gantry = await loadGantry();
  const dockerode = new Dockerode();
  const clients: Clients = { gantry, dockerode, endpoint, raw: new RawConnection(endpoint) };

  const releaseSlot = holdHarnessSlot();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`bench: ${signal} — removing what the bench created`);
    fixtures.cleanup().finally(() => {
      releaseSlot();
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  log(
    `bench: ${args.quick ? 'quick' : 'full'} run against ${endpoint.url} (Docker ${version.Version}, API ${version.ApiVersion}), run id ${fixtures.runId}`,
  );
  const results: CaseResult[] = [];
  const setup: Record<string, number> = {};
  let gantryApiVersion: string | undefined;
  try {
    if (selected.has('ping-seq')) {
      const p = profile.pingSeq;
      results.push(await runCase(pingSequential(clients, p.requests, p.warmup, p.rounds)));
    }
    if (selected.has('ping-concurrent')) {
      const p = profile.pingConcurrent;
      const benchCase = pingConcurrent(clients, p.requests, p.workers, p.warmup, p.rounds);
      try {
        results.push(await runCase(benchCase));
      } finally {
        benchCase.close?.();
      }
    }
    let idle: string[] = [];
    if (selected.has('list') || selected.has('exec') || selected.has('logs')) {
      await fixtures.ensureImage(endpoint.url);
    }
    if (selected.has('list') || selected.has('exec')) {
      const count = selected.has('list') ? profile.list.containers : 1;
      const started = performance.now();
      idle = await fixtures.idleContainers(count);
      setup.idleContainersSeconds = (performance.now() - started) / 1000;
      log(
        `bench: started ${idle.length} idle containers from ${TEST_IMAGE} in ${setup.idleContainersSeconds.toFixed(1)} s`,
      );
    }
    if (selected.has('list')) {
      const p = profile.list;
      results.push(await runCase(listContainers(clients, idle, p.requests, p.warmup, p.rounds)));
    }
    if (selected.has('logs')) {
      const p = profile.logs;
      log(`bench: writing a ${((p.stdout + p.stderr) / MiB).toFixed(1)} MiB log (json-file) ...`);
      const writer = await fixtures.logContainer(p.stdout, p.stderr);
      setup.logWriteSeconds = writer.seconds;
      log(`bench: log written in ${writer.seconds.toFixed(1)} s`);
      results.push(
        await runCase(logThroughput(clients, writer.id, { stdout: p.stdout, stderr: p.stderr }, p.rounds)),
      );
    }
    if (selected.has('exec')) {
      const p = profile.exec;
      results.push(await runCase(execRoundTrip(clients, idle[0] as string, p.execs, p.warmup, p.rounds)));
    }
  } finally {
    await fixtures.cleanup();
    releaseSlot();
    gantryApiVersion = await gantry.apiVersion().catch(() => undefined);
    await Promise.allSettled([gantry.close()]);
    clients.raw.close();
    admin.close();
  }

  console.log('');
  console.log(
    `Gantry vs dockerode vs raw socket — ${args.quick ? 'QUICK smoke run (small N, not for comparison)' : 'full run'}; medians of rounds, ratios = median of per-round ratios`,
  );
  console.log(formatTable(results));
  if (active.length < IMPLS.length) console.log(`(only ${active.join(', ')} ran: --impl)`);
  writeJson(outPath, {
    date: new Date().toISOString(),
    quick: args.quick,
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryBytes: totalmem(),
      engine: {
        url: endpoint.url,
        version: version.Version,
        apiVersion: version.ApiVersion,
        os: version.Os,
        arch: version.Arch,
      },
      gantryApiVersion,
    },
    setup,
    cases: results,
  });
  console.log(`\nJSON: ${relative(process.cwd(), outPath) || outPath}`);
  const problems = results.flatMap((r) => r.problems);
  return problems.length ? 1 : 0;
}

async function runCliGroup(): Promise<number> {
  const { runCliBench } = await import('./cli.ts');
  return runCliBench({
    quick: args.quick,
    out: args.out ?? join(import.meta.dirname, 'results', 'cli.json'),
  });
}

async function runConsoleGroup(): Promise<number> {
  const { runConsoleBench } = await import('./console.ts');
  return runConsoleBench({
    quick: args.quick,
    out: args.out ?? join(import.meta.dirname, 'results', 'console.json'),
  });
}

async function runGatewayGroup(): Promise<number> {
  const { runGatewayBench } = await import('./gateway.ts');
  return runGatewayBench({
    quick: args.quick,
    out: args.out ?? join(import.meta.dirname, 'results', 'gateway.json'),
  });
}

async function runWebGroup(): Promise<number> {
  const { runWebBench } = await import('./web.ts');
  return runWebBench({
    quick: args.quick,
    out: args.out ?? join(import.meta.dirname, 'results', 'web.json'),
  });
}

const GROUPS: Record<string, () => Promise<number>> = {
  cli: runCliGroup,
  console: runConsoleGroup,
  gateway: runGatewayGroup,
  web: runWebGroup,
};

(group === undefined ? main() : (GROUPS[group] as () => Promise<number>)()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error((err as Error).stack ?? String(err));
    process.exitCode = 1;
  },
);
