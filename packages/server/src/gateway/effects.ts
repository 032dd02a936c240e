/**
 * Checks of single effects, whatever field of whatever operation carries them: a host path, a host
 * or shared namespace, a capability, a security option, a sysctl, a device, a log driver, a volume
 * driver, a mount, an image's registry, a reserved label, a working directory under /proc.
 * workloads.ts applies them to containers, services and exec; policy.ts to the other operations.
 */
import { DEFAULT_CAPABILITIES } from './default-policy.ts';
import { localVolumeMount } from './host-paths.ts';
import {
  booleanAt,
  type JsonObject,
  type Judge,
  listAllows,
  objectAt,
  objectsAt,
  stringAt,
  stringMapAt,
  stringsAt,
} from './judge.ts';
import {
  cleanAbsolutePath,
  isPathWithin,
  isWindowsPath,
  normalizeCapability,
  normalizeSecurityOption,
  normalizeSysctl,
} from './normalize.ts';
import type { HostNamespace } from './policy-document.ts';

/** The label the gateway stamps on what an owner-scoped principal creates (scope.ts). */
export const OWNER_LABEL = 'io.gantry.owner';
/** Labels under this prefix are the gateway's own: a client never sets them. */
const RESERVED_LABEL_PREFIX = 'io.gantry.owner';

/** A host path reached by `where` (a bind source, a volume's bind device, a checkpoint dir ...). */
export function checkHostPath(judge: Judge, path: string, where: string): void {
  const allowed = judge.rules.allowedBindPaths;
  if (allowed.includes('*')) return;
  if (isWindowsPath(path)) {
    judge.deny(
      'host-path',
      `${where} reaches the Windows host path "${path}"`,
      'add "*" to allowedBindPaths',
    );
  }
  if (!path.startsWith('/')) {
    judge.deny('host-path', `${where} names the relative host path "${path}"`, {
      request: 'use a named volume, or an absolute host path (which allowedBindPaths must list)',
    });
  }
  const cleaned = cleanAbsolutePath(path);
  if (allowed.some((prefix) => isPathWithin(cleaned, prefix))) return;
  judge.deny(
    'host-path',
    `${where} reaches the host path ${cleaned}`,
    `add "${cleaned}" (or a directory above it) to allowedBindPaths`,
  );
}

/** Bind mode words that relabel host files (`z`, `Z`) or propagate mounts back to the host (`shared`). */
const UNSAFE_BIND_MODES = new Set(['z', 'Z', 'shared', 'rshared']);

export function checkBindModes(judge: Judge, modes: readonly string[], where: string): void {
  const unsafe = modes.find((mode) => UNSAFE_BIND_MODES.has(mode));
  if (unsafe === undefined || judge.rules.allowUnsafeBindOptions) return;
  judge.deny(
    'bind-options',
    `${where} uses "${unsafe}" (relabels host files or propagates mounts to the host)`,
    'set allowUnsafeBindOptions: true',
  );
}

/** A volume driver and its options: a third-party driver, or `local` options mounting host paths or devices. */
export function checkVolumeDriver(
  judge: Judge,
  driver: string | undefined,
  options: Readonly<Record<string, string>>,
  where: string,
): void {
  const name = driver ?? '';
  if (name !== '' && name !== 'local') {
    if (!listAllows(judge.rules.allowedVolumeDrivers, name)) {
      judge.deny(
        'volume-driver',
        `${where} uses the volume driver "${name}" (a plugin decides what it mounts)`,
        `add "${name}" to allowedVolumeDrivers`,
      );
    }
    return;
  }
  const mount = localVolumeMount(options);
  switch (mount.kind) {
    case 'bind':
      checkHostPath(judge, mount.device, `${where} (local driver options o=bind, device)`);
      return;
    case 'device':
      if (!judge.rules.allowVolumeDeviceMounts) {
        judge.deny(
          'volume-options',
          `${where} makes the daemon mount ${mount.description} on the host (a block device or network file system)`,
          'set allowVolumeDeviceMounts: true',
        );
      }
      return;
    case 'unknown-option':
      judge.deny(
        'volume-options',
        `${where} has the option "${mount.option}", which the local driver does not know (type, o, device, size)`,
        { request: 'remove the option' },
      );
      return;
    default:
  }
}

