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
import {
  isCdiDeviceName,
  parseDevice,
  parseGpuRequest,
  parseThrottleBps,
  parseThrottleIops,
  parseWeightDevice,
  validateDeviceCgroupRule,
} from './opts/devices.ts';
import { parseMount, parseVolumes } from './opts/mounts.ts';
import { parseExpose, parsePublish } from './opts/ports.ts';
import {
  parseBytes,
  parseDuration,
  parseEnvFile,
  parseExtraHost,
  parseNanoCpus,
  parseRestartPolicy,
  parseSecurityOpts,
  parseStorageOpts,
  parseSwapBytes,
  parseUlimit,
  resolveEnv,
  validateAttach,
  validateEnv,
  validateIpAddress,
  validateLabel,
  validateLink,
  validateMacAddress,
  validateSysctl,
  validateUint16,
} from './opts/values.ts';

/** Flag definitions to spread into `create`'s and `run`'s `flags`. */
export const createFlags = {
  'add-host': {
    type: 'list',
    description: 'Add a custom host-to-IP mapping (host:ip)',
    validate: (value: string) => void parseExtraHost(value),
  },
  annotation: {
    type: 'list',
    placeholder: 'map',
    defaultText: 'map[]',
    description: 'Add an annotation to the container (passed through to the OCI runtime)',
  },
  attach: {
    type: 'list',
    short: 'a',
    description: 'Attach to STDIN, STDOUT or STDERR',
    validate: validateAttach,
  },
  'blkio-weight': {
    type: 'number',
    placeholder: 'uint16',
    defaultText: '0',
    description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable',
    validate: validateUint16,
  },
  'blkio-weight-device': {
    type: 'list',
    defaultText: '[]',
    description: 'Block IO weight (relative device weight)',
    validate: (value: string) => void parseWeightDevice(value),
  },
  'cap-add': { type: 'list', description: 'Add Linux capabilities' },
  'cap-drop': { type: 'list', description: 'Drop Linux capabilities' },
  'cgroup-parent': { type: 'string', description: 'Optional parent cgroup for the container' },
  cgroupns: {
    type: 'string',
    description:
      "Cgroup namespace to use (host|private)\n'host':    Run the container in the Docker host's cgroup namespace\n'private': Run the container in its own private cgroup namespace\n'':        Use the cgroup namespace as configured by the\n           default-cgroupns-mode option on the daemon (default)",
  },
  cidfile: { type: 'string', description: 'Write the container ID to the file' },
  'cpu-count': { type: 'number', hidden: true, description: 'CPU count (Windows only)' },
  'cpu-percent': { type: 'number', hidden: true, description: 'CPU percent (Windows only)' },
  'cpu-period': { type: 'number', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  'cpu-quota': { type: 'number', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  'cpu-rt-period': { type: 'number', description: 'Limit CPU real-time period in microseconds' },
  'cpu-rt-runtime': { type: 'number', description: 'Limit CPU real-time runtime in microseconds' },
  'cpu-shares': { type: 'number', short: 'c', description: 'CPU shares (relative weight)' },
  cpus: {
    type: 'string',
    placeholder: 'decimal',
    description: 'Number of CPUs',
    validate: (value: string) => void parseNanoCpus(value),
  },
  'cpuset-cpus': { type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
  'cpuset-mems': { type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
  device: { type: 'list', description: 'Add a host device to the container' },
  'device-cgroup-rule': {
    type: 'list',
    description: 'Add a rule to the cgroup allowed devices list',
    validate: validateDeviceCgroupRule,
  },
  'device-read-bps': {
    type: 'list',
    defaultText: '[]',
    description: 'Limit read rate (bytes per second) from a device',
    validate: (value: string) => void parseThrottleBps(value),
  },
  'device-read-iops': {
    type: 'list',
    defaultText: '[]',
    description: 'Limit read rate (IO per second) from a device',
    validate: (value: string) => void parseThrottleIops(value),
  },
  'device-write-bps': {
    type: 'list',
    defaultText: '[]',
    description: 'Limit write rate (bytes per second) to a device',
    validate: (value: string) => void parseThrottleBps(value),
  },
  'device-write-iops': {
    type: 'list',
    defaultText: '[]',
    description: 'Limit write rate (IO per second) to a device',
    validate: (value: string) => void parseThrottleIops(value),
  },
  // Content trust (Notary) is not implemented: images are never verified, which is this flag's default.
  'disable-content-trust': { type: 'boolean', default: true, description: 'Skip image verification' },
  dns: { type: 'list', description: 'Set custom DNS servers', validate: validateIpAddress },
  'dns-option': { type: 'list', description: 'Set DNS options' },
  'dns-search': { type: 'list', description: 'Set custom DNS search domains' },
  domainname: { type: 'string', description: 'Container NIS domain name' },
  entrypoint: { type: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
  env: { type: 'list', short: 'e', description: 'Set environment variables', validate: validateEnv },
  'env-file': { type: 'list', description: 'Read in a file of environment variables' },
  expose: { type: 'list', description: 'Expose a port or a range of ports' },
  gpus: {
    type: 'list',
    placeholder: 'gpu-request',
    description: "GPU devices to add to the container ('all' to pass all GPUs)",
    validate: (value: string) => void parseGpuRequest(value),
  },
  'group-add': { type: 'list', description: 'Add additional groups to join' },
  'health-cmd': { type: 'string', description: 'Command to run to check health' },
  'health-interval': {
    type: 'string',
    placeholder: 'duration',
    defaultText: '0s',
    description: 'Time between running the check (ms|s|m|h)',
    validate: (value: string) => void parseDuration(value),
  },
  'health-retries': { type: 'number', description: 'Consecutive failures needed to report unhealthy' },
  'health-start-interval': {
    type: 'string',
    placeholder: 'duration',
    defaultText: '0s',
    description: 'Time between running the check during the start period (ms|s|m|h)',
    validate: (value: string) => void parseDuration(value),
  },
  'health-start-period': {
    type: 'string',
    placeholder: 'duration',
    defaultText: '0s',
    description:
      'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h)',
    validate: (value: string) => void parseDuration(value),
  },
  'health-timeout': {
    type: 'string',
    placeholder: 'duration',
    defaultText: '0s',
    description: 'Maximum time to allow one check to run (ms|s|m|h)',
    validate: (value: string) => void parseDuration(value),
  },
  // Listed because `-h` is --hostname here (docker lists it for create and run only); cli.ts handles it.
  help: { type: 'boolean', description: 'Print usage' },
  hostname: { type: 'string', short: 'h', description: 'Container host name' },
  init: {
    type: 'boolean',
    description: 'Run an init inside the container that forwards signals and reaps processes',
  },
  interactive: { type: 'boolean', short: 'i', description: 'Keep STDIN open even if not attached' },
  'io-maxbandwidth': {
    type: 'string',
    placeholder: 'bytes',
    hidden: true,
    description: 'Maximum IO bandwidth limit for the system drive (Windows only)',
    validate: (value: string) => void parseBytes(value),
  },
  'io-maxiops': {
    type: 'number',
    hidden: true,
    description: 'Maximum IOps limit for the system drive (Windows only)',
  },
  ip: { type: 'string', description: 'IPv4 address (e.g., 172.30.100.104)' },
  ip6: { type: 'string', description: 'IPv6 address (e.g., 2001:db8::33)' },
  ipc: { type: 'string', description: 'IPC mode to use' },
  isolation: { type: 'string', description: 'Container isolation technology' },
  'kernel-memory': {
    type: 'string',
    placeholder: 'bytes',
    description: 'Kernel memory limit',
    validate: (value: string) => void parseBytes(value),
  },
  label: { type: 'list', short: 'l', description: 'Set meta data on a container', validate: validateLabel },
  'label-file': { type: 'list', description: 'Read in a line delimited file of labels' },
  link: { type: 'list', description: 'Add link to another container', validate: validateLink },
  'link-local-ip': { type: 'list', description: 'Container IPv4/IPv6 link-local addresses' },
  'log-driver': { type: 'string', description: 'Logging driver for the container' },
  'log-opt': { type: 'list', description: 'Log driver options' },
  'mac-address': { type: 'string', description: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
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
  'memory-swappiness': {
    type: 'number',
    default: -1,
    description: 'Tune container memory swappiness (0 to 100)',
  },
  mount: {
    type: 'list',
    placeholder: 'mount',
    description: 'Attach a filesystem mount to the container',
    validate: (value: string) => void parseMount(value),
  },
  name: { type: 'string', description: 'Assign a name to the container' },
  // docker's hidden old names of --network and --network-alias.
  net: {
    type: 'list',
    placeholder: 'network',
    hidden: true,
    description: 'Connect a container to a network',
  },
  'net-alias': { type: 'list', hidden: true, description: 'Add network-scoped alias for the container' },
  network: { type: 'list', placeholder: 'network', description: 'Connect a container to a network' },
  'network-alias': { type: 'list', description: 'Add network-scoped alias for the container' },
  'no-healthcheck': { type: 'boolean', description: 'Disable any container-specified HEALTHCHECK' },
  'oom-kill-disable': { type: 'boolean', description: 'Disable OOM Killer' },
  'oom-score-adj': { type: 'number', description: "Tune host's OOM preferences (-1000 to 1000)" },
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
  'storage-opt': { type: 'list', description: 'Storage driver options for the container' },
  sysctl: {
    type: 'list',
    placeholder: 'map',
    defaultText: 'map[]',
    description: 'Sysctl options',
    validate: validateSysctl,
  },
  tmpfs: { type: 'list', description: 'Mount a tmpfs directory' },
  tty: { type: 'boolean', short: 't', description: 'Allocate a pseudo-TTY' },
  ulimit: {
    type: 'list',
    placeholder: 'ulimit',
    defaultText: '[]',
    description: 'Ulimit options',
    validate: (value: string) => void parseUlimit(value),
  },
  user: { type: 'string', short: 'u', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  userns: { type: 'string', description: 'User namespace to use' },
  uts: { type: 'string', description: 'UTS namespace to use' },
  volume: { type: 'list', short: 'v', description: 'Bind mount a volume' },
  'volume-driver': { type: 'string', description: 'Optional volume driver for the container' },
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

  if (opts.memorySwappiness !== -1 && (opts.memorySwappiness < 0 || opts.memorySwappiness > 100))
    throw fail(`invalid value: ${opts.memorySwappiness}. Valid memory swappiness range is 0-100`);
  if (opts.macAddress !== undefined) attempt(() => validateMacAddress(opts.macAddress as string));
  const security = attempt(() => parseSecurityOpts(opts.securityOpt, readFile));
  const cdiDevices = opts.device.filter(isCdiDeviceName);
  const devices = attempt(() => opts.device.filter((value) => !isCdiDeviceName(value)).map(parseDevice));
  const deviceRequests = [
    ...opts.gpus.map(parseGpuRequest),
    ...(cdiDevices.length > 0 ? [{ Driver: 'cdi', DeviceIDs: cdiDevices }] : []),
  ];
  const healthcheck = toHealthcheck(opts, fail);

  const attach = new Set(opts.attach.map((stream) => stream.toLowerCase()));
  const attachStdin = attach.has('stdin') || opts.interactive;

  const networks = [...opts.network, ...opts.net];
  const hostConfig: HostConfig = {
    Binds: volumes.binds,
    NetworkMode: networks[0] ?? 'default',
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
    ...(security.securityOpt.length > 0 ? { SecurityOpt: security.securityOpt } : {}),
    ...(security.systemPaths ? { MaskedPaths: [], ReadonlyPaths: [] } : {}),
    ...(opts.link.length > 0 ? { Links: [...opts.link] } : {}),
    ...(devices.length > 0 ? { Devices: devices } : {}),
    ...(deviceRequests.length > 0 ? { DeviceRequests: deviceRequests } : {}),
    ...(opts.deviceCgroupRule.length > 0 ? { DeviceCgroupRules: [...opts.deviceCgroupRule] } : {}),
    ...(opts.ulimit.length > 0 ? { Ulimits: ulimits(opts.ulimit) } : {}),
    ...(opts.sysctl.length > 0 ? { Sysctls: keyValues(opts.sysctl) } : {}),
    ...(opts.annotation.length > 0 ? { Annotations: keyValues(opts.annotation) } : {}),
    ...(opts.storageOpt.length > 0 ? { StorageOpt: attempt(() => parseStorageOpts(opts.storageOpt)) } : {}),
    ...(opts.blkioWeight !== 0 ? { BlkioWeight: opts.blkioWeight } : {}),
    ...(opts.blkioWeightDevice.length > 0
      ? { BlkioWeightDevice: opts.blkioWeightDevice.map(parseWeightDevice) }
      : {}),
    ...(opts.deviceReadBps.length > 0
      ? { BlkioDeviceReadBps: opts.deviceReadBps.map(parseThrottleBps) }
      : {}),
    ...(opts.deviceWriteBps.length > 0
      ? { BlkioDeviceWriteBps: opts.deviceWriteBps.map(parseThrottleBps) }
      : {}),
    ...(opts.deviceReadIops.length > 0
      ? { BlkioDeviceReadIOps: opts.deviceReadIops.map(parseThrottleIops) }
      : {}),
    ...(opts.deviceWriteIops.length > 0
      ? { BlkioDeviceWriteIOps: opts.deviceWriteIops.map(parseThrottleIops) }
      : {}),
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
    ...(opts.cpusetMems !== undefined ? { CpusetMems: opts.cpusetMems } : {}),
    ...(opts.cpuPeriod !== 0 ? { CpuPeriod: opts.cpuPeriod } : {}),
    ...(opts.cpuQuota !== 0 ? { CpuQuota: opts.cpuQuota } : {}),
    ...(opts.cpuRtPeriod !== 0 ? { CpuRealtimePeriod: opts.cpuRtPeriod } : {}),
    ...(opts.cpuRtRuntime !== 0 ? { CpuRealtimeRuntime: opts.cpuRtRuntime } : {}),
    ...(opts.cpuCount !== 0 ? { CpuCount: opts.cpuCount } : {}),
    ...(opts.cpuPercent !== 0 ? { CpuPercent: opts.cpuPercent } : {}),
    ...(opts.ioMaxbandwidth !== undefined ? { IOMaximumBandwidth: parseBytes(opts.ioMaxbandwidth) } : {}),
    ...(opts.ioMaxiops !== 0 ? { IOMaximumIOps: opts.ioMaxiops } : {}),
    // KernelMemory left the API's schema (the daemon ignores it since API 1.42), docker still sends it.
    ...(opts.kernelMemory !== undefined
      ? ({ KernelMemory: parseBytes(opts.kernelMemory) } as HostConfig)
      : {}),
    ...(opts.memorySwappiness !== -1 ? { MemorySwappiness: opts.memorySwappiness } : {}),
    ...(opts.changed.has('oom-score-adj') ? { OomScoreAdj: opts.oomScoreAdj } : {}),
    ...(opts.changed.has('pids-limit') ? { PidsLimit: opts.pidsLimit } : {}),
    ...(opts.oomKillDisable ? { OomKillDisable: true } : {}),
    ...(opts.ipc !== undefined ? { IpcMode: opts.ipc } : {}),
    ...(opts.pid !== undefined ? { PidMode: opts.pid } : {}),
    ...(opts.uts !== undefined ? { UTSMode: opts.uts } : {}),
    ...(opts.userns !== undefined ? { UsernsMode: opts.userns } : {}),
    ...(opts.cgroupns !== undefined ? { CgroupnsMode: opts.cgroupns as HostConfig['CgroupnsMode'] } : {}),
    ...(opts.runtime !== undefined ? { Runtime: opts.runtime } : {}),
    ...(opts.cgroupParent !== undefined ? { CgroupParent: opts.cgroupParent } : {}),
    ...(opts.volumeDriver !== undefined ? { VolumeDriver: opts.volumeDriver } : {}),
    ...(opts.isolation !== undefined ? { Isolation: opts.isolation as HostConfig['Isolation'] } : {}),
    ...(opts.logDriver !== undefined || opts.logOpt.length > 0
      ? {
          LogConfig: {
            Type: opts.logDriver ?? '',
            Config: keyValues(opts.logOpt),
          } as HostConfig['LogConfig'],
        }
      : {}),
  };

  const endpoints = attempt(() => endpointsConfig(opts, networks));
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
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    HostConfig: hostConfig,
    ...(Object.keys(endpoints).length > 0 ? { NetworkingConfig: { EndpointsConfig: endpoints } } : {}),
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

/**
 * docker's `Healthcheck`: `--no-healthcheck` -> `NONE` (not with any `--health-*`); otherwise the
 * given settings only (durations in nanoseconds, `--health-cmd` as `CMD-SHELL`), or none at all.
 */
function toHealthcheck(
  opts: CreateFlagOptions,
  fail: (message: string) => CreateOptionError,
): ContainerConfig['Healthcheck'] | undefined {
  const durations = {
    Interval: parseDuration(opts.healthInterval ?? '0'),
    Timeout: parseDuration(opts.healthTimeout ?? '0'),
    StartPeriod: parseDuration(opts.healthStartPeriod ?? '0'),
    StartInterval: parseDuration(opts.healthStartInterval ?? '0'),
  };
  const given = Boolean(opts.healthCmd) || opts.healthRetries !== 0 || Object.values(durations).some(Boolean);
  if (opts.noHealthcheck) {
    if (given) throw fail('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!given) return undefined;
  const flagOf = {
    Interval: 'interval',
    Timeout: 'timeout',
    StartPeriod: 'start-period',
    StartInterval: 'start-interval',
  };
  for (const [key, value] of Object.entries(durations) as [keyof typeof durations, number][])
    if (value < 0) throw fail(`--health-${flagOf[key]} cannot be negative`);
  if (opts.healthRetries < 0) throw fail('--health-retries cannot be negative');
  return {
    ...(opts.healthCmd ? { Test: ['CMD-SHELL', opts.healthCmd] } : {}),
    ...Object.fromEntries(Object.entries(durations).filter(([, value]) => value !== 0)),
    ...(opts.healthRetries !== 0 ? { Retries: opts.healthRetries } : {}),
  };
}

/** Network modes that are not user-defined networks (links on them are HostConfig.Links only). */
function isUserDefinedNetwork(mode: string): boolean {
  return !['default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');
}

/**
 * `NetworkingConfig.EndpointsConfig` as docker builds it: `--network-alias`, `--link` (user-defined
 * networks), `--ip`, `--ip6`, `--link-local-ip` and `--mac-address` apply to the first network (or
 * `default` when none is given, always listed then); a lone `--network` with no settings is left out,
 * as docker leaves it.
 */
function endpointsConfig(
  opts: CreateFlagOptions,
  networks: readonly string[],
): NonNullable<NetworkingConfig['EndpointsConfig']> {
  const targets = networks.length > 0 ? networks : ['default'];
  const aliases = [...opts.networkAlias, ...opts.netAlias];
  const endpoints: NonNullable<NetworkingConfig['EndpointsConfig']> = {};
  targets.forEach((target, at) => {
    if (endpoints[target]) throw new Error(`network "${target}" is specified multiple times`);
    const first = at === 0;
    const ipam = {
      ...(opts.ip ? { IPv4Address: opts.ip } : {}),
      ...(opts.ip6 ? { IPv6Address: opts.ip6 } : {}),
      ...(opts.linkLocalIp.length > 0 ? { LinkLocalIPs: [...opts.linkLocalIp] } : {}),
    };
    const endpoint = first
      ? {
          ...(aliases.length > 0 ? { Aliases: aliases } : {}),
          ...(opts.link.length > 0 && isUserDefinedNetwork(target) ? { Links: [...opts.link] } : {}),
          ...(Object.keys(ipam).length > 0 ? { IPAMConfig: ipam } : {}),
          ...(opts.macAddress ? { MacAddress: opts.macAddress } : {}),
        }
      : {};
    if (first && networks.length === 1 && Object.keys(endpoint).length === 0) return;
    endpoints[target] = endpoint;
  });
  return endpoints;
}

/** `--ulimit` values -> the API's list; a later value for the same name replaces the earlier one. */
function ulimits(values: readonly string[]): NonNullable<HostConfig['Ulimits']> {
  const byName = new Map(
    values.map((value) => {
      const limit = parseUlimit(value);
      return [limit.Name, limit];
    }),
  );
  return [...byName.values()];
}
