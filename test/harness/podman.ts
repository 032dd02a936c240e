/**
 * A Podman of the run's own for the Podman pass of `npm test`: `podman system service` serving the
 * Docker-compatible API on a unix socket in the slot's directory. Everything Podman keeps is the
 * harness's — containers.conf, storage.conf and registries.conf are ours (CONTAINERS_CONF & co.), so
 * is the graph root, run root, libpod tmp dir, network config dir, events log and default network
 * (own bridge and subnet per slot) — and all of it is reset and deleted at teardown.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpointFor, engineRequest, ensureTools, ping } from './engine.ts';
import {
  findInPath,
  isRoot,
  isRunning,
  processArgv,
  run,
  sleep,
  spawnDetached,
  stopProcess,
  tailOfFile,
  tryRun,
  waitUntil,
} from './exec.ts';
import { say } from './log.ts';
import type { SlotPaths } from './paths.ts';
import type { RegistryInfo } from './registry.ts';
import { unmountUnder } from './tls-daemon.ts';

const PROGRAM = 'podman';

export interface PodmanInfo {
  pid: number;
  /** `unix:///…/podman.sock` */
  dockerHost: string;
  /** What the service reports as its version (`Podman Engine` component), e.g. `4.3.1`. */
  version: string;
}

function layout(paths: SlotPaths) {
  const dir = paths.podmanDir;
  const slot = paths.slot;
  return {
    containersConf: join(dir, 'containers.conf'),
    storageConf: join(dir, 'storage.conf'),
    registriesConf: join(dir, 'registries.conf'),
    graphRoot: join(dir, 'storage'),
    networkDir: join(dir, 'networks'),
    imageCopyDir: join(dir, 'tmp'),
    events: join(dir, 'events.log'),
    socket: join(dir, 'podman.sock'),
    log: join(dir, 'service.log'),
    runRoot: join(paths.podmanRunRoot, 'storage'),
    libpodTmp: join(paths.podmanRunRoot, 'libpod'),
    // Per slot, apart from Podman's defaults (podman0, 10.88.0.0/16, 10.89+), docker0 and the second
    // dockerd's 10.213/10.214 ranges: two runs' Podmans must not share a bridge or hand out one address.
    network: `gantry-test-podman${slot === 0 ? '' : `-${slot}`}`,
    bridge: `gantry-pod${slot}`,
    subnet: `10.215.${slot}.0/24`,
    gateway: `10.215.${slot}.1`,
    subnetPool: `10.216.${slot * 16}.0/20`,
  };
}

type Layout = ReturnType<typeof layout>;

/** The environment every podman command of this run gets: our configuration files and no others. */
function podmanEnv(files: Layout): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONTAINERS_CONF: files.containersConf,
    CONTAINERS_STORAGE_CONF: files.storageConf,
    CONTAINERS_REGISTRIES_CONF: files.registriesConf,
  };
}

/**
 * The harness registry as the Podman pass names it: `localhost:PORT`. Podman's `POST /auth` ignores
 * registries.conf and tries plain HTTP only for `localhost:` addresses, so with `127.0.0.1:PORT`
 * every login would fail ("server gave HTTP response to HTTPS client"). Same registry, same images.
 */
export function registryForPodman(registry: RegistryInfo): RegistryInfo {
  const host = registry.host.replace(/^127\.0\.0\.1:/, 'localhost:');
  return { ...registry, host, image: registry.image.replace(registry.host, host) };
}

/**
 * Installs Podman when missing (apt, as root), writes the run's configuration, starts the service and
 * waits until it answers `/_ping`. `insecureRegistries` (`host:PORT`, plain HTTP) are marked insecure.
 */
export async function startPodman(
  paths: SlotPaths,
  insecureRegistries: string[],
  record: (pid: number) => void,
): Promise<PodmanInfo> {
  if (!isRoot())
    throw new Error(
      'the Podman pass runs a rootful Podman with storage of its own, which needs root (or set GANTRY_TEST_PODMAN=skip)',
    );
  await ensureTools([{ program: PROGRAM, pkg: 'podman' }]);
  const files = layout(paths);
  await stopPodman(paths, undefined); // whatever an earlier run in this slot left
  for (const dir of [files.graphRoot, files.networkDir, files.imageCopyDir, paths.podmanRunRoot])
    mkdirSync(dir, { recursive: true });
  writeConfiguration(files, insecureRegistries);

  const dockerHost = `unix://${files.socket}`;
  say(`starting Podman's Docker-compatible service at ${dockerHost} (log: ${files.log})`);
  const pid = spawnDetached(
    findInPath(PROGRAM) ?? PROGRAM,
    ['system', 'service', '--time=0', dockerHost],
    files.log,
    podmanEnv(files),
  );
  record(pid);
  const endpoint = endpointFor(dockerHost);
  await waitUntil(
    'podman system service',
    () => ping(endpoint),
    30_000,
    () =>
      isRunning(pid, PROGRAM)
        ? undefined
        : `exited at start-up; ${files.log} ends with:\n${tailOfFile(files.log)}`,
  );
  const version = await podmanVersion(dockerHost);
  say(`Podman ${version} (pid ${pid}) is up at ${dockerHost}`);
  return { pid, dockerHost, version };
}

