/**
 * The Registries page in Chromium against the real console, engine and the harness's registry: an
 * admin stores the registry's login through the form (a second one with the same address is refused
 * under that field), tests it through the engine, pulls the registry's image without typing
 * credentials (the dialog names the stored login; the audit row says it was used), stores a wrong
 * password and sees the pull and the test fail with the registry's refusal, and removes it. A viewer
 * sees the list read-only, also at phone width. The password never comes back from the server.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AuditRecord, Page as ListPage, RegistryView } from '@gantry/server/api-types';
import type { Page } from 'playwright-core';
import {
  type Account,
  type ConsoleUnderTest,
  errorsOf,
  openPage,
  screenshot,
  signIn,
  startConsole,
} from './support.ts';

const REGISTRY = process.env.GANTRY_TEST_REGISTRY ?? '';
const REGISTRY_IMAGE = process.env.GANTRY_TEST_REGISTRY_IMAGE ?? '';
const REGISTRY_USER = process.env.GANTRY_TEST_REGISTRY_USER ?? '';
const REGISTRY_PASSWORD = process.env.GANTRY_TEST_REGISTRY_PASSWORD ?? '';
const NAME = 'harness registry';
const WRONG_PASSWORD = 'not the registry password';

let consoleUnderTest: ConsoleUnderTest;
let admin: Account;
let page: Page;
let engine: string;

const imagePath = (name: string) => `/api/engines/${engine}/images/${encodeURIComponent(name)}`;
/** Removes the registry's image from the engine, so a pull has to fetch it. */
const forgetImage = () => consoleUnderTest.call('DELETE', imagePath(REGISTRY_IMAGE)).catch(() => undefined);
const storedRegistries = () => consoleUnderTest.call<RegistryView[]>('GET', '/api/registries');

before(async () => {
  assert.ok(REGISTRY_IMAGE, 'GANTRY_TEST_REGISTRY_IMAGE is set by the harness (run through scripts/test.ts)');
  consoleUnderTest = await startConsole();
  admin = await consoleUnderTest.admin();
  const engines = await consoleUnderTest.call<{ items: { id: string }[] }>('GET', '/api/engines');
  engine = engines.items[0]?.id ?? 'local';
  page = await openPage(consoleUnderTest.url);
  await signIn(page, admin);
});

after(async () => {
  if (REGISTRY_IMAGE && consoleUnderTest) await forgetImage();
});

async function openRegistries(on: Page = page): Promise<void> {
  await on.goto(`${consoleUnderTest.url}/registries`);
  await on.getByRole('heading', { name: 'Registries' }).waitFor();
}

/** Pulls the registry's image in the Images page's dialog without typing credentials. */
async function pullWithoutCredentials(screenshotName?: string) {
  await page.goto(`${consoleUnderTest.url}/images`);
  await page.getByRole('heading', { name: 'Images' }).waitFor();
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Pull an image' });
  await dialog.getByLabel('Image', { exact: true }).fill(REGISTRY_IMAGE);
  await dialog.getByText(`Uses the stored credentials of ${NAME} (${REGISTRY})`).waitFor();
  if (screenshotName) await screenshot(page, screenshotName);
  assert.equal(await dialog.getByLabel('Username').inputValue(), '');
  await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
  return dialog;
}

