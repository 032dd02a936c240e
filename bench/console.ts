/**
 * `npm run bench -- console`: the console server (`gantry-server serve`, a child process with a
 * fresh SQLite data directory) on the engine the docker CLI would use, with 2,000 and then 10,000
 * containers created by the bench (labelled, removed at the end). Measures, as the issue asks:
 * - the first page of the container list through the API: server-side time (the router's
 *   `Server-Timing` header) and the client's round trip over loopback, from the cached sorted view
 *   and right after the inventory changed (the view rebuilt);
 * - the server's RSS (VmRSS of its process) idle, with 10,000 containers, and with 10 concurrent
 *   log followers on containers printing 100 lines/s each;
 * - the delay from a container starting (the daemon's `start` event time) to that event reaching a
 *   WebSocket client of the events channel.
 * See bench/README.md, "The console case group".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { connect, type DockerClient } from '@gantry/engine';
import WebSocket from 'ws';
import { BENCH_LABEL, holdHarnessSlot, TEST_IMAGE, TEST_LABEL } from './fixtures.ts';
import { writeJson } from './report.ts';
import { median } from './stats.ts';

/** The targets. */
export const CONSOLE_TARGETS = {
  firstPageMs: 100,
  idleRssMiB: 80,
  loadedRssMiB: 150,
  eventP99Ms: 200,
} as const;

const ROOT = join(import.meta.dirname, '..');
const SERVER_MAIN = join(ROOT, 'packages', 'server', 'bin', 'gantry-server.js');
const MiB = 2 ** 20;

export interface ConsoleBenchOptions {
  readonly quick: boolean;
  readonly out: string;
}

interface Sizes {
  readonly steps: readonly number[];
  readonly pageRequests: number;
  /** First-page requests each made right after one more container entered the inventory. */
  readonly changes: number;
  readonly followers: number;
  readonly followSeconds: number;
  readonly starts: number;
}

const SIZES: Record<'full' | 'quick', Sizes> = {
  full: {
    steps: [2_000, 10_000],
    pageRequests: 50,
    changes: 20,
    followers: 10,
    followSeconds: 15,
    starts: 200,
  },
  quick: { steps: [200, 500], pageRequests: 20, changes: 5, followers: 3, followSeconds: 5, starts: 30 },
};

/** A started console: its URL, pid, an API token with the admin role and the admin's password. */
export interface Console {
  readonly url: string;
  readonly child: ChildProcess;
  readonly token: string;
  readonly engineId: string;
  /** The password of the admin `bench` (for signing in through the UI). */
  readonly password: string;
}

