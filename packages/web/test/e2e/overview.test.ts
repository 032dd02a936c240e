/**
 * Dashboard, events, engines and profile pages in Chromium against a real console and engine: the
 * local engine's card and usage chart, live start / die events (pause, clear, container filter), a
 * refused engine with the server's reason, and API tokens shown once, working as Bearer, then
 * revoked; a wrong current password shows the server's message.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  errorsOf,
  openPage,
  screenshot,
  signIn,
  startConsole,
  TEST_IMAGE,
  TEST_PASSWORD,
  testLabels,
} from './support.ts';

/** The overview stats channel samples every 10 s; the first round may land just after a connect. */
const FIRST_SAMPLE_MS = 25_000;

// One console for the file; support stops it (and the browser) after the last test.
const consoleUnderTest = await startConsole();

const uniqueName = (what: string) => `web-${what}-${randomBytes(4).toString('hex')}`;

/** A labelled container running `cmd` (default `sleep 300`), created and started through the API. */
async function sleeper(name: string, cmd = ['sleep', '300']): Promise<string> {
  const { Id } = await consoleUnderTest.call<{ Id: string }>(
    'POST',
    `/api/engines/local/containers?name=${name}`,
    { Image: TEST_IMAGE, Cmd: cmd, Labels: testLabels() },
  );
  await consoleUnderTest.call('POST', `/api/engines/local/containers/${Id}/start`);
  return Id;
}

/** A little CPU (a short busy loop, then a pause), so the chart and the top list have something to show. */
const BUSY_LOOP = [
  'sh',
  '-c',
  'while true; do i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; sleep 0.3; done',
];

const stop = (id: string) => consoleUnderTest.call('POST', `/api/engines/local/containers/${id}/stop?t=0`);
const removeContainer = (id: string) =>
  consoleUnderTest.call('DELETE', `/api/engines/local/containers/${id}?force=true`);

async function signedIn(path: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await openPage(consoleUnderTest.url, viewport ? { viewport } : {});
  await signIn(page, await consoleUnderTest.admin());
  if (path !== '/') await page.goto(path);
  return page;
}

/** No horizontal scrolling of the page or its content area. */
async function assertNoSideScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const content = document.querySelector('.content') as HTMLElement;
    return {
      page: document.documentElement.scrollWidth - window.innerWidth,
      content: content.scrollWidth - content.clientWidth,
    };
  });
  assert.ok(overflow.page <= 0 && overflow.content <= 0, `horizontal overflow: ${JSON.stringify(overflow)}`);
}

test('dashboard: the local engine is up with its version and counts; the usage chart follows samples', async () => {
  const ids = [await sleeper(uniqueName('dashboard')), await sleeper(uniqueName('busy'), BUSY_LOOP)];
  try {
    const engine = await consoleUnderTest.call<{ status: { version: string }; counts: { images: number } }>(
      'GET',
      '/api/engines/local',
    );
    const page = await signedIn('/');
    const card = page.getByRole('article', { name: 'engine local' });
    await card.getByText('up', { exact: true }).waitFor();
    await card.getByText(engine.status.version, { exact: false }).first().waitFor();
    const containers = card.getByRole('link', { name: /^\d+ \/ \d+$/ });
    await containers.waitFor();
    const [running, total] = ((await containers.textContent()) ?? '').split(' / ').map(Number);
    assert.ok((running ?? 0) >= 1, 'the started container counts as running');
    assert.ok((total ?? 0) >= (running ?? 0));

    // The first history may be empty; a sample arrives within one interval.
    const cpuChart = page.getByRole('img', { name: /^CPU: .+ now/ });
    await cpuChart.waitFor({ timeout: FIRST_SAMPLE_MS });
    await page.getByRole('img', { name: /^Memory: .+ now/ }).waitFor();
    const runningFigure = page
      .getByText('Running containers', { exact: true })
      .locator('xpath=following-sibling::dd');
    assert.ok(Number(await runningFigure.textContent()) >= 1);
    await page.getByRole('heading', { name: 'Top 5 containers by CPU' }).waitFor();
    const top = page.locator('table.table tbody tr');
    await top.first().waitFor();
    assert.ok(
      (await top.count()) >= 2 && (await top.count()) <= 5,
      'the top list has both containers, at most 5',
    );
    // The next sample (10 s later) extends the history: the line is drawn from two points on.
    await page.locator('.chart-line').first().waitFor({ timeout: FIRST_SAMPLE_MS });
    await screenshot(page, 'dashboard');
    await assertNoSideScroll(page);
    assert.deepEqual(errorsOf(page), []);

    const phone = await signedIn('/', { width: 390, height: 844 });
    await phone.getByRole('article', { name: 'engine local' }).getByText('up', { exact: true }).waitFor();
    // The sampler keeps its history for the next viewer: the chart shows at once.
    await phone.getByRole('img', { name: /^CPU: .+ now/ }).waitFor({ timeout: FIRST_SAMPLE_MS });
    await screenshot(phone, 'dashboard-phone');
    await assertNoSideScroll(phone);
    assert.deepEqual(errorsOf(phone), []);
  } finally {
    for (const id of ids) await removeContainer(id);
  }
});

