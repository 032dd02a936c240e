/**
 * An sshd of the run's own for the ssh:// transport tests: `/usr/sbin/sshd -D` on a free 127.0.0.1
 * port with its own host key and config, key-only login for root with an ed25519 key made here, and
 * an ssh_config + known_hosts for the client side. A session's `docker` reaches the engine under
 * test (DOCKER_HOST set by sshd). The system sshd, if any, is never touched.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ensureTools } from './engine.ts';
import { freePort, isRoot, processArgv, run, sleep, spawnDetached, tailOfFile, waitUntil } from './exec.ts';
import { say } from './log.ts';
import type { SlotPaths } from './paths.ts';

/** sshd refuses to start unless run by its absolute path (it re-executes itself). */
const SSHD = '/usr/sbin/sshd';
/** The Host alias the ssh_config defines, so tests exercise ssh's own config resolution. */
export const SSH_ALIAS = 'gantry-test';

export interface SshdInfo {
  pid: number;
  /** `ssh://root@127.0.0.1:PORT` */
  host: string;
  /** ssh_config with `Host gantry-test` (HostName, Port, User) and the identity / known_hosts for it. */
  config: string;
  /** The client's private key (ed25519, no passphrase). */
  identity: string;
  /** A second key whose sessions run without `docker` in PATH (a remote host lacking the CLI). */
  identityNoDocker: string;
  knownHosts: string;
}

function layout(paths: SlotPaths) {
  const dir = paths.sshDir;
  return {
    dir,
    hostKey: join(dir, 'ssh_host_ed25519_key'),
    identity: join(dir, 'id_ed25519'),
    identityNoDocker: join(dir, 'id_ed25519_nodocker'),
    authorizedKeys: join(dir, 'authorized_keys'),
    knownHosts: join(dir, 'known_hosts'),
    sshdConfig: join(dir, 'sshd_config'),
    clientConfig: join(dir, 'ssh_config'),
    pidfile: join(dir, 'sshd.pid'),
    log: join(dir, 'sshd.log'),
  };
}

/**
 * Starts the run's sshd; `undefined` when not root (sshd must run as root to log root in): the ssh
 * tests then skip.
 */
export async function startSshd(
  paths: SlotPaths,
  dockerHost: string,
  record: (pid: number) => void,
): Promise<SshdInfo | undefined> {
  if (!isRoot()) {
    say('not root: no sshd for the ssh:// tests (they skip)');
    return undefined;
  }
  await ensureTools([
    { program: 'sshd', pkg: 'openssh-server' },
    { program: 'ssh', pkg: 'openssh-client' },
    { program: 'ssh-keygen', pkg: 'openssh-client' },
  ]);
  const files = layout(paths);
  rmSync(files.dir, { recursive: true, force: true });
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  // sshd's privilege separation directory; Debian creates it at boot, a container may not have it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gantry-test-host', '-f', files.hostKey]);
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'gantry-test-client',
    '-f',
    files.identity,
  ]);
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'gantry-test-nodocker',
    '-f',
    files.identityNoDocker,
  ]);
  // The second key's sessions run the requested command with a PATH that has no docker in it.
  const noDocker = 'command="PATH=/nonexistent; export PATH; eval \\"$SSH_ORIGINAL_COMMAND\\""';
  writeFileSync(
    files.authorizedKeys,
    `${readFileSync(`${files.identity}.pub`, 'utf8')}${noDocker} ${readFileSync(`${files.identityNoDocker}.pub`, 'utf8')}`,
    { mode: 0o600 },
  );

  const port = await freePort();
  const hostKey = readFileSync(`${files.hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(files.knownHosts, `[127.0.0.1]:${port} ${hostKey}\n`);
  writeFileSync(files.sshdConfig, sshdConfig(files, port, dockerHost));
  writeFileSync(files.clientConfig, clientConfig(files, port));
  chmodSync(files.clientConfig, 0o600);

  say(`starting sshd on 127.0.0.1:${port} (log: ${files.log})`);
  const pid = spawnDetached(SSHD, ['-D', '-e', '-f', files.sshdConfig], files.log);
  record(pid);
  await waitUntil(
    'sshd',
    () => sendsBanner(port),
    15_000,
    () =>
      isOurSshd(pid, files.sshdConfig)
        ? undefined
        : `exited at start-up; ${files.log} ends with:\n${tailOfFile(files.log)}`,
  );
  return {
    pid,
    host: `ssh://root@127.0.0.1:${port}`,
    config: files.clientConfig,
    identity: files.identity,
    identityNoDocker: files.identityNoDocker,
    knownHosts: files.knownHosts,
  };
}

/** Stops the run's sshd and the sessions it forked (its process group), then deletes its files. */
export async function stopSshd(paths: SlotPaths, pid: number | undefined): Promise<void> {
  const files = layout(paths);
  if (pid !== undefined && isOurSshd(pid, files.sshdConfig)) {
    say(`stopping sshd (pid ${pid})`);
    signalGroup(pid, 'SIGTERM');
    for (let waited = 0; processArgv(pid) !== undefined; waited += 100) {
      if (waited > 5_000) signalGroup(pid, 'SIGKILL');
      await sleep(100);
    }
  }
  rmSync(files.dir, { recursive: true, force: true });
}

/**
 * Key-only root login, on 127.0.0.1 only. `SetEnv` gives sessions the engine under test; SHLVL=1
 * keeps bash from sourcing the machine's ~/.bashrc for each `ssh HOST command` (it only does so
 * at shell level 1), which on some machines takes seconds per channel.
 */
function sshdConfig(files: ReturnType<typeof layout>, port: number, dockerHost: string): string {
  return `ListenAddress 127.0.0.1:${port}
HostKey ${files.hostKey}
PidFile ${files.pidfile}
AuthorizedKeysFile ${files.authorizedKeys}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowUsers root
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
SetEnv DOCKER_HOST=${dockerHost} SHLVL=1
`;
}

/** The alias carries address, port and user; both names get the identity and the known_hosts file. */
function clientConfig(files: ReturnType<typeof layout>, port: number): string {
  return `Host ${SSH_ALIAS}
  HostName 127.0.0.1
  Port ${port}
  User root

Host ${SSH_ALIAS} 127.0.0.1
  IdentityFile ${files.identity}
  IdentitiesOnly yes
  UserKnownHostsFile ${files.knownHosts}
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
`;
}

/** sshd renames its process (`sshd: /usr/sbin/sshd -D … [listener]`): check its comm and config. */
function isOurSshd(pid: number, config: string): boolean {
  const argv = processArgv(pid);
  if (!argv) return false;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd' && argv.join(' ').includes(config);
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // spawnDetached made sshd a process group leader
  } catch {
    // already gone
  }
}

/** Up means: the port answers with an SSH banner. */
function sendsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
  });
}
