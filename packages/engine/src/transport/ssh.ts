import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { abortable } from '../core.ts';
import { EngineConnectionError, EngineError, type EngineErrorCode } from '../errors.ts';
import type { Endpoint } from './endpoint.ts';

/**
 * How `ssh://` engine hosts are reached. The system OpenSSH client does the work, so
 * `~/.ssh/config`, the ssh agent and `known_hosts` apply exactly as for `ssh` and the docker CLI.
 * It never prompts (BatchMode): a key with a passphrase must be loaded in the agent, and an unknown
 * host key is refused until it is in known_hosts.
 *
 * @example
 * ```ts
 * import { connect } from '@gantry/engine';
 * // ~/.ssh/config:  Host build-box / HostName 10.0.0.7 / User deploy / IdentityFile ~/.ssh/deploy
 * const docker = connect({ host: 'ssh://build-box' });
 * const isolated = connect({ host: 'ssh://build-box', ssh: { configFile: './ci/ssh_config' } });
 * ```
 */
export interface SshOptions {
  /** An ssh_config file used instead of `~/.ssh/config` (`ssh -F`). */
  readonly configFile?: string;
  /** The OpenSSH client program (default `ssh`, looked up in PATH). */
  readonly executable?: string;
}

type SshEndpoint = Extract<Endpoint, { kind: 'ssh' }>;

/** ssh's exit and what it said on stderr (the tail: that is where the reason is). */
interface SshExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly timedOut?: boolean;
}

/**
 * Seconds the master connection outlives its last channel. It goes away by itself if the program
 * ends without `close()`; a client used again after that starts a new one.
 */
const CONTROL_PERSIST_SECONDS = 60;
/** Bytes of ssh's stderr kept per process. */
const STDERR_KEEP = 8 * 1024;
/** How long to wait for a failed channel's ssh to exit and say why (ms). */
const EXIT_WAIT_MS = 3_000;

/**
 * Reaches an engine over ssh as the docker CLI does — every connection is `ssh HOST docker system
 * dial-stdio` — but with one SSH connection for all of them: a ControlMaster is started once, on
 * the first connection, in a private directory (mode 0700), and every pooled HTTP connection and
 * every exec / attach stream is a channel multiplexed over it. `close()` ends the master.
 *
 * Each channel's ssh process gets one end of a unix socket connection as its stdin and stdout; the
 * SDK holds the other end, a plain `net.Socket`, so the HTTP transport runs unchanged over it.
 */
export class SshDialer {
  readonly #endpoint: SshEndpoint;
  readonly #options: SshOptions;
  /** The private directory for the control socket and the channels' socket pairs. */
  #dir: string | undefined;
  #master: Promise<void> | undefined;
  #masterReady = false;
  #closed = false;
  #channelCount = 0;
  /** Each channel's socket → its ssh process's exit, to explain a channel that closed silently. */
  readonly #channels = new WeakMap<Socket, Promise<SshExit>>();

  constructor(endpoint: SshEndpoint, options: SshOptions) {
    this.#endpoint = endpoint;
    this.#options = options;
  }

