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
 *
 * Three more peers, measured in the same rounds, show what part of the gap any proxy has here: the
 * same client through a byte relay process (bench/relay.ts: a second hop, nothing parsed) over
 * plain TCP, and over TLS with the gateway's certificate (the hop and the encryption the gateway
 * cannot skip), and through the least an HTTP-aware TLS proxy in Node does (bench/relay.ts --http:
 * Node's HTTP server and client, nothing judged). `x TLS relay` and `x TLS proxy` are the gateway
 * against those: what its HTTP handling, authentication, policy and audit cost on top.
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

/** The ways the client reaches the engine, measured in this order in even rounds (reversed in odd). */
type Peer = 'direct' | 'relay' | 'tlsRelay' | 'tlsProxy' | 'gateway';

/** Operations (or MB, for streams) per second, one value per round, per peer. */
type Measured = Record<Peer, number[]>;

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
  const relays: ChildProcess[] = [];
  let server: Server | undefined;
  try {
    await direct.images.inspect(TEST_IMAGE).catch(() => {
      throw new Error(`bench: the test image ${TEST_IMAGE} is missing — run npm test once (it builds it)`);
    });
    server = await startServer(dataDir);
    const ca = readFileSync(server.caFile);
    const gateway = connect({
      host: server.gatewayUrl,
      tls: { ca, verify: true },
      headers: { Authorization: `Bearer ${server.token}` },
      env: {},
      credentials: false,
    });
    progress(`gateway ${server.gatewayUrl}; engine ${direct.endpoint.url}`);
    const clients: Partial<Record<Peer, DockerClient>> = { direct, gateway };
    const endpoint = direct.endpoint;
    if (endpoint.kind === 'unix' || (endpoint.kind === 'tcp' && !endpoint.tls)) {
      const plain = await startRelay(endpoint.url);
      const secure = await startRelay(endpoint.url, join(dataDir, 'gateway'));
      const proxy = await startRelay(endpoint.url, join(dataDir, 'gateway'), { http: true });
      relays.push(plain.child, secure.child, proxy.child);
      clients.relay = connect({ host: `tcp://127.0.0.1:${plain.port}`, env: {}, credentials: false });
      clients.tlsRelay = connect({
        host: `tcp://127.0.0.1:${secure.port}`,
        tls: { ca, verify: true },
        env: {},
        credentials: false,
      });
      clients.tlsProxy = connect({
        host: `tcp://127.0.0.1:${proxy.port}`,
        tls: { ca, verify: true },
        env: {},
        credentials: false,
      });
    } else {
      progress(`no relay peers: they splice bytes to a unix or plain tcp engine, not ${endpoint.url}`);
    }
    const peers = (['direct', 'relay', 'tlsRelay', 'tlsProxy', 'gateway'] as const).filter(
      (peer) => clients[peer],
    );

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
      const measured: Measured = { direct: [], relay: [], tlsRelay: [], tlsProxy: [], gateway: [] };
      // Warm every path (connections, TLS sessions, the console's token cache) before measuring.
      for (const peer of peers) await item.run(clients[peer] as DockerClient);
      for (let round = 0; round < sizes.rounds; round++) {
        const order = round % 2 === 0 ? peers : [...peers].reverse();
        for (const peer of order) measured[peer].push(await item.run(clients[peer] as DockerClient));
      }
      const figure = (peer: Peer) => (measured[peer].length > 0 ? median(measured[peer]) : undefined);
      const ratioTo = (peer: Peer) => {
        const base = figure(peer);
        return base ? median(measured.gateway) / base : undefined;
      };
      const ratio = ratioTo('direct') as number;
      const target = GATEWAY_TARGETS[item.kind];
      const result = {
        id: item.id,
        title: item.title,
        unit: item.unit,
        direct: figure('direct') as number,
        relay: figure('relay'),
        tlsRelay: figure('tlsRelay'),
        tlsProxy: figure('tlsProxy'),
        gateway: figure('gateway') as number,
        ratio,
        ratioToTlsRelay: ratioTo('tlsRelay'),
        ratioToTlsProxy: ratioTo('tlsProxy'),
        relayRatio:
          figure('relay') === undefined
            ? undefined
            : (figure('relay') as number) / (figure('direct') as number),
        target,
        met: ratio >= target,
        rounds: measured,
      };
      results.push(result);
      progress(
        `${item.title}: ${peers.map((peer) => `${peer} ${(figure(peer) as number).toFixed(1)}`).join(', ')} ${item.unit}; gateway ${ratio.toFixed(2)}x direct (target >= ${target}x)`,
      );
    }
    for (const peer of peers) if (peer !== 'direct') await clients[peer]?.close();

    const cell = (value: number | undefined, suffix: string, width: number) =>
      (value === undefined ? '—' : `${value.toFixed(value < 10 ? 2 : 1)}${suffix}`).padStart(width);
    console.log('\nEngine API gateway vs direct (medians of the rounds):\n');
    console.log(
      `  ${'case'.padEnd(50)} ${'direct'.padStart(14)} ${'relay'.padStart(14)} ${'TLS relay'.padStart(14)} ${'TLS HTTP proxy'.padStart(14)} ${'gateway'.padStart(14)} ${'x direct'.padStart(9)} ${'x TLS relay'.padStart(12)} ${'x TLS proxy'.padStart(12)}  target`,
    );
    for (const r of results) {
      console.log(
        `  ${r.title.padEnd(50)} ${cell(r.direct, ` ${r.unit}`, 14)} ${cell(r.relay, ` ${r.unit}`, 14)} ${cell(r.tlsRelay, ` ${r.unit}`, 14)} ${cell(r.tlsProxy, ` ${r.unit}`, 14)} ${cell(r.gateway, ` ${r.unit}`, 14)} ${cell(r.ratio, 'x', 9)} ${cell(r.ratioToTlsRelay, 'x', 12)} ${cell(r.ratioToTlsProxy, 'x', 12)}  >= ${r.target}x ${r.met ? 'met' : 'MISSED'}`,
      );
    }
    console.log(
      "\n  relay: the client through a process that splices bytes to the engine (no TLS, nothing parsed);\n  TLS relay: the same with TLS and the gateway's certificate;\n  TLS HTTP proxy: Node's HTTP server and client forwarding each request over TLS, nothing judged.\n  x TLS relay, x TLS proxy = gateway / that peer.",
    );
    writeJson(options.out, { bench: 'gateway', quick: options.quick, engine: direct.endpoint.url, results });
    console.log(`\nJSON: ${options.out}`);
    return results.every((r) => r.met) ? 0 : 1;
  } finally {
    for (const id of created) await direct.containers.remove(id, { force: true }).catch(() => undefined);
    await direct.close();
    server?.child.kill('SIGTERM');
    for (const relay of relays) relay.kill('SIGTERM');
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

/**
 * bench/relay.ts as its own process in front of `engine` (TLS with `certDir`'s cert.pem / key.pem;
 * `http`: the HTTP-aware proxy instead of the byte relay).
 */
async function startRelay(
  engine: string,
  certDir?: string,
  options: { http?: boolean } = {},
): Promise<{ child: ChildProcess; port: number }> {
  const tls = certDir ? [join(certDir, 'cert.pem'), join(certDir, 'key.pem')] : [];
  const mode = options.http ? ['--http'] : [];
  const child = spawn(process.execPath, [join(import.meta.dirname, 'relay.ts'), ...mode, engine, ...tls], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const port = Number(line);
    if (port > 0) return { child, port };
  }
  throw new Error(`bench: the relay (${engine}) exited before listening`);
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
