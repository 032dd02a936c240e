/**
 * The swarm pages in Chromium against a real console and engine: initialise a one-node swarm from
 * the page, create a service (1 replica of the test image), scale it to 2 in its row, read its live
 * logs on its page, remove it, leave the swarm. Runs only on an engine in no swarm, marks the swarm
 * for the harness (which leaves it at teardown if this file could not) and leaves it in `after`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import {
  leaveSwarmIfTestsInitialisedIt,
  markSwarmInitialisedByTests,
} from '../../../../test/harness/cleanup.ts';
import { endpointFor, engineRequest } from '../../../../test/harness/engine.ts';
import { DEFAULT_DOCKER_HOST } from '../../../../test/harness/paths.ts';
import { errorsOf, openPage, screenshot, signIn, startConsole, TEST_IMAGE, testLabels } from './support.ts';

const suffix = randomBytes(3).toString('hex');
const ENGINE = '/api/engines/local';
/** The engine the console's `local` engine is (the harness sets DOCKER_HOST). */
const DOCKER_HOST = process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST;

interface SwarmInfo {
  Swarm?: { LocalNodeState?: string };
}

const consoleUnderTest = await startConsole();
const admin = await consoleUnderTest.admin();
const initial = await consoleUnderTest.call<SwarmInfo>('GET', `${ENGINE}/system/info`);
const inactive = initial.Swarm?.LocalNodeState === 'inactive';
/** Swarm init makes docker_gwbridge; it is removed after leaving when it was not there before. */
const gwbridgeExisted = await consoleUnderTest
  .call('GET', `${ENGINE}/networks/docker_gwbridge`)
  .then(() => true)
  .catch(() => false);

// Straight through the Engine API: by the time `after` hooks run, the console may have stopped.
after(async () => {
  if (!inactive) return;
  await leaveSwarmIfTestsInitialisedIt(DOCKER_HOST);
  if (!gwbridgeExisted)
    await engineRequest(endpointFor(DOCKER_HOST), 'DELETE', '/v1.41/networks/docker_gwbridge');
});

test('swarm: initialise, create a service, scale it to 2, read its logs, remove it, leave', {
  skip: inactive ? false : `the engine is already in a swarm (${initial.Swarm?.LocalNodeState})`,
  timeout: 120_000,
}, async () => {
  const name = `web-svc-${suffix}`;
  const page = await openPage(consoleUnderTest.url);
  await signIn(page, admin);
  await page.getByRole('link', { name: 'Swarm' }).click();
  await page.getByText('This engine is not in a swarm.').waitFor();

  await page.getByLabel('Advertise address').fill('127.0.0.1');
  await page.getByLabel('Listen address').fill('127.0.0.1:2377');
  // Marked before the init: should this process die, the harness still leaves the swarm.
  markSwarmInitialisedByTests();
  await page.getByRole('button', { name: 'Initialize swarm' }).click();
  const confirmInit = page.getByRole('alertdialog');
  await confirmInit.getByRole('button', { name: 'Initialize swarm' }).click();
  await page.getByRole('tab', { name: 'Services' }).waitFor();
  const info = await consoleUnderTest.call<SwarmInfo>('GET', `${ENGINE}/system/info`);
  assert.equal(info.Swarm?.LocalNodeState, 'active');

  // The node appears once the console's inventory noticed the swarm (its health check, ≤ 15 s).
  await page.getByRole('tab', { name: 'Nodes' }).click();
  await page.getByRole('grid', { name: 'nodes' }).getByText('manager (leader)').waitFor({ timeout: 30_000 });

  await page.getByRole('tab', { name: 'Services' }).click();
  await page.getByRole('button', { name: 'Create service' }).click();
  const form = page.getByRole('dialog', { name: 'Create service' });
  await form.getByLabel('Service name').fill(name);
  await form.getByLabel('Image').fill(TEST_IMAGE);
  await form.getByLabel('Command').fill('sh -c "echo hello from the service; sleep 300"');
  await form.getByLabel('Replicas').fill('1');
  for (const [index, [key, value]] of Object.entries(testLabels()).entries()) {
    await form.getByRole('button', { name: 'Add label' }).click();
    await form.getByLabel(`Label ${index + 1} key`).fill(key);
    await form.getByLabel(`Label ${index + 1} value`).fill(value);
  }
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  await form.waitFor({ state: 'detached' });

  const row = page.getByRole('grid', { name: 'services' }).getByRole('row').filter({ hasText: name });
  await row.getByText('1/1').waitFor({ timeout: 30_000 });
  await row.getByLabel(`Replicas for ${name}`).fill('2');
  await row.getByRole('button', { name: 'Scale' }).click();
  await row.getByText('2/2').waitFor({ timeout: 30_000 });
  const service = await consoleUnderTest.call<{
    Spec: { Mode: { Replicated: { Replicas: number } }; Labels: Record<string, string> };
  }>('GET', `${ENGINE}/services/${name}`);
  assert.equal(service.Spec.Mode.Replicated.Replicas, 2);
  for (const [key, value] of Object.entries(testLabels())) assert.equal(service.Spec.Labels[key], value);
  await screenshot(page, 'swarm-services');

  await row.getByRole('link', { name }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page
    .getByRole('log', { name: 'log lines' })
    .getByText('hello from the service')
    .first()
    .waitFor({ timeout: 30_000 });
  // Two task rows under the header (their state may still read "starting": the task list can lag).
  await page.getByRole('region', { name: 'service tasks' }).getByRole('row').nth(2).waitFor();
  await screenshot(page, 'swarm-service');

  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByRole('tab', { name: 'Services' }).waitFor();
  await assert.rejects(consoleUnderTest.call('GET', `${ENGINE}/services/${name}`), /: 404 /);

  await page.getByRole('button', { name: 'Leave swarm' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Leave swarm' }).click();
  await page.getByText('This engine is not in a swarm.').waitFor({ timeout: 30_000 });
  const left = await consoleUnderTest.call<SwarmInfo>('GET', `${ENGINE}/system/info`);
  assert.equal(left.Swarm?.LocalNodeState, 'inactive');
  assert.deepEqual(errorsOf(page), []);
});
