/**
 * `npm run bench -- web`: the browser UI (packages/web) in Debian's Chromium (headless, driven by
 * playwright-core) against a real console (`gantry-server serve`, fresh SQLite, started the way
 * bench/console.ts starts it) with 10,000 labelled containers created on the engine. Measures what
 * issue 7 asks for:
 * - time to the first rendered row of /containers over cold loads (a new browser context each, so
 *   nothing is cached), next to the raw `GET` of the same first page from the API;
 * - scroll smoothness: the virtual table scrolled from top to bottom at a steady rate while every
 *   animation frame, long task and row node is counted;
 * - tab memory while the Logs tab follows a container printing ~1,000 lines per second for five
 *   minutes (JS heap, DOM nodes, the renderer process's RSS), target <= 300 MB.
 * See bench/README.md, "The web case group".
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type DockerClient } from '@gantry/engine';
import { ensureWebBuild } from '@gantry/web/build';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  api,
  type Console,
  createContainers,
  removeContainers,
  row,
  rssMiB,
  startServer,
} from './console.ts';
import { BENCH_LABEL, holdHarnessSlot, TEST_IMAGE, TEST_LABEL } from './fixtures.ts';
import { writeJson } from './report.ts';
import { median, percentile } from './stats.ts';

/** The targets: tab memory (MB = 10^6 bytes, as the issue writes it) and a virtual table. */
export const WEB_TARGETS = { tabMemoryMB: 300, maxRowNodes: 100 } as const;

export interface WebBenchOptions {
  readonly quick: boolean;
  readonly out: string;
}

interface Sizes {
  readonly containers: number;
  /** Cold loads of /containers timed (each in a new browser context). */
  readonly coldLoads: number;
  /** Raw GETs of the first page timed. */
  readonly apiRequests: number;
  /** How long the scroll from the first row to the last takes. */
  readonly scrollSeconds: number;
  /** How long the Logs tab follows the chatty container. */
  readonly logSeconds: number;
}

const SIZES: Record<'full' | 'quick', Sizes> = {
  full: { containers: 10_000, coldLoads: 5, apiRequests: 5, scrollSeconds: 10, logSeconds: 300 },
  quick: { containers: 1_000, coldLoads: 3, apiRequests: 5, scrollSeconds: 5, logSeconds: 30 },
};

/** The flags of packages/web/test/e2e/support.ts (a test module: importing it would start node:test). */
const CHROMIUM = process.env.GANTRY_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const VIEWPORT = { width: 1280, height: 800 };
const SAMPLE_EVERY_MS = 10_000;
/**
 * One frame at 60 Hz, plus 1 ms: frame timestamps are coarsened and jitter by ~0.1 ms, so a frame
 * measured at 16.8 ms is on time. And the 50 ms the RAIL model calls a long task.
 */
const FRAME_MS = 16.7 + 1;
const LONG_FRAME_MS = 50;
const MiB = 2 ** 20;
const MB = 1e6;

/**
 * 1,000 lines per second: each second ten bursts of 100 lines 80 ms apart, then a wait for the next
 * second (by the clock, so a slow second is made up by the next ones rather than lowering the
 * rate). Each line says its burst, so the last line received tells how many lines the container
 * had printed by then.
 */
const LINES_PER_BURST = 100;
const FLOOD_SCRIPT = [
  'i=0; next=$(($(date +%s) + 1)); while true; do',
  '  b=0; while [ $b -lt 10 ]; do',
  '    j=0; while [ $j -lt 100 ]; do',
  '      echo "burst=$i line=$j level=info msg=\\"request handled\\" path=/api/items/$j status=200 duration_ms=12"',
  '      j=$((j + 1)); done',
  '    i=$((i + 1)); b=$((b + 1)); usleep 80000; done',
  '  while [ $(date +%s) -lt $next ]; do usleep 10000; done; next=$((next + 1))',
  'done',
].join('\n');

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const progress = (text: string) => process.stderr.write(`bench web: ${text}\n`);

