/**
 * The container page in Chromium against the real console and engine: the overview and its
 * lifecycle buttons (pause / unpause act on the engine, remove confirms first), the logs (stderr
 * coloured, search marks matches, Enter filters on the server, following shows a line written
 * later, download), a terminal running a real shell, live stats, the processes table, the file
 * browser (a directory listed from its tar, a file downloaded as itself), and a container printing
 * as fast as it can: the page's DOM and heap stay bounded while the log view follows it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type ConsoleUnderTest,
  errorsOf,
  openPage,
  screenshot,
  signIn,
  startConsole,
  TEST_IMAGE,
  testLabels,
} from './support.ts';

const run = Date.now().toString(36);
const CONTAINERS = '/api/engines/local/containers';
/** Two lines (stdout and stderr), then a line a second until stopped. */
const TALKER_SCRIPT =
  'echo "hello from stdout"; echo "trouble on stderr" >&2; i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 1; done';
/** As many lines as busybox sh can print: far beyond the channel's 2,000 lines a second. */
const FLOOD_SCRIPT =
  'i=0; while true; do i=$((i+1)); echo "flood line $i with some padding to look like a log"; done';

async function createContainer(name: string, script: string | undefined, start: boolean): Promise<string> {
  const { Id } = await consoleUnderTest.call<{ Id: string }>('POST', `${CONTAINERS}?name=${name}`, {
    Image: TEST_IMAGE,
    Cmd: script ? ['sh', '-c', script] : ['sleep', '300'],
    Labels: testLabels(),
  });
  if (start) await consoleUnderTest.call('POST', `${CONTAINERS}/${Id}/start`);
  return Id;
}

async function stateOf(id: string): Promise<{ Status: string; Paused: boolean }> {
  const inspect = await consoleUnderTest.call<{ State: { Status: string; Paused: boolean } }>(
    'GET',
    `${CONTAINERS}/${id}`,
  );
  return inspect.State;
}

const openTab = async (id: string, tab: string) => {
  await page.evaluate(
    (to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    },
    `/containers/${id}${tab === 'overview' ? '' : `?tab=${tab}`}`,
  );
  await page.getByRole('tab', { name: tabLabel(tab), selected: true }).waitFor();
};
const tabLabel = (tab: string) =>
  ({ files: 'Files', logs: 'Logs', terminal: 'Terminal', stats: 'Stats', processes: 'Processes' })[tab] ??
  'Overview';

// Registered first so it runs before the console stops (after() hooks run in order).
after(async () => {
  await consoleUnderTest.call('DELETE', `${CONTAINERS}/${talker}?force=true`).catch(() => undefined);
});

// Set up at the top level, not in before(): support.ts registers its after() clean-ups where it is
// called, and inside a before() hook they would run as soon as that hook ends.
const consoleUnderTest: ConsoleUnderTest = await startConsole();
const admin = await consoleUnderTest.admin();
const talker = await createContainer(`detail-talker-${run}`, TALKER_SCRIPT, true);
const page: Page = await openPage(consoleUnderTest.url);
await signIn(page, admin);

