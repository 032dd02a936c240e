/**
 * The Images pages in Chromium against the real console, engine and the harness's registry: a pull
 * with credentials reaches 100 % (a wrong password shows the registry's refusal), builds from a
 * typed Dockerfile and from a picked folder (packed into a tar by the page) stream their output, a
 * failing build shows the daemon's message, tag, detail and remove (a refusal without force, then
 * forced) do what they say on the engine, and an image pushed to the registry, removed and pulled
 * back shows a bar per layer both ways.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ImageHistoryResponseItem, ImageInspect } from '@gantry/engine';
import type { Locator, Page } from 'playwright-core';
import {
  type Account,
  type ConsoleUnderTest,
  errorsOf,
  openPage,
  screenshot,
  signIn,
  startConsole,
  TEST_IMAGE,
  TEST_LABEL,
  testLabels,
} from './support.ts';

const REGISTRY_IMAGE = process.env.GANTRY_TEST_REGISTRY_IMAGE ?? '';
const REGISTRY_USER = process.env.GANTRY_TEST_REGISTRY_USER ?? '';
const REGISTRY_PASSWORD = process.env.GANTRY_TEST_REGISTRY_PASSWORD ?? '';
/** This run's names: `gantry-test-tmp/*` tags are also removed by the harness's teardown. */
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const REPOSITORY = `gantry-test-tmp/web-images-${RUN}`;
const BUILT = `${REPOSITORY}:built`;
const COPY_REPOSITORY = `${REPOSITORY}-copy`;
const COPY = `${COPY_REPOSITORY}:v2`;
const FROM_FOLDER = `${REPOSITORY}:folder`;
/** Pushed to the harness's registry: teardown removes `127.0.0.1:*\/gantry-test/*` tags. */
const PUSHED_REPOSITORY = `${process.env.GANTRY_TEST_REGISTRY}/gantry-test/web-images-${RUN}`;
const PUSHED = `${PUSHED_REPOSITORY}:pushed`;
/** Labels of every image built here: the harness removes images labelled `<label>.created=1`. */
const LABELS = `LABEL ${TEST_LABEL}=1 ${TEST_LABEL}.created=1`;

let consoleUnderTest: ConsoleUnderTest;
let admin: Account;
let page: Page;
let engine: string;

const imagePath = (name: string) => `/api/engines/${engine}/images/${encodeURIComponent(name)}`;
/** The overall bar and at least one layer bar of a finished transfer stand at 100. */
async function assertLayersDone(dialog: Locator): Promise<void> {
  const overall = dialog.getByRole('progressbar', { name: 'overall progress' });
  assert.equal(await overall.getAttribute('aria-valuenow'), '100');
  const layers = dialog.getByRole('progressbar', { name: /^layer / });
  assert.ok((await layers.count()) >= 1, 'a bar per layer');
  for (const layer of await layers.all()) assert.equal(await layer.getAttribute('aria-valuenow'), '100');
}

/** The engine's view of an image, or undefined when it has no such image. */
const inspect = (name: string) =>
  consoleUnderTest.call<ImageInspect>('GET', imagePath(name)).catch((error: Error) => {
    if (/: 404 /.test(error.message)) return undefined;
    throw error;
  });

before(async () => {
  assert.ok(REGISTRY_IMAGE, 'GANTRY_TEST_REGISTRY_IMAGE is set by the harness (run through scripts/test.ts)');
  consoleUnderTest = await startConsole();
  admin = await consoleUnderTest.admin();
  const engines = await consoleUnderTest.call<{ items: { id: string }[] }>('GET', '/api/engines');
  engine = engines.items[0]?.id ?? 'local';
  page = await openPage(consoleUnderTest.url);
  await signIn(page, admin);
  await page.getByRole('link', { name: 'Images', exact: true }).click();
  await page.getByRole('heading', { name: 'Images' }).waitFor();
});

/** Every test starts on a fresh Images page, whatever the test before it left open. */
async function openImages(): Promise<void> {
  await page.goto(`${consoleUnderTest.url}/images`);
  await page.getByRole('heading', { name: 'Images' }).waitFor();
}

