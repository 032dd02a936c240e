/**
 * The object pages in Chromium against a real console and engine: a network and a volume created
 * through their forms (labels added in the form's label rows), seen in the lists and on the engine,
 * inspected, the volume's files browsed through a container that mounts it and then through the
 * console's own reader, both removed through
 * the confirm dialog; secrets either created (on a swarm manager) or explained (elsewhere).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { errorsOf, openPage, screenshot, signIn, startConsole, TEST_IMAGE, testLabels } from './support.ts';

const suffix = randomBytes(3).toString('hex');
const ENGINE = '/api/engines/local';
// Started at the top level: the helpers register their cleanup with `after`, which inside a
// `before` hook would run as soon as that hook ends.
const consoleUnderTest = await startConsole();
// The admin exists before the page loads, so it opens on the sign-in page (not the setup page).
const admin = await consoleUnderTest.admin();
const page = await openPage(consoleUnderTest.url);
await signIn(page, admin);

/** Whether the engine answers `path` (a 404 means it has no such object). */
async function exists(path: string): Promise<boolean> {
  try {
    await consoleUnderTest.call('GET', path);
    return true;
  } catch (error) {
    if (/: 404 /.test((error as Error).message)) return false;
    throw error;
  }
}

/** Fills the open form's label rows with the test labels, one "Add label" per label. */
async function addTestLabels(): Promise<void> {
  const dialog = page.getByRole('dialog');
  for (const [index, [key, value]] of Object.entries(testLabels()).entries()) {
    await dialog.getByRole('button', { name: 'Add label' }).click();
    await dialog.getByLabel(`Label ${index + 1} key`).fill(key);
    await dialog.getByLabel(`Label ${index + 1} value`).fill(value);
  }
}

