/**
 * The console's actions that change the engine, driven in Chromium against a real console and
 * engine: connect and disconnect a container on a network, the prune confirmations and prunes
 * narrowed to this run's label for all four kinds, cancelling a pull, and on a swarm (a one-node
 * swarm initialised through the page when the engine is in none, left at the end): create a config and read it back, drain and activate the node, update a service
 * through its form. Each test checks what the page shows and what the engine did.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { arch } from 'node:os';
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
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
}

// Started at the top level: the helpers register their cleanup with `after`, which inside a
// `before` hook would run as soon as that hook ends.
const consoleUnderTest = await startConsole();
const admin = await consoleUnderTest.admin();
const page = await openPage(consoleUnderTest.url);
await signIn(page, admin);

const initial = await consoleUnderTest.call<SwarmInfo>('GET', `${ENGINE}/system/info`);
/** This file initialises (and leaves) the swarm only on an engine in none. */
const ownSwarm = initial.Swarm?.LocalNodeState === 'inactive';
/** Another's swarm is used for objects of this file only: its node is never drained, it is never left. */
const swarmSkip =
  ownSwarm || initial.Swarm?.ControlAvailable
    ? false
    : `the engine is in a swarm it does not manage (${initial.Swarm?.LocalNodeState})`;
/** Swarm init makes docker_gwbridge; it is removed after leaving when it was not there before. */
const gwbridgeExisted = await exists(`${ENGINE}/networks/docker_gwbridge`);

// Straight through the Engine API: by the time `after` hooks run, the console may have stopped.
after(async () => {
  if (!ownSwarm) return;
  await leaveSwarmIfTestsInitialisedIt(DOCKER_HOST);
  if (!gwbridgeExisted)
    await engineRequest(endpointFor(DOCKER_HOST), 'DELETE', '/v1.41/networks/docker_gwbridge');
});

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

/** Answers the open confirmation dialog with its `button` ("Cancel" or the action). */
async function answerConfirm(button: string): Promise<void> {
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** A toast (role status) saying `text`. */
const toast = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).first();

test('networks: connect a container in the inspector, then disconnect it', { timeout: 60_000 }, async () => {
  const network = `web-act-net-${suffix}`;
  const container = `web-act-ctr-${suffix}`;
  const { Id: networkId } = await consoleUnderTest.call<{ Id: string }>('POST', `${ENGINE}/networks`, {
    Name: network,
    Labels: testLabels(),
  });
  const { Id: containerId } = await consoleUnderTest.call<{ Id: string }>(
    'POST',
    `${ENGINE}/containers?name=${container}`,
    { Image: TEST_IMAGE, Cmd: ['sleep', '300'], Labels: testLabels() },
  );
  try {
    await consoleUnderTest.call('POST', `${ENGINE}/containers/${containerId}/start`);
    await page.goto('/');
    const attachedTo = async () =>
      Object.keys(
        (
          await consoleUnderTest.call<{ Containers?: Record<string, unknown> }>(
            'GET',
            `${ENGINE}/networks/${networkId}`,
          )
        ).Containers ?? {},
      );

    await page.getByRole('link', { name: 'Networks' }).click();
    await page.getByLabel('Filter networks').fill(network);
    await page.getByRole('grid', { name: 'networks' }).getByText(network, { exact: true }).click();
    const inspector = page.getByRole('dialog', { name: `Network ${network}` });
    await inspector.getByText('No container is connected.').waitFor();

    // Typed, as on a busy engine: the suggestions hold only the engine's first 500 containers.
    await inspector.getByLabel('Connect a container').fill(container);
    await inspector.getByRole('button', { name: 'Connect', exact: true }).click();
    await toast(`${container} connected to ${network}`).waitFor();
    await inspector.getByRole('cell', { name: container, exact: true }).waitFor();
    assert.deepEqual(await attachedTo(), [containerId], 'the engine connected the container');

    await inspector.getByRole('button', { name: `Disconnect ${container}` }).click();
    const confirmDialog = page.getByRole('alertdialog');
    await confirmDialog.getByText(`Disconnect ${container} from ${network}?`).waitFor();
    await answerConfirm('Disconnect');
    await toast(`${container} disconnected from ${network}`).waitFor();
    await inspector.getByText('No container is connected.').waitFor();
    assert.deepEqual(await attachedTo(), [], 'the engine disconnected the container');
    await inspector.getByRole('button', { name: 'Close' }).click();
  } finally {
    await consoleUnderTest.call('DELETE', `${ENGINE}/containers/${containerId}?force=true`);
    await consoleUnderTest.call('DELETE', `${ENGINE}/networks/${networkId}`);
  }
  assert.deepEqual(errorsOf(page), []);
});

