/**
 * Removes what the tests created — everything labelled `io.gantry.test` and nothing else — straight
 * through the Engine API (node:http), so cleanup works even while the SDK under test is broken.
 */
import { type Endpoint, endpointFor, engineRequest } from './engine.ts';
import { sleep } from './exec.ts';
import { say } from './log.ts';
import { DEFAULT_DOCKER_HOST, TEST_LABEL } from './paths.ts';
import { readGlobalState, updateGlobalState } from './state.ts';

/** The oldest API version the harness supports (Docker 20.10): every engine it meets speaks it. */
const API = '/v1.41';
/** Images tests build or commit carry this label; the base test image does not, and is kept. */
const CREATED_IMAGE_LABEL = `${TEST_LABEL}.created=1`;
const TEMPORARY_REPOSITORY = /^gantry-test-tmp\//;
const LOCAL_REGISTRY_TAG = /^127\.0\.0\.1:\d+\/gantry-test\//;

export async function removeLabelled(dockerHost: string): Promise<void> {
  const engine = endpointFor(dockerHost);
  const label = filters({ label: [TEST_LABEL] });
  const removed: string[] = [];
  const remove = async (what: string, paths: string[]) => {
    await deleteAll(engine, paths);
    if (paths.length > 0) removed.push(`${paths.length} ${what}`);
  };

  // Services first: swarm would replace their tasks' containers while we remove them.
  const manager = await isSwarmManager(engine);
  if (manager)
    await remove(
      'services',
      (await list(engine, `/services?${label}`)).map((s) => `/services/${s.ID}`),
    );
  const containers = await list(engine, `/containers/json?all=1&${label}`);
  await remove(
    'containers',
    containers.map((c) => `/containers/${c.Id}?force=1&v=1`),
  );
  if (manager) {
    await remove(
      'secrets',
      (await list(engine, `/secrets?${label}`)).map((s) => `/secrets/${s.ID}`),
    );
    await remove(
      'configs',
      (await list(engine, `/configs?${label}`)).map((c) => `/configs/${c.ID}`),
    );
  }
  await remove(
    'networks',
    (await list(engine, `/networks?${label}`)).map((n) => `/networks/${n.Id}`),
  );
  const { Volumes } = await getJson<{ Volumes: Listed[] | null }>(engine, `/volumes?${label}`);
  await remove(
    'volumes',
    (Volumes ?? []).map((v) => `/volumes/${encodeURIComponent(v.Name)}?force=1`),
  );
  await remove('images', await testImagePaths(engine));
  say(
    `swept ${dockerHost}: ${removed.length > 0 ? `removed ${removed.join(', ')}` : 'nothing labelled was left'}`,
  );
}

/**
 * Called by a test right after its `swarm init` succeeded: at teardown the harness then leaves that
 * swarm (with force). A swarm that existed before the run can never be marked — `swarm init` fails
 * on a node that is already in one.
 */
export function markSwarmInitialisedByTests(
  dockerHost = process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST,
): void {
  updateGlobalState((state) => {
    state.swarmInitialisedByTests = [...new Set([...(state.swarmInitialisedByTests ?? []), dockerHost])];
  });
}

/** Leaves the swarm on `dockerHost` if a test initialised it and the node is still in it. */
export async function leaveSwarmIfTestsInitialisedIt(dockerHost: string): Promise<void> {
  if (!readGlobalState().swarmInitialisedByTests?.includes(dockerHost)) return;
  const engine = endpointFor(dockerHost);
  const info = await getJson<Info>(engine, '/info');
  if (info.Swarm?.LocalNodeState !== 'inactive') {
    say(`leaving the swarm the tests initialised on ${dockerHost}`);
    const response = await engineRequest(engine, 'POST', `${API}/swarm/leave?force=1`, { timeoutMs: 60_000 });
    if (response.status !== 200)
      throw new Error(`could not leave the swarm: ${response.status} ${response.body}`);
  }
  updateGlobalState((state) => {
    state.swarmInitialisedByTests = state.swarmInitialisedByTests?.filter((host) => host !== dockerHost);
  });
}

interface Info {
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean };
}

interface Listed {
  Id: string;
  ID: string;
  Name: string;
  RepoTags?: string[] | null;
}

async function isSwarmManager(engine: Endpoint): Promise<boolean> {
  const info = await getJson<Info>(engine, '/info');
  return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
}

/**
 * Deletes each object in turn. A 404 is fine (a test's own `after` hook got there first). A network
 * can stay busy for a moment after its containers went (endpoints are released asynchronously), so a
 * refused delete is tried again a few times before it is reported — and left.
 */
async function deleteAll(engine: Endpoint, paths: string[]): Promise<void> {
  for (const path of paths) {
    for (let attempt = 1; ; attempt++) {
      const response = await engineRequest(engine, 'DELETE', API + path, { timeoutMs: 60_000 });
      if (response.status < 300 || response.status === 404) break;
      if (attempt === 3) {
        say(`could not remove ${path}: ${response.status} ${response.body.trim()}`);
        break;
      }
      await sleep(1_000);
    }
  }
}

/**
 * Images the tests created (labelled `io.gantry.test.created=1`), by id; then, by tag only — so an
 * image that also has other tags keeps them — `gantry-test-tmp/*` and local-registry test tags.
 */
async function testImagePaths(engine: Endpoint): Promise<string[]> {
  const created = await list(engine, `/images/json?${filters({ label: [CREATED_IMAGE_LABEL] })}`);
  const tags = (await list(engine, '/images/json'))
    .flatMap((image) => image.RepoTags ?? [])
    .filter((tag) => TEMPORARY_REPOSITORY.test(tag) || LOCAL_REGISTRY_TAG.test(tag));
  return [
    ...created.map((image) => `/images/${image.Id}?force=1`),
    ...tags.map((tag) => `/images/${encodeURIComponent(tag)}?force=1`),
  ];
}

function filters(value: Record<string, string[]>): string {
  return `filters=${encodeURIComponent(JSON.stringify(value))}`;
}

const list = (engine: Endpoint, path: string) => getJson<Listed[]>(engine, path);

async function getJson<T>(engine: Endpoint, path: string): Promise<T> {
  const response = await engineRequest(engine, 'GET', API + path);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.body.trim()}`);
  return JSON.parse(response.body) as T;
}