export async function runConsoleBench(options: ConsoleBenchOptions): Promise<number> {
  const sizes = SIZES[options.quick ? 'quick' : 'full'];
  const runId = randomBytes(4).toString('hex');
  const labels = { [TEST_LABEL]: '1', [BENCH_LABEL]: runId };
  const docker = connect();
  const release = holdHarnessSlot();
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bench-console-'));
  const created: string[] = [];
  let server: Console | undefined;
  try {
    await docker.images.inspect(TEST_IMAGE).catch(() => {
      throw new Error(`bench: the test image ${TEST_IMAGE} is missing — run npm test once (it builds it)`);
    });
    server = await startServer(dataDir);
    await settle(3_000);
    const idleRss = rssMiB(server.child);
    // Containers on the engine before the bench (not its own): the inventory counts them too.
    const existing = await containersInInventory(server);
    progress(`idle RSS ${idleRss.toFixed(1)} MiB`);

    const pages: Record<string, PageTiming> = {};
    for (const count of sizes.steps) {
      progress(`creating containers up to ${count} ...`);
      await createContainers(docker, labels, count - created.length, created);
      await waitForInventory(server, existing + created.length);
      const page = await timeFirstPage(
        docker,
        server,
        labels,
        existing,
        created,
        sizes.pageRequests,
        sizes.changes,
      );
      pages[count] = page;
      progress(
        `${count} containers: first page server ${page.cached.serverMs.p50.toFixed(2)} ms p50 cached, ` +
          `${page.afterChange.serverMs.p99.toFixed(2)} ms p99 after a change; ` +
          `round trip ${page.cached.roundTripMs.p50.toFixed(2)} ms p50 cached`,
      );
    }
    await settle(2_000);
    const loadedIdleRss = rssMiB(server.child);
    progress(`RSS with ${sizes.steps.at(-1)} containers: ${loadedIdleRss.toFixed(1)} MiB`);

    progress(`${sizes.followers} log followers for ${sizes.followSeconds} s ...`);
    const followers = await followLogs(docker, server, labels, sizes, created);
    progress(
      `RSS with followers: max ${followers.maxRssMiB.toFixed(1)} MiB, ${followers.lines} lines delivered`,
    );

    progress(`event delay over ${sizes.starts} container starts ...`);
    const events = await eventDelay(docker, server, labels, sizes.starts, created);
    progress(`event delay p50 ${events.p50.toFixed(1)} ms, p99 ${events.p99.toFixed(1)} ms`);

    const largest = sizes.steps.at(-1) ?? 0;
    const results = {
      profile: options.quick ? 'quick' : 'full',
      containers: sizes.steps,
      firstPage: pages,
      rssMiB: { idle: idleRss, withContainers: loadedIdleRss, withFollowers: followers.maxRssMiB },
      followers: { count: sizes.followers, seconds: sizes.followSeconds, lines: followers.lines },
      eventDelayMs: events,
      targets: CONSOLE_TARGETS,
    };
    writeJson(options.out, results);
    const rows = [
      ...Object.entries(pages).flatMap(([count, page]) =>
        (['cached', 'afterChange'] as const).map((kind) =>
          row(
            `first page, ${count} containers, ${kind === 'cached' ? 'cached view' : 'after a change'} (server, p99)`,
            `${page[kind].serverMs.p99.toFixed(2)} ms`,
            Number(count) === largest ? page[kind].serverMs.p99 <= CONSOLE_TARGETS.firstPageMs : undefined,
            `<= ${CONSOLE_TARGETS.firstPageMs} ms at 10k`,
          ),
        ),
      ),
      row('RSS idle', `${idleRss.toFixed(1)} MiB`, idleRss <= CONSOLE_TARGETS.idleRssMiB, '<= 80 MiB'),
      row(
        `RSS, ${largest} containers + ${sizes.followers} log followers`,
        `${Math.max(loadedIdleRss, followers.maxRssMiB).toFixed(1)} MiB`,
        Math.max(loadedIdleRss, followers.maxRssMiB) <= CONSOLE_TARGETS.loadedRssMiB,
        '<= 150 MiB',
      ),
      row(
        'container start -> WebSocket (p99)',
        `${events.p99.toFixed(1)} ms`,
        events.p99 <= CONSOLE_TARGETS.eventP99Ms,
        '<= 200 ms',
      ),
    ];
    console.log(['| case | measured | target |', '|---|---|---|', ...rows].join('\n'));
    console.log(`\nresults: ${relative(process.cwd(), options.out)}`);
    return 0;
  } finally {
    server?.child.kill('SIGTERM');
    progress(`removing ${created.length} containers ...`);
    await removeContainers(docker, created);
    rmSync(dataDir, { recursive: true, force: true });
    release();
  }
}

export const row = (name: string, measured: string, met: boolean | undefined, target: string) =>
  `| ${name} | ${measured} | ${target}${met === undefined ? '' : met ? ' (met)' : ' (MISSED)'} |`;

const progress = (text: string) => process.stderr.write(`bench console: ${text}\n`);
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS of a process, in MiB (Linux /proc). */
export function rssMiB(child: Pick<ChildProcess, 'pid'>): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return (kib * 1024) / MiB;
}