/** The label only this run's prune objects carry: the prunes below are narrowed to it. */
const pruneLabel = `gantry-prune-${suffix}`;
const pruneFilter = `gantry-prune=${pruneLabel}`;

/**
 * Prunes through `button` on the page at `link` with the label filter (and `option` checked): the
 * toast counts `removed` objects, and the engine has lost `doomed` and kept `kept` (paths under ENGINE).
 */
async function pruneByLabel({
  link,
  button,
  title,
  option,
  removed,
  doomed,
  kept,
}: {
  link: string;
  button: string;
  title: string;
  option?: RegExp;
  removed: RegExp;
  doomed: string[];
  kept: string;
}): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: link, exact: true }).waitFor();
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('alertdialog', { name: title });
  const labelField = dialog.getByLabel('Only objects with label');
  // A malformed entry is named before anything is sent.
  await labelField.fill(`${pruneFilter} =oops`);
  await dialog.getByRole('alert').filter({ hasText: 'Not a label: =oops' }).waitFor();
  if (link === 'Images') await screenshot(page, 'prune-images-dialog');
  await labelField.fill(pruneFilter);
  if (option) await dialog.getByLabel(option).check();
  await answerConfirm('Prune');
  // The outcome's toast, success or failure, so a failure shows the server's message.
  const outcome = page
    .locator('.toast')
    .filter({ hasText: /removed|Pruning/ })
    .last();
  await outcome.waitFor();
  assert.match((await outcome.textContent()) ?? '', removed);
  for (const path of doomed) assert.equal(await exists(`${ENGINE}/${path}`), false, `${path} was pruned`);
  assert.equal(await exists(`${ENGINE}/${kept}`), true, `${kept} (without the run label) stays`);
}

test('prune: networks and volumes ask first, and Cancel removes nothing', { timeout: 60_000 }, async () => {
  const network = `web-act-prune-${suffix}`;
  const volume = `web-act-prune-${suffix}`;
  await consoleUnderTest.call('POST', `${ENGINE}/networks`, { Name: network, Labels: testLabels() });
  await consoleUnderTest.call('POST', `${ENGINE}/volumes`, { Name: volume, Labels: testLabels() });
  try {
    await page.goto('/');
    await page.getByRole('link', { name: 'Networks' }).click();
    await page.getByRole('heading', { name: 'Networks' }).waitFor();
    await page.getByRole('button', { name: 'Prune unused' }).click();
    const networkPrune = page.getByRole('alertdialog', { name: 'Remove every unused network?' });
    await networkPrune.getByText('Networks no container is connected to are removed').waitFor();
    await networkPrune.getByRole('button', { name: 'Prune', exact: true }).waitFor();
    await answerConfirm('Cancel');
    assert.equal(await exists(`${ENGINE}/networks/${network}`), true, 'the unused network is still there');

    await page.getByRole('link', { name: 'Volumes' }).click();
    await page.getByRole('heading', { name: 'Volumes' }).waitFor();
    await page.getByRole('button', { name: 'Prune unused' }).click();
    const volumePrune = page.getByRole('alertdialog', { name: 'Remove unused volumes?' });
    await volumePrune.getByText(/removed with their data/).waitFor();
    // Keyboard: the label filter is reachable and labelled; Escape cancels like the button.
    await volumePrune.getByLabel('Only objects with label').fill(pruneFilter);
    await page.keyboard.press('Escape');
    await volumePrune.waitFor({ state: 'detached' });
    assert.equal(await exists(`${ENGINE}/volumes/${volume}`), true, 'the unused volume is still there');
  } finally {
    await consoleUnderTest.call('DELETE', `${ENGINE}/networks/${network}`);
    await consoleUnderTest.call('DELETE', `${ENGINE}/volumes/${volume}`);
  }
  assert.deepEqual(errorsOf(page), []);
});

