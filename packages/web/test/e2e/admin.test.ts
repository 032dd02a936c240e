/**
 * The console administration pages in Chromium against a real console: an admin creates a viewer
 * through the Users page (a weak password first: the server's rule is shown); the viewer, signed in
 * in a second browser context, has no Users page and is refused creating a role with the server's
 * message; the audit log shows the creation and the denial (filtered by actor, in the URL), verifies
 * its chain, exports JSON Lines and refreshes by itself; custom roles are created with two
 * permissions, shown in the matrix and removed (a role in use and the last admin are refused with
 * the server's words); the Gateway page says the gateway is off on this console.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  errorsOf,
  openPage,
  screenshot,
  sharedBrowser,
  signIn,
  startConsole,
  TEST_PASSWORD,
} from './support.ts';

// Started at the top level: support.ts registers their teardown with after(), which inside a hook
// or a test would run as soon as that hook or test ends, not after the file.
const consoleUnderTest = await startConsole();
const admin = await consoleUnderTest.admin();
await sharedBrowser();

/** A signed-in admin page at `path` (through the sidebar link, as a user would go). */
async function adminPageAt(link: string): Promise<Page> {
  const page = await openPage(consoleUnderTest.url);
  await signIn(page, admin);
  await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: link, level: 1 }).waitFor();
  return page;
}

