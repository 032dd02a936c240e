/**
 * Finding (or providing) the Docker Engine the tests run against, the command-line tools the harness
 * needs, and a tiny raw Engine API client over node:http — the harness must not depend on the SDK
 * it is testing.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  findInPath,
  freePort,
  isRoot,
  isRunning,
  run,
  spawnDetached,
  tailOfFile,
  waitUntil,
} from './exec.ts';
import { say } from './log.ts';
import { APT_LOG, DEFAULT_DOCKER_HOST, DOCKERD_LOG, WORK_DIR } from './paths.ts';
import { readGlobalState, updateGlobalState } from './state.ts';
import { ensureTlsMaterial, type TlsMaterial } from './tls.ts';

// ---------------------------------------------------------------------------------------------------
// Raw Engine API access

export interface TlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export type Endpoint = { socketPath: string } | { host: string; port: number; tls?: TlsFiles };

function readTlsFiles(dir: string): TlsFiles {
  return {
    ca: readFileSync(join(dir, 'ca.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
    key: readFileSync(join(dir, 'key.pem')),
  };
}

/**
 * The endpoint a DOCKER_HOST value names. A tcp host uses TLS the way the docker CLI decides it:
 * with DOCKER_TLS_VERIFY set, from DOCKER_CERT_PATH (default ~/.docker) — or from `certDir` when given.
 */
export function endpointFor(dockerHost: string, certDir?: string): Endpoint {
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  if (url.protocol === 'tcp:') {
    const useTls = certDir !== undefined || !!process.env.DOCKER_TLS_VERIFY;
    const dir = certDir ?? process.env.DOCKER_CERT_PATH ?? join(homedir(), '.docker');
    const tls = useTls ? readTlsFiles(dir) : undefined;
    return { host: url.hostname, port: Number(url.port || (useTls ? 2376 : 2375)), tls };
  }
  throw new Error(`the harness speaks unix:// and tcp:// only, not DOCKER_HOST=${dockerHost}`);
}

export interface ApiResponse {
  status: number;
  body: string;
}

/** One HTTP request to the Engine API; the path carries its own version prefix (`/v1.41/...`). */
export function engineRequest(
  endpoint: Endpoint,
  method: string,
  path: string,
  { body, timeoutMs = 30_000 }: { body?: unknown; timeoutMs?: number } = {},
): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { Host: 'docker' };
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const options: RequestOptions = { method, path, headers, agent: false, timeout: timeoutMs };
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    };
    const req =
      'socketPath' in endpoint
        ? httpRequest({ ...options, socketPath: endpoint.socketPath }, onResponse)
        : endpoint.tls
          ? httpsRequest(
              { ...options, host: endpoint.host, port: endpoint.port, ...endpoint.tls },
              onResponse,
            )
          : httpRequest({ ...options, host: endpoint.host, port: endpoint.port }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Whether the engine answers `GET /_ping` with OK within 3 s. */
export async function ping(endpoint: Endpoint): Promise<boolean> {
  try {
    const response = await engineRequest(endpoint, 'GET', '/_ping', { timeoutMs: 3_000 });
    return response.status === 200 && response.body === 'OK';
  } catch {
    return false;
  }
}

/** The environment for a docker CLI talking to `dockerHost` (a context must not override it). */
export function dockerCliEnv(dockerHost: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerHost, ...extra };
  delete env.DOCKER_CONTEXT;
  return env;
}

// ---------------------------------------------------------------------------------------------------
// The engine

export interface EngineInfo {
  /** What the docker CLI and the tests get as DOCKER_HOST. */
  dockerHost: string;
  endpoint: Endpoint;
  /** Set when the engine is the dockerd the harness started: its mutual-TLS listener. */
  tlsHost?: string;
}

/**
 * DOCKER_HOST when set, else the default socket when it answers, else — as root with apt-get —
 * installs docker.io and starts dockerd (with an extra mutual-TLS listener), recorded in state.json.
 */
export async function ensureEngine(): Promise<EngineInfo> {
  const fromEnv = process.env.DOCKER_HOST;
  if (fromEnv) {
    const endpoint = endpointFor(fromEnv);
    if (!(await ping(endpoint))) throw new Error(`DOCKER_HOST=${fromEnv} does not answer GET /_ping`);
    say(`using the engine at DOCKER_HOST=${fromEnv}`);
    return withHarnessTls({ dockerHost: fromEnv, endpoint });
  }
  const endpoint = endpointFor(DEFAULT_DOCKER_HOST);
  if (await ping(endpoint)) {
    say(`using the running engine at ${DEFAULT_DOCKER_HOST}`);
    return withHarnessTls({ dockerHost: DEFAULT_DOCKER_HOST, endpoint });
  }
  say(`no engine answers at ${DEFAULT_DOCKER_HOST} and DOCKER_HOST is not set: providing one`);
  requireRootAndApt(
    'Install Docker Engine (Debian: apt-get install docker.io) and start dockerd, or set DOCKER_HOST',
  );
  await aptInstall(ALL_PACKAGES);
  if (await ping(endpoint)) {
    // docker.io's postinst starts dockerd through its init script on some machines: use that one.
    say(`installing docker.io started dockerd at ${DEFAULT_DOCKER_HOST}; using it`);
    return { dockerHost: DEFAULT_DOCKER_HOST, endpoint };
  }
  return startHarnessDockerd(await ensureTlsMaterial());
}

/** A dockerd the harness started earlier (another live run's) is the TLS endpoint too. */
function withHarnessTls(engine: EngineInfo): EngineInfo {
  const started = readGlobalState().harnessDockerd;
  const alive = started && started.dockerHost === engine.dockerHost && isRunning(started.pid, 'dockerd');
  return alive ? { ...engine, tlsHost: started.tlsHost } : engine;
}