test('prune by label: networks and volumes', { timeout: 60_000 }, async () => {
  const { ApiVersion = '1.42' } = await consoleUnderTest.call<{ ApiVersion?: string }>(
    'GET',
    `${ENGINE}/system/version`,
  );
  const [major = 0, minor = 0] = ApiVersion.split('.').map(Number);
  const namedApart = major > 1 || (major === 1 && minor >= 42);
  const names = ['a', 'b'].map((n) => `web-act-pl-${n}-${suffix}`);
  const keep = `web-act-pl-keep-${suffix}`;
  for (const name of names) {
    await consoleUnderTest.call('POST', `${ENGINE}/networks`, {
      Name: name,
      Labels: testLabels({ 'gantry-prune': pruneLabel }),
    });
    await consoleUnderTest.call('POST', `${ENGINE}/volumes`, {
      Name: name,
      Labels: testLabels({ 'gantry-prune': pruneLabel }),
    });
  }
  await consoleUnderTest.call('POST', `${ENGINE}/networks`, { Name: keep, Labels: testLabels() });
  await consoleUnderTest.call('POST', `${ENGINE}/volumes`, { Name: keep, Labels: testLabels() });
  try {
    await pruneByLabel({
      link: 'Networks',
      button: 'Prune unused',
      title: 'Remove every unused network?',
      removed: /^2 networks removed$/,
      doomed: names.map((name) => `networks/${name}`),
      kept: `networks/${keep}`,
    });
    await pruneByLabel({
      link: 'Volumes',
      button: 'Prune unused',
      title: 'Remove unused volumes?',
      // Before API 1.42 every unused volume goes, named or not, and there is no switch.
      option: namedApart ? /Named volumes too/ : undefined,
      removed: /^2 volumes removed, .+ reclaimed$/,
      doomed: names.map((name) => `volumes/${name}`),
      kept: `volumes/${keep}`,
    });
  } finally {
    await consoleUnderTest.call('DELETE', `${ENGINE}/networks/${keep}`);
    await consoleUnderTest.call('DELETE', `${ENGINE}/volumes/${keep}`);
  }
  assert.deepEqual(errorsOf(page), []);
});

test('prune by label: stopped containers', { timeout: 60_000 }, async () => {
  const create = async (labels: Record<string, string>) =>
    (
      await consoleUnderTest.call<{ Id: string }>('POST', `${ENGINE}/containers`, {
        Image: TEST_IMAGE,
        Cmd: ['true'],
        Labels: labels,
      })
    ).Id;
  const doomed = [
    await create(testLabels({ 'gantry-prune': pruneLabel })),
    await create(testLabels({ 'gantry-prune': pruneLabel })),
  ];
  const keep = await create(testLabels());
  try {
    await pruneByLabel({
      link: 'Containers',
      button: 'Prune stopped',
      title: 'Remove stopped containers?',
      removed: /^2 containers removed, .+ reclaimed$/,
      doomed: doomed.map((id) => `containers/${id}`),
      kept: `containers/${keep}`,
    });
  } finally {
    await consoleUnderTest.call('DELETE', `${ENGINE}/containers/${keep}?force=true`);
  }
  assert.deepEqual(errorsOf(page), []);
});

test('prune by label: every unused image', { timeout: 60_000 }, async () => {
  /** Builds `FROM TEST_IMAGE` with `labels` as `tag` (an ndjson progress answer, its last line the result). */
  const build = async (tag: string, labels: Record<string, string>) => {
    // One LABEL line: the classic builder commits an intermediate image per instruction, and a prune
    // of the tagged image deletes those parents too.
    const label = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    const response = await fetch(
      new URL(`${ENGINE}/images/build?tags=${encodeURIComponent(tag)}`, consoleUnderTest.url),
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ dockerfile: `FROM ${TEST_IMAGE}\nLABEL ${label.join(' ')}` }),
      },
    );
    const text = await response.text();
    assert.equal(response.ok, true, `build ${tag}: ${response.status} ${text}`);
    assert.doesNotMatch(text, /"error"/, `build ${tag}`);
  };
  const tags = ['a', 'b'].map((n) => `gantry-test/web-prune-${n}-${suffix}:latest`);
  const keep = `gantry-test/web-prune-keep-${suffix}:latest`;
  // A distinct label each: the same Dockerfile would build one image under two tags.
  for (const [index, tag] of tags.entries())
    await build(tag, testLabels({ 'gantry-prune': pruneLabel, n: String(index) }));
  await build(keep, testLabels({ n: 'keep' }));
  try {
    await pruneByLabel({
      link: 'Images',
      button: 'Prune unused',
      title: 'Remove unused images?',
      option: /Every unused image/,
      removed: /^2 images removed, .+ reclaimed$/,
      doomed: tags.map((tag) => `images/${encodeURIComponent(tag)}`),
      kept: `images/${encodeURIComponent(keep)}`,
    });
  } finally {
    await consoleUnderTest.call('DELETE', `${ENGINE}/images/${encodeURIComponent(keep)}`);
  }
  assert.deepEqual(errorsOf(page), []);
});

