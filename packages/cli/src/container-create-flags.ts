/**
 * The flags `docker create` and `docker run` share, with docker's names, shorthands and help text,
 * and their mapping to the Engine's create body. `create` and `run` spread {@link createFlags} into
 * their own flags and call {@link toCreateRequest}; what only `run` has (`-d`, `--detach-keys`,
 * `--sig-proxy`) stays in run.ts, what only the commands do (`--pull`, `-q`, `--cidfile`) they read
 * from the options themselves.
 *
 * Values docker checks while parsing flags (`-m 12x`, `--mount foo`, `-e =x`) fail there with
 * `invalid argument … flag:` (exit 125); the checks docker makes afterwards (`-p`, `-v`,
 * `--restart`, `--env-file`) throw a {@link CreateOptionError}: `gantry: <problem>` and
 * `Run 'gantry <create|run> --help' …`, exit 125, as docker's do.
 */
import { readFileSync } from 'node:fs';
import type { ContainerConfig, HostConfig, NetworkingConfig } from '@gantry/engine';
import type { FlagSpec, OptionsOf } from './command.ts';
import { UsageError } from './errors.ts';
import { parseMount, parseVolumes } from './opts/mounts.ts';
import { parseExpose, parsePublish } from './opts/ports.ts';
import {
  parseBytes,
  parseEnvFile,
  parseExtraHost,
  parseNanoCpus,
  parseRestartPolicy,
  parseSwapBytes,
  resolveEnv,
  validateAttach,
  validateEnv,
  validateIpAddress,
  validateLabel,
} from './opts/values.ts';

