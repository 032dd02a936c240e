/**
 * The containers list and the create form in Chromium against the real console and engine: the list
 * shows containers created through the API, the filter narrows it (and lands in the URL), bulk start
 * / stop / remove act on the engine, a container started elsewhere changes its badge by itself (the
 * events channel), grouping by compose project filters by project, and the form creates and starts
 * a container with everything it was given. A last test answers the list route with 10,000
 * synthetic rows (intercepted in the browser: creating 10,000 containers would take minutes) to show
 * the table renders a bounded number of rows and fetches only the pages scrolled to.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { type TestContext, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  errorsOf,
  openPage,
  screenshot,
  signIn,
  startConsole,
  TEST_IMAGE,
  TEST_LABEL,
  testLabels,
} from './support.ts';

interface Inspect {
  Id: string;
  State: { Running: boolean; Status: string };
  Config: { Cmd: string[]; Env: string[]; Labels: Record<string, string> };
  HostConfig: {
    PortBindings: Record<string, { HostPort: string }[]>;
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    NanoCpus: number;
    Memory: number;
    NetworkMode: string;
  };
  Mounts: { Destination: string; Type: string }[];
}

const run = Date.now().toString(36);
const PROJECT = `gantry-e2e-${run}`;
const alpha = { name: `list-alpha-${run}`, id: '' };
const beta = { name: `list-beta-${run}`, id: '' };

const CONTAINERS = '/api/engines/local/containers';

function createThroughApi(name: string, labels: Record<string, string> = {}): Promise<{ Id: string }> {
  return consoleUnderTest.call('POST', `${CONTAINERS}?name=${name}`, {
    Image: TEST_IMAGE,
    Cmd: ['sleep', '300'],
    Labels: testLabels(labels),
  });
}

/** The table row showing the container named `name`. */
const rowOf = (name: string) => page.getByRole('row').filter({ hasText: name });

async function waitForState(name: string, state: string): Promise<void> {
  await rowOf(name).getByText(state, { exact: true }).waitFor();
}

/** Selects `id`'s row and runs a bulk action from the bar above the table. */
async function bulk(id: string, action: string): Promise<void> {
  await page.getByLabel(`select ${id}`).check();
  await page
    .getByRole('region', { name: 'selected containers' })
    .getByRole('button', { name: action, exact: true })
    .click();
}

/** A TCP port nothing listens on right now, for the form's published port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

// One console and one signed-in page for the whole file, set up at the top so their `after`
// clean-ups belong to the file, not to a hook.
const consoleUnderTest = await startConsole();
alpha.id = (await createThroughApi(alpha.name, { 'com.docker.compose.project': PROJECT })).Id;
beta.id = (await createThroughApi(beta.name)).Id;
const page = await openPage(consoleUnderTest.url);
await signIn(page, await consoleUnderTest.admin());

/**
 * Closes a page's browser context when the test ends. The console's own clean-up (registered first,
 * so run first) waits for open WebSockets, which the events channel of the list keeps open: pages
 * must go before it.
 */
function closeAfter(t: TestContext, done: Page): void {
  t.after(() => done.context().close());
}

test('the list shows the containers, the filter narrows them, the table stays virtual', async () => {
  await page.getByRole('link', { name: 'Containers', exact: true }).click();
  await rowOf(alpha.name).waitFor();
  await rowOf(beta.name).waitFor();
  await waitForState(alpha.name, 'created');
  assert.ok((await page.getByRole('row').count()) < 100, 'only rows in view are rendered');

  await page.getByLabel('Filter').fill(alpha.name);
  await page.getByText('1 matching').waitFor();
  await rowOf(alpha.name).waitFor();
  assert.equal(await rowOf(beta.name).count(), 0);
  assert.equal(new URL(page.url()).searchParams.get('filter'), alpha.name);

  await page.getByLabel('Filter').fill('');
  await rowOf(beta.name).waitFor();
});

test('a container started elsewhere changes its badge without a reload', async () => {
  await waitForState(beta.name, 'created');
  await consoleUnderTest.call('POST', `${CONTAINERS}/${beta.id}/start`);
  await waitForState(beta.name, 'running');
});