async function podmanVersion(dockerHost: string): Promise<string> {
  const response = await engineRequest(endpointFor(dockerHost), 'GET', '/v1.41/version');
  const { Components } = JSON.parse(response.body) as { Components?: { Name: string; Version: string }[] };
  return Components?.find((component) => component.Name === 'Podman Engine')?.Version ?? 'unknown';
}

function writeConfiguration(files: Layout, insecureRegistries: string[]): void {
  writeFileSync(
    files.containersConf,
    `# Written by the Gantry test harness; CONTAINERS_CONF makes Podman read this file only.
[containers]
# Podman's built-in default ulimits ask for more open files than this machine's hard limit allows.
default_ulimits = []
# No journald here: logs in files, which the compat logs endpoint reads.
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${files.events}"
tmp_dir = "${files.libpodTmp}"
volume_path = "${join(files.graphRoot, 'volumes')}"
image_copy_tmp_dir = "${files.imageCopyDir}"

[network]
network_backend = "netavark"
network_config_dir = "${files.networkDir}"
default_network = "${files.network}"
default_subnet = "${files.subnet}"
default_subnet_pools = [{ base = "${files.subnetPool}", size = 24 }]
`,
  );
  writeFileSync(
    files.storageConf,
    `[storage]
driver = "overlay"
graphroot = "${files.graphRoot}"
runroot = "${files.runRoot}"
`,
  );
  // The harness registry speaks plain HTTP: Podman (unlike dockerd) does not trust 127.0.0.1 by itself.
  const insecure = insecureRegistries.map(
    (host) => `\n[[registry]]\nlocation = "${host}"\ninsecure = true\n`,
  );
  writeFileSync(files.registriesConf, `unqualified-search-registries = ["docker.io"]\n${insecure.join('')}`);
  // The default network, written out so it gets a bridge of its own (Podman would make podman0).
  writeFileSync(
    join(files.networkDir, `${files.network}.json`),
    `${JSON.stringify(
      {
        name: files.network,
        id: randomBytes(32).toString('hex'),
        driver: 'bridge',
        network_interface: files.bridge,
        created: new Date().toISOString(),
        subnets: [{ subnet: files.subnet, gateway: files.gateway }],
        ipv6_enabled: false,
        internal: false,
        dns_enabled: false,
        ipam_options: { driver: 'host-local' },
      },
      null,
      2,
    )}\n`,
  );
}

/**
 * Stops the service, then removes every container (killed at once, not after a 10 s stop timeout),
 * image, volume and network of the run's Podman with `podman system reset`, stops what survived it
 * (conmon, aardvark-dns), unmounts what is left, removes the bridges and iptables rules left in the
 * run's address ranges and deletes the directories.
 */
export async function stopPodman(paths: SlotPaths, pid: number | undefined): Promise<void> {
  const files = layout(paths);
  if (pid !== undefined) {
    say(`stopping Podman (pid ${pid})`);
    await stopProcess(pid, PROGRAM, 10_000);
  }
  if (existsSync(files.containersConf)) {
    const env = podmanEnv(files);
    const removed = await tryRun(PROGRAM, ['rm', '--all', '--force', '--time=0'], { env });
    if (removed.code !== 0) say(`podman rm --all: ${removed.stderr.trim()}`);
    await run(PROGRAM, ['system', 'reset', '--force'], { env });
  }
  await killLeftovers([paths.podmanDir, paths.podmanRunRoot]);
  await unmountUnder([paths.podmanDir, paths.podmanRunRoot]);
  await removeNetworkLeftovers([files.subnet, files.subnetPool]);
  await removeDnsLeftovers([files.subnet, files.subnetPool]);
  rmSync(paths.podmanDir, { recursive: true, force: true });
  rmSync(paths.podmanRunRoot, { recursive: true, force: true });
}

/**
 * Processes that name the run's Podman directories in their argv — conmon of exec sessions (they
 * linger 300 s after the exec ended), aardvark-dns — belong to nothing that still exists once the
 * store is reset: killed outright, all at once.
 */
async function killLeftovers(roots: string[]): Promise<void> {
  const leftovers = readdirSync('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .filter((pid) =>
      processArgv(pid)?.some((arg) => roots.some((root) => arg === root || arg.includes(`${root}/`))),
    );
  if (leftovers.length === 0) return;
  say(`killing ${leftovers.length} leftover process(es) of Podman (conmon, aardvark-dns)`);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 5_000;
  while (leftovers.some((pid) => processArgv(pid) !== undefined) && Date.now() < deadline) await sleep(50);
}

/** Where rootful netavark keeps aardvark-dns's per-network files: one directory for the machine. */
const AARDVARK_DIR = '/run/containers/networks/aardvark-dns';