/** Builds through the console's API (arranging a test, not under test): throws unless it ends `done`. */
async function buildThroughApi(dockerfile: string, tag: string): Promise<void> {
  const response = await fetch(
    new URL(`/api/engines/${engine}/images/build?tags=${encodeURIComponent(tag)}`, consoleUnderTest.url),
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dockerfile }),
    },
  );
  const lines = (await response.text()).trim().split('\n');
  assert.match(lines.at(-1) ?? '', /"type":"done"/, `the build ended: ${lines.at(-1)}`);
}

after(async () => {
  for (const name of [BUILT, COPY, FROM_FOLDER, PUSHED])
    await consoleUnderTest?.call('DELETE', `${imagePath(name)}?force=true`).catch(() => undefined);
  // Only the registry's name: the same image is the harness's test image under its own name.
  if (REGISTRY_IMAGE)
    await consoleUnderTest?.call('DELETE', imagePath(REGISTRY_IMAGE)).catch(() => undefined);
});

test('pull with registry credentials: a refusal, then progress to 100 %', async () => {
  await openImages();
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Pull an image' });
  await dialog.getByLabel('Image', { exact: true }).fill(REGISTRY_IMAGE);
  await dialog.getByLabel('Username').fill(REGISTRY_USER);
  await dialog.getByLabel('Password', { exact: true }).fill('not the password');
  await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
  const refusal = dialog.getByRole('alert').filter({ hasText: /Pull failed/ });
  await refusal.waitFor();
  assert.match((await refusal.textContent()) ?? '', /auth|credential|denied/i);

  await dialog.getByLabel('Password', { exact: true }).fill(REGISTRY_PASSWORD);
  await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
  await dialog
    .getByRole('status')
    .filter({ hasText: /^Pulled/ })
    .waitFor({ timeout: 45_000 });
  // The harness's test image is that image under another name: the daemon has every layer and
  // reports none, so the layer bars are checked with an image it lacks (the push test below).
  const overall = dialog.getByRole('progressbar', { name: 'overall progress' });
  assert.equal(await overall.getAttribute('aria-valuenow'), '100');
  assert.equal(await dialog.getByRole('alert').count(), 0, 'the refusal is gone');
  await dialog.getByRole('button', { name: 'Close' }).click();

  assert.ok((await inspect(REGISTRY_IMAGE))?.RepoTags?.includes(REGISTRY_IMAGE), 'the engine has the image');
  await page.getByLabel('Filter').fill(REGISTRY_IMAGE);
  await page.getByRole('grid', { name: 'images' }).getByText(REGISTRY_IMAGE).waitFor();
  await page.getByLabel('Filter').fill('');
  assert.deepEqual(errorsOf(page), []);
});