test('start, stop and remove from the list act on the engine', async () => {
  await bulk(alpha.id, 'Start');
  await page.getByRole('status').filter({ hasText: 'Started 1 container' }).waitFor();
  await waitForState(alpha.name, 'running');
  assert.equal(
    (await consoleUnderTest.call<Inspect>('GET', `${CONTAINERS}/${alpha.id}`)).State.Running,
    true,
  );

  await bulk(alpha.id, 'Stop');
  await waitForState(alpha.name, 'exited');
  assert.equal(
    (await consoleUnderTest.call<Inspect>('GET', `${CONTAINERS}/${alpha.id}`)).State.Running,
    false,
  );

  // Unpausing a container that is not paused fails: the summary names it with the daemon's reason.
  await bulk(beta.id, 'Unpause');
  await page
    .getByRole('alert')
    .filter({ hasText: `Unpause: 1 of 1 failed (0 done): ${beta.name}:` })
    .filter({ hasText: /not paused/ })
    .waitFor();
  await page.getByRole('button', { name: 'Clear selection' }).click();

  await bulk(alpha.id, 'Remove');
  const dialog = page.getByRole('alertdialog');
  await dialog.getByText(`Remove ${alpha.name}?`).waitFor();
  await dialog.getByLabel(/Remove volumes/).check();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await rowOf(alpha.name).waitFor({ state: 'detached' });
  await assert.rejects(consoleUnderTest.call('GET', `${CONTAINERS}/${alpha.id}`), /404/);
});

test('grouping by compose project summarises and filters by project', async (t) => {
  const project = `${PROJECT}-grouped`;
  const grouped = await createThroughApi(`list-gamma-${run}`, { 'com.docker.compose.project': project });
  await rowOf(`list-gamma-${run}`).waitFor();
  await page.getByLabel('Group by compose project').check();
  const groups = page.getByRole('region', { name: 'compose projects' });
  await groups.getByRole('button', { name: new RegExp(project) }).click();
  await page.waitForURL((url) => url.searchParams.get('project') === project);
  await rowOf(`list-gamma-${run}`).waitFor();
  await page.getByText('1 matching').waitFor();
  assert.equal(await rowOf(beta.name).count(), 0);
  await groups.getByRole('button', { name: 'All projects' }).click();
  await rowOf(beta.name).waitFor();
  await screenshot(page, 'containers-list');
  await page.getByLabel('Group by compose project').uncheck();
  await consoleUnderTest.call('DELETE', `${CONTAINERS}/${grouped.Id}?force=true`);
  await rowOf(`list-gamma-${run}`).waitFor({ state: 'detached' });
  await rowOf(beta.name).waitFor();

  const phone = await openPage(consoleUnderTest.url, { viewport: { width: 390, height: 844 } });
  closeAfter(t, phone);
  await signIn(phone, await consoleUnderTest.admin());
  await phone.goto(`${consoleUnderTest.url}/containers`);
  await phone.getByRole('row').filter({ hasText: beta.name }).waitFor();
  const scrollWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= 390, `no horizontal page scroll at 390 px (scrollWidth ${scrollWidth})`);
  await screenshot(phone, 'containers-list-phone');
  assert.deepEqual(errorsOf(phone), []);
});