/** A `HostConfig.Mounts[]` / `ContainerSpec.Mounts[]` entry. */
export function checkMount(judge: Judge, mount: JsonObject, where: string): void {
  const type = stringAt(mount.Type, `${where}.Type`) ?? '';
  if (!judge.rules.allowedMountTypes.includes(type as never)) {
    judge.deny(
      'mount-type',
      `${where} has the mount type "${type}"`,
      `add "${type}" to allowedMountTypes (bind, volume, tmpfs, image, npipe, cluster)`,
    );
  }
  const source = stringAt(mount.Source, `${where}.Source`) ?? '';
  if (type === 'bind' || type === 'npipe') {
    checkHostPath(judge, source, `${where}.Source (type ${type})`);
    const bindOptions = objectAt(mount.BindOptions, `${where}.BindOptions`);
    const propagation = stringAt(bindOptions?.Propagation, `${where}.BindOptions.Propagation`);
    checkBindModes(judge, propagation === undefined ? [] : [propagation], `${where}.BindOptions.Propagation`);
    if (booleanAt(bindOptions?.ReadOnlyNonRecursive, `${where}.BindOptions.ReadOnlyNonRecursive`)) {
      checkBindModes(judge, ['rshared'], `${where}.BindOptions.ReadOnlyNonRecursive (writable submounts)`);
    }
  }
  if (type === 'volume') {
    const volumeOptions = objectAt(mount.VolumeOptions, `${where}.VolumeOptions`);
    const driverConfig = objectAt(volumeOptions?.DriverConfig, `${where}.VolumeOptions.DriverConfig`);
    checkVolumeDriver(
      judge,
      stringAt(driverConfig?.Name, `${where}.VolumeOptions.DriverConfig.Name`),
      stringMapAt(driverConfig?.Options, `${where}.VolumeOptions.DriverConfig.Options`),
      `${where}.VolumeOptions.DriverConfig`,
    );
    checkLabels(judge, volumeOptions?.Labels, `${where}.VolumeOptions.Labels`);
  }
  if (type === 'image') checkImage(judge, source, `${where}.Source`);
}

/** Safe values of each namespace mode besides `host` and `container:<id>` (the daemon refuses others). */
const PRIVATE_MODES: Readonly<Record<HostNamespace, readonly string[] | 'any'>> = {
  network: 'any', // bridge, none, default or a network name
  pid: [''],
  ipc: ['', 'none', 'private', 'shareable'],
  uts: [''],
  userns: [''],
  cgroupns: ['', 'private'],
};

/** API < 1.41 on cgroup v1: an empty CgroupnsMode means the host's namespace (security-guide.md section 3). */
const hostByDefault = (judge: Judge, namespace: HostNamespace, mode: string) =>
  namespace === 'cgroupns' &&
  mode === '' &&
  judge.apiVersion !== undefined &&
  Number(judge.apiVersion.split('.')[1]) < 41;

/** Joining another container's namespaces or volumes: owner-scoped callers only their own (G3 checks). */
export function checkContainerSharing(judge: Judge, what: string): void {
  if (judge.rules.scope === 'owner' || judge.rules.allowContainerSharing) return;
  judge.deny(
    'container-sharing',
    `${what} shares another container's namespaces, volumes or environment`,
    'set allowContainerSharing: true (or scope: owner, which limits it to containers the token created)',
  );
}

/** A namespace mode such as `HostConfig.PidMode`. */
export function checkNamespaceMode(
  judge: Judge,
  namespace: HostNamespace,
  mode: string,
  where: string,
): void {
  const lower = mode.toLowerCase();
  if (lower === 'host' || hostByDefault(judge, namespace, mode)) {
    if (!judge.rules.allowHostNamespaces.includes(namespace)) {
      judge.deny(
        'host-namespace',
        `${where}="${mode}" joins the host's ${namespace} namespace`,
        `add "${namespace}" to allowHostNamespaces`,
      );
    }
    return;
  }
  if (lower.startsWith('container:')) {
    checkContainerSharing(judge, `${where}="${mode}"`);
    return;
  }
  const safe = PRIVATE_MODES[namespace];
  if (safe !== 'any' && !safe.includes(mode)) {
    judge.deny('host-namespace', `${where}="${mode}" is not a namespace mode the gateway knows`, {
      request: 'leave it empty',
    });
  }
}

