/**
 * `npm run bench -- gateway`: the Engine API gateway's cost. One `gantry-server serve` (a child
 * process, fresh data directory, gateway on a free port with its generated certificate) in front
 * of the engine the docker CLI would use; the same SDK client calls the engine directly and
 * through the gateway (TLS, bearer token, policy, audit row per request), rounds alternating:
 * - `_ping` requests per second, sequential and 16 in flight;
 * - container list (20 labelled containers) requests per second;
 * - log throughput of a 64 MiB non-TTY log (MB/s);
 * - exec round trip (create, start, drain, exit code) per second.
 * Targets (issue 6): >= 0.9x direct for requests, >= 0.95x for stream throughput.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, type DockerClient } from '@gantry/engine';
import { BENCH_LABEL, holdHarnessSlot, TEST_IMAGE, TEST_LABEL } from './fixtures.ts';
import { writeJson } from './report.ts';
import { median } from './stats.ts';

export const GATEWAY_TARGETS = { requests: 0.9, streams: 0.95 } as const;

const ROOT = join(import.meta.dirname, '..');
const SERVER_MAIN = join(ROOT, 'packages', 'server', 'bin', 'gantry-server.js');
const MiB = 2 ** 20;

export interface GatewayBenchOptions {
  readonly quick: boolean;
  readonly out: string;
}

const SIZES = {
  full: {
    rounds: 5,
    pings: 2000,
    concurrentPings: 4000,
    workers: 16,
    lists: 300,
    containers: 20,
    logMiB: 64,
    execs: 50,
  },
  quick: {
    rounds: 2,
    pings: 300,
    concurrentPings: 600,
    workers: 16,
    lists: 50,
    containers: 5,
    logMiB: 8,
    execs: 10,
  },
} as const;

interface Measured {
  /** Operations (or bytes, for streams) per second, one value per round. */
  readonly direct: number[];
  readonly gateway: number[];
}

interface Case {
  readonly id: string;
  readonly title: string;
  readonly unit: 'req/s' | 'MB/s' | 'exec/s';
  readonly kind: 'requests' | 'streams';
  /** One measured run with this client: how many units per second. */
  run(client: DockerClient): Promise<number>;
}

const progress = (text: string) => process.stderr.write(`  ${text}\n`);