test('build from a Dockerfile with a build argument, tag it, see its detail, remove it', async () => {
  await openImages();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Build an image' });
  await dialog
    .getByLabel('Dockerfile', { exact: true })
    .fill(
      `FROM ${TEST_IMAGE}\nARG GREETING\nRUN echo built > /x\nRUN echo "$GREETING" > /greeting\n${LABELS}\n`,
    );
  await dialog.getByLabel('Tags').fill(BUILT);
  await dialog.getByRole('button', { name: 'Add build argument' }).click();
  await dialog.getByLabel('build argument 1 name').fill('GREETING');
  await dialog.getByLabel('build argument 1 value').fill('hello');
  await dialog.getByRole('button', { name: 'Build', exact: true }).click();
  await dialog
    .getByRole('status')
    .filter({ hasText: /^Built/ })
    .waitFor({ timeout: 45_000 });
  const output = (await dialog.getByRole('log', { name: 'Build output' }).textContent()) ?? '';
  assert.match(output, /RUN echo built > \/x/);
  assert.match(output, /Successfully built/);
  await dialog.getByRole('status').scrollIntoViewIfNeeded();
  await screenshot(page, 'images-build');
  await dialog.getByRole('button', { name: 'Close' }).click();

  const built = await inspect(BUILT);
  assert.equal(built?.Config?.Labels?.[TEST_LABEL], '1');
  const history = await consoleUnderTest.call<ImageHistoryResponseItem[]>(
    'GET',
    `${imagePath(BUILT)}/history`,
  );
  assert.ok(
    history.some((layer) => layer.CreatedBy.includes('GREETING=hello')),
    'the build argument reached the build',
  );

  // Tag: the list shows both names (the engine's change reaches the page live).
  await page.getByLabel('Filter').fill(RUN);
  const grid = page.getByRole('grid', { name: 'images' });
  await grid.getByText(BUILT).waitFor();
  await page.getByRole('button', { name: `Tag ${BUILT}` }).click();
  const tagDialog = page.getByRole('dialog', { name: `Tag ${BUILT}` });
  await tagDialog.getByLabel('Repository').fill(COPY_REPOSITORY);
  await tagDialog.getByLabel('Tag', { exact: true }).fill('v2');
  await tagDialog.getByRole('button', { name: 'Tag', exact: true }).click();
  await tagDialog.waitFor({ state: 'detached' });
  await grid.getByText(COPY).waitFor();
  assert.equal((await inspect(COPY))?.Id, built?.Id);

  // Detail: overview, history, the containers made from it.
  const container = await consoleUnderTest.call<{ Id: string }>(
    'POST',
    `/api/engines/${engine}/containers?name=web-images-${RUN}`,
    { Image: BUILT, Cmd: ['true'], Labels: testLabels() },
  );
  await grid.getByRole('link', { name: BUILT }).click();
  await page.getByRole('heading', { name: new RegExp(`web-images-${RUN}`) }).waitFor();
  const overview = page.getByRole('region', { name: 'configuration' });
  await overview.getByText(`${TEST_LABEL}.created=1`).waitFor();
  await screenshot(page, 'images-detail');
  await page.getByRole('tab', { name: 'History' }).click();
  await page
    .getByRole('table', { name: 'history' })
    .getByText(/echo built > \/x/)
    .waitFor();
  await page.getByRole('tab', { name: 'Containers' }).click();
  await page
    .getByRole('table', { name: 'containers using this image' })
    .getByRole('link', { name: `web-images-${RUN}` })
    .waitFor();
  await consoleUnderTest.call('DELETE', `/api/engines/${engine}/containers/${container.Id}?force=true`);
  await page.goBack();

  // Remove: with two names the engine refuses without force (its message is shown), then forced.
  const remove = async (force: boolean) => {
    await page.getByRole('button', { name: new RegExp(`^Remove gantry-test-tmp/web-images-${RUN}`) }).click();
    const confirmation = page.getByRole('alertdialog', { name: /^Remove / });
    if (force) await confirmation.getByLabel(/^Force/).check();
    await confirmation.getByRole('button', { name: 'Remove' }).click();
  };
  await remove(false);
  await page
    .getByRole('alert')
    .filter({ hasText: /must be forced|referenced in multiple/ })
    .waitFor();
  assert.ok(await inspect(BUILT), 'still there after the refusal');
  await remove(true);
  await page
    .getByRole('status')
    .filter({ hasText: /^Removed/ })
    .waitFor();
  assert.equal(await inspect(BUILT), undefined);
  assert.equal(await inspect(COPY), undefined);
  await page.getByText('No image matches the filter.').waitFor();
  assert.deepEqual(errorsOf(page), []);
});

test("a failing build shows the daemon's message", async () => {
  await openImages();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Build an image' });
  await dialog.getByLabel('Dockerfile', { exact: true }).fill(`FROM ${TEST_IMAGE}\n${LABELS}\nRUN false\n`);
  await dialog.getByRole('button', { name: 'Build', exact: true }).click();
  const failure = dialog.getByRole('alert').filter({ hasText: /Build failed/ });
  await failure.waitFor({ timeout: 45_000 });
  assert.match((await failure.textContent()) ?? '', /non-zero code/);
  assert.match((await dialog.getByRole('log', { name: 'Build output' }).textContent()) ?? '', /RUN false/);
  await dialog.getByRole('button', { name: 'Close' }).click();
  assert.deepEqual(errorsOf(page), []);
});