/** `gantry-server serve` on a free port; setup with a random admin password; an admin API token. */
export async function startServer(dataDir: string): Promise<Console> {
  const child = spawn(
    process.execPath,
    [SERVER_MAIN, 'serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GANTRY_SECRET_KEY: undefined } },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let url = '';
  let setupToken = '';
  for await (const line of lines) {
    url ||= /listening on (http:\/\/\S+)/.exec(line)?.[1] ?? '';
    setupToken ||= /\b(gst_[\w-]+)/.exec(line)?.[1] ?? '';
    if (url && setupToken) break;
  }
  if (!url || !setupToken) throw new Error('bench: the console did not print its URL and setup token');
  const password = randomBytes(18).toString('base64url');
  await api(url, 'POST', '/api/setup', { body: { token: setupToken, username: 'bench', password } });
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const { token } = (await api(url, 'POST', '/api/tokens', {
    body: { name: 'bench', expiresInDays: 1 },
    headers: { cookie, 'x-csrf-token': csrfToken },
  })) as { token: string };
  const engines = (await api(url, 'GET', '/api/engines', { token })) as { items: { id: string }[] };
  const engineId = engines.items[0]?.id;
  if (!engineId) throw new Error('bench: the console has no engine');
  return { url, child, token, engineId, password };
}

export async function api(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`bench: ${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Creates (does not start) `count` containers, 8 requests in flight. */
export async function createContainers(
  docker: DockerClient,
  labels: Record<string, string>,
  count: number,
  created: string[],
  /** Aborted: no further container is created (the ones in flight still land in `created`). */
  signal?: AbortSignal,
): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left > 0 && !signal?.aborted) {
        left--;
        const project = `bench-project-${created.length % 50}`;
        const container = await docker.containers.create({
          Image: TEST_IMAGE,
          Cmd: ['true'],
          Labels: { ...labels, 'com.docker.compose.project': project },
        });
        created.push(container.Id);
      }
    }),
  );
}

export async function removeContainers(docker: DockerClient, ids: string[]): Promise<void> {
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let id = ids.pop(); id !== undefined; id = ids.pop())
        await docker.containers.remove(id, { force: true }).catch(() => undefined);
    }),
  );
}

/**
 * Waits until the console's inventory holds `count` containers in all (its events stream caught
 * up). Asked through the inventory's status, which reads counts only: a list query here would
 * rebuild the sorted view the first-page timing is meant to find stale.
 */
async function waitForInventory(server: Console, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const total = await containersInInventory(server);
    if (total === count) return;
    if (Date.now() > deadline) throw new Error(`bench: the inventory shows ${total} of ${count} containers`);
    await settle(100);
  }
}

async function containersInInventory(server: Console): Promise<number> {
  const status = (await api(server.url, 'GET', `/api/engines/${server.engineId}/inventory/status`, {
    token: server.token,
  })) as { stats: { counts: { containers: number } } };
  return status.stats.counts.containers;
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}
interface Timing {
  readonly serverMs: Percentiles;
  readonly roundTripMs: Percentiles;
}
interface PageTiming {
  /** The same first page asked again: served from the sorted view the previous request left. */
  readonly cached: Timing;
  /** The first request after the inventory changed (one container created): the view is rebuilt. */
  readonly afterChange: Timing;
}

const percentiles = (values: number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: median(sorted),
    p99: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN,
  };
};

/** Times one request for the first page (50 rows by name) of all containers, as the UI asks for it. */
async function firstPage(server: Console, serverMs: number[], roundTripMs: number[]): Promise<void> {
  const started = performance.now();
  const response = await fetch(
    `${server.url}/api/engines/${server.engineId}/containers?page=1&pageSize=50&sort=name&order=asc`,
    { headers: { authorization: `Bearer ${server.token}` } },
  );
  await response.arrayBuffer();
  roundTripMs.push(performance.now() - started);
  const timing = /dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1];
  if (!response.ok || timing === undefined)
    throw new Error(`bench: the list answered ${response.status} without a Server-Timing header`);
  serverMs.push(Number(timing));
}

/**
 * The first page `requests` times from the cached view, then `changes` times right after the
 * inventory took in one more container (created by the bench, waited for through the API with a
 * count read from the inventory's status, which does not touch the list's sorted views).
 */
async function timeFirstPage(
  docker: DockerClient,
  server: Console,
  labels: Record<string, string>,
  existing: number,
  created: string[],
  requests: number,
  changes: number,
): Promise<PageTiming> {
  const cached = { serverMs: [] as number[], roundTripMs: [] as number[] };
  await firstPage(server, [], []);
  for (let i = 0; i < requests; i++) await firstPage(server, cached.serverMs, cached.roundTripMs);
  const afterChange = { serverMs: [] as number[], roundTripMs: [] as number[] };
  for (let i = 0; i < changes; i++) {
    await createContainers(docker, labels, 1, created);
    await waitForInventory(server, existing + created.length);
    await firstPage(server, afterChange.serverMs, afterChange.roundTripMs);
  }
  const timing = (series: { serverMs: number[]; roundTripMs: number[] }): Timing => ({
    serverMs: percentiles(series.serverMs),
    roundTripMs: percentiles(series.roundTripMs),
  });
  return { cached: timing(cached), afterChange: timing(afterChange) };
}

function openSocket(server: Console, path: string): Promise<WebSocket> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}${path}`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`bench: WebSocket ${path} refused with ${response.statusCode}`)),
    );
  });
}