test('events: start and die appear newest first; pause holds new events; clear; container filter', async () => {
  const page = await signedIn('/events');
  await page.getByText('live', { exact: true }).waitFor();
  const timeline = page.getByRole('list', { name: 'events, newest first' });
  const rowsOf = (name: string, action: string) =>
    timeline
      .getByRole('listitem')
      .filter({ hasText: name })
      .filter({ has: page.locator('.event-action').getByText(action, { exact: true }) });

  const first = uniqueName('events');
  const firstId = await sleeper(first);
  const second = uniqueName('filtered');
  let secondId: string | undefined;
  try {
    await stop(firstId);
    await rowsOf(first, 'die').waitFor();
    await rowsOf(first, 'start').waitFor();
    const actions = await timeline
      .getByRole('listitem')
      .filter({ hasText: first })
      .locator('.event-action')
      .allTextContents();
    assert.ok(actions.indexOf('die') < actions.indexOf('start'), `newest first: ${actions.join(', ')}`);

    // Expanding a row shows the event's attributes (die carries the exit code: 137 after SIGKILL).
    await rowsOf(first, 'die').locator('summary').click();
    await rowsOf(first, 'die').getByText('exitCode', { exact: true }).waitFor();
    await rowsOf(first, 'die').getByText('137', { exact: true }).waitFor();
    await screenshot(page, 'events');

    // Paused: a new start is held (counted on the Resume button), then shown on resume.
    await page.getByRole('button', { name: 'Pause' }).click();
    await consoleUnderTest.call('POST', `/api/engines/local/containers/${firstId}/start`);
    await page.getByRole('button', { name: /^Resume \(\d+ new\)$/ }).waitFor();
    assert.equal(await rowsOf(first, 'start').count(), 1, 'nothing new is shown while paused');
    await page.getByRole('button', { name: /^Resume/ }).click();
    await rowsOf(first, 'start').nth(1).waitFor();
    assert.equal(await rowsOf(first, 'start').count(), 2, 'the held start is shown after resuming');

    // Other tests share the engine: their events may arrive right after clearing, ours may not.
    await page.getByRole('button', { name: 'Clear' }).click();
    assert.equal(await timeline.getByRole('listitem').filter({ hasText: first }).count(), 0);

    // Filtered to the second container: the first one's die (sent before) never shows.
    await page.getByLabel('Containers').fill(second);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('container') === second);
    await page.getByText('live', { exact: true }).waitFor();
    await stop(firstId);
    secondId = await sleeper(second);
    await rowsOf(second, 'start').waitFor();
    assert.equal(await timeline.getByRole('listitem').filter({ hasText: first }).count(), 0);
    assert.deepEqual(errorsOf(page), []);
  } finally {
    await removeContainer(firstId);
    if (secondId) await removeContainer(secondId);
  }
});