export async function runWebBench(options: WebBenchOptions): Promise<number> {
  const sizes = SIZES[options.quick ? 'quick' : 'full'];
  const runId = randomBytes(4).toString('hex');
  const labels = { [TEST_LABEL]: '1', [BENCH_LABEL]: runId };
  const docker = connect();
  const release = holdHarnessSlot();
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bench-web-'));
  const created: string[] = [];
  const interrupted = new AbortController();
  let creating: Promise<void> | undefined;
  let server: Console | undefined;
  let browser: Browser | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      interrupted.abort();
      await creating?.catch(() => undefined);
      await browser?.close().catch(() => undefined);
      server?.child.kill('SIGTERM');
      progress(`removing ${created.length} containers ...`);
      await removeContainers(docker, created);
      // A create that was in flight when a signal came: found by the run's label.
      const left = await docker.containers.list({
        all: true,
        filters: { label: [`${BENCH_LABEL}=${runId}`] },
      });
      await removeContainers(
        docker,
        left.flatMap((container) => container.Id ?? []),
      );
      rmSync(dataDir, { recursive: true, force: true });
      release();
    })();
    return cleaning;
  };
  // Ctrl-C in the middle of 10,000 containers must not leave them behind.
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal} — removing what the bench created`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await docker.images.inspect(TEST_IMAGE).catch(() => {
      throw new Error(`bench: the test image ${TEST_IMAGE} is missing — run npm test once (it builds it)`);
    });
    await ensureWebBuild({ log: progress });
    server = await startServer(dataDir);

    progress(`creating ${sizes.containers} containers ...`);
    const createStarted = performance.now();
    creating = createContainers(docker, labels, sizes.containers, created, interrupted.signal);
    await creating;
    await waitForListed(server, runId, created.length);
    const createSeconds = (performance.now() - createStarted) / 1000;
    progress(`${created.length} containers created and listed in ${createSeconds.toFixed(0)} s`);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    const signedIn = await signIn(browser, server);

    progress(`${sizes.coldLoads} cold loads of /containers ...`);
    const firstRow = await timeFirstRow(browser, server, signedIn, sizes);
    progress(
      `first row p50 ${firstRow.rowMs.p50.toFixed(0)} ms, p95 ${firstRow.rowMs.p95.toFixed(0)} ms; ` +
        `raw GET p50 ${firstRow.rawGetMs.p50.toFixed(1)} ms`,
    );

    progress(`scrolling ${firstRow.rows} rows in ${sizes.scrollSeconds} s ...`);
    const scroll = await measureScroll(browser, server, signedIn, sizes.scrollSeconds);
    progress(
      `scroll: ${scroll.frames.frames} frames, p95 ${scroll.frames.p95Ms.toFixed(1)} ms, ` +
        `${scroll.maxRowNodes} row nodes at most`,
    );

    progress(`following ~1,000 lines/s in the Logs tab for ${sizes.logSeconds} s ...`);
    const logs = await measureLogMemory(browser, docker, server, signedIn, labels, created, sizes.logSeconds);

    const results = {
      profile: options.quick ? 'quick' : 'full',
      date: new Date().toISOString(),
      chromium: browser.version(),
      containers: sizes.containers,
      createSeconds,
      firstRow,
      scroll,
      logs,
      targets: WEB_TARGETS,
    };
    writeJson(options.out, results);
    console.log(['| case | measured | target |', '|---|---|---|', ...tableRows(results)].join('\n'));
    console.log(`\nresults: ${relative(process.cwd(), options.out)}`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** Waits until the console's list shows every container of this run (other containers may come and go). */
async function waitForListed(server: Console, runId: string, count: number): Promise<void> {
  const label = encodeURIComponent(`${BENCH_LABEL}=${runId}`);
  const path = `/api/engines/${server.engineId}/containers?pageSize=1&label=${label}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { total } = (await api(server.url, 'GET', path, { token: server.token })) as { total: number };
    if (total >= count) return;
    if (Date.now() > deadline) throw new Error(`bench: the console lists ${total} of ${count} containers`);
    await sleep(250);
  }
}

function newContext(browser: Browser, server: Console, storageState?: StorageState): Promise<BrowserContext> {
  return browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark', baseURL: server.url, storageState });
}