/** Flag definitions to spread into `create`'s and `run`'s `flags`. */
export const createFlags = {
  'add-host': {
    type: 'list',
    description: 'Add a custom host-to-IP mapping (host:ip)',
    validate: (value: string) => void parseExtraHost(value),
  },
  attach: {
    type: 'list',
    short: 'a',
    description: 'Attach to STDIN, STDOUT or STDERR',
    validate: validateAttach,
  },
  'cap-add': { type: 'list', description: 'Add Linux capabilities' },
  'cap-drop': { type: 'list', description: 'Drop Linux capabilities' },
  cgroupns: {
    type: 'string',
    description:
      "Cgroup namespace to use (host|private)\n'host':    Run the container in the Docker host's cgroup namespace\n'private': Run the container in its own private cgroup namespace\n'':        Use the cgroup namespace as configured by the\n           default-cgroupns-mode option on the daemon (default)",
  },
  cidfile: { type: 'string', description: 'Write the container ID to the file' },
  'cpu-shares': { type: 'number', short: 'c', description: 'CPU shares (relative weight)' },
  cpus: {
    type: 'string',
    placeholder: 'decimal',
    description: 'Number of CPUs',
    validate: (value: string) => void parseNanoCpus(value),
  },
  'cpuset-cpus': { type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
  dns: { type: 'list', description: 'Set custom DNS servers', validate: validateIpAddress },
  'dns-option': { type: 'list', description: 'Set DNS options' },
  'dns-search': { type: 'list', description: 'Set custom DNS search domains' },
  domainname: { type: 'string', description: 'Container NIS domain name' },
  entrypoint: { type: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
  env: { type: 'list', short: 'e', description: 'Set environment variables', validate: validateEnv },
  'env-file': { type: 'list', description: 'Read in a file of environment variables' },
  expose: { type: 'list', description: 'Expose a port or a range of ports' },
  'group-add': { type: 'list', description: 'Add additional groups to join' },
  hostname: { type: 'string', short: 'h', description: 'Container host name' },
  init: {
    type: 'boolean',
    description: 'Run an init inside the container that forwards signals and reaps processes',
  },
  interactive: { type: 'boolean', short: 'i', description: 'Keep STDIN open even if not attached' },
  ipc: { type: 'string', description: 'IPC mode to use' },
  label: { type: 'list', short: 'l', description: 'Set meta data on a container', validate: validateLabel },
  'label-file': { type: 'list', description: 'Read in a line delimited file of labels' },
  'log-driver': { type: 'string', description: 'Logging driver for the container' },
  'log-opt': { type: 'list', description: 'Log driver options' },
  memory: {
    type: 'string',
    short: 'm',
    placeholder: 'bytes',
    description: 'Memory limit',
    validate: (value: string) => void parseBytes(value),
  },
  'memory-reservation': {
    type: 'string',
    placeholder: 'bytes',
    description: 'Memory soft limit',
    validate: (value: string) => void parseBytes(value),
  },
  'memory-swap': {
    type: 'string',
    placeholder: 'bytes',
    description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap",
    validate: (value: string) => void parseSwapBytes(value),
  },
  mount: {
    type: 'list',
    placeholder: 'mount',
    description: 'Attach a filesystem mount to the container',
    validate: (value: string) => void parseMount(value),
  },
  name: { type: 'string', description: 'Assign a name to the container' },
  network: { type: 'list', placeholder: 'network', description: 'Connect a container to a network' },
  'network-alias': { type: 'list', description: 'Add network-scoped alias for the container' },
  'no-healthcheck': { type: 'boolean', description: 'Disable any container-specified HEALTHCHECK' },
  'oom-kill-disable': { type: 'boolean', description: 'Disable OOM Killer' },
  pid: { type: 'string', description: 'PID namespace to use' },
  'pids-limit': { type: 'number', description: 'Tune container pids limit (set -1 for unlimited)' },
  platform: { type: 'string', description: 'Set platform if server is multi-platform capable' },
  privileged: { type: 'boolean', description: 'Give extended privileges to this container' },
  publish: { type: 'list', short: 'p', description: "Publish a container's port(s) to the host" },
  'publish-all': {
    type: 'boolean',
    short: 'P',
    description: 'Publish all exposed ports to random ports',
  },
  pull: {
    type: 'string',
    default: 'missing',
    description: 'Pull image before creating ("always", "|missing", "never")',
  },
  quiet: { type: 'boolean', short: 'q', description: 'Suppress the pull output' },
  'read-only': { type: 'boolean', description: "Mount the container's root filesystem as read only" },
  restart: {
    type: 'string',
    default: 'no',
    description: 'Restart policy to apply when a container exits',
  },
  rm: {
    type: 'boolean',
    description: 'Automatically remove the container and its associated anonymous volumes when it exits',
  },
  runtime: { type: 'string', description: 'Runtime to use for this container' },
  'security-opt': { type: 'list', description: 'Security Options' },
  'shm-size': {
    type: 'string',
    placeholder: 'bytes',
    description: 'Size of /dev/shm',
    validate: (value: string) => void parseBytes(value),
  },
  'stop-signal': { type: 'string', description: 'Signal to stop the container' },
  'stop-timeout': { type: 'number', description: 'Timeout (in seconds) to stop a container' },
  tmpfs: { type: 'list', description: 'Mount a tmpfs directory' },
  tty: { type: 'boolean', short: 't', description: 'Allocate a pseudo-TTY' },
  user: { type: 'string', short: 'u', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  userns: { type: 'string', description: 'User namespace to use' },
  uts: { type: 'string', description: 'UTS namespace to use' },
  volume: { type: 'list', short: 'v', description: 'Bind mount a volume' },
  'volumes-from': { type: 'list', description: 'Mount volumes from the specified container(s)' },
  workdir: { type: 'string', short: 'w', description: 'Working directory inside the container' },
} as const satisfies Record<string, FlagSpec>;

/** The options {@link toCreateRequest} reads: those of {@link createFlags}, within any command's options. */
export type CreateFlagOptions = OptionsOf<{
  summary: '';
  usage: '';
  flags: typeof createFlags;
  args: Record<never, never>;
}>;

/** What `docker.containers.create(...)` takes: the body plus the `name` and `platform` query. */
export type CreateRequest = ContainerConfig & {
  HostConfig?: HostConfig;
  NetworkingConfig?: NetworkingConfig;
  name?: string;
  platform?: string;
};

/** Where the options are read: the environment (`-e NAME`, env files) and the working directory. */
export interface CreateContext {
  /** `create` or `run`: names the command in `Run 'gantry <command> --help'`. */
  readonly command: 'create' | 'run';
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative bind sources (`-v .:/src`) are resolved against it; default process.cwd(). */
  readonly cwd?: string;
}

/**
 * A create/run option that docker checks after parsing the flags (`-p abc`, `--env-file /nope`):
 * printed as `gantry: <message>` and `Run 'gantry create --help' for more information`, exit 125.
 */
export class CreateOptionError extends UsageError {
  override readonly status = 125;
  constructor(message: string, command: 'create' | 'run') {
    super(message, { commandPath: `gantry ${command}`, kind: 'command' });
    this.name = 'CreateOptionError';
  }
}

/** `--pull` values. */
export type PullPolicy = 'always' | 'missing' | 'never';

/** `--pull` checked as docker checks it ("" means missing). */
export function pullPolicy(opts: Pick<CreateFlagOptions, 'pull'>, command: 'create' | 'run'): PullPolicy {
  const value = opts.pull === '' ? 'missing' : opts.pull;
  if (value === 'always' || value === 'missing' || value === 'never') return value;
  throw new CreateOptionError(
    `invalid pull option: '${value}': must be one of "always", "missing" or "never"`,
    command,
  );
}

/**
 * The create request for `image` and `cmd` (`[]`: the image's command) from the options, as the
 * docker CLI builds it: env files then `-e`, label files then `-l`, `-p`/`--expose` into
 * `ExposedPorts`/`PortBindings`, `-v`/`--mount`/`--tmpfs`, resources (`-m 512m` -> bytes,
 * `--cpus 1.5` -> NanoCpus), restart policy, networks. Throws {@link CreateOptionError} with docker's
 * message for what it cannot use.
 *
 * @example
 * const request = toCreateRequest(opts, 'nginx', [], { command: 'create', env: io.env });
 * const { Id } = await docker.containers.create({ ...request, signal: io.signal });
 */
export function toCreateRequest(
  opts: CreateFlagOptions,
  image: string,
  cmd: readonly string[],
  context: CreateContext,
): CreateRequest {
  const fail = (message: string) => new CreateOptionError(message, context.command);
  const attempt = <T>(work: () => T): T => {
    try {
      return work();
    } catch (err) {
      throw fail((err as Error).message);
    }
  };

  const env = [
    ...opts.envFile.flatMap((path) => attempt(() => parseEnvFile(path, readFile(path), context.env))),
    ...opts.env.map((entry) => resolveEnv(entry, context.env)),
  ];
  const labelEntries = [
    ...opts.labelFile.flatMap((path) => attempt(() => parseEnvFile(path, readFile(path), context.env))),
    ...opts.label,
  ];
  const labels: Record<string, string> = {};
  for (const entry of labelEntries) {
    const eq = entry.indexOf('=');
    labels[eq === -1 ? entry : entry.slice(0, eq)] = eq === -1 ? '' : entry.slice(eq + 1);
  }

  const published = attempt(() => parsePublish(opts.publish));
  const exposedPorts: Record<string, Record<string, never>> = {};
  for (const port of [...attempt(() => opts.expose.flatMap(parseExpose)), ...published.exposed])
    exposedPorts[port] = {};
  const volumes = attempt(() => parseVolumes(opts.volume, context.cwd));

  const restart = attempt(() => parseRestartPolicy(opts.restart));
  if (opts.rm && restart.Name !== 'no' && restart.Name !== '')
    throw fail('conflicting options: cannot specify both --restart and --rm');

  const attach = new Set(opts.attach.map((stream) => stream.toLowerCase()));
  const attachStdin = attach.has('stdin') || opts.interactive;

  const hostConfig: HostConfig = {
    Binds: volumes.binds,
    NetworkMode: opts.network[0] ?? 'default',
    PortBindings: published.bindings,
    RestartPolicy: restart as HostConfig['RestartPolicy'],
    AutoRemove: opts.rm,
    PublishAllPorts: opts.publishAll,
    Privileged: opts.privileged,
    ReadonlyRootfs: opts.readOnly,
    ...(opts.capAdd.length > 0 ? { CapAdd: opts.capAdd.map(capability) } : {}),
    ...(opts.capDrop.length > 0 ? { CapDrop: opts.capDrop.map(capability) } : {}),
    ...(opts.addHost.length > 0 ? { ExtraHosts: opts.addHost.map(parseExtraHost) } : {}),
    ...(opts.dns.length > 0 ? { Dns: [...opts.dns] } : {}),
    ...(opts.dnsOption.length > 0 ? { DnsOptions: [...opts.dnsOption] } : {}),
    ...(opts.dnsSearch.length > 0 ? { DnsSearch: [...opts.dnsSearch] } : {}),
    ...(opts.groupAdd.length > 0 ? { GroupAdd: [...opts.groupAdd] } : {}),
    ...(opts.securityOpt.length > 0 ? { SecurityOpt: [...opts.securityOpt] } : {}),
    ...(opts.volumesFrom.length > 0 ? { VolumesFrom: [...opts.volumesFrom] } : {}),
    ...(opts.mount.length > 0 ? { Mounts: opts.mount.map((value) => parseMount(value, context.cwd)) } : {}),
    ...(opts.tmpfs.length > 0 ? { Tmpfs: tmpfsMap(opts.tmpfs) } : {}),
    ...(opts.changed.has('init') ? { Init: opts.init } : {}),
    ...(opts.memory !== undefined ? { Memory: parseBytes(opts.memory) } : {}),
    ...(opts.memoryReservation !== undefined
      ? { MemoryReservation: parseBytes(opts.memoryReservation) }
      : {}),
    ...(opts.memorySwap !== undefined ? { MemorySwap: parseSwapBytes(opts.memorySwap) } : {}),
    ...(opts.shmSize !== undefined ? { ShmSize: parseBytes(opts.shmSize) } : {}),
    ...(opts.cpus !== undefined ? { NanoCpus: parseNanoCpus(opts.cpus) } : {}),
    ...(opts.cpuShares !== 0 ? { CpuShares: opts.cpuShares } : {}),
    ...(opts.cpusetCpus !== undefined ? { CpusetCpus: opts.cpusetCpus } : {}),
    ...(opts.changed.has('pids-limit') ? { PidsLimit: opts.pidsLimit } : {}),
    ...(opts.oomKillDisable ? { OomKillDisable: true } : {}),
    ...(opts.ipc !== undefined ? { IpcMode: opts.ipc } : {}),
    ...(opts.pid !== undefined ? { PidMode: opts.pid } : {}),
    ...(opts.uts !== undefined ? { UTSMode: opts.uts } : {}),
    ...(opts.userns !== undefined ? { UsernsMode: opts.userns } : {}),
    ...(opts.cgroupns !== undefined ? { CgroupnsMode: opts.cgroupns as HostConfig['CgroupnsMode'] } : {}),
    ...(opts.runtime !== undefined ? { Runtime: opts.runtime } : {}),
    ...(opts.logDriver !== undefined || opts.logOpt.length > 0
      ? {
          LogConfig: {
            Type: opts.logDriver ?? '',
            Config: keyValues(opts.logOpt),
          } as HostConfig['LogConfig'],
        }
      : {}),
  };

  const networks = opts.network.length > 0 ? opts.network : [];
  const request: CreateRequest = {
    Image: image,
    AttachStdin: attachStdin,
    AttachStdout: attach.size === 0 || attach.has('stdout'),
    AttachStderr: attach.size === 0 || attach.has('stderr'),
    Tty: opts.tty,
    OpenStdin: opts.interactive,
    StdinOnce: attachStdin,
    Env: env,
    Labels: labels,
    ...(cmd.length > 0 ? { Cmd: [...cmd] } : {}),
    ...(opts.changed.has('entrypoint') ? { Entrypoint: opts.entrypoint ? [opts.entrypoint] : [''] } : {}),
    ...(Object.keys(exposedPorts).length > 0 ? { ExposedPorts: exposedPorts } : {}),
    ...(volumes.anonymous.length > 0
      ? { Volumes: Object.fromEntries(volumes.anonymous.map((path) => [path, {}])) }
      : {}),
    ...(opts.workdir !== undefined ? { WorkingDir: opts.workdir } : {}),
    ...(opts.user !== undefined ? { User: opts.user } : {}),
    ...(opts.hostname !== undefined ? { Hostname: opts.hostname } : {}),
    ...(opts.domainname !== undefined ? { Domainname: opts.domainname } : {}),
    ...(opts.stopSignal !== undefined ? { StopSignal: opts.stopSignal } : {}),
    ...(opts.changed.has('stop-timeout') ? { StopTimeout: opts.stopTimeout } : {}),
    ...(opts.noHealthcheck ? { Healthcheck: { Test: ['NONE'] } } : {}),
    HostConfig: hostConfig,
    ...(networks.length > 0
      ? {
          NetworkingConfig: {
            EndpointsConfig: Object.fromEntries(
              networks.map((network, at) => [
                network,
                at === 0 && opts.networkAlias.length > 0 ? { Aliases: [...opts.networkAlias] } : {},
              ]),
            ),
          },
        }
      : {}),
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
  };
  return request;
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`open ${path}: no such file or directory`);
    if (code === 'EISDIR') throw new Error(`invalid env file (${path}): read ${path}: is a directory`);
    if (code === 'EACCES') throw new Error(`open ${path}: permission denied`);
    throw err;
  }
}

/** `net_admin` -> `CAP_NET_ADMIN` as docker sends capabilities; `ALL` stays. */
function capability(name: string): string {
  const upper = name.toUpperCase();
  return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/** `--tmpfs /run:rw,size=64m` -> `{ '/run': 'rw,size=64m' }`. */
function tmpfsMap(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    map[colon === -1 ? value : value.slice(0, colon)] = colon === -1 ? '' : value.slice(colon + 1);
  }
  return map;
}

/** `key=value` list -> record (`--log-opt max-size=1m`). */
function keyValues(values: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    values.map((value) => {
      const eq = value.indexOf('=');
      return eq === -1 ? [value, ''] : [value.slice(0, eq), value.slice(eq + 1)];
    }),
  );
}