/** `promise`, or a failure naming `what` after `ms` (a promise no page event would time out). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A registry far too slow to finish: it serves a real manifest and image config, then trickles the
 * layer (64 KiB every 200 ms of 256 MiB), so a pull shows progress and runs until cancelled. It must
 * keep sending: the engine only notices a cancelled pull at its next read of the layer.
 * `layerClosed` settles when the engine drops the layer download.
 */
async function slowRegistry() {
  const layerSize = 256 * 1024 * 1024;
  const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
  const layerDigest = digestOf(`never sent whole ${suffix}`);
  const config = JSON.stringify({
    architecture: arch() === 'arm64' ? 'arm64' : 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: Buffer.byteLength(config),
      digest: digestOf(config),
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: layerSize,
        digest: layerDigest,
      },
    ],
  });
  const { promise: layerRequested, resolve: requested } = Promise.withResolvers<void>();
  const { promise: layerClosed, resolve: closed } = Promise.withResolvers<void>();
  const send = (response: ServerResponse, type: string, body: string) => {
    response.writeHead(200, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Docker-Content-Digest': digestOf(body),
    });
    response.end(body);
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    if (url === '/v2/') return send(response, 'application/json', '{}');
    if (url.includes('/manifests/'))
      return send(response, 'application/vnd.docker.distribution.manifest.v2+json', manifest);
    if (url.endsWith(digestOf(config))) return send(response, 'application/octet-stream', config);
    if (!url.endsWith(layerDigest)) return response.writeHead(404).end();
    requested();
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': layerSize });
    // A first megabyte at once, so the engine reports "Downloading" without delay.
    response.write(Buffer.alloc(1024 * 1024));
    const trickle = setInterval(() => response.write(Buffer.alloc(64 * 1024)), 200);
    response.on('close', () => {
      clearInterval(trickle);
      closed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    layerRequested,
    layerClosed,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('images: Cancel during a pull stops it on the engine', { timeout: 60_000 }, async () => {
  const registry = await slowRegistry();
  const image = `${registry.host}/gantry-test/slow-${suffix}`;
  try {
    await page.goto('/');
    await page.getByRole('link', { name: 'Images' }).click();
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Pull an image' });
    await dialog.getByLabel('Image', { exact: true }).fill(image);
    await dialog.getByLabel('Tag', { exact: true }).fill('latest');
    await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
    await within(registry.layerRequested, 15_000, 'the engine asking the registry for the layer');
    // The layer's bar shows the download running before the pull is cancelled.
    await dialog.getByRole('list', { name: 'layers' }).getByText('Downloading').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Pull cancelled.' }).waitFor();
    // The console passed the cancel on: the engine dropped the download.
    await within(registry.layerClosed, 15_000, 'the engine dropping the layer download');
    assert.equal(await exists(`${ENGINE}/images/${encodeURIComponent(`${image}:latest`)}`), false);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  } finally {
    await registry.close();
  }
  assert.deepEqual(errorsOf(page), []);
});

test('swarm: initialise a one-node swarm through the page', {
  skip: ownSwarm ? false : 'the engine is already in a swarm',
  timeout: 60_000,
}, async () => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Swarm' }).click();
  await page.getByText('This engine is not in a swarm.').waitFor();
  await page.getByLabel('Advertise address').fill('127.0.0.1');
  await page.getByLabel('Listen address').fill('127.0.0.1:2377');
  // Marked before the init: should this process die, the harness still leaves the swarm.
  markSwarmInitialisedByTests();
  await page.getByRole('button', { name: 'Initialize swarm' }).click();
  await answerConfirm('Initialize swarm');
  await page.getByRole('tab', { name: 'Services' }).waitFor();
  const info = await consoleUnderTest.call<SwarmInfo>('GET', `${ENGINE}/system/info`);
  assert.equal(info.Swarm?.LocalNodeState, 'active');
});

test('configs: create one with a label, read its content back, remove it', {
  skip: swarmSkip,
  timeout: 60_000,
}, async () => {
  const name = `web-act-config-${suffix}`;
  const content = `greeting = "hello"\nnumber = ${suffix}\n`;
  await page.goto('/');
  await page.getByRole('link', { name: 'Configs' }).click();
  await page.getByRole('button', { name: 'Create config' }).click();
  const form = page.getByRole('dialog', { name: 'Create config' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Content').fill(content);
  for (const [index, [key, value]] of Object.entries(testLabels()).entries()) {
    await form.getByRole('button', { name: 'Add label' }).click();
    await form.getByLabel(`Label ${index + 1} key`).fill(key);
    await form.getByLabel(`Label ${index + 1} value`).fill(value);
  }
  await form.getByRole('button', { name: 'Create', exact: true }).click();
  await form.waitFor({ state: 'detached' });
  await toast(`Config ${name} created`).waitFor();

  const onEngine = await consoleUnderTest.call<{
    ID: string;
    Spec: { Data: string; Labels: Record<string, string> };
  }>('GET', `${ENGINE}/configs/${name}`);
  assert.equal(Buffer.from(onEngine.Spec.Data, 'base64').toString('utf8'), content);
  for (const [key, value] of Object.entries(testLabels())) assert.equal(onEngine.Spec.Labels[key], value);

  // The list comes from the console's inventory, which may notice a new swarm's objects late.
  const grid = page.getByRole('grid', { name: 'configs' });
  await grid.getByText(name, { exact: true }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: `Show ${name}` }).click();
  const shown = page.getByRole('dialog', { name: `Config ${name}` });
  assert.equal(await shown.locator('pre').textContent(), content);
  await shown.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: `Remove ${name}` }).click();
  await answerConfirm('Remove');
  await grid.getByText(name, { exact: true }).waitFor({ state: 'detached' });
  assert.equal(await exists(`${ENGINE}/configs/${onEngine.ID}`), false);
  assert.deepEqual(errorsOf(page), []);
});