/** Signs in as the admin through the login page; the session (cookie, engine choice) for later contexts. */
async function signIn(browser: Browser, server: Console): Promise<StorageState> {
  const context = await newContext(browser, server);
  try {
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Username').fill('bench');
    await page.getByLabel('Password', { exact: true }).fill(server.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
    return await context.storageState();
  } finally {
    await context.close();
  }
}

interface Spread {
  readonly p50: number;
  readonly p95: number;
  readonly values: readonly number[];
}

const spread = (values: readonly number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: median(sorted), p95: percentile(sorted, 95), values };
};

/** What the page state is known by in the browser (set by the functions below, read by the bench). */
interface BenchWindow extends Window {
  __benchFirstRowMs?: number;
  __benchFrames?: { frames: number[]; longTasks: number[]; stop: () => void };
}

/**
 * Runs in the page before its own scripts: notes when the first container row showing a name (a
 * link, not a placeholder) enters the DOM, in ms since navigation start (`performance.now()`).
 */
function watchFirstRow(): void {
  const page = window as BenchWindow;
  const observer = new MutationObserver(() => {
    if (!document.querySelector('.vt-body .vt-row a')?.textContent) return;
    page.__benchFirstRowMs = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
}

interface ColdLoad {
  /** All in ms since navigation start. */
  readonly rowMs: number;
  readonly domContentLoadedMs: number;
  readonly listRequestStartMs: number;
  readonly listResponseEndMs: number;
  /** The first page's URL as the UI asked for it. */
  readonly listUrl: string;
  readonly rows: number;
}

/** Opens /containers in a new context (empty cache, signed-in cookie) and times its first row. */
async function coldLoad(browser: Browser, server: Console, signedIn: StorageState): Promise<ColdLoad> {
  const context = await newContext(browser, server, signedIn);
  try {
    await context.addInitScript(watchFirstRow);
    const page = await context.newPage();
    await page.goto('/containers', { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as BenchWindow).__benchFirstRowMs !== undefined, undefined, {
      timeout: 60_000,
    });
    return await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const list = performance.getEntriesByType('resource').find((entry) => {
        const url = new URL(entry.name);
        return url.pathname.endsWith('/containers') && url.searchParams.get('page') === '1';
      }) as PerformanceResourceTiming | undefined;
      const grid = document.querySelector('[role="grid"][aria-label="containers"]');
      return {
        rowMs: (window as BenchWindow).__benchFirstRowMs as number,
        domContentLoadedMs: navigation.domContentLoadedEventEnd,
        listRequestStartMs: list?.startTime ?? Number.NaN,
        listResponseEndMs: list?.responseEnd ?? Number.NaN,
        listUrl: list?.name ?? '',
        rows: Number(grid?.getAttribute('aria-rowcount') ?? 1) - 1,
      };
    });
  } finally {
    await context.close();
  }
}

/** The same first page the UI asked for, straight from the API with a bearer token: round trip and Server-Timing. */
async function rawFirstPage(server: Console, listUrl: string): Promise<{ ms: number; serverMs: number }> {
  const started = performance.now();
  const response = await fetch(listUrl, { headers: { authorization: `Bearer ${server.token}` } });
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`bench: GET ${listUrl} answered ${response.status}`);
  const serverMs = Number(
    /dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN,
  );
  return { ms, serverMs };
}

/** Cold loads of /containers, each followed by a raw GET of the same first page. */
async function timeFirstRow(browser: Browser, server: Console, signedIn: StorageState, sizes: Sizes) {
  const loads: ColdLoad[] = [];
  const rawGets: { ms: number; serverMs: number }[] = [];
  for (let i = 0; i < Math.max(sizes.coldLoads, sizes.apiRequests); i++) {
    if (i < sizes.coldLoads) loads.push(await coldLoad(browser, server, signedIn));
    const listUrl = loads[0]?.listUrl;
    if (!listUrl) throw new Error('bench: the containers page asked for no first page');
    if (i < sizes.apiRequests) rawGets.push(await rawFirstPage(server, listUrl));
  }
  return {
    listUrl: loads[0]?.listUrl,
    rows: loads[0]?.rows ?? 0,
    rowMs: spread(loads.map((load) => load.rowMs)),
    domContentLoadedMs: spread(loads.map((load) => load.domContentLoadedMs)),
    listRequestStartMs: spread(loads.map((load) => load.listRequestStartMs)),
    listResponseEndMs: spread(loads.map((load) => load.listResponseEndMs)),
    rawGetMs: spread(rawGets.map((get) => get.ms)),
    rawGetServerMs: spread(rawGets.map((get) => get.serverMs)),
  };
}