  /** Opens a channel running `docker system dial-stdio`, starting the master connection first if needed. */
  async open(timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
    if (this.#closed) throw new EngineError('ABORTED', 'the client was closed');
    await abortable(this.#ensureMaster(timeoutMs), signal);
    return this.#openChannel(signal);
  }

  /** The reason ssh gave when the channel behind `socket` failed, or `undefined`. */
  async explainSilentClose(socket: Socket): Promise<Error | undefined> {
    const exited = this.#channels.get(socket);
    if (!exited) return undefined;
    const exit = await Promise.race([exited, delay(EXIT_WAIT_MS, undefined, { ref: false })]);
    // A channel killed by a signal was closed by this side: nothing to explain.
    if (!exit || exit.code === null || exit.code === 0) return undefined;
    return diagnose(this.#endpoint, exit, this.#manualCommand());
  }

  /** Ends the master connection (and with it any channel still open) and removes the private directory. */
  async close(): Promise<void> {
    this.#closed = true;
    const master = this.#master;
    this.#master = undefined;
    if (master) {
      await master.catch(() => {});
      const controlPath = this.#controlPath();
      if (existsSync(controlPath)) {
        const exit = [...this.#commonArgs(), '-O', 'exit', '--', this.#endpoint.hostname];
        await this.#run(exit, 5_000).catch(() => undefined); // closing must not fail
        // The master removes its control socket as it exits.
        for (let waited = 0; existsSync(controlPath) && waited < 2_000; waited += 20) await delay(20);
      }
    }
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Starts the master once; again only if it went away (ControlPersist ran out). */
  #ensureMaster(timeoutMs: number): Promise<void> {
    if (this.#master && this.#masterReady && !existsSync(this.#controlPath())) this.#master = undefined;
    if (!this.#master) {
      this.#masterReady = false;
      const starting = this.#startMaster(timeoutMs).then(() => {
        this.#masterReady = true;
      });
      starting.catch(() => {
        if (this.#master === starting) this.#master = undefined; // the next request tries again
      });
      this.#master = starting;
    }
    return this.#master;
  }

  /**
   * `ssh -f -N` with ControlMaster: the command returns once the connection is authenticated and
   * the master listens on the control socket, having forked into the background — or fails with
   * ssh's reason (host key, authentication, network) on stderr.
   */
  async #startMaster(timeoutMs: number): Promise<void> {
    this.#dir ??= mkdtempSync(join(tmpdir(), 'gantry-ssh-'));
    const connectTimeout = timeoutMs > 0 ? ['-o', `ConnectTimeout=${Math.ceil(timeoutMs / 1000)}`] : [];
    const args = [
      ...this.#commonArgs(),
      '-o',
      'ControlMaster=yes',
      '-o',
      `ControlPersist=${CONTROL_PERSIST_SECONDS}`,
      ...connectTimeout,
      '-f',
      '-N',
      '--',
      this.#endpoint.hostname,
    ];
    const exit = await this.#run(args, timeoutMs);
    if (exit.code !== 0) throw diagnose(this.#endpoint, exit, this.#manualCommand());
  }

  /**
   * A channel: a unix socket connection whose far end becomes the stdin and stdout of
   * `ssh -o ControlMaster=no HOST docker system dial-stdio`. A one-shot listener in the private
   * directory makes the pair (Node has no socketpair()).
   */
  #openChannel(signal: AbortSignal | undefined): Promise<Socket> {
    const path = join(this.#dir as string, `c${++this.#channelCount}`);
    const args = [
      ...this.#commonArgs(),
      '-o',
      'ControlMaster=no',
      '--',
      this.#endpoint.hostname,
      ...this.#remoteCommand(),
    ];
    return new Promise((resolve, reject) => {
      const server = createServer({ pauseOnConnect: true });
      let client: Socket | undefined;
      let connected = false;
      let spawned = false;
      const settle = () => {
        if (!spawned || !connected || !client) return;
        signal?.removeEventListener('abort', onAbort);
        client.off('error', fail);
        resolve(client);
      };
      function fail(err: unknown) {
        signal?.removeEventListener('abort', onAbort);
        server.close();
        client?.destroy();
        reject(err);
      }
      const onAbort = () => fail(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      server.once('error', fail);
      server.once('connection', (peer: Socket) => {
        server.close();
        const child = this.#spawn(args, [peer, peer, 'pipe']);
        peer.destroy(); // the child holds its own copies of the descriptor
        if (client) this.#track(client, child);
        child.once('error', (err) => fail(spawnFailure(this.#endpoint, err, this.#options)));
        child.once('spawn', () => {
          spawned = true;
          settle();
        });
      });
      server.listen(path, () => {
        client = connect({ path, allowHalfOpen: true });
        client.once('error', fail);
        client.once('connect', () => {
          connected = true;
          settle();
        });
      });
    });
  }

  /** Records the channel's exit for diagnosis; closing the socket ends its ssh process. */
  #track(socket: Socket, child: ChildProcess): void {
    this.#channels.set(socket, exitOf(child));
    socket.once('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    });
  }

  /** Runs ssh to completion (the master's start, `-O exit`), killing it after `timeoutMs` (0 = never). */
  #run(args: string[], timeoutMs: number): Promise<SshExit> {
    return new Promise((resolve, reject) => {
      const child = this.#spawn(args, ['ignore', 'ignore', 'pipe']);
      let timedOut = false;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              child.kill();
            }, timeoutMs)
          : undefined;
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(spawnFailure(this.#endpoint, err, this.#options));
      });
      exitOf(child).then((exit) => {
        clearTimeout(timer);
        resolve({ ...exit, timedOut });
      });
    });
  }

  #spawn(args: string[], stdio: ['ignore' | Socket, 'ignore' | Socket, 'pipe']): ChildProcess {
    const child = spawn(this.#options.executable ?? 'ssh', args, { stdio });
    // Channels live as long as their socket, which the pool unrefs when idle: never hold the process.
    child.unref();
    (child.stderr as Socket | null)?.unref();
    return child;
  }

  /** Options every ssh invocation shares; the host comes after `--`, so it is never read as an option. */
  #commonArgs(): string[] {
    const { user, port } = this.#endpoint;
    const args: string[] = [];
    if (this.#options.configFile) args.push('-F', this.#options.configFile);
    // ssh expands % tokens in ControlPath; quotes keep a path with spaces in one argument.
    const controlPath = this.#controlPath().replaceAll('%', '%%');
    args.push('-o', `ControlPath="${controlPath}"`, '-o', 'BatchMode=yes', '-T');
    if (user) args.push('-l', user);
    if (port) args.push('-p', String(port));
    return args;
  }

  #controlPath(): string {
    return join(this.#dir ?? '', 'master');
  }

  /**
   * The remote command. ssh hands it to the remote user's shell as one line, so the socket path
   * (already free of spaces and control characters) is single-quoted.
   */
  #remoteCommand(): string[] {
    const socket = this.#endpoint.remoteSocket;
    const host = socket ? ['--host', `'unix://${socket.replaceAll("'", `'\\''`)}'`] : [];
    return ['docker', ...host, 'system', 'dial-stdio'];
  }

  /** What to run by hand to see the failure first-hand. */
  #manualCommand(): string {
    const { user, port, hostname } = this.#endpoint;
    const parts = ['ssh'];
    if (this.#options.configFile) parts.push('-F', this.#options.configFile);
    if (user) parts.push('-l', user);
    if (port) parts.push('-p', String(port));
    parts.push('--', hostname, ...this.#remoteCommand());
    return parts.join(' ');
  }
}

/** Resolves when `child` exits, with the tail of its stderr. */
function exitOf(child: ChildProcess): Promise<SshExit> {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
  });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      // The rest of stderr may still be in the pipe; a forked master must not hold the wait up.
      const ended = child.stderr?.readableEnded
        ? Promise.resolve()
        : Promise.race([
            new Promise((done) => child.stderr?.once('end', done)),
            delay(200, undefined, { ref: false }),
          ]);
      void ended.then(() => resolve({ code, signal, stderr }));
    });
  });
}

function spawnFailure(endpoint: SshEndpoint, err: Error, options: SshOptions): Error {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return err;
  const program = options.executable ?? 'ssh';
  return new EngineConnectionError(
    'ENGINE_SSH',
    endpoint.url,
    `the OpenSSH client "${program}" is not installed (not found${options.executable ? '' : ' in PATH'})`,
    'install it (Debian / Ubuntu: apt-get install openssh-client; Alpine: apk add openssh-client) or set ssh.executable',
    { cause: err },
  );
}

/** Lines of ssh's stderr worth showing: the last few, without its chatter. */
function summarize(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !/^(Warning: Permanently added|Exit request sent|debug\d)/.test(line));
  const text = lines.slice(-3).join(' / ');
  return text.length > 400 ? `…${text.slice(-400)}` : text;
}

/** One failure kind: what ssh's stderr says, the error code, the problem and what to do. */
interface Diagnosis {
  readonly match: RegExp;
  readonly code: EngineErrorCode;
  readonly problem: string;
  readonly hint: (manual: string) => string;
}

const DIAGNOSES: readonly Diagnosis[] = [
  {
    match: /REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* has changed/i,
    code: 'ENGINE_SSH',
    problem: "the host's key differs from the one in known_hosts",
    hint: () =>
      'if the host was really reinstalled, remove the old key with `ssh-keygen -R HOST` and connect once with ssh to check and accept the new one',
  },
  {
    match: /Host key verification failed|No \S+ host key is known/i,
    code: 'ENGINE_SSH',
    problem: "the host's key is not in known_hosts",
    hint: () =>
      "connect once with `ssh HOST` to check the key's fingerprint and accept it, or add it to known_hosts (UserKnownHostsFile in the ssh config)",
  },
  {
    match: /Permission denied \(|Too many authentication failures|no more authentication methods/i,
    code: 'ENGINE_PERMISSION_DENIED',
    problem: 'ssh authentication failed',
    hint: () =>
      'load the key into the ssh agent (ssh-add) or set IdentityFile for this host in ~/.ssh/config, and check the user name; password logins are not possible here',
  },
  {
    match: /Could not resolve hostname/i,
    code: 'ENGINE_UNREACHABLE',
    problem: 'the host name does not resolve',
    hint: () => 'check the host name, or define it as a Host alias with HostName in ~/.ssh/config',
  },
  {
    match: /timed out/i,
    code: 'ENGINE_TIMEOUT',
    problem: 'the ssh connection timed out',
    hint: () => 'check that the host is up and that its ssh port is reachable, or raise timeouts.connect',
  },
  {
    match:
      /Connection refused|No route to host|Network is unreachable|Connection closed by|Connection reset/i,
    code: 'ENGINE_UNREACHABLE',
    problem: 'the ssh server cannot be reached',
    hint: () =>
      'check that sshd runs on the host and the port is right (ssh://USER@HOST:PORT or Port in ~/.ssh/config)',
  },
  {
    match: /docker: (command )?not found|command not found|No such file or directory.*docker/i,
    code: 'ENGINE_SSH',
    problem:
      'the docker CLI is not installed on the remote host (or not in the PATH of a non-interactive ssh session)',
    hint: () =>
      'install the docker CLI (18.09 or later) there, or put it in the PATH that `ssh HOST docker version` sees',
  },
  {
    match: /not a docker command|unknown command.*dial-stdio/i,
    code: 'ENGINE_SSH',
    problem: 'the remote docker CLI has no `docker system dial-stdio` (it is older than 18.09)',
    hint: () => 'upgrade the docker CLI on the remote host',
  },
  {
    match: /permission denied while trying to connect|dial unix .*: connect: permission denied/i,
    code: 'ENGINE_PERMISSION_DENIED',
    problem: 'the remote user may not use the Docker socket',
    hint: () => 'add the remote user to the docker group there (then reconnect), or connect as another user',
  },
  {
    match: /Cannot connect to the Docker daemon|failed to open the raw stream connection|dial unix/i,
    code: 'ENGINE_UNREACHABLE',
    problem: 'the remote docker CLI cannot reach its daemon',
    hint: () =>
      'start dockerd on the remote host, or check the socket path in the URL (ssh://HOST/path/to/docker.sock) and DOCKER_HOST there',
  },
];

/** Turns ssh's exit status and stderr into an actionable connection error. */
function diagnose(endpoint: SshEndpoint, exit: SshExit, manual: string): EngineConnectionError {
  const said = summarize(exit.stderr);
  if (exit.timedOut) {
    return new EngineConnectionError(
      'ENGINE_TIMEOUT',
      endpoint.url,
      `ssh did not connect in time${said ? ` (ssh: ${said})` : ''}`,
      'check that the host is up and that its ssh port is reachable, or raise timeouts.connect',
    );
  }
  const known = DIAGNOSES.find((diagnosis) => diagnosis.match.test(exit.stderr));
  const status = exit.code === null ? `signal ${exit.signal}` : `status ${exit.code}`;
  if (known) {
    return new EngineConnectionError(
      known.code,
      endpoint.url,
      `${known.problem} (ssh: ${said})`,
      known.hint(manual),
    );
  }
  return new EngineConnectionError(
    'ENGINE_SSH',
    endpoint.url,
    `ssh exited with ${status}${said ? `: ${said}` : ''}`,
    `run \`${manual}\` by hand to see why`,
  );
}