/** Confirms the open confirmation dialog with its `action` button. */
async function confirm(action: string): Promise<void> {
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('networks: create with a label, list, inspect, remove through the confirm dialog', async () => {
  const name = `web-net-${suffix}`;
  const other = `web-net-b-${suffix}`;
  await page.getByRole('link', { name: 'Networks' }).click();
  await page.getByRole('heading', { name: 'Networks' }).waitFor();

  for (const [networkName, driverWord] of [
    [name, 'bridge'],
    [other, 'bridge'],
  ] as const) {
    await page.getByRole('button', { name: 'Create network' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create network' });
    await dialog.getByLabel('Name').fill(networkName);
    await dialog.getByLabel('Driver').selectOption(driverWord);
    await dialog.getByLabel('Internal').check();
    await addTestLabels();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .filter({ hasText: `Network ${networkName} created` })
      .waitFor();
  }

  const grid = page.getByRole('grid', { name: 'networks' });
  await grid.getByRole('row').nth(1).waitFor();
  await screenshot(page, 'networks-list');
  await page.getByLabel('Filter networks').fill(suffix);
  await page.getByText('networks: 2').waitFor();
  await grid.getByText(name, { exact: true }).waitFor();

  const onEngine = await consoleUnderTest.call<{
    Labels: Record<string, string>;
    Internal: boolean;
    Driver: string;
  }>('GET', `${ENGINE}/networks/${name}`);
  assert.deepEqual(
    Object.fromEntries(Object.entries(onEngine.Labels).filter(([key]) => key in testLabels())),
    testLabels(),
  );
  assert.equal(onEngine.Internal, true);
  assert.equal(onEngine.Driver, 'bridge');

  // The filter narrows the list to the one network; opening it shows its details.
  await page.getByLabel('Filter networks').fill(name);
  await page.getByText('networks: 1').waitFor();
  assert.match(page.url(), new RegExp(`filter=${name}`), 'the filter is kept in the URL');
  await grid.getByText(name, { exact: true }).click();
  const inspector = page.getByRole('dialog', { name: `Network ${name}` });
  await inspector.getByText('No container is connected.').waitFor();
  await inspector.getByText('Internal', { exact: true }).waitFor();
  await inspector.getByRole('button', { name: 'Close' }).click();

  for (const networkName of [name, other]) {
    await page.getByLabel('Filter networks').fill(networkName);
    await page.getByRole('button', { name: `Remove ${networkName}` }).click();
    await confirm('Remove');
    await page.getByText('No networks match the filter.').waitFor();
    assert.equal(await exists(`${ENGINE}/networks/${networkName}`), false, `${networkName} is gone`);
  }
  assert.deepEqual(errorsOf(page), []);
});

test('volumes: create with an option and a label, browse its files, remove through the confirm dialog', async () => {
  const name = `web-vol-${suffix}`;
  await page.getByRole('link', { name: 'Volumes' }).click();
  await page.getByRole('heading', { name: 'Volumes' }).waitFor();
  await page.getByRole('button', { name: 'Create volume' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create volume' });
  await dialog.getByLabel('Name').fill(name);
  await addTestLabels();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });

  const grid = page.getByRole('grid', { name: 'volumes' });
  await page.getByLabel('Filter volumes').fill(name);
  await grid.getByText(name, { exact: true }).waitFor();
  const volume = await consoleUnderTest.call<{ Labels: Record<string, string>; Driver: string }>(
    'GET',
    `${ENGINE}/volumes/${name}`,
  );
  assert.equal(volume.Driver, 'local');
  for (const [key, value] of Object.entries(testLabels())) assert.equal(volume.Labels[key], value);

  // A container (stopped after writing) that mounts it: the console reads volume files through one.
  const writer = await consoleUnderTest.call<{ Id: string }>(
    'POST',
    `${ENGINE}/containers?name=${name}-writer`,
    {
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'mkdir -p /data/sub && echo hello from the volume > /data/sub/greeting.txt'],
      Labels: testLabels(),
      HostConfig: { Binds: [`${name}:/data`] },
    },
  );
  try {
    await consoleUnderTest.call('POST', `${ENGINE}/containers/${writer.Id}/start`);
    await consoleUnderTest.call('POST', `${ENGINE}/containers/${writer.Id}/wait`);
    await page.getByLabel('Filter volumes').fill('web-vol');
    await grid.getByText(name, { exact: true }).waitFor();
    await screenshot(page, 'volumes-list');

    await grid.getByText(name, { exact: true }).click();
    await page.getByRole('heading', { name }).waitFor();
    const files = page.getByRole('region', { name: 'files' });
    await files.getByRole('button', { name: 'sub/' }).click();
    await files.getByRole('button', { name: 'greeting.txt' }).click();
    await page
      .getByRole('region', { name: 'file greeting.txt' })
      .getByText('hello from the volume')
      .waitFor();
    await page
      .getByRole('region', { name: 'containers using the volume' })
      .getByText(`${name}-writer`)
      .waitFor();
    await screenshot(page, 'volume-detail');
  } finally {
    await consoleUnderTest.call('DELETE', `${ENGINE}/containers/${writer.Id}?force=true`);
  }

  // With no container mounting it any more, its files are read through the console's own reader.
  await page.reload();
  await page.getByRole('heading', { name }).waitFor();
  const readerFiles = page.getByRole('region', { name: 'files' });
  await readerFiles.getByText('No container mounts this volume').waitFor();
  await readerFiles.getByRole('button', { name: 'sub/' }).click();
  await readerFiles.getByRole('button', { name: 'greeting.txt' }).click();
  await page.getByRole('region', { name: 'file greeting.txt' }).getByText('hello from the volume').waitFor();
  // Each reader is removed once its read ended: the volume is free again.
  for (let attempt = 0; ; attempt++) {
    const readers = await consoleUnderTest.call<{ total: number }>(
      'GET',
      `${ENGINE}/containers?label=io.gantry.volume-reader`,
    );
    if (readers.total === 0) break;
    assert.ok(attempt < 40, `${readers.total} volume reader(s) still there after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  // Removed from the detail page: back to the list, gone from the engine.
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await confirm('Remove');
  await page.getByRole('heading', { name: 'Volumes' }).waitFor();
  assert.equal(await exists(`${ENGINE}/volumes/${name}`), false);
  assert.deepEqual(errorsOf(page), []);
});

test('the volumes list fits a phone screen', async () => {
  const phone = await openPage(consoleUnderTest.url, { viewport: { width: 390, height: 844 } });
  await signIn(phone, admin);
  await phone.goto('/volumes');
  await phone.getByRole('heading', { name: 'Volumes' }).waitFor();
  await phone.getByText(/^volumes: \d+$/).waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  // The narrow table keeps name, driver and the row's action; the rest is for wide screens.
  assert.equal(await phone.getByRole('columnheader', { name: 'Created' }).count(), 0);
  await screenshot(phone, 'volumes-phone');
  assert.deepEqual(errorsOf(phone), []);
});

test('secrets: created on a swarm manager, explained elsewhere', async () => {
  const info = await consoleUnderTest.call<{ Swarm?: { ControlAvailable?: boolean } }>(
    'GET',
    `${ENGINE}/system/info`,
  );
  await page.getByRole('link', { name: 'Secrets' }).click();
  if (!info.Swarm?.ControlAvailable) {
    await page.getByText(/Secrets need swarm mode: this engine is not a swarm manager/).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Initialize a swarm' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Create secret' }).count(), 0);
    assert.deepEqual(errorsOf(page), []);
    return;
  }
  const name = `web-secret-${suffix}`;
  await page.getByRole('button', { name: 'Create secret' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create secret' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Secret value').fill('not shown again');
  await addTestLabels();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('grid', { name: 'secrets' }).getByText(name, { exact: true }).waitFor();
  const secret = await consoleUnderTest.call<{ Spec: { Data?: string } }>('GET', `${ENGINE}/secrets/${name}`);
  assert.equal(secret.Spec.Data, undefined, 'the value never comes back');
  await page.getByRole('button', { name: `Remove ${name}` }).click();
  await confirm('Remove');
  assert.equal(await exists(`${ENGINE}/secrets/${name}`), false);
  assert.deepEqual(errorsOf(page), []);
});