async function startHarnessDockerd(tls: TlsMaterial): Promise<EngineInfo> {
  const dockerd = findInPath('dockerd');
  if (!dockerd) throw new Error('dockerd is not in PATH although docker.io is installed');
  const tlsHost = `tcp://127.0.0.1:${await freePort()}`;
  mkdirSync(WORK_DIR, { recursive: true });
  // The usual socket, as a plain `dockerd` would serve it, plus the TCP listener the TLS tests use.
  const args = [
    `--host=${DEFAULT_DOCKER_HOST}`,
    `--host=${tlsHost}`,
    '--tlsverify',
    `--tlscacert=${tls.ca}`,
    `--tlscert=${tls.serverCert}`,
    `--tlskey=${tls.serverKey}`,
  ];
  say(`starting dockerd ${args.join(' ')} (log: ${DOCKERD_LOG})`);
  const pid = spawnDetached(dockerd, args, DOCKERD_LOG);
  updateGlobalState((state) => {
    state.harnessDockerd = { pid, dockerHost: DEFAULT_DOCKER_HOST, tlsHost };
  });
  const endpoint = endpointFor(DEFAULT_DOCKER_HOST);
  await waitUntil(
    'dockerd',
    () => ping(endpoint),
    60_000,
    () =>
      isRunning(pid, 'dockerd')
        ? undefined
        : `exited at start-up; ${DOCKERD_LOG} ends with:\n${tailOfFile(DOCKERD_LOG)}`,
  );
  say(`dockerd (pid ${pid}) is up at ${DEFAULT_DOCKER_HOST}, with mutual TLS at ${tlsHost}`);
  return { dockerHost: DEFAULT_DOCKER_HOST, endpoint, tlsHost };
}

// ---------------------------------------------------------------------------------------------------
// Tools

const ALL_PACKAGES = [
  'docker.io',
  'busybox-static',
  'docker-registry',
  'apache2-utils',
  'openssl',
  'iproute2',
];

interface Tool {
  program: string;
  /** The Debian package that provides it. */
  pkg: string;
  /** When being in PATH is not enough. */
  present?: () => boolean;
}

/** The programs the harness runs. */
const TOOLS: Tool[] = [
  { program: 'docker', pkg: 'docker.io' },
  // The test image needs a static busybox: the plain `busybox` package's binary wants a libc.
  { program: 'busybox', pkg: 'busybox-static', present: () => isStaticBusybox() },
  { program: 'docker-registry', pkg: 'docker-registry' },
  { program: 'htpasswd', pkg: 'apache2-utils' },
  { program: 'openssl', pkg: 'openssl' },
  { program: 'ip', pkg: 'iproute2' },
  { program: 'tar', pkg: 'tar' },
  // The CLI's interactive tests (run -it, exec -it, detach keys) type into a terminal through tmux.
  { program: 'tmux', pkg: 'tmux' },
  // The browser UI's end-to-end tests drive Debian's Chromium (playwright-core, no downloaded browser).
  { program: 'chromium', pkg: 'chromium' },
  // The CLI's completion scripts are loaded into these shells (bash is always there).
  { program: 'zsh', pkg: 'zsh' },
  { program: 'fish', pkg: 'fish' },
];

/** Installs (apt, as root) whatever tool is missing; without root or apt, says what to install. */
export async function ensureTools(extra: Tool[] = []): Promise<void> {
  const missing = [...TOOLS, ...extra].filter((tool) =>
    tool.present ? !tool.present() : !findInPath(tool.program),
  );
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => tool.pkg))];
  say(`missing: ${missing.map((tool) => tool.program).join(', ')} — installing ${packages.join(' ')}`);
  requireRootAndApt(`Install them: apt-get install ${packages.join(' ')}`);
  await aptInstall(packages);
}

/** The path of a statically linked busybox in PATH, or undefined. */
export function staticBusybox(): string | undefined {
  const path = findInPath('busybox');
  return path && !hasProgramInterpreter(path) ? path : undefined;
}

function isStaticBusybox(): boolean {
  return staticBusybox() !== undefined;
}

/** Whether an ELF64 binary asks for a dynamic loader (has a PT_INTERP program header). */
function hasProgramInterpreter(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    const tableOffset = Number(header.readBigUInt64LE(32));
    const entrySize = header.readUInt16LE(54);
    const entries = header.readUInt16LE(56);
    const table = Buffer.alloc(entrySize * entries);
    readSync(fd, table, 0, table.length, tableOffset);
    const PT_INTERP = 3;
    for (let i = 0; i < entries; i++) if (table.readUInt32LE(i * entrySize) === PT_INTERP) return true;
    return false;
  } finally {
    closeSync(fd);
  }
}

function requireRootAndApt(advice: string): void {
  if (isRoot() && findInPath('apt-get')) return;
  throw new Error(`the harness can only install packages as root on a machine with apt-get. ${advice}.`);
}

let aptUpdated = false;

async function aptInstall(packages: string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  mkdirSync(WORK_DIR, { recursive: true });
  if (!aptUpdated) {
    say(`apt-get update (log: ${APT_LOG})`);
    await logged(run('apt-get', ['update'], { env }));
    aptUpdated = true;
  }
  say(`apt-get install -y ${packages.join(' ')} (log: ${APT_LOG})`);
  await logged(run('apt-get', ['install', '-y', ...packages], { env }));
}

/** apt's chatter goes to a log file rather than the test output; a failure still shows its tail. */
async function logged(output: Promise<string>): Promise<void> {
  try {
    appendFileSync(APT_LOG, await output);
  } catch (err) {
    appendFileSync(APT_LOG, String(err));
    throw err;
  }
}