/** Whether `call` is refused, and with which message. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).message;
  }
  return 'not refused';
}

test('a viewer created in the UI is refused a change; the audit log shows both, verifies and exports', async () => {
  const page = await adminPageAt('Users');

  // A weak password: the server's rule is shown in the dialog, which stays open.
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Username').fill('vera');
  await dialog.getByLabel('Role').selectOption('viewer');
  await dialog.getByLabel('Password', { exact: true }).fill('too short');
  await dialog.getByLabel('Password again').fill('too short');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'the password is too short' }).waitFor();

  await dialog.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await dialog.getByLabel('Password again').fill(TEST_PASSWORD);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await dialog.waitFor({ state: 'detached' });
  const row = page.getByRole('row').filter({ hasText: 'vera' });
  await row.getByText('viewer', { exact: true }).waitFor();
  const { items } = await consoleUnderTest.call<{
    items: { username: string; role: string; engines: unknown }[];
  }>('GET', '/api/users?filter=vera');
  assert.deepEqual(
    items.map(({ username, role, engines }) => ({ username, role, engines })),
    [{ username: 'vera', role: 'viewer', engines: '*' }],
  );
  await screenshot(page, 'admin-users');

  // The last admin cannot be removed: the server's LAST_ADMIN message is shown.
  await page.getByRole('button', { name: 'Remove admin' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('alert').filter({ hasText: 'is the last enabled admin' }).waitFor();

  // The viewer, in a browser context of their own: no Users page, and creating a role is refused.
  const viewer = await openPage(consoleUnderTest.url);
  await signIn(viewer, { username: 'vera', password: TEST_PASSWORD });
  const nav = viewer.getByRole('navigation');
  await nav.getByRole('link', { name: 'Roles', exact: true }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Users', exact: true }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'Audit log', exact: true }).count(), 0);
  await nav.getByRole('link', { name: 'Roles', exact: true }).click();
  await viewer.getByRole('button', { name: 'New role' }).click();
  const roleDialog = viewer.getByRole('dialog', { name: 'New role' });
  await roleDialog.getByLabel('Name').fill('vera-role');
  await roleDialog.getByRole('checkbox', { name: 'containers.read', exact: true }).check();
  await roleDialog.getByRole('button', { name: 'Create role' }).click();
  const denied = roleDialog.getByRole('alert');
  await denied.filter({ hasText: "permission 'roles.manage' is required" }).waitFor();
  assert.match((await denied.textContent()) ?? '', /Missing permission: roles\.manage/);
  assert.match(await refusal(consoleUnderTest.call('GET', '/api/roles/vera-role')), /404/);
  assert.deepEqual(errorsOf(viewer), []);

  // Back as admin: the audit log, filtered by actor (kept in the URL).
  await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  const table = page.getByRole('table', { name: 'audit log' });
  await page.getByLabel('Actor').fill('admin');
  await page.getByLabel('Operation prefix').fill('users.');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // Two rows: the refused weak password (failure), then the creation.
  const attempts = table.getByRole('row').filter({ hasText: 'users.create' }).filter({ hasText: 'vera' });
  await attempts.filter({ hasText: 'failure' }).waitFor();
  const creation = attempts.filter({ hasText: 'success' });
  await creation.waitFor();
  assert.match(page.url(), /actor=admin/);
  await creation.getByRole('button', { name: /^details of row/ }).click();
  await table.getByText('"role": "viewer"').waitFor();

  await page.getByLabel('Actor').fill('vera');
  await page.getByLabel('Operation prefix').fill('');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await table.getByRole('row').filter({ hasText: 'roles.create' }).getByText('denied').waitFor();
  assert.equal(await table.getByRole('row').filter({ hasText: 'users.create' }).count(), 0);
  // A reload keeps the filter.
  await page.reload();
  await table.getByRole('row').filter({ hasText: 'roles.create' }).getByText('denied').waitFor();
  assert.equal(await page.getByLabel('Actor').inputValue(), 'vera');

  await page.getByRole('button', { name: 'Verify chain' }).click();
  await page.getByRole('status').filter({ hasText: 'the chain is intact' }).waitFor();

  // Export: the filtered rows as JSON Lines, downloaded with the session cookie.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export JSON Lines' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'gantry-audit.jsonl');
  const lines = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n');
  const exported = lines.map(
    (line) => JSON.parse(line) as { actor: string; operation: string; outcome: string },
  );
  assert.ok(exported.length > 0);
  assert.ok(
    exported.every((record) => record.actor === 'vera'),
    'the export keeps the actor filter',
  );
  assert.ok(exported.some((record) => record.operation === 'roles.create' && record.outcome === 'denied'));

  // Auto-refresh: a row written meanwhile appears without a click.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByLabel('Auto-refresh every 5 s').check();
  await consoleUnderTest.call('POST', '/api/roles', { name: 'live-probe', permissions: ['engines.read'] });
  await table.getByRole('row').filter({ hasText: 'live-probe' }).waitFor({ timeout: 12_000 });
  await consoleUnderTest.call('DELETE', '/api/roles/live-probe');
  await page.getByLabel('Auto-refresh every 5 s').uncheck();
  await screenshot(page, 'admin-audit');

  // Phone width: no horizontal page scroll.
  await page.setViewportSize({ width: 390, height: 844 });
  await table.scrollIntoViewIfNeeded();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390 px`);
  await screenshot(page, 'admin-audit-phone');
  assert.deepEqual(errorsOf(page), []);
});

test('custom roles: created with two permissions, shown in the matrix, refused while in use, removed', async () => {
  const page = await adminPageAt('Roles');
  await page.getByRole('region', { name: 'role viewer' }).waitFor();
  // Built-ins are read-only.
  assert.equal(await page.getByRole('button', { name: 'Edit role admin' }).count(), 0);

  await page.getByRole('button', { name: 'New role' }).click();
  const dialog = page.getByRole('dialog', { name: 'New role' });
  await dialog.getByLabel('Name').fill('deployer');
  await dialog.getByLabel('Description').fill('Restarts containers');
  await dialog.getByRole('checkbox', { name: 'containers.read', exact: true }).check();
  await dialog.getByRole('checkbox', { name: 'containers.operate', exact: true }).check();
  await dialog.getByText('2 of').waitFor();
  await dialog.getByRole('button', { name: 'Create role' }).click();
  await dialog.waitFor({ state: 'detached' });
  const card = page.getByRole('region', { name: 'role deployer' });
  await card.getByText(/^2 of \d+ permissions$/).waitFor();
  const matrix = page.getByRole('table', { name: 'permissions matrix' });
  assert.equal(await matrix.getByRole('cell', { name: 'deployer: yes' }).count(), 2);
  const created = await consoleUnderTest.call<{ permissions: string[] }>('GET', '/api/roles/deployer');
  assert.deepEqual([...created.permissions].sort(), ['containers.operate', 'containers.read']);
  await matrix.scrollIntoViewIfNeeded();
  await screenshot(page, 'admin-roles-matrix');

  // Held by a user: the server's ROLE_IN_USE message, and the role stays.
  await consoleUnderTest.call('POST', '/api/users', {
    username: 'dora',
    password: TEST_PASSWORD,
    role: 'deployer',
  });
  await card.getByRole('button', { name: 'Remove role deployer' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('alert').filter({ hasText: 'role "deployer" is held by 1 user(s)' }).waitFor();
  await consoleUnderTest.call('GET', '/api/roles/deployer');

  const dora = await consoleUnderTest.call<{ items: { id: string }[] }>('GET', '/api/users?filter=dora');
  await consoleUnderTest.call('DELETE', `/api/users/${dora.items[0]?.id}`);
  await card.getByRole('button', { name: 'Remove role deployer' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
  await card.waitFor({ state: 'detached' });
  assert.match(await refusal(consoleUnderTest.call('GET', '/api/roles/deployer')), /404/);
  assert.deepEqual(errorsOf(page), []);
});

test('the Gateway page says the gateway is off on this console and shows the built-in policy', async () => {
  const page = await adminPageAt('Gateway');
  const missing = page.getByText('The gateway is not available on this console');
  const off = page.getByText('The gateway is turned off on this console');
  await missing.or(off).waitFor();
  assert.equal(
    await page.getByRole('link', { name: 'your profile page' }).first().getAttribute('href'),
    '/profile',
  );
  if (await missing.count()) {
    // A console without GET /api/gateway: the page says so and nothing else.
    assert.equal(await off.count(), 0);
  } else {
    // The test console runs with --gateway-port off.
    await page.getByText('not listening').waitFor();
    await page.getByText('The built-in rules (').click();
    const rule = page.getByRole('row').filter({ hasText: 'allowPrivileged' });
    assert.deepEqual(await rule.getByRole('cell').allInnerTexts(), ['allowPrivileged', 'no', 'yes']);
  }
  await screenshot(page, 'admin-gateway');
  assert.deepEqual(errorsOf(page), []);
});