test('engines: TLS files connect; a bad URL fails its connection test and is refused on save', async () => {
  const badUrl = 'unix:///nonexistent.sock';
  const page = await signedIn('/engines');
  await page.getByRole('cell', { name: /local/ }).first().waitFor();
  await page.getByRole('button', { name: 'Add engine' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add an engine' });
  await dialog.getByLabel('Name').fill('nowhere');

  // Mutual TLS with the harness daemon, its PEM files chosen as files (read in the browser): it connects.
  const tlsHost = process.env.GANTRY_TEST_TLS_HOST;
  const certs = process.env.GANTRY_TEST_TLS_CERTS;
  if (tlsHost && certs) {
    await dialog.getByLabel('URL').fill(tlsHost);
    await dialog.getByLabel('CA certificate file').setInputFiles(join(certs, 'ca.pem'));
    await dialog.getByLabel('Client certificate file').setInputFiles(join(certs, 'cert.pem'));
    await dialog.getByLabel('Client key file').setInputFiles(join(certs, 'key.pem'));
    const ca = dialog.getByLabel('CA certificate', { exact: true });
    await page.waitForFunction(
      (element) => (element as HTMLTextAreaElement).value !== '',
      await ca.elementHandle(),
    );
    assert.equal(await ca.inputValue(), readFileSync(join(certs, 'ca.pem'), 'utf8'));
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog
      .getByRole('status')
      .filter({ hasText: /^Connected: engine/ })
      .waitFor();
    await screenshot(page, 'engines-add-tls');
  }

  await dialog.getByLabel('URL').fill(badUrl);

  const expected = await consoleUnderTest.call<{ ok: boolean; error: string }>('POST', '/api/engines/test', {
    url: badUrl,
  });
  assert.equal(expected.ok, false);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Connection failed' }).waitFor();
  assert.match((await dialog.getByRole('alert').textContent()) ?? '', /nonexistent\.sock/);

  await dialog.getByRole('button', { name: 'Add engine' }).click();
  await dialog
    .getByRole('alert')
    .filter({ hasText: /the engine did not answer/ })
    .waitFor();
  await dialog.getByRole('button', { name: 'Save without testing' }).waitFor();
  const { items } = await consoleUnderTest.call<{ items: { name: string }[] }>('GET', '/api/engines');
  assert.deepEqual(
    items.map((engine) => engine.name),
    ['local'],
    'the refused engine was not added',
  );
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(errorsOf(page), []);
});

test('profile: a new token is shown once, works as Bearer, and is refused once revoked; wrong password', async () => {
  const page = await signedIn('/profile');
  await page.getByRole('heading', { name: 'Account' }).waitFor();
  assert.equal(
    await page
      .getByRole('list', { name: 'permissions' })
      .getByText('engines.manage', { exact: true })
      .count(),
    1,
  );

  const tokenName = uniqueName('token');
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('Token name').fill(tokenName);
  await dialog.getByLabel('Role').selectOption('viewer');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const box = page.getByRole('region', { name: 'new API token' });
  await box.getByText(/Shown once/).waitFor();
  const token = await box.getByLabel('New API token').inputValue();
  assert.match(token, /^gty_/);
  await screenshot(page, 'profile-token');

  const me = () =>
    fetch(new URL('/api/auth/me', consoleUnderTest.url), { headers: { Authorization: `Bearer ${token}` } });
  const answer = await me();
  assert.equal(answer.status, 200);
  const caller = (await answer.json()) as { kind: string; role: string };
  assert.equal(caller.kind, 'token');
  assert.equal(caller.role, 'viewer');

  // Shown once: after dismissing (and after a reload) the secret is nowhere on the page.
  await box.getByRole('button', { name: 'I have copied it' }).click();
  await box.waitFor({ state: 'detached' });
  await page.reload();
  const row = page.getByRole('row').filter({ hasText: tokenName });
  await row.getByText('active').waitFor();
  assert.equal((await page.content()).includes(token), false, 'the token is not shown again');

  await row.getByRole('button', { name: `Revoke ${tokenName}` }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
  await row.getByText('revoked').waitFor();
  assert.equal((await me()).status, 401);

  await page.getByLabel('Current password').fill('not my password at all');
  await page.getByLabel('New password', { exact: true }).fill(`${TEST_PASSWORD} 2`);
  await page.getByLabel('New password again').fill(`${TEST_PASSWORD} 2`);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('alert').filter({ hasText: 'the current password is wrong' }).waitFor();
  // Still signed in with the old password (nothing changed).
  const login = await fetch(new URL('/api/auth/login', consoleUnderTest.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }),
  });
  assert.equal(login.status, 200);
  assert.deepEqual(errorsOf(page), []);
});
