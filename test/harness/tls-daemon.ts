/**
 * A second dockerd for the mutual-TLS tests, used when the engine under test is one the harness did
 * not start (so it cannot add a TCP listener to it). Everything it owns is its own: data root, exec
 * root, pidfile, unix socket, containerd namespaces, a bridge and an address pool — it must never
 * disturb the first engine, whose docker0 and iptables rules stay untouched.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpointFor, ensureTools, ping } from './engine.ts';
import {
  findInPath,
  freePort,
  isRoot,
  isRunning,
  processArgv,
  run,
  spawnDetached,
  stopProcess,
  tailOfFile,
  tryRun,
  waitUntil,
} from './exec.ts';
import { say } from './log.ts';
import type { SlotPaths } from './paths.ts';
import type { TlsDaemonRecord } from './state.ts';
import type { TlsMaterial } from './tls.ts';

function layout(paths: SlotPaths) {
  const dir = paths.dockerd2Dir;
  return {
    dataRoot: join(dir, 'data'),
    socket: join(dir, 'docker.sock'),
    pidfile: join(dir, 'docker.pid'),
    configFile: join(dir, 'daemon.json'),
    log: join(dir, 'dockerd.log'),
    containerdPidfile: join(paths.dockerd2ExecRoot, 'containerd', 'containerd.pid'),
  };
}

/** Starts the second dockerd and waits until it answers on its unix socket. */
export async function startTlsDaemon(
  paths: SlotPaths,
  tls: TlsMaterial,
  record: (daemon: TlsDaemonRecord) => void,
): Promise<TlsDaemonRecord> {
  if (!isRoot()) throw new Error('the mutual-TLS tests need a second dockerd, which only root can start');
  await ensureTools([{ program: 'dockerd', pkg: 'docker.io' }]);
  const files = layout(paths);
  rmSync(paths.dockerd2Dir, { recursive: true, force: true });
  mkdirSync(files.dataRoot, { recursive: true });
  // An empty config of its own: /etc/docker/daemon.json belongs to the first engine (and a `hosts`
  // entry there would even clash with our -H flags).
  writeFileSync(files.configFile, '{}\n');
  await ensureBridge(paths);

  const dockerHost = `unix://${files.socket}`;
  const tlsHost = `tcp://127.0.0.1:${await freePort()}`;
  const args = [
    `--config-file=${files.configFile}`,
    `--data-root=${files.dataRoot}`,
    `--exec-root=${paths.dockerd2ExecRoot}`,
    `--pidfile=${files.pidfile}`,
    `--host=${dockerHost}`,
    `--host=${tlsHost}`,
    '--tlsverify',
    `--tlscacert=${tls.ca}`,
    `--tlscert=${tls.serverCert}`,
    `--tlskey=${tls.serverKey}`,
    // The first engine owns the host's iptables chains and docker0; this one only uses its bridge.
    '--iptables=false',
    '--ip-masq=false',
    `--bridge=${paths.bridge}`,
    `--default-address-pool=${paths.dockerd2AddressPool}`,
    // dockerd starts a containerd of its own under the exec root — unless a system containerd listens
    // on /run/containerd/containerd.sock, which it then shares with the first engine: separate
    // namespaces keep the two daemons' containers and plugins apart in that case too.
    `--containerd-namespace=${paths.containerdNamespace}`,
    `--containerd-plugins-namespace=${paths.containerdNamespace}-plugins`,
    // Bounded, so teardown's SIGTERM finishes well inside its 15 s grace period.
    '--shutdown-timeout=5',
  ];
  say(
    `starting a second dockerd for the TLS tests: ${dockerHost}, mutual TLS at ${tlsHost} (log: ${files.log})`,
  );
  const pid = spawnDetached(findInPath('dockerd') ?? 'dockerd', args, files.log);
  const daemon = { pid, dockerHost, tlsHost };
  record(daemon);
  await waitUntil(
    'the second dockerd',
    () => ping(endpointFor(dockerHost)),
    60_000,
    () =>
      isRunning(pid, 'dockerd')
        ? undefined
        : `exited at start-up; ${files.log} ends with:\n${tailOfFile(files.log)}`,
  );
  say(`second dockerd (pid ${pid}) is up`);
  return daemon;
}

/**
 * Stops the second dockerd (SIGTERM, SIGKILL after 15 s), then whatever it may have left behind:
 * its containerd and shims, mounts under its roots, the bridge, the directories.
 */
export async function stopTlsDaemon(paths: SlotPaths, daemon: TlsDaemonRecord | undefined): Promise<void> {
  const files = layout(paths);
  if (daemon) {
    say(`stopping the second dockerd (pid ${daemon.pid})`);
    await stopProcess(daemon.pid, 'dockerd', 15_000);
  }
  await stopLeftoverContainerd(files.containerdPidfile);
  await killProcessesUsing(paths.dockerd2ExecRoot);
  await unmountUnder([paths.dockerd2Dir, paths.dockerd2ExecRoot]);
  await deleteBridge(paths);
  rmSync(paths.dockerd2Dir, { recursive: true, force: true });
  rmSync(paths.dockerd2ExecRoot, { recursive: true, force: true });
}

async function ensureBridge(paths: SlotPaths): Promise<void> {
  // Created by us, not by dockerd: `--bridge=none` would make dockerd delete the *first* engine's
  // docker0, and a named bridge that does not exist is an error.
  if ((await tryRun('ip', ['link', 'show', paths.bridge])).code !== 0) {
    say(`creating bridge ${paths.bridge} (${paths.bridgeAddress}) for the second dockerd`);
    await run('ip', ['link', 'add', paths.bridge, 'type', 'bridge']);
  }
  const addresses = await run('ip', ['-o', 'addr', 'show', 'dev', paths.bridge]);
  if (!addresses.includes(` ${paths.bridgeAddress} `)) {
    await run('ip', ['addr', 'add', paths.bridgeAddress, 'dev', paths.bridge]);
  }
  await run('ip', ['link', 'set', paths.bridge, 'up']);
}

async function deleteBridge(paths: SlotPaths): Promise<void> {
  if ((await tryRun('ip', ['link', 'show', paths.bridge])).code === 0) {
    await run('ip', ['link', 'delete', paths.bridge]);
  }
}

/** dockerd stops its containerd on a clean exit; after a SIGKILL it does not. */
async function stopLeftoverContainerd(pidfile: string): Promise<void> {
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  if (pid > 0 && isRunning(pid, 'containerd')) {
    say(`stopping the second dockerd's leftover containerd (pid ${pid})`);
    await stopProcess(pid, 'containerd', 5_000);
  }
}

/** Shims and other helpers name the exec root in their argv: nothing else on the machine does. */
async function killProcessesUsing(execRoot: string): Promise<void> {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const argv = processArgv(pid);
    const program = argv?.[0]?.split('/').pop();
    if (program && argv?.some((arg) => arg === execRoot || arg.includes(`${execRoot}/`))) {
      say(`stopping leftover ${program} (pid ${pid}) of the second dockerd`);
      await stopProcess(pid, program, 5_000);
    }
  }
}

/** Mounts dockerd left under its roots (netns bind mounts, overlay layers), deepest first. */
export async function unmountUnder(roots: string[]): Promise<void> {
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    )
    .filter((point) => roots.some((root) => point === root || point.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of mountPoints) {
    say(`unmounting leftover ${point}`);
    await tryRun('umount', ['-l', point]);
  }
}