/** `CapAdd` / `CapabilityAdd`, normalized as the daemon does; the default set is always allowed. */
export function checkCapabilities(judge: Judge, names: readonly string[], where: string): void {
  const allowed = judge.rules.allowedCapabilities;
  for (const [index, name] of names.entries()) {
    const capability = normalizeCapability(name);
    if (capability === undefined) {
      judge.deny('capabilities', `${where}[${index}] "${name}" is not an ASCII capability name`, {
        request: 'spell the capability in ASCII, such as NET_ADMIN',
      });
    }
    if (DEFAULT_CAPABILITIES.has(capability) || allowed.includes('ALL') || allowed.includes(capability))
      continue;
    judge.deny(
      'capabilities',
      `${where}[${index}] adds the capability ${capability}${capability === 'ALL' ? ' (every capability)' : ''}`,
      `add "${capability}" to allowedCapabilities`,
    );
  }
}

const UNCONFINING: Readonly<Record<string, string>> = {
  'seccomp=unconfined': 'turns seccomp off',
  'apparmor=unconfined': 'turns AppArmor off',
  'label=disable': 'turns SELinux labelling off',
  'no-new-privileges=false': 'lets processes gain privileges through setuid binaries',
  'writable-cgroups=true': 'makes the cgroup file system writable',
  'systempaths=unconfined': 'unmasks /proc and /sys paths',
};

/** `SecurityOpt` entries (or what a service's Privileges amount to), in any of the daemon's spellings. */
export function checkSecurityOptions(judge: Judge, options: readonly string[], where: string): void {
  for (const option of options) {
    const normalized = normalizeSecurityOption(option);
    if (listAllows(judge.rules.allowedSecurityOptions, normalized)) continue;
    const effect =
      UNCONFINING[normalized] ??
      (normalized.startsWith('seccomp=') ? 'replaces the seccomp profile' : 'changes the confinement');
    judge.deny(
      'security-opt',
      `${where} has "${option}", which ${effect}`,
      `add "${normalized}" to allowedSecurityOptions`,
    );
  }
}

/** `Sysctls`: allowlisted keys or prefixes (`net.ipv4.*`) only; `kernel.*` tunes the host. */
export function checkSysctls(judge: Judge, sysctls: Readonly<Record<string, string>>, where: string): void {
  const allowed = judge.rules.allowedSysctls;
  for (const raw of Object.keys(sysctls)) {
    const key = normalizeSysctl(raw);
    const ok = allowed.some((pattern) =>
      pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern,
    );
    if (!ok) judge.deny('sysctls', `${where} sets the sysctl ${raw}`, `add "${key}" to allowedSysctls`);
  }
}

/** A log driver: the ones not kept on the host make the daemon connect out (syslog, gelf, fluentd ...). */
export function checkLogDriver(judge: Judge, driver: string | undefined, where: string): void {
  if (driver === undefined || driver === '' || listAllows(judge.rules.allowedLogDrivers, driver)) return;
  judge.deny(
    'log-driver',
    `${where} uses the log driver "${driver}" (the daemon would ship logs out from the host network)`,
    `add "${driver}" to allowedLogDrivers`,
  );
}

/**
 * The registry an image reference is pulled from, as the reference parser splits it (a first path
 * component with `.` or `:`, `localhost`, or upper case is a domain), or undefined for image ids.
 */
export function registryOf(reference: string): string | undefined {
  if (/^sha256:[0-9a-f]+$/i.test(reference) || /^[0-9a-f]{64}$/.test(reference)) return undefined;
  const slash = reference.indexOf('/');
  const first = slash === -1 ? '' : reference.slice(0, slash);
  const isDomain =
    first !== '' && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const domain = isDomain ? first.toLowerCase() : 'docker.io';
  return domain === 'index.docker.io' || domain === 'registry-1.docker.io' ? 'docker.io' : domain;
}