test('the create form sends every field to the engine and starts the container', async (t) => {
  closeAfter(t, page); // the last test of the shared page
  const name = `form-${run}`;
  const hostPort = await freePort();
  await page.getByRole('link', { name: 'Create container' }).click();
  await page.getByRole('heading', { name: 'Create container' }).waitFor();

  // A name the server refuses: its message appears next to the name field.
  await page.getByLabel('Image').fill(TEST_IMAGE);
  await page.getByLabel('Name').fill('-bad');
  await page.getByRole('button', { name: 'Create container' }).click();
  await page.getByRole('alert').filter({ hasText: 'The container was not created' }).waitFor();
  await page.locator('.field-error').filter({ hasText: 'query.name' }).waitFor();

  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Command').fill('sleep\n300');
  await page.getByRole('button', { name: 'Add variable' }).click();
  await page.getByLabel('Variable 1', { exact: true }).fill('GREETING');
  await page.getByLabel('Value 1', { exact: true }).fill('hello world');
  await page.getByRole('button', { name: 'Add port' }).click();
  await page.getByLabel('Host port 1', { exact: true }).fill(String(hostPort));
  await page.getByLabel('Container port 1', { exact: true }).fill('8080');
  await page.getByRole('button', { name: 'Add mount' }).click();
  await page.getByLabel('Target 1', { exact: true }).fill('/data');
  await page.getByLabel('Network').selectOption('bridge');
  await page.getByLabel('Restart policy').selectOption('on-failure');
  await page.getByLabel('Maximum retries').fill('3');
  await page.getByLabel('CPUs').fill('0.5');
  await page.getByLabel('Memory', { exact: true }).fill('64');
  await page.getByRole('button', { name: 'Add label' }).click();
  await page.getByLabel('Label 1', { exact: true }).fill(TEST_LABEL);
  await page.getByLabel('Label value 1').fill('1');
  await page.getByRole('button', { name: 'Add label' }).click();
  await page.getByLabel('Label 2', { exact: true }).fill('com.example.team');
  await page.getByLabel('Label value 2').fill('web');
  assert.equal(await page.getByLabel('Start after create').isChecked(), true);
  await page.locator('.content').evaluate((content) => content.scrollTo(0, 0));
  await screenshot(page, 'containers-create');

  await page.getByRole('button', { name: 'Create container' }).click();
  await page.waitForURL(/\/containers\/[0-9a-f]{64}$/);
  const id = new URL(page.url()).pathname.split('/').pop() as string;
  const inspect = await consoleUnderTest.call<Inspect>('GET', `${CONTAINERS}/${id}`);
  assert.equal(inspect.State.Running, true);
  assert.deepEqual(inspect.Config.Cmd, ['sleep', '300']);
  assert.ok(inspect.Config.Env.includes('GREETING=hello world'), inspect.Config.Env.join(' '));
  assert.equal(inspect.HostConfig.PortBindings['8080/tcp']?.[0]?.HostPort, String(hostPort));
  assert.equal(inspect.Config.Labels['com.example.team'], 'web');
  assert.equal(inspect.Config.Labels[TEST_LABEL], '1');
  assert.deepEqual(inspect.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(inspect.HostConfig.NanoCpus, 500_000_000);
  assert.equal(inspect.HostConfig.Memory, 64 * 1024 ** 2);
  assert.equal(inspect.HostConfig.NetworkMode, 'bridge');
  assert.ok(inspect.Mounts.some((mount) => mount.Destination === '/data' && mount.Type === 'volume'));
  assert.deepEqual(errorsOf(page), []);
});

test('10,000 rows: a bounded number of row elements, pages fetched on demand', async (t) => {
  const TOTAL = 10_000;
  const requested: { page: number; pageSize: number }[] = [];
  const synthetic = await openPage(consoleUnderTest.url);
  closeAfter(t, synthetic);
  await synthetic.route(
    (url) => url.pathname === CONTAINERS,
    async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const query = new URL(route.request().url()).searchParams;
      const number = Number(query.get('page') ?? 1);
      const pageSize = Number(query.get('pageSize') ?? 50);
      requested.push({ page: number, pageSize });
      const first = (number - 1) * pageSize;
      const items = Array.from({ length: Math.max(0, Math.min(pageSize, TOTAL - first)) }, (_, offset) => {
        const index = first + offset;
        return {
          Id: index.toString(16).padStart(64, '0'),
          Names: [`/synthetic-${String(index).padStart(5, '0')}`],
          Image: 'busybox',
          State: 'running',
          Status: 'Up 1 hour',
          Created: 1_700_000_000,
          Ports: [],
          Labels: {},
        };
      });
      await route.fulfill({ json: { items, total: TOTAL, page: number, pageSize } });
    },
  );
  await signIn(synthetic, await consoleUnderTest.admin());
  requested.length = 0; // the dashboard's own requests do not count
  await synthetic.goto(`${consoleUnderTest.url}/containers`);
  await synthetic.getByText('synthetic-00000').waitFor();
  await synthetic.getByText('10000 matching').waitFor();
  assert.ok((await synthetic.getByRole('row').count()) < 100);

  await synthetic.locator('.vt-body').evaluate((body) => {
    body.scrollTop = body.scrollHeight;
  });
  await synthetic.getByText('synthetic-09999').waitFor();
  assert.ok((await synthetic.getByRole('row').count()) < 100);
  const pages = new Set(requested.map((request) => request.page));
  assert.ok(pages.has(20), 'the last page was fetched when scrolled to');
  assert.ok(!pages.has(10), `pages in between were not fetched: ${[...pages].join(', ')}`);
  assert.ok(
    requested.every((request) => request.pageSize === 500),
    `every page holds 500 rows: ${JSON.stringify(requested)}`,
  );
  assert.deepEqual(errorsOf(synthetic), []);
});