/** Runs in the page: records every animation frame's duration and every long task until stopped. */
function recordFrames(): void {
  const frames: number[] = [];
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  let previous: number | undefined;
  let running = true;
  const step = (now: number) => {
    if (!running) return;
    if (previous !== undefined) frames.push(now - previous);
    previous = now;
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
  (window as BenchWindow).__benchFrames = {
    frames,
    longTasks,
    stop: () => {
      running = false;
      for (const entry of observer.takeRecords()) longTasks.push(entry.duration);
      observer.disconnect();
    },
  };
}

/** Runs in the page: stops {@link recordFrames} and hands over what it recorded. */
function takeFrames(): { frames: number[]; longTasks: number[] } {
  const recorded = (window as BenchWindow).__benchFrames;
  if (!recorded) throw new Error('no frame recorder in the page');
  recorded.stop();
  return { frames: recorded.frames, longTasks: recorded.longTasks };
}

interface FrameStats {
  readonly frames: number;
  readonly fps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Share of frames longer than one 60 Hz frame (16.7 ms, see FRAME_MS) and than 50 ms, in percent. */
  readonly over16_7Pct: number;
  readonly over50Pct: number;
  readonly longTasks: number;
  readonly longTasksTotalMs: number;
  readonly longestTaskMs: number;
}

function frameStats({ frames, longTasks }: { frames: number[]; longTasks: number[] }): FrameStats {
  const sorted = Float64Array.from(frames).sort();
  const total = frames.reduce((sum, ms) => sum + ms, 0);
  const share = (limit: number) =>
    (100 * frames.filter((ms) => ms > limit).length) / Math.max(1, frames.length);
  return {
    frames: frames.length,
    fps: frames.length / (total / 1000),
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    over16_7Pct: share(FRAME_MS),
    over50Pct: share(LONG_FRAME_MS),
    longTasks: longTasks.length,
    longTasksTotalMs: longTasks.reduce((sum, ms) => sum + ms, 0),
    longestTaskMs: Math.max(0, ...longTasks),
  };
}

/**
 * Runs in the page: moves the table's scrollTop from the top to the bottom at a steady rate (by
 * elapsed time, so a slow frame skips ahead rather than slowing the scroll) over `durationMs`.
 * Per frame it counts the row nodes and whether a row in view was still a placeholder (its page
 * not loaded yet). It reads only inline styles and the scrollTop it set itself: reading layout
 * (offsetTop, scrollTop) would force a layout the page did not ask for.
 */
function scrollThrough(
  durationMs: number,
): Promise<{ steps: number; maxRowNodes: number; blankFrames: number; px: number }> {
  const body = document.querySelector<HTMLElement>('.vt-body');
  if (!body) throw new Error('no virtual table body in the page');
  const height = body.clientHeight;
  const distance = body.scrollHeight - height;
  let top = body.scrollTop;
  let steps = 0;
  let maxRowNodes = 0;
  let blankFrames = 0;
  return new Promise((resolve) => {
    let started: number | undefined;
    const step = (now: number) => {
      started ??= now;
      steps++;
      const rows = Array.from(body.querySelectorAll<HTMLElement>('.vt-row'));
      maxRowNodes = Math.max(maxRowNodes, rows.length);
      const blank = rows.some((rowNode) => {
        const rowTop = Number.parseFloat(rowNode.style.top);
        const inView = rowTop + Number.parseFloat(rowNode.style.height) > top && rowTop < top + height;
        return inView && rowNode.querySelector('.vt-placeholder') !== null;
      });
      if (blank) blankFrames++;
      const done = Math.min(1, (now - started) / durationMs);
      top = done * distance;
      body.scrollTop = top;
      if (done < 1) requestAnimationFrame(step);
      else resolve({ steps, maxRowNodes, blankFrames, px: distance });
    };
    requestAnimationFrame(step);
  });
}

/** Scrolls the 10,000-row table top to bottom and reads frames, long tasks, row nodes and fetched pages. */
async function measureScroll(browser: Browser, server: Console, signedIn: StorageState, seconds: number) {
  const context = await newContext(browser, server, signedIn);
  try {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto('/containers');
    await page.locator('.vt-body .vt-row a').first().waitFor({ timeout: 60_000 });
    const rows =
      Number(await page.getByRole('grid', { name: 'containers' }).getAttribute('aria-rowcount')) - 1;
    // The live-updates channel and late layout settle first: their work is not the scroll's.
    await sleep(2_000);
    await page.evaluate(recordFrames);
    const scrolled = await page.evaluate(scrollThrough, seconds * 1000);
    const frames = frameStats(await page.evaluate(takeFrames));
    const waiting = performance.now();
    const lastRow = page.locator(`.vt-body [aria-rowindex="${rows + 1}"] a`);
    await lastRow.waitFor({ timeout: 30_000 });
    const lastRowFilledMs = performance.now() - waiting;
    const lastRowName = (await lastRow.textContent()) ?? '';
    const fetched = await page.evaluate(() => {
      const urls = performance
        .getEntriesByType('resource')
        .map((entry) => new URL(entry.name))
        .filter((url) => url.pathname.endsWith('/containers') && url.searchParams.has('page'));
      return {
        pages: new Set(urls.map((url) => url.searchParams.get('page'))).size,
        pageSize: Number(urls[0]?.searchParams.get('pageSize') ?? Number.NaN),
      };
    });
    return {
      rows,
      seconds,
      px: scrolled.px,
      frames,
      maxRowNodes: scrolled.maxRowNodes,
      blankFramesPct: (100 * scrolled.blankFrames) / Math.max(1, scrolled.steps),
      pagesFetched: fetched.pages,
      pagesInList: Number.isNaN(fetched.pageSize) ? undefined : Math.ceil(rows / fetched.pageSize),
      lastRowFilledMs,
      lastRowName,
      pageErrors: errors,
    };
  } finally {
    await context.close();
  }
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Counts what the page's logs WebSocket delivered (read from the frames, not from the page's DOM). */
function countDelivered(page: Page) {
  const delivered = { lines: 0, dropped: 0, lastBurst: -1 };
  page.on('websocket', (socket) => {
    if (!new URL(socket.url()).pathname.endsWith('/logs')) return;
    socket.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as {
        type: string;
        lines?: { text: string }[];
        total?: number;
      };
      if (frame.type === 'lines' && frame.lines) {
        delivered.lines += frame.lines.length;
        const burst = /burst=(\d+)/.exec(frame.lines.at(-1)?.text ?? '')?.[1];
        if (burst !== undefined) delivered.lastBurst = Number(burst);
      } else if (frame.type === 'dropped') delivered.dropped = frame.total ?? delivered.dropped;
    });
  });
  return delivered;
}