/** The host of a registry address as `/auth` takes it (`https://index.docker.io/v1/`, `registry:5000`). */
export function registryOfAddress(address: string): string {
  const host = address.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
  return registryOf(`${host.toLowerCase()}/x`) ?? host;
}

export function checkRegistry(judge: Judge, registry: string | undefined, where: string): void {
  if (registry === undefined || listAllows(judge.rules.allowedRegistries, registry)) return;
  judge.deny('registry', `${where} uses the registry ${registry}`, `add "${registry}" to allowedRegistries`);
}

export function checkImage(judge: Judge, reference: string | undefined, where: string): void {
  if (reference !== undefined && reference !== '') checkRegistry(judge, registryOf(reference), where);
}

/** Client-supplied labels may not claim the gateway's ownership label. */
export function checkLabels(judge: Judge, labels: unknown, where: string): void {
  if (judge.rules.allowReservedLabels) return;
  const reserved = Object.keys(stringMapAt(labels, where)).find((key) =>
    key.toLowerCase().startsWith(RESERVED_LABEL_PREFIX),
  );
  if (reserved !== undefined) {
    judge.deny('labels.reserved', `${where} sets "${reserved}", a label only the gateway sets (ownership)`, {
      policy: 'set allowReservedLabels: true',
      request: 'remove the label (the gateway stamps it on what owner-scoped tokens create)',
    });
  }
}

/** A working directory under /proc reaches host file descriptors (runc CVE-2024-21626). */
export function checkWorkingDir(judge: Judge, dir: string | undefined, where: string): void {
  if (dir === undefined || judge.rules.allowProcWorkingDir || !dir.startsWith('/')) return;
  if (isPathWithin(cleanAbsolutePath(dir), '/proc')) {
    judge.deny(
      'workdir',
      `${where}="${dir}" is under /proc (leaked host file descriptors, CVE-2024-21626)`,
      'set allowProcWorkingDir: true',
    );
  }
}

/** Host devices: `Devices[]`, `DeviceCgroupRules`, `DeviceRequests`, plus `CgroupParent` (Resources, update too). */
export function checkResources(judge: Judge, resources: JsonObject, where: string): void {
  for (const [index, device] of objectsAt(resources.Devices, `${where}.Devices`).entries()) {
    const path = stringAt(device.PathOnHost, `${where}.Devices[${index}].PathOnHost`) ?? '';
    const allowed = judge.rules.allowedDevices;
    const ok =
      allowed.includes('*') ||
      (path.startsWith('/') && allowed.some((prefix) => isPathWithin(cleanAbsolutePath(path), prefix)));
    if (!ok) {
      judge.deny(
        'devices',
        `${where}.Devices[${index}] gives the container the host device ${path}`,
        `add "${path}" to allowedDevices`,
      );
    }
  }
  if (
    stringsAt(resources.DeviceCgroupRules, `${where}.DeviceCgroupRules`).length > 0 &&
    !judge.rules.allowDeviceCgroupRules
  ) {
    judge.deny(
      'device-cgroup-rules',
      `${where}.DeviceCgroupRules lets the container use host devices it creates with mknod`,
      'set allowDeviceCgroupRules: true',
    );
  }
  if (
    objectsAt(resources.DeviceRequests, `${where}.DeviceRequests`).length > 0 &&
    !judge.rules.allowDeviceRequests
  ) {
    judge.deny(
      'device-requests',
      `${where}.DeviceRequests asks for host devices (GPU / CDI, which may inject mounts and hooks)`,
      'set allowDeviceRequests: true',
    );
  }
  const parent = stringAt(resources.CgroupParent, `${where}.CgroupParent`) ?? '';
  if (parent !== '' && !judge.rules.allowCgroupParent) {
    judge.deny(
      'cgroup-parent',
      `${where}.CgroupParent="${parent}" escapes the daemon's cgroup limits`,
      'set allowCgroupParent: true',
    );
  }
}