test('store the registry login, test it, pull with it, a wrong password, remove it', async () => {
  await page.getByRole('link', { name: 'Registries', exact: true }).click();
  await page.getByRole('heading', { name: 'Registries' }).waitFor();
  await page.getByText('No registry credentials are stored yet.').waitFor();

  await page.getByRole('button', { name: 'Add registry' }).click();
  const form = page.getByRole('dialog', { name: 'Add a registry' });
  await form.getByLabel('Name', { exact: true }).fill(NAME);
  await form.getByLabel('Server address').fill(REGISTRY);
  await form.getByLabel('Username').fill(REGISTRY_USER);
  await form.getByLabel('Password').fill(REGISTRY_PASSWORD);
  await form.getByRole('button', { name: 'Add registry' }).click();
  await form.waitFor({ state: 'detached' });
  const table = page.getByRole('table', { name: 'registries' });
  await table.getByRole('cell', { name: REGISTRY, exact: true }).waitFor();

  // The server keeps the password to itself.
  const stored = await storedRegistries();
  assert.deepEqual(
    stored.map(({ name, serverAddress, username }) => ({ name, serverAddress, username })),
    [{ name: NAME, serverAddress: REGISTRY, username: REGISTRY_USER }],
  );
  assert.ok(!JSON.stringify(stored).includes(REGISTRY_PASSWORD), 'the password is not in the answer');

  // A second login for the same address: the refusal stands under that field, the dialog stays open.
  await page.getByRole('button', { name: 'Add registry' }).click();
  await form.getByLabel('Name', { exact: true }).fill('another name');
  await form.getByLabel('Server address').fill(REGISTRY);
  await form.getByLabel('Username').fill(REGISTRY_USER);
  await form.getByLabel('Password').fill(REGISTRY_PASSWORD);
  await form.getByRole('button', { name: 'Add registry' }).click();
  const address = form.getByLabel('Server address');
  await form.locator('[aria-invalid="true"]').waitFor();
  assert.equal(await address.getAttribute('aria-invalid'), 'true', 'the address is the field refused');
  assert.equal(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), null);
  await screenshot(page, 'registries-form');
  await form.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await storedRegistries()).length, 1);

  await page.getByRole('button', { name: `Test ${NAME}` }).click();
  await table
    .getByRole('status')
    .filter({ hasText: /succeeded/i })
    .waitFor();
  await screenshot(page, 'registries');

  await forgetImage();
  const pull = await pullWithoutCredentials('registries-pull');
  await pull
    .getByRole('status')
    .filter({ hasText: /^Pulled/ })
    .waitFor({ timeout: 45_000 });
  const overall = pull.getByRole('progressbar', { name: 'overall progress' });
  assert.equal(await overall.getAttribute('aria-valuenow'), '100');
  await pull.getByRole('button', { name: 'Close' }).click();
  const audit = await consoleUnderTest.call<ListPage<AuditRecord>>(
    'GET',
    '/api/audit?operation=images.pull&outcome=success',
  );
  assert.ok(
    audit.items.some((row) => row.params?.login === 'stored' && row.params.registry === NAME),
    `the pull's audit row names the stored login: ${JSON.stringify(audit.items.map((row) => row.params))}`,
  );

  // A wrong password, stored through Edit (the other fields stay as they are).
  await openRegistries();
  await page.getByRole('button', { name: `Edit ${NAME}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${NAME}` });
  assert.equal(await edit.getByLabel('Password').inputValue(), '', 'the password is never filled in');
  await edit.getByText('Leave empty to keep the stored password').waitFor();
  await edit.getByLabel('Password').fill(WRONG_PASSWORD);
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: `Test ${NAME}` }).click();
  const testRefusal = table.getByRole('alert').filter({ hasText: /failed/ });
  await testRefusal.waitFor();
  assert.match((await testRefusal.textContent()) ?? '', /auth|credential|denied|unauthorized/i);
  await screenshot(page, 'registries-refused');

  await forgetImage();
  const refused = await pullWithoutCredentials();
  const refusal = refused.getByRole('alert').filter({ hasText: /Pull failed/ });
  await refusal.waitFor({ timeout: 45_000 });
  assert.match((await refusal.textContent()) ?? '', /auth|credential|denied|unauthorized/i);
  await refused.getByRole('button', { name: 'Close' }).click();

  await openRegistries();
  await page.getByRole('button', { name: `Remove ${NAME}` }).click();
  const confirmation = page.getByRole('alertdialog', { name: `Remove the registry ${NAME}?` });
  await confirmation.getByRole('button', { name: 'Remove' }).click();
  await page.getByText('No registry credentials are stored yet.').waitFor();
  assert.deepEqual(await storedRegistries(), []);
  assert.deepEqual(errorsOf(page), []);
});

test('a viewer sees the list but cannot change it, also on a phone', async () => {
  const created = await consoleUnderTest.call<RegistryView>('POST', '/api/registries', {
    name: 'team registry',
    serverAddress: 'registry.example:5000',
    username: 'ci-bot',
    password: 'a password the viewer never sees',
  });
  after(() => consoleUnderTest.call('DELETE', `/api/registries/${created.id}`).catch(() => undefined));
  const viewer = await consoleUnderTest.user('viewer');
  const phone = await openPage(consoleUnderTest.url, { viewport: { width: 390, height: 844 } });
  await signIn(phone, viewer);
  await openRegistries(phone);
  const table = phone.getByRole('table', { name: 'registries' });
  await table.getByRole('cell', { name: /registry\.example:5000/ }).waitFor();
  await phone.getByText(/Read-only for you/).waitFor();
  assert.equal(await phone.getByRole('button', { name: 'Add registry' }).count(), 0);
  assert.equal(await phone.getByRole('button', { name: 'Edit team registry' }).count(), 0);
  assert.equal(await phone.getByRole('button', { name: 'Remove team registry' }).count(), 0);
  await screenshot(phone, 'registries-phone');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide`);
  assert.deepEqual(errorsOf(phone), []);
});