test('nodes: drain the node, then activate it again', {
  skip: ownSwarm ? false : 'only on a swarm of this file (draining disturbs others)',
  timeout: 60_000,
}, async () => {
  const { Swarm } = await consoleUnderTest.call<SwarmInfo>('GET', `${ENGINE}/system/info`);
  const availability = async () =>
    (
      await consoleUnderTest.call<{ Spec: { Availability: string } }>(
        'GET',
        `${ENGINE}/nodes/${Swarm?.NodeID}`,
      )
    ).Spec.Availability;
  await page.goto('/');
  await page.getByRole('link', { name: 'Swarm' }).click();
  await page.getByRole('tab', { name: 'Nodes' }).click();
  const row = page
    .getByRole('grid', { name: 'nodes' })
    .getByRole('row')
    .filter({ hasText: 'manager (leader)' });
  // The node appears once the console's inventory noticed the swarm (its health check, ≤ 15 s).
  await row.waitFor({ timeout: 30_000 });

  await row.getByRole('button', { name: 'Drain' }).click();
  await page
    .getByRole('alertdialog')
    .getByText(/with one node, they stop running/)
    .waitFor();
  await answerConfirm('Drain');
  await toast(/is draining$/).waitFor();
  await row.getByRole('button', { name: 'Activate' }).waitFor();
  await row.getByText('drain', { exact: true }).waitFor();
  assert.equal(await availability(), 'drain');

  // Straight after the drain: the row's node version must be the new one, or the engine refuses.
  await row.getByRole('button', { name: 'Activate' }).click();
  await toast(/is active$/).waitFor();
  await row.getByRole('button', { name: 'Drain' }).waitFor();
  assert.equal(await availability(), 'active');
  assert.deepEqual(errorsOf(page), []);
});

