/**
 * The real-engine test harness: `setup()` provides an engine, the tools, TLS material, a mutual-TLS
 * daemon, the test image, a registry, an sshd and a PostgreSQL, and returns the environment for the tests; `setupPodman()`
 * then adds a Podman of the run's own (same test image, same registry) for the Podman pass; `teardown()`
 * removes what the tests left (labelled `io.gantry.test`) and stops every process setup started.
 * Teardown also runs on SIGINT / SIGTERM, and a run killed outright is cleaned up by the next one.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { leaveSwarmIfTestsInitialisedIt, removeLabelled } from './cleanup.ts';
import { ensureEngine, ensureTools } from './engine.ts';
import { isRunning, stopProcess } from './exec.ts';
import { ensureTestImage } from './image.ts';
import { say } from './log.ts';
import { type SlotPaths, TEST_IMAGE, TEST_LABEL, WORK_DIR } from './paths.ts';
import { registryForPodman, startPodman, stopPodman } from './podman.ts';
import { DATABASE_URL_VARIABLE, startPostgres, stopPostgres } from './postgres.ts';
import { pullTestImage, pushTestImage, type RegistryInfo, startRegistry, stopRegistry } from './registry.ts';
import { SSH_ALIAS, startSshd, stopSshd } from './sshd.ts';
import {
  acquireSlot,
  otherLiveRuns,
  type RunState,
  readGlobalState,
  releaseSlot,
  type Slot,
  updateGlobalState,
  writeRunState,
} from './state.ts';
import { ensureTlsMaterial } from './tls.ts';
import { startTlsDaemon, stopTlsDaemon } from './tls-daemon.ts';

export { markSwarmInitialisedByTests } from './cleanup.ts';

let slot: Slot | undefined;
/** The run's registry, which the Podman pass uses too. */
let runRegistry: RegistryInfo | undefined;
let teardownOnce: Promise<void> | undefined;
/** Settles when setup does: a signal during setup waits for the current step, then tears down. */
let setupSettled: Promise<unknown> = Promise.resolve();
let interrupted = false;

export function setup(): Promise<Record<string, string>> {
  installSignalHandlers();
  const provided = provide();
  setupSettled = provided.catch(() => {});
  return provided;
}

/** Between steps: stop setting up once a signal arrived (teardown then sees everything recorded). */
function checkpoint(): void {
  if (interrupted) throw new Error('interrupted');
}

async function provide(): Promise<Record<string, string>> {
  slot = await acquireSlot(reclaimStaleRun);
  const { paths, state } = slot;
  const save = () => writeRunState(paths, state);
  say(`run slot ${paths.slot} (${paths.runFile})`);

  const engine = await ensureEngine();
  state.engines.push(engine.dockerHost);
  save();
  checkpoint();
  await ensureTools();
  const tls = await ensureTlsMaterial();
  checkpoint();

  let tlsHost = engine.tlsHost;
  if (tlsHost) {
    say(`the TLS tests use the harness dockerd's listener at ${tlsHost}`);
  } else {
    const daemon = await startTlsDaemon(paths, tls, (record) => {
      state.tlsDaemon = record;
      state.engines.push(record.dockerHost);
      save();
    });
    tlsHost = daemon.tlsHost;
  }
  checkpoint();
  await ensureTestImage(state.engines);
  checkpoint();
  const registry = await startRegistry(paths, (pid) => {
    state.registryPid = pid;
    save();
  });
  checkpoint();
  await pushTestImage(engine.dockerHost, registry);
  runRegistry = registry;
  checkpoint();
  const sshd = await startSshd(paths, engine.dockerHost, (pid) => {
    state.sshdPid = pid;
    save();
  });
  checkpoint();
  const databaseUrl = await startPostgres(paths, (pid) => {
    state.postgresPid = pid;
    save();
  });
  say('ready');
  // An empty docker config: the SDK reads registry credentials from it, and a developer's own
  // (a credsStore, a login) must not change what the tests see.
  const dockerConfig = join(WORK_DIR, 'docker-config-empty');
  mkdirSync(dockerConfig, { recursive: true });

  return {
    DOCKER_HOST: engine.dockerHost,
    DOCKER_CONFIG: dockerConfig,
    GANTRY_TEST_ENGINE: 'docker',
    GANTRY_TEST_LABEL: TEST_LABEL,
    GANTRY_TEST_IMAGE: TEST_IMAGE,
    GANTRY_TEST_TLS_HOST: tlsHost,
    GANTRY_TEST_TLS_CERTS: tls.dir,
    GANTRY_TEST_TLS_WRONG_CERTS: tls.wrongDir,
    GANTRY_TEST_REGISTRY: registry.host,
    GANTRY_TEST_REGISTRY_USER: registry.user,
    GANTRY_TEST_REGISTRY_PASSWORD: registry.password,
    GANTRY_TEST_REGISTRY_IMAGE: registry.image,
    ...(sshd && {
      GANTRY_TEST_SSH_HOST: sshd.host,
      GANTRY_TEST_SSH_CONFIG: sshd.config,
      GANTRY_TEST_SSH_ALIAS: SSH_ALIAS,
      GANTRY_TEST_SSH_IDENTITY: sshd.identity,
      GANTRY_TEST_SSH_IDENTITY_NO_DOCKER: sshd.identityNoDocker,
      GANTRY_TEST_SSH_KNOWN_HOSTS: sshd.knownHosts,
    }),
    ...(databaseUrl && { [DATABASE_URL_VARIABLE]: databaseUrl }),
  };
}