/** Containers printing 100 lines/s each, one logs WebSocket following each; RSS sampled every 500 ms. */
async function followLogs(
  docker: DockerClient,
  server: Console,
  labels: Record<string, string>,
  sizes: Sizes,
  created: string[],
): Promise<{ maxRssMiB: number; lines: number }> {
  const ids: string[] = [];
  for (let i = 0; i < sizes.followers; i++) {
    const container = await docker.containers.create({
      Image: TEST_IMAGE,
      Cmd: [
        'sh',
        '-c',
        'i=0; while true; do echo "line $i of a chatty container"; i=$((i+1)); usleep 10000; done',
      ],
      Labels: labels,
    });
    created.push(container.Id);
    ids.push(container.Id);
    await docker.containers.start(container.Id);
  }
  let lines = 0;
  const sockets = await Promise.all(
    ids.map(async (id) => {
      const socket = await openSocket(
        server,
        `/api/engines/${server.engineId}/logs?containers=${id}&follow=true&tail=100`,
      );
      socket.on('message', (data, binary) => {
        if (binary) return;
        const frame = JSON.parse(String(data)) as { type: string; lines?: unknown[] };
        if (frame.type === 'lines') lines += frame.lines?.length ?? 0;
      });
      return socket;
    }),
  );
  let maxRssMiB = 0;
  const until = Date.now() + sizes.followSeconds * 1000;
  while (Date.now() < until) {
    await settle(500);
    maxRssMiB = Math.max(maxRssMiB, rssMiB(server.child));
  }
  for (const socket of sockets) socket.close();
  await Promise.all(ids.map((id) => docker.containers.kill(id).catch(() => undefined)));
  return { maxRssMiB, lines };
}

/**
 * Starts one container (`true`, so it exits at once) `starts` times and measures, for each start
 * event, the time from the daemon's event time (`timeNano`, same clock: the engine runs here) to
 * its arrival on the events WebSocket.
 */
async function eventDelay(
  docker: DockerClient,
  server: Console,
  labels: Record<string, string>,
  starts: number,
  created: string[],
): Promise<Percentiles & { samples: number }> {
  const container = await docker.containers.create({ Image: TEST_IMAGE, Cmd: ['true'], Labels: labels });
  created.push(container.Id);
  const socket = await openSocket(server, `/api/engines/${server.engineId}/events?type=container`);
  const delays: number[] = [];
  let arrived: (() => void) | undefined;
  socket.on('message', (data) => {
    const received = Date.now();
    const frame = JSON.parse(String(data)) as {
      type: string;
      event?: { Action?: string; Actor?: { ID?: string }; timeNano?: number };
    };
    const event = frame.event;
    if (frame.type !== 'event' || event?.Action !== 'start' || event.Actor?.ID !== container.Id) return;
    delays.push(received - (event.timeNano ?? 0) / 1e6);
    arrived?.();
  });
  for (let i = 0; i < starts; i++) {
    const seen = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    await docker.containers.wait(container.Id, { condition: 'not-running' }).catch(() => undefined);
    await docker.containers.start(container.Id);
    await Promise.race([seen, settle(5_000)]);
  }
  socket.close();
  if (delays.length < starts) progress(`${starts - delays.length} start event(s) never arrived within 5 s`);
  return { ...percentiles(delays), samples: delays.length };
}
