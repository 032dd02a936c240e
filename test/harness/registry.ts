/**
 * A private registry with htpasswd (basic) auth on 127.0.0.1, holding the test image, so pull / push /
 * auth tests hit a real registry without the internet. The docker daemon treats 127.0.0.0/8 registries
 * as insecure by default, so plain HTTP is fine.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { dockerCliEnv } from './engine.ts';
import {
  findInPath,
  freePort,
  isRunning,
  run,
  spawnDetached,
  stopProcess,
  tailOfFile,
  waitUntil,
} from './exec.ts';
import { say } from './log.ts';
import { type SlotPaths, TEST_IMAGE, WORK_DIR } from './paths.ts';

export interface RegistryInfo {
  pid: number;
  /** `127.0.0.1:PORT` */
  host: string;
  user: string;
  password: string;
  /** The test image in the registry: `127.0.0.1:PORT/gantry-test/busybox:latest`. */
  image: string;
}

const USER = 'gantry';
const PROGRAM = 'docker-registry';

export async function startRegistry(paths: SlotPaths, record: (pid: number) => void): Promise<RegistryInfo> {
  const binary = findInPath(PROGRAM);
  if (!binary) throw new Error(`${PROGRAM} is not in PATH (Debian: apt-get install docker-registry)`);
  const dir = paths.registryDir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const password = randomBytes(12).toString('base64url');
  const host = `127.0.0.1:${await freePort()}`;
  await writeHtpasswd(join(dir, 'htpasswd'), password);
  writeFileSync(join(dir, 'config.yml'), registryConfig(dir, host));

  const log = join(dir, 'registry.log');
  say(`starting a registry with htpasswd auth at ${host} (log: ${log})`);
  const pid = spawnDetached(binary, ['serve', join(dir, 'config.yml')], log);
  record(pid);
  await waitUntil(
    'the registry',
    () => answersUnauthorized(host),
    30_000,
    () => (isRunning(pid, PROGRAM) ? undefined : `exited at start-up; ${log} ends with:\n${tailOfFile(log)}`),
  );
  return { pid, host, user: USER, password, image: `${host}/${TEST_IMAGE}` };
}

export async function stopRegistry(paths: SlotPaths, pid: number | undefined): Promise<void> {
  if (pid !== undefined) {
    say(`stopping the registry (pid ${pid})`);
    await stopProcess(pid, PROGRAM, 5_000);
  }
  rmSync(paths.registryDir, { recursive: true, force: true });
}

/**
 * Pushes the test image to the registry through `dockerHost`, then drops the local registry tag so
 * tests pull for real.
 */
export function pushTestImage(dockerHost: string, registry: RegistryInfo): Promise<void> {
  say(`pushing ${registry.image}`);
  return loggedIn(dockerHost, registry, async (env) => {
    try {
      await run('docker', ['tag', TEST_IMAGE, registry.image], { env });
      await run('docker', ['push', registry.image], { env });
    } finally {
      await run('docker', ['rmi', registry.image], { env }).catch(() => {});
    }
  });
}

/**
 * Gives `dockerHost` the test image by pulling it from the registry (the very image pushed there, so
 * the same image id as on the first engine), tagged `gantry-test/busybox:latest`, without the
 * registry tag.
 */
export function pullTestImage(dockerHost: string, registry: RegistryInfo): Promise<void> {
  say(`pulling ${registry.image} into ${dockerHost} as ${TEST_IMAGE}`);
  return loggedIn(dockerHost, registry, async (env) => {
    await run('docker', ['pull', registry.image], { env });
    await run('docker', ['tag', registry.image, TEST_IMAGE], { env });
    await run('docker', ['rmi', registry.image], { env });
  });
}

/** `steps` with a docker CLI logged in through a throwaway DOCKER_CONFIG: the user's stays untouched. */
async function loggedIn(
  dockerHost: string,
  registry: RegistryInfo,
  steps: (env: NodeJS.ProcessEnv) => Promise<void>,
): Promise<void> {
  const config = mkdtempSync(join(WORK_DIR, 'docker-config-'));
  const env = dockerCliEnv(dockerHost, { DOCKER_CONFIG: config });
  try {
    await run('docker', ['login', '--username', registry.user, '--password-stdin', registry.host], {
      env,
      input: registry.password,
    });
    await steps(env);
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

/** bcrypt entries (-B): the registry accepts no other hash; the password goes in on stdin (-i). */
async function writeHtpasswd(path: string, password: string): Promise<void> {
  const entry = await run('htpasswd', ['-B', '-i', '-n', USER], { input: password });
  writeFileSync(path, `${entry.trim()}\n`, { mode: 0o600 });
}

function registryConfig(dir: string, host: string): string {
  return `version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: ${host}
  secret: ${randomBytes(16).toString('hex')}
auth:
  htpasswd:
    realm: gantry-test
    path: ${join(dir, 'htpasswd')}
`;
}

/** Up means: /v2/ answers and demands credentials. */
function answersUnauthorized(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`http://${host}/v2/`, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 401);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