test('services: update the environment and replicas through the form, twice in a row', {
  skip: swarmSkip,
  timeout: 90_000,
}, async () => {
  const name = `web-act-svc-${suffix}`;
  const { ID } = await consoleUnderTest.call<{ ID: string }>('POST', `${ENGINE}/services`, {
    Name: name,
    Labels: testLabels(),
    TaskTemplate: { ContainerSpec: { Image: TEST_IMAGE, Command: ['sleep', '300'], Env: ['FIRST=one'] } },
    Mode: { Replicated: { Replicas: 1 } },
  });
  type ServiceSpec = {
    Spec: {
      Labels: Record<string, string>;
      Mode: { Replicated: { Replicas: number } };
      TaskTemplate: { ContainerSpec: { Image: string; Env?: string[]; Command?: string[] } };
    };
  };
  const inspect = () => consoleUnderTest.call<ServiceSpec>('GET', `${ENGINE}/services/${ID}`);
  try {
    await page.goto(`/swarm/services/${ID}`);
    await page.getByRole('heading', { name }).waitFor();
    await page.getByRole('button', { name: 'Update', exact: true }).click();
    const form = page.getByRole('dialog', { name: `Update ${name}` });
    assert.equal(await form.getByLabel('Image').inputValue(), TEST_IMAGE);
    assert.equal(await form.getByLabel('Variable 1 key').inputValue(), 'FIRST');
    await form.getByRole('button', { name: 'Add variable' }).click();
    await form.getByLabel('Variable 2 key').fill('GREETING');
    await form.getByLabel('Variable 2 value').fill('hello from the form');
    await form.getByLabel('Replicas').fill('2');
    await screenshot(page, 'service-update');
    await form.getByRole('button', { name: 'Update', exact: true }).click();
    await form.waitFor({ state: 'detached' });
    await toast(`Service ${name} updated`).waitFor();
    // At once, well before the page's 5 s refresh: the page reloads the service after an update.
    const overview = page.getByRole('region', { name: 'service overview' });
    await overview.getByText('FIRST, GREETING').waitFor({ timeout: 4_000 });

    const updated = await inspect();
    assert.deepEqual(updated.Spec.TaskTemplate.ContainerSpec.Env, [
      'FIRST=one',
      'GREETING=hello from the form',
    ]);
    assert.equal(updated.Spec.Mode.Replicated.Replicas, 2);
    assert.deepEqual(
      updated.Spec.TaskTemplate.ContainerSpec.Command,
      ['sleep', '300'],
      'the command is kept',
    );
    for (const [key, value] of Object.entries(testLabels())) assert.equal(updated.Spec.Labels[key], value);

    // A second update at once: the form must start from the service as it is now (its new version).
    await page.getByRole('button', { name: 'Update', exact: true }).click();
    const again = page.getByRole('dialog', { name: `Update ${name}` });
    assert.equal(await again.getByLabel('Replicas').inputValue(), '2');
    await again.getByRole('button', { name: 'Remove variable 1' }).click();
    await again.getByRole('button', { name: 'Update', exact: true }).click();
    await again.waitFor({ state: 'detached' });
    await overview.getByText('GREETING', { exact: true }).waitFor();
    assert.deepEqual((await inspect()).Spec.TaskTemplate.ContainerSpec.Env, ['GREETING=hello from the form']);
  } finally {
    await consoleUnderTest.call('DELETE', `${ENGINE}/services/${ID}`);
  }
  assert.deepEqual(errorsOf(page), []);
});

test('swarm: leave the swarm this file initialised', {
  skip: ownSwarm ? false : "not this file's swarm",
  timeout: 60_000,
}, async () => {
  // The updated service was removed just before: its tasks are still shutting down for a moment,
  // and a leave meanwhile keeps the daemon busy past its own deadline. Wait until they are gone.
  for (let attempt = 0; ; attempt++) {
    const running = await consoleUnderTest.call<{ total: number }>(
      'GET',
      `${ENGINE}/containers?label=com.docker.swarm.service.id`,
    );
    if (running.total === 0) break;
    assert.ok(attempt < 60, `${running.total} task container(s) still there after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await page.goto('/');
  await page.getByRole('link', { name: 'Swarm' }).click();
  await page.getByRole('button', { name: 'Leave swarm' }).click();
  await answerConfirm('Leave swarm');
  // The outcome's toast first: a refusal is reported with the engine's message, not as a timeout.
  const outcome = page.getByRole('status').filter({ hasText: 'Left the swarm' }).or(page.getByRole('alert'));
  await outcome.first().waitFor({ timeout: 30_000 });
  assert.equal(await outcome.first().textContent(), 'Left the swarm');
  await page.getByText('This engine is not in a swarm.').waitFor({ timeout: 30_000 });
  const left = await consoleUnderTest.call<SwarmInfo>('GET', `${ENGINE}/system/info`);
  assert.equal(left.Swarm?.LocalNodeState, 'inactive');
  assert.deepEqual(errorsOf(page), []);
});