test('build from a picked folder: the page packs it into a tar (long paths too)', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'gantry-web-context-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  // 125 characters: more than a tar header's name field, so the page must use the prefix field.
  const longPath = `deep/${'a'.repeat(60)}/${'b'.repeat(55)}.txt`;
  mkdirSync(join(folder, 'deep', 'a'.repeat(60)), { recursive: true });
  writeFileSync(join(folder, longPath), 'deep\n');
  writeFileSync(join(folder, 'hello.txt'), 'hello\n');
  writeFileSync(
    join(folder, 'Dockerfile'),
    `FROM ${TEST_IMAGE}\nCOPY hello.txt /ctx/hello.txt\nCOPY ${longPath} /ctx/deep.txt\n${LABELS}\n`,
  );

  await openImages();
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Build an image' });
  await dialog.getByRole('tab', { name: 'Upload context' }).click();
  await dialog.getByLabel('Or a context folder').setInputFiles(folder);
  await dialog.getByText(/^3 files from /).waitFor();
  await dialog.getByLabel('Tags').fill(FROM_FOLDER);
  await dialog.getByRole('button', { name: 'Build', exact: true }).click();
  await dialog
    .getByRole('status')
    .filter({ hasText: /^Built/ })
    .waitFor({ timeout: 45_000 });
  assert.match(
    (await dialog.getByRole('log', { name: 'Build output' }).textContent()) ?? '',
    /COPY .*deep\.txt/,
  );
  await dialog.getByRole('button', { name: 'Close' }).click();
  assert.ok(await inspect(FROM_FOLDER), 'the engine has the image built from the folder');
  assert.deepEqual(errorsOf(page), []);
});

test('push to the registry with credentials, remove, pull back: a bar per layer both ways', async () => {
  // A layer of this run's own, so the pull back has something to download.
  await buildThroughApi(`FROM ${TEST_IMAGE}\nRUN echo ${RUN} > /run-id\n${LABELS}\n`, PUSHED);
  await openImages();
  await page.getByLabel('Filter').fill(RUN);
  await page.getByRole('button', { name: `Push ${PUSHED}` }).click();
  const pushDialog = page.getByRole('dialog', { name: 'Push an image' });
  await pushDialog.getByLabel('Username').fill(REGISTRY_USER);
  await pushDialog.getByLabel('Password', { exact: true }).fill(REGISTRY_PASSWORD);
  await pushDialog.getByRole('button', { name: 'Push', exact: true }).click();
  await pushDialog
    .getByRole('status')
    .filter({ hasText: /^Pushed/ })
    .waitFor({ timeout: 45_000 });
  await assertLayersDone(pushDialog);
  assert.match((await pushDialog.getByRole('status').textContent()) ?? '', /sha256:[0-9a-f]{64}/);
  await pushDialog.getByRole('button', { name: 'Close' }).click();

  await consoleUnderTest.call('DELETE', `${imagePath(PUSHED)}?force=true`);
  assert.equal(await inspect(PUSHED), undefined, 'gone from the engine before the pull');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  const pullDialog = page.getByRole('dialog', { name: 'Pull an image' });
  await pullDialog.getByLabel('Image', { exact: true }).fill(PUSHED_REPOSITORY);
  await pullDialog.getByLabel('Tag', { exact: true }).fill('pushed');
  await pullDialog.getByLabel('Username').fill(REGISTRY_USER);
  await pullDialog.getByLabel('Password', { exact: true }).fill(REGISTRY_PASSWORD);
  await pullDialog.getByRole('button', { name: 'Pull', exact: true }).click();
  await pullDialog
    .getByRole('status')
    .filter({ hasText: /^Pulled/ })
    .waitFor({ timeout: 45_000 });
  await assertLayersDone(pullDialog);
  await screenshot(page, 'images-pull');
  await pullDialog.getByRole('button', { name: 'Close' }).click();
  assert.ok(await inspect(PUSHED), 'the engine has the image again');
  await page.getByRole('grid', { name: 'images' }).getByText(PUSHED).waitFor();

  await page.getByLabel('Filter').fill('');
  await page.getByRole('grid', { name: 'images' }).getByText(TEST_IMAGE).waitFor();
  await screenshot(page, 'images-list');
  assert.deepEqual(errorsOf(page), []);
});

test('the list on a phone: no horizontal scroll', async () => {
  const phone = await openPage(consoleUnderTest.url, { viewport: { width: 390, height: 844 } });
  await signIn(phone, await consoleUnderTest.admin());
  await phone.goto(`${consoleUnderTest.url}/images`);
  await phone.getByRole('grid', { name: 'images' }).getByRole('row').nth(1).waitFor();
  await screenshot(phone, 'images-list-phone');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width} px wide`);
  assert.deepEqual(errorsOf(phone), []);
});