/**
 * aardvark-dns (the DNS of Podman's named networks) lives outside the run's directories: rootful
 * netavark keeps one per machine, with a file per network whose first line is the network's gateway
 * address. `podman system reset` leaves the run's files and the process behind. The files whose
 * gateway lies in `ranges` are the run's and go; once no network's file is left, nothing needs the
 * process (anyone else's network keeps it running), so it is stopped.
 */
async function removeDnsLeftovers(ranges: string[]): Promise<void> {
  if (!existsSync(AARDVARK_DIR)) return;
  const networks = readdirSync(AARDVARK_DIR).filter((name) => name !== 'aardvark.pid');
  const ours = networks.filter((name) => {
    const gateway = readFileSync(join(AARDVARK_DIR, name), 'utf8').split('\n', 1)[0]?.trim() ?? '';
    return ranges.some((range) => gateway !== '' && inRange(gateway, range));
  });
  if (ours.length > 0) say(`deleting aardvark-dns's files of ${ours.length} leftover network(s) of Podman`);
  for (const name of ours) rmSync(join(AARDVARK_DIR, name), { force: true });
  if (ours.length < networks.length) return;
  const pidFile = join(AARDVARK_DIR, 'aardvark.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : Number.NaN;
  if (!Number.isInteger(pid) || !isRunning(pid, 'aardvark-dns')) return;
  say(`stopping aardvark-dns (pid ${pid}): no network is left for it to serve`);
  await stopProcess(pid, 'aardvark-dns', 5_000);
  rmSync(pidFile, { force: true });
}

/**
 * What netavark leaves when a network goes while containers are on it (Podman allows that) or a
 * container is killed without its network teardown: bridges holding an address in `ranges`, and
 * iptables rules for those ranges with the NETAVARK chains they jump to (and their NETAVARK-DN-
 * port-forwarding twins). Nothing outside the run's own ranges is touched.
 */
async function removeNetworkLeftovers(ranges: string[]): Promise<void> {
  const ours = (address: string) => ranges.some((range) => inRange(address, range));
  const bridges = new Set<string>();
  for (const line of (await run('ip', ['-o', '-4', 'addr', 'show'])).split('\n')) {
    const [, name, , address] = line.split(/\s+/); // "163: podman1    inet 10.216.0.1/24 brd ..."
    if (!name || !address || !ours(address)) continue;
    say(`deleting Podman's leftover bridge ${name} (${address})`);
    bridges.add(name);
    await tryRun('ip', ['link', 'delete', name]);
  }
  if (!findInPath('iptables')) return;
  for (const table of ['nat', 'filter']) {
    const rules = (await tryRun('iptables', ['-t', table, '-S'])).stdout
      .split('\n')
      .map(ruleArgs)
      .filter((args) => args[0] === '-A');
    const target = (args: string[]) => args[args.indexOf('-j') + 1] ?? '';
    const chains = new Set<string>();
    // By address (-s/-d in the ranges) or by one of the bridges just deleted (-i/-o, isolation rules).
    const doomed = rules.filter((args) =>
      args.some((arg, i) => {
        const option = args[i - 1] ?? '';
        return (
          (['-s', '-d'].includes(option) && ours(arg)) || (['-i', '-o'].includes(option) && bridges.has(arg))
        );
      }),
    );
    // Only a network's own chains (NETAVARK-<hash>), never the shared NETAVARK-HOSTPORT-* ones.
    for (const args of doomed) if (/^NETAVARK-[0-9A-F]{8,}$/.test(target(args))) chains.add(target(args));
    for (const chain of [...chains]) chains.add(chain.replace(/^NETAVARK-/, 'NETAVARK-DN-'));
    const jumps = rules.filter((args) => chains.has(target(args)));
    if (doomed.length === 0 && jumps.length === 0) continue;
    say(
      `deleting ${new Set([...doomed, ...jumps]).size} leftover ${table} rule(s) and chain(s) ${[...chains].join(' ')}`,
    );
    for (const args of new Set([...doomed, ...jumps]))
      await tryRun('iptables', ['-t', table, '-D', ...args.slice(1)]);
    for (const chain of chains) {
      await tryRun('iptables', ['-t', table, '-F', chain]);
      await tryRun('iptables', ['-t', table, '-X', chain]);
    }
  }
}

/** A line of `iptables -S` as argv: `"quoted comments"` are one argument, unquoted. */
function ruleArgs(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** Whether an IPv4 address or subnet (`a.b.c.d[/n]`) lies in `range` (`a.b.c.d/n`). */
function inRange(address: string, range: string): boolean {
  const toNumber = (ip: string) => ip.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
  const [network = '', bits = '32'] = range.split('/');
  const block = 2 ** (32 - Number(bits));
  const ip = address.split('/')[0] ?? '';
  return (
    /^\d+\.\d+\.\d+\.\d+$/.test(ip) &&
    Math.floor(toNumber(ip) / block) === Math.floor(toNumber(network) / block)
  );
}