interface MemorySample {
  readonly atSeconds: number;
  readonly jsHeapUsedMB: number;
  readonly jsHeapTotalMB: number;
  readonly domNodes: number;
  readonly eventListeners: number;
  /** The renderer process of the tab: VmRSS and PSS (its share of pages shared with other processes). */
  readonly rendererRssMB: number | undefined;
  readonly rendererPssMB: number | undefined;
  readonly linesReceived: number;
}

/** PSS of a process (Linux smaps_rollup), in MB. */
function pssMB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return (Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? Number.NaN) * 1024) / MB;
}

/**
 * The tab's renderer: the largest renderer process Chromium reports (the bench keeps one tab open,
 * so others are at most a spare, empty renderer). Undefined when Chromium does not say.
 */
async function rendererMemory(browser: Browser): Promise<{ rssMB: number; pssMB: number } | undefined> {
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await session.send('SystemInfo.getProcessInfo');
    let largest: { rssMB: number; pssMB: number } | undefined;
    for (const info of processInfo) {
      if (info.type !== 'renderer') continue;
      try {
        const memory = { rssMB: (rssMiB({ pid: info.id }) * MiB) / MB, pssMB: pssMB(info.id) };
        if (!largest || memory.rssMB > largest.rssMB) largest = memory;
      } catch {
        // the process ended between the listing and the read
      }
    }
    return largest;
  } catch {
    return undefined;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/**
 * A container printing ~1,000 lines/s, its Logs tab open with follow on; every 10 s the tab's JS
 * heap, DOM nodes and renderer memory, and the lines its WebSocket delivered. Frames and long tasks
 * are recorded for the whole time; a last sample after a forced GC shows what stays.
 */
async function measureLogMemory(
  browser: Browser,
  docker: DockerClient,
  server: Console,
  signedIn: StorageState,
  labels: Record<string, string>,
  created: string[],
  seconds: number,
) {
  const container = await docker.containers.create({
    Image: TEST_IMAGE,
    Cmd: ['sh', '-c', FLOOD_SCRIPT],
    Labels: labels,
    HostConfig: { NetworkMode: 'none' },
  });
  created.push(container.Id);
  await docker.containers.start(container.Id);
  const context = await newContext(browser, server, signedIn);
  try {
    const page = await context.newPage();
    const errors = collectErrors(page);
    const delivered = countDelivered(page);
    await page.goto(`/containers/${container.Id}?tab=logs`);
    await page.locator('.log-row').first().waitFor({ timeout: 30_000 });
    const following = await page.getByLabel('Follow').isChecked();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.evaluate(recordFrames);

    const begin = performance.now();
    const linesAtBegin = delivered.lines;
    const burstAtBegin = delivered.lastBurst;
    const sample = async (): Promise<MemorySample> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
      const renderer = await rendererMemory(browser);
      return {
        atSeconds: (performance.now() - begin) / 1000,
        jsHeapUsedMB: metric('JSHeapUsedSize') / MB,
        jsHeapTotalMB: metric('JSHeapTotalSize') / MB,
        domNodes: metric('Nodes'),
        eventListeners: metric('JSEventListeners'),
        rendererRssMB: renderer?.rssMB,
        rendererPssMB: renderer?.pssMB,
        linesReceived: delivered.lines - linesAtBegin,
      };
    };
    const samples: MemorySample[] = [];
    for (;;) {
      const taken = await sample();
      samples.push(taken);
      progress(
        `${taken.atSeconds.toFixed(0)} s: JS heap ${taken.jsHeapUsedMB.toFixed(1)} MB, ${taken.domNodes} DOM nodes, ` +
          `renderer RSS ${taken.rendererRssMB?.toFixed(0) ?? '?'} MB, ${taken.linesReceived} lines received`,
      );
      const left = seconds * 1000 - (performance.now() - begin);
      if (left <= 0) break;
      await sleep(Math.min(SAMPLE_EVERY_MS, left));
    }
    const elapsed = (performance.now() - begin) / 1000;
    const frames = frameStats(await page.evaluate(takeFrames));
    const linesShown = await page.locator('.log-row').count();
    const lastLineShown = (await page.locator('.log-row').last().textContent()) ?? '';
    await cdp.send('HeapProfiler.collectGarbage');
    const afterGc = await sample();
    const final = samples.at(-1) as MemorySample;
    const max = (pick: (s: MemorySample) => number | undefined) =>
      Math.max(...samples.map((s) => pick(s) ?? Number.NaN).filter(Number.isFinite));
    return {
      seconds,
      following,
      producedLinesPerSecond: ((delivered.lastBurst - burstAtBegin) * LINES_PER_BURST) / elapsed,
      receivedLinesPerSecond: (delivered.lines - linesAtBegin) / elapsed,
      linesReceived: delivered.lines,
      droppedByServer: delivered.dropped,
      lineNodesInDom: linesShown,
      lastLineShown,
      max: {
        jsHeapUsedMB: max((s) => s.jsHeapUsedMB),
        domNodes: max((s) => s.domNodes),
        rendererRssMB: max((s) => s.rendererRssMB),
        rendererPssMB: max((s) => s.rendererPssMB),
      },
      final,
      afterGc,
      frames,
      samples,
      pageErrors: errors,
    };
  } finally {
    await context.close();
  }
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const mb = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(1)} MB`);
const pct = (value: number) => `${value.toFixed(1)} %`;

interface Results {
  readonly firstRow: Awaited<ReturnType<typeof timeFirstRow>>;
  readonly scroll: Awaited<ReturnType<typeof measureScroll>>;
  readonly logs: Awaited<ReturnType<typeof measureLogMemory>>;
}

function tableRows({ firstRow, scroll, logs }: Results): string[] {
  const none = 'none in the issue (reported)';
  const f = scroll.frames;
  const minutes = `${(logs.seconds / 60).toFixed(logs.seconds % 60 ? 1 : 0)} min`;
  // Judged by the larger figure: RSS counts pages shared with other Chromium processes too.
  const tabMB = logs.max.rendererRssMB;
  return [
    row(
      `first rendered row, cold load, ${firstRow.rows} rows (p50 / p95 of ${firstRow.rowMs.values.length})`,
      `${ms(firstRow.rowMs.p50)} / ${ms(firstRow.rowMs.p95)}`,
      undefined,
      none,
    ),
    row(
      '… DOMContentLoaded / first-page request sent / answered (p50, since navigation)',
      `${ms(firstRow.domContentLoadedMs.p50)} / ${ms(firstRow.listRequestStartMs.p50)} / ${ms(firstRow.listResponseEndMs.p50)}`,
      undefined,
      none,
    ),
    row(
      `raw GET of the same first page (round trip / server, p50 of ${firstRow.rawGetMs.values.length})`,
      `${ms(firstRow.rawGetMs.p50)} / ${ms(firstRow.rawGetServerMs.p50)}`,
      undefined,
      none,
    ),
    row(
      `scroll ${scroll.rows} rows in ${scroll.seconds} s: frames (fps)`,
      `${f.frames} (${f.fps.toFixed(1)} fps)`,
      undefined,
      none,
    ),
    row(
      'scroll: frame time p50 / p95 / p99',
      `${ms(f.p50Ms)} / ${ms(f.p95Ms)} / ${ms(f.p99Ms)}`,
      undefined,
      none,
    ),
    row(
      'scroll: frames over 16.7 ms / over 50 ms',
      `${pct(f.over16_7Pct)} / ${pct(f.over50Pct)}`,
      undefined,
      none,
    ),
    row(
      'scroll: long tasks (count, total, longest)',
      `${f.longTasks}, ${ms(f.longTasksTotalMs)}, ${ms(f.longestTaskMs)}`,
      undefined,
      none,
    ),
    row(
      'scroll: row nodes in the DOM (max)',
      String(scroll.maxRowNodes),
      scroll.maxRowNodes < WEB_TARGETS.maxRowNodes,
      `< ${WEB_TARGETS.maxRowNodes} (virtual)`,
    ),
    row('scroll: frames with a not-yet-loaded row in view', pct(scroll.blankFramesPct), undefined, none),
    row(
      'scroll: pages fetched; last row filled after the scroll',
      `${scroll.pagesFetched} of ${scroll.pagesInList ?? '?'}; ${ms(scroll.lastRowFilledMs)}`,
      undefined,
      none,
    ),
    row(
      `logs: tab memory, renderer RSS (max / final) over ${minutes}`,
      `${mb(logs.max.rendererRssMB)} / ${mb(logs.final.rendererRssMB)}`,
      tabMB === undefined || !Number.isFinite(tabMB) ? undefined : tabMB <= WEB_TARGETS.tabMemoryMB,
      `<= ${WEB_TARGETS.tabMemoryMB} MB`,
    ),
    row(
      'logs: renderer PSS (max / final)',
      `${mb(logs.max.rendererPssMB)} / ${mb(logs.final.rendererPssMB)}`,
      undefined,
      none,
    ),
    row(
      'logs: JS heap used (max / final / after a forced GC)',
      `${mb(logs.max.jsHeapUsedMB)} / ${mb(logs.final.jsHeapUsedMB)} / ${mb(logs.afterGc.jsHeapUsedMB)}`,
      undefined,
      none,
    ),
    row(
      'logs: DOM nodes (max / final); log rows in the DOM',
      `${logs.max.domNodes} / ${logs.final.domNodes}; ${logs.lineNodesInDom}`,
      undefined,
      none,
    ),
    row(
      'logs: lines/s printed by the container / received by the page; dropped',
      `${logs.producedLinesPerSecond.toFixed(0)} / ${logs.receivedLinesPerSecond.toFixed(0)}; ${logs.droppedByServer}`,
      undefined,
      '~1,000 lines/s',
    ),
    row(
      'logs: frame time p95 / frames over 50 ms / long tasks while following',
      `${ms(logs.frames.p95Ms)} / ${pct(logs.frames.over50Pct)} / ${logs.frames.longTasks}`,
      undefined,
      none,
    ),
  ];
}