test('overview: details, pause and unpause act on the engine, remove asks first', async () => {
  await openTab(talker, 'overview');
  await page.getByRole('heading', { name: `detail-talker-${run}` }).waitFor();
  const overview = page.getByRole('tabpanel');
  await overview.getByText(TEST_IMAGE).first().waitFor();
  await overview.getByText('io.gantry.test=1').waitFor();
  assert.match((await overview.textContent()) ?? '', /sh -c echo "hello from stdout"/);

  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Unpause' }).waitFor();
  assert.equal((await stateOf(talker)).Paused, true);
  await page.getByRole('button', { name: 'Unpause' }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  assert.equal((await stateOf(talker)).Status, 'running');

  // Remove: cancelling keeps the container, confirming removes it and returns to the list.
  const doomed = await createContainer(`detail-doomed-${run}`, undefined, false);
  await openTab(doomed, 'overview');
  await page.getByRole('button', { name: 'Remove' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await stateOf(doomed)).Status, 'created');
  await page.getByRole('button', { name: 'Remove' }).click();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await page.waitForURL((url) => url.pathname === '/containers');
  await assert.rejects(stateOf(doomed), /404/);
  assert.deepEqual(errorsOf(page), []);
});

test('logs: stderr coloured, search marks and filters, follow shows a later line, download', async () => {
  await openTab(talker, 'logs');
  const log = page.getByRole('log');
  await log.getByText('hello from stdout').waitFor();
  const stderr = log.locator('.log-stderr', { hasText: 'trouble on stderr' });
  await stderr.waitFor();
  const colour = (locator: typeof stderr) => locator.evaluate((element) => getComputedStyle(element).color);
  const stdoutLine = log.locator('.log-line', { hasText: 'hello from stdout' });
  assert.equal(await stdoutLine.evaluate((element) => element.classList.contains('log-stderr')), false);
  assert.notEqual(await colour(stderr), await colour(stdoutLine), 'stderr has its own colour');

  // Typing marks matches among the lines shown.
  const search = page.getByLabel('Search logs');
  await search.fill('trouble');
  await log.locator('mark', { hasText: 'trouble' }).waitFor();
  await page.getByText('1 matching').waitFor();

  // A line written later shows up while following.
  await search.fill('');
  await consoleUnderTest.call('POST', `${CONTAINERS}/${talker}/exec`, {
    Cmd: ['sh', '-c', 'echo written-later-by-exec > /proc/1/fd/1'],
  });
  await log.getByText('written-later-by-exec').waitFor();

  // Merging another container's logs: its lines appear, each row names its container.
  const peerName = `detail-peer-${run}`;
  const peer = await createContainer(peerName, 'echo "peer says hi"; sleep 300', true);
  try {
    await page.getByRole('button', { name: 'Merge containers…' }).click();
    const picker = page.getByRole('dialog', { name: 'Merge logs with other containers' });
    await picker.getByLabel('Filter containers').fill(peerName);
    await picker.getByRole('checkbox', { name: peerName }).check();
    await picker.getByRole('button', { name: 'Merge' }).click();
    await page.getByRole('list', { name: 'Merged containers' }).getByText(peerName).waitFor();
    const peerLine = log.locator('.log-line', { hasText: 'peer says hi' });
    await peerLine.locator('.log-source', { hasText: peerName }).waitFor();
    await log
      .locator('.log-source', { hasText: `detail-talker-${run}` })
      .first()
      .waitFor();
    await screenshot(page, 'container-logs');
    await page.getByRole('button', { name: `Stop merging ${peerName}` }).click();
    await log.getByText('hello from stdout').waitFor();
    assert.equal(await log.getByText('peer says hi').count(), 0);
  } finally {
    await consoleUnderTest.call('DELETE', `${CONTAINERS}/${peer}?force=true`);
  }

  // Download: the lines held, as a .log file through a blob: URL.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `detail-talker-${run}.log`);
  const saved = readFileSync((await download.path()) as string, 'utf8');
  assert.match(saved, /hello from stdout/);
  assert.match(saved, /written-later-by-exec/);

  // Enter: the server sends only matching lines.
  await search.fill('trouble');
  await search.press('Enter');
  await page.getByText('Only lines matching').waitFor();
  await log.getByText('trouble on stderr').waitFor();
  assert.equal(await log.getByText('hello from stdout').count(), 0);
  await search.fill('');
  await search.press('Enter');
  await log.getByText('hello from stdout').waitFor();
  assert.deepEqual(errorsOf(page), []);
});

test('terminal: a shell answers, exit shows its code, reconnect opens a new one', async () => {
  await openTab(talker, 'terminal');
  await page.getByText('Connected', { exact: true }).waitFor();
  const rows = page.locator('.xterm-rows');
  await page.locator('.terminal-host').click();
  await page.keyboard.type('echo hello-$((6*7))\n');
  await rows.getByText('hello-42').first().waitFor();
  // The command line itself reads `hello-$((6*7))`: only the shell's answer has hello-42.
  assert.match((await rows.textContent()) ?? '', /hello-42/);
  await screenshot(page, 'container-terminal');

  await page.keyboard.type('exit 3\n');
  await page.getByText('Process exited with code 3').waitFor();
  await page.getByRole('button', { name: 'Reconnect' }).click();
  await page.getByText('Connected', { exact: true }).waitFor();
  await page.locator('.terminal-host').click();
  await page.keyboard.type('echo again-$((2+3))\n');
  await page.locator('.xterm-rows').getByText('again-5').first().waitFor();
  assert.deepEqual(errorsOf(page), []);
});

test('stats: live CPU and memory figures and charts', async () => {
  await openTab(talker, 'stats');
  const cpu = page.getByRole('img', { name: /^CPU: CPU \d+\.\d\d %/ });
  await cpu.waitFor();
  await page.getByRole('img', { name: /^Memory: used \d/ }).waitFor();
  // A rate needs two samples; a few more make the screenshot's lines readable.
  // Four charts, at least one line each (`every` over no lines would pass without checking anything).
  await page.waitForFunction(() => {
    const lines = Array.from(document.querySelectorAll('.chart-line'));
    return (
      lines.length >= 4 && lines.every((line) => (line.getAttribute('points') ?? '').split(' ').length >= 5)
    );
  });
  await screenshot(page, 'container-stats');
  assert.deepEqual(errorsOf(page), []);
});

test('processes: the table lists the container processes', async () => {
  await openTab(talker, 'processes');
  const table = page.getByRole('table', { name: 'Processes' });
  await table.getByText(/sh -c echo/).waitFor();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await table
    .getByRole('cell', { name: /^sleep 1$/ })
    .first()
    .waitFor();
  assert.deepEqual(errorsOf(page), []);
});

test('files: list / and /etc from tars, download /etc/passwd as itself', async () => {
  await openTab(talker, 'files');
  await page.getByRole('button', { name: 'etc/' }).click();
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByText('etc').waitFor();
  assert.match(page.url(), /path=%2Fetc/);
  const passwdRow = page.getByRole('row').filter({ hasText: 'passwd' });
  await passwdRow.waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    passwdRow.getByRole('button', { name: 'Download passwd' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'passwd');
  const content = readFileSync((await download.path()) as string, 'utf8');
  assert.match(content, /^root:/m);
  // The breadcrumb goes back up.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('button', { name: '/' }).click();
  await page.getByRole('button', { name: 'etc/' }).waitFor();
  assert.deepEqual(errorsOf(page), []);
});

test('logs of a flooding container: DOM and heap stay bounded for 10 s', async (t) => {
  const flood = await createContainer(`detail-flood-${run}`, FLOOD_SCRIPT, true);
  try {
    await openTab(flood, 'logs');
    const log = page.getByRole('log');
    await log
      .getByText(/flood line \d+/)
      .first()
      .waitFor();
    // The ring fills up (5,000 lines) within a few seconds at the channel's 2,000 lines a second.
    await page.getByText('(the last 5,000 are kept)').waitFor({ timeout: 20_000 });
    const measure = () =>
      page.evaluate(() => ({
        lines: document.querySelectorAll('.log-line').length,
        nodes: document.getElementsByTagName('*').length,
        heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
      }));
    const before = await measure();
    const firstShown = await log.locator('.log-line').last().textContent();
    await page.waitForTimeout(10_000);
    const afterwards = await measure();
    const lastShown = await log.locator('.log-line').last().textContent();
    t.diagnostic(`before ${JSON.stringify(before)}, after 10 s ${JSON.stringify(afterwards)}`);
    assert.notEqual(lastShown, firstShown, 'the view followed new lines');
    assert.ok(afterwards.lines < 300, `line nodes: ${afterwards.lines}`);
    assert.ok(
      afterwards.nodes - before.nodes < 200,
      `DOM nodes grew from ${before.nodes} to ${afterwards.nodes}`,
    );
    assert.ok(
      afterwards.heap - before.heap < 50 * 1024 ** 2,
      `heap grew from ${before.heap} to ${afterwards.heap} bytes`,
    );
    // The channel caps the rate: the page says how many lines the server dropped.
    await page.getByText(/[\d,]+ lines dropped/).waitFor();

    // Scrolling up pauses following; ticking Follow again jumps back to the newest line.
    const follow = page.getByLabel('Follow');
    await log.hover();
    await page.mouse.wheel(0, -3000);
    await page.waitForFunction(() => !(document.getElementById('log-follow') as HTMLInputElement).checked);
    await follow.check();
    await page.waitForFunction(() => {
      const view = document.querySelector('[role=log]') as HTMLElement;
      return view.scrollHeight - view.scrollTop - view.clientHeight < 30;
    });
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await consoleUnderTest.call('DELETE', `${CONTAINERS}/${flood}?force=true`);
  }
});