export async function runGatewayBench(options: GatewayBenchOptions): Promise<number> {
  const sizes = SIZES[options.quick ? 'quick' : 'full'];
  const runId = randomBytes(4).toString('hex');
  const labels = { [TEST_LABEL]: '1', [BENCH_LABEL]: runId };
  const direct = connect();
  const release = holdHarnessSlot();
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bench-gateway-'));
  const created: string[] = [];
  let server: Server | undefined;
  try {
    await direct.images.inspect(TEST_IMAGE).catch(() => {
      throw new Error(`bench: the test image ${TEST_IMAGE} is missing — run npm test once (it builds it)`);
    });
    server = await startServer(dataDir);
    const gateway = connect({
      host: server.gatewayUrl,
      tls: { ca: readFileSync(server.caFile), verify: true },
      headers: { Authorization: `Bearer ${server.token}` },
      env: {},
      credentials: false,
    });
    progress(`gateway ${server.gatewayUrl}; engine ${direct.endpoint.url}`);

    for (let i = 0; i < sizes.containers; i++) {
      const { Id } = await direct.containers.create({ Image: TEST_IMAGE, Cmd: ['true'], Labels: labels });
      created.push(Id);
    }
    const logger = await direct.containers.create({
      Image: TEST_IMAGE,
      Cmd: [
        'sh',
        '-c',
        `yes 'gantry gateway benchmark log line, sixty-five bytes long........' | head -c ${sizes.logMiB * MiB}`,
      ],
      Labels: labels,
    });
    created.push(logger.Id);
    await direct.containers.start(logger.Id);
    await direct.containers.wait(logger.Id);
    const sleeper = await direct.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '3600'],
      Labels: labels,
    });
    created.push(sleeper.Id);
    await direct.containers.start(sleeper.Id);

    const listFilter = { filters: { label: [`${BENCH_LABEL}=${runId}`] }, all: true };
    const cases: Case[] = [
      {
        id: 'ping-seq',
        title: '_ping, sequential',
        unit: 'req/s',
        kind: 'requests',
        run: (client) => perSecond(sizes.pings, async () => void (await client.system.ping())),
      },
      {
        id: 'ping-concurrent',
        title: `_ping, ${sizes.workers} in flight`,
        unit: 'req/s',
        kind: 'requests',
        run: (client) =>
          perSecond(sizes.concurrentPings, async () => void (await client.system.ping()), sizes.workers),
      },
      {
        id: 'list',
        title: `container list (${sizes.containers + 2} matching)`,
        unit: 'req/s',
        kind: 'requests',
        run: (client) => perSecond(sizes.lists, async () => void (await client.containers.list(listFilter))),
      },
      {
        id: 'logs',
        title: `log throughput, ${sizes.logMiB} MiB non-TTY log`,
        unit: 'MB/s',
        kind: 'streams',
        run: async (client) => {
          const start = performance.now();
          let bytes = 0;
          for await (const frame of client.containers.logs(logger.Id, { stdout: true, stderr: true })) {
            bytes += frame.data.length;
          }
          if (bytes !== sizes.logMiB * MiB) throw new Error(`bench: read ${bytes} log bytes`);
          return bytes / 1e6 / ((performance.now() - start) / 1000);
        },
      },
      {
        id: 'exec',
        title: 'exec round trip (create, start, drain, exit code)',
        unit: 'exec/s',
        kind: 'requests',
        run: (client) =>
          perSecond(sizes.execs, async () => {
            const { Id } = await client.exec.create(sleeper.Id, {
              Cmd: ['true'],
              AttachStdout: true,
              AttachStderr: true,
            });
            const session = await client.exec.start(Id, { Tty: false });
            for await (const _ of session.output) {
              // `true` prints nothing; draining waits for the process to end.
            }
            if ((await session.exitCode()) !== 0) throw new Error('bench: exec failed');
          }),
      },
    ];

    const results = [];
    for (const item of cases) {
      const measured: Measured = { direct: [], gateway: [] };
      // Warm both paths (connections, TLS sessions, the console's token cache) before measuring.
      await item.run(direct);
      await item.run(gateway);
      for (let round = 0; round < sizes.rounds; round++) {
        const order: ['direct' | 'gateway', DockerClient][] =
          round % 2 === 0
            ? [
                ['direct', direct],
                ['gateway', gateway],
              ]
            : [
                ['gateway', gateway],
                ['direct', direct],
              ];
        for (const [which, client] of order) measured[which].push(await item.run(client));
      }
      const ratio = median(measured.gateway) / median(measured.direct);
      const target = GATEWAY_TARGETS[item.kind];
      results.push({
        id: item.id,
        title: item.title,
        unit: item.unit,
        direct: median(measured.direct),
        gateway: median(measured.gateway),
        ratio,
        target,
        met: ratio >= target,
        rounds: measured,
      });
      progress(
        `${item.title}: direct ${median(measured.direct).toFixed(1)} ${item.unit}, gateway ${median(measured.gateway).toFixed(1)} ${item.unit} = ${ratio.toFixed(2)}x (target >= ${target}x)`,
      );
    }
    await gateway.close();

    console.log('\nEngine API gateway vs direct (medians of the rounds):\n');
    console.log(
      `  ${'case'.padEnd(52)} ${'direct'.padStart(12)} ${'gateway'.padStart(12)} ${'ratio'.padStart(7)}  target`,
    );
    for (const r of results) {
      console.log(
        `  ${r.title.padEnd(52)} ${`${r.direct.toFixed(1)} ${r.unit}`.padStart(12)} ${`${r.gateway.toFixed(1)} ${r.unit}`.padStart(12)} ${`${r.ratio.toFixed(2)}x`.padStart(7)}  >= ${r.target}x ${r.met ? 'met' : 'MISSED'}`,
      );
    }
    writeJson(options.out, { bench: 'gateway', quick: options.quick, engine: direct.endpoint.url, results });
    console.log(`\nJSON: ${options.out}`);
    return results.every((r) => r.met) ? 0 : 1;
  } finally {
    for (const id of created) await direct.containers.remove(id, { force: true }).catch(() => undefined);
    await direct.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    release();
  }
}

/** Units per second of `count` calls, `workers` in flight. */
async function perSecond(count: number, call: () => Promise<void>, workers = 1): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        next++;
        await call();
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

interface Server {
  readonly child: ChildProcess;
  readonly gatewayUrl: string;
  readonly caFile: string;
  readonly token: string;
}

/** `gantry-server serve` with its gateway on a free port; setup, then an admin API token. */
async function startServer(dataDir: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      SERVER_MAIN,
      'serve',
      '--port',
      '0',
      '--gateway-port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GANTRY_SECRET_KEY: undefined } },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let url = '';
  let setupToken = '';
  let gatewayUrl = '';
  let caFile = '';
  for await (const line of lines) {
    url ||= /console listening on (http:\/\/\S+)/.exec(line)?.[1] ?? '';
    setupToken ||= /\b(gst_[\w-]+)/.exec(line)?.[1] ?? '';
    const gateway = /gateway listening on (https:\/\/\S+) .*clients trust (\S+)\)/.exec(line);
    if (gateway) [, gatewayUrl = '', caFile = ''] = gateway;
    if (url && setupToken && gatewayUrl) break;
  }
  if (!url || !setupToken || !gatewayUrl)
    throw new Error('bench: the console did not print its URLs and setup token');
  const password = randomBytes(18).toString('base64url');
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`bench: POST ${path} answered ${response.status}: ${await response.text()}`);
    return response;
  };
  await call('/api/setup', { token: setupToken, username: 'bench', password });
  const login = await call('/api/auth/login', { username: 'bench', password });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await call(
    '/api/tokens',
    { name: 'bench', expiresInDays: 1 },
    { cookie, 'x-csrf-token': csrfToken },
  );
  const { token } = (await created.json()) as { token: string };
  return { child, gatewayUrl, caFile, token };
}