/**
 * After `setup()`: starts the run's Podman, pulls the test image into it from the registry and
 * returns what changes in the tests' environment for the Podman pass. Teardown stops and resets it.
 */
export function setupPodman(): Promise<Record<string, string>> {
  const provided = providePodman();
  setupSettled = provided.catch(() => {});
  return provided;
}

async function providePodman(): Promise<Record<string, string>> {
  if (!slot || !runRegistry) throw new Error('setupPodman() needs a finished setup()');
  const { paths, state } = slot;
  const registry = registryForPodman(runRegistry);
  const podman = await startPodman(paths, [registry.host, runRegistry.host], (pid) => {
    state.podmanPid = pid;
    writeRunState(paths, state);
  });
  checkpoint();
  await pullTestImage(podman.dockerHost, registry);
  say(`Podman ${podman.version} ready`);
  return {
    DOCKER_HOST: podman.dockerHost,
    GANTRY_TEST_ENGINE: 'podman',
    GANTRY_TEST_REGISTRY: registry.host,
    GANTRY_TEST_REGISTRY_IMAGE: registry.image,
  };
}

/** Idempotent: the test runner's `finally` and a signal handler may both ask for it. */
export function teardown(): Promise<void> {
  teardownOnce ??= runTeardown();
  return teardownOnce;
}

async function runTeardown(): Promise<void> {
  if (!slot) return;
  say('tearing down');
  await tearDownRun(slot.paths, slot.state);
  releaseSlot(slot.paths);
  await tearDownShared(slot.state.engines[0]);
  say('teardown done');
}

/** This run's own resources: its Podman, its sshd, its PostgreSQL, its second dockerd and its registry. */
async function tearDownRun(paths: SlotPaths, state: RunState): Promise<void> {
  await attempt('stop and reset Podman', () => stopPodman(paths, state.podmanPid));
  await attempt('stop sshd', () => stopSshd(paths, state.sshdPid));
  await attempt('stop PostgreSQL', () => stopPostgres(paths, state.postgresPid));
  const daemon = state.tlsDaemon;
  if (daemon) await attempt('sweep the second dockerd', () => removeLabelled(daemon.dockerHost));
  await attempt('stop the registry', () => stopRegistry(paths, state.registryPid));
  // Also without a recorded daemon: a run may have died after creating the bridge but before the record.
  await attempt('stop the second dockerd', () => stopTlsDaemon(paths, daemon));
}

/**
 * The shared engine is swept — and a test-made swarm left, and the dockerd the harness started
 * stopped — only by the last live run: sweeping earlier would delete other runs' objects mid-test.
 */
async function tearDownShared(engine: string | undefined): Promise<void> {
  const others = otherLiveRuns();
  if (others.length > 0) {
    say(
      `other test runs are live (pids ${others.map((run) => run.pid).join(', ')}): the last one sweeps the engine`,
    );
    return;
  }
  if (engine) {
    await attempt(`sweep ${engine}`, () => removeLabelled(engine));
    await attempt('leave the test swarm', () => leaveSwarmIfTestsInitialisedIt(engine));
  }
  const dockerd = readGlobalState().harnessDockerd;
  if (dockerd) {
    if (isRunning(dockerd.pid, 'dockerd')) {
      say(`stopping the dockerd the harness started (pid ${dockerd.pid})`);
      await attempt('stop dockerd', () => stopProcess(dockerd.pid, 'dockerd', 30_000));
    }
    updateGlobalState((state) => {
      delete state.harnessDockerd;
    });
  }
}

/** A run that died without teardown left its slot: stop what it started before taking the slot. */
async function reclaimStaleRun(paths: SlotPaths, stale: RunState): Promise<void> {
  say(`slot ${paths.slot} was left by a run that died (pid ${stale.pid}): cleaning up after it`);
  await tearDownRun(paths, stale);
}

/** Teardown must not stop halfway: each step's failure is reported and the next step still runs. */
async function attempt(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    say(`could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const interruptHooks: (() => void)[] = [];

/** Something to do first when SIGINT / SIGTERM arrives (the test runner stops its child). */
export function onInterrupt(hook: () => void): void {
  interruptHooks.push(hook);
}

let handlersInstalled = false;

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (interrupted) return say(`${signal}: teardown is already under way`);
      interrupted = true;
      say(`${signal}: tearing down before exiting`);
      for (const hook of interruptHooks) hook();
      void setupSettled.then(teardown).finally(() => process.exit(code));
    });
  }
}
