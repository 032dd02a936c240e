/**
 * The effects of what runs code: container create (Config fields at the top level + HostConfig +
 * NetworkingConfig), container update, exec create, and Swarm service specs (create and update),
 * judged with the same effect checks so that no equivalent spelling escapes (Binds vs Mounts vs
 * volume driver options, CapAdd vs CapabilityAdd, SecurityOpt vs Privileges ...).
 */
import {
  checkBindModes,
  checkCapabilities,
  checkContainerSharing,
  checkHostPath,
  checkImage,
  checkLabels,
  checkLogDriver,
  checkMount,
  checkNamespaceMode,
  checkResources,
  checkSecurityOptions,
  checkSysctls,
  checkWorkingDir,
} from './effects.ts';
import { parseBind } from './host-paths.ts';
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
import type { HostNamespace } from './policy-document.ts';

const NAMESPACE_FIELDS: readonly (readonly [string, HostNamespace])[] = [
  ['NetworkMode', 'network'],
  ['PidMode', 'pid'],
  ['IpcMode', 'ipc'],
  ['UTSMode', 'uts'],
  ['UsernsMode', 'userns'],
  ['CgroupnsMode', 'cgroupns'],
];

function checkBinds(judge: Judge, binds: readonly string[], where: string): void {
  for (const [index, raw] of binds.entries()) {
    const at = `${where}[${index}] "${raw}"`;
    const bind = parseBind(raw);
    if (bind.kind === 'host') {
      checkHostPath(judge, bind.source, at);
      checkBindModes(judge, bind.modes, at);
    } else if (bind.kind === 'windows') {
      checkHostPath(judge, bind.source, at);
    } else if (bind.kind === 'invalid') {
      judge.deny('host-path', `${at} is not a bind the gateway can read: ${bind.reason}`, {
        request: 'use "/host/path:/container/path" or "volume:/container/path"',
      });
    }
  }
}

/** A network a container is attached to (NetworkMode or an EndpointsConfig key). */
function checkNetworkName(judge: Judge, name: string, where: string): void {
  checkNamespaceMode(judge, 'network', name, where);
}

/** `HostConfig` of container create. */
export function checkHostConfig(judge: Judge, hostConfig: JsonObject, where = 'HostConfig'): void {
  const { rules } = judge;
  if (booleanAt(hostConfig.Privileged, `${where}.Privileged`) && !rules.allowPrivileged) {
    judge.deny(
      'privileged',
      `${where}.Privileged=true gives the container every capability and host device, without seccomp or AppArmor`,
      'set allowPrivileged: true',
    );
  }
  checkBinds(judge, stringsAt(hostConfig.Binds, `${where}.Binds`), `${where}.Binds`);
  for (const [index, mount] of objectsAt(hostConfig.Mounts, `${where}.Mounts`).entries()) {
    checkMount(judge, mount, `${where}.Mounts[${index}]`);
  }
  const volumeDriver = stringAt(hostConfig.VolumeDriver, `${where}.VolumeDriver`) ?? '';
  if (
    volumeDriver !== '' &&
    volumeDriver !== 'local' &&
    !listAllows(rules.allowedVolumeDrivers, volumeDriver)
  ) {
    judge.deny(
      'volume-driver',
      `${where}.VolumeDriver="${volumeDriver}" lets a plugin decide what the volumes mount`,
      `add "${volumeDriver}" to allowedVolumeDrivers`,
    );
  }
  if (stringsAt(hostConfig.VolumesFrom, `${where}.VolumesFrom`).length > 0) {
    checkContainerSharing(judge, `${where}.VolumesFrom`);
  }
  if (stringsAt(hostConfig.Links, `${where}.Links`).length > 0)
    checkContainerSharing(judge, `${where}.Links`);
  for (const [field, namespace] of NAMESPACE_FIELDS) {
    checkNamespaceMode(
      judge,
      namespace,
      stringAt(hostConfig[field], `${where}.${field}`) ?? '',
      `${where}.${field}`,
    );
  }
  const cgroup = stringAt(hostConfig.Cgroup, `${where}.Cgroup`) ?? '';
  if (cgroup !== '') checkContainerSharing(judge, `${where}.Cgroup="${cgroup}"`);
  checkCapabilities(judge, stringsAt(hostConfig.CapAdd, `${where}.CapAdd`), `${where}.CapAdd`);
  if (
    stringsAt(hostConfig.Capabilities, `${where}.Capabilities`).length > 0 &&
    !rules.allowedCapabilities.includes('ALL')
  ) {
    judge.deny(
      'capabilities',
      `${where}.Capabilities replaces the whole capability set (legacy API 1.40 field)`,
      'add "ALL" to allowedCapabilities',
    );
  }
  checkSecurityOptions(
    judge,
    stringsAt(hostConfig.SecurityOpt, `${where}.SecurityOpt`),
    `${where}.SecurityOpt`,
  );
  for (const field of ['MaskedPaths', 'ReadonlyPaths']) {
    if (hostConfig[field] !== undefined && hostConfig[field] !== null && !rules.allowUnmaskedPaths) {
      stringsAt(hostConfig[field], `${where}.${field}`);
      judge.deny(
        'masked-paths',
        `${where}.${field} replaces the daemon's list of masked / read-only /proc and /sys paths`,
        'set allowUnmaskedPaths: true',
      );
    }
  }
  checkResources(judge, hostConfig, where);
  checkSysctls(judge, stringMapAt(hostConfig.Sysctls, `${where}.Sysctls`), `${where}.Sysctls`);
  const runtime = stringAt(hostConfig.Runtime, `${where}.Runtime`) ?? '';
  if (runtime !== '' && !listAllows(rules.allowedRuntimes, runtime)) {
    judge.deny(
      'runtime',
      `${where}.Runtime="${runtime}" is not an allowed OCI runtime`,
      `add "${runtime}" to allowedRuntimes`,
    );
  }
  if (
    Object.keys(stringMapAt(hostConfig.Annotations, `${where}.Annotations`)).length > 0 &&
    !rules.allowAnnotations
  ) {
    judge.deny(
      'annotations',
      `${where}.Annotations are interpreted by the runtime and CDI (may grant devices or mounts)`,
      'set allowAnnotations: true',
    );
  }
  const logConfig = objectAt(hostConfig.LogConfig, `${where}.LogConfig`);
  checkLogDriver(judge, stringAt(logConfig?.Type, `${where}.LogConfig.Type`), `${where}.LogConfig.Type`);
  stringMapAt(logConfig?.Config, `${where}.LogConfig.Config`);
}

/** `POST /containers/create`: Config fields at the top level, HostConfig, NetworkingConfig. */
export function checkContainerCreate(judge: Judge, body: JsonObject): void {
  checkImage(judge, stringAt(body.Image, 'Image'), 'Image');
  checkWorkingDir(judge, stringAt(body.WorkingDir, 'WorkingDir'), 'WorkingDir');
  checkLabels(judge, body.Labels, 'Labels');
  checkHostConfig(judge, objectAt(body.HostConfig, 'HostConfig') ?? {});
  const networking = objectAt(body.NetworkingConfig, 'NetworkingConfig');
  const endpoints = objectAt(networking?.EndpointsConfig, 'NetworkingConfig.EndpointsConfig') ?? {};
  for (const name of Object.keys(endpoints)) {
    checkNetworkName(judge, name, `NetworkingConfig.EndpointsConfig["${name}"]`);
  }
}

/** `POST /containers/{id}/update`: Resources and RestartPolicy (devices are checked even if ignored). */
export function checkContainerUpdate(judge: Judge, body: JsonObject): void {
  checkResources(judge, body, 'body');
}

const isRootUser = (user: string) => {
  const name = user.split(':')[0] ?? '';
  // moby/sys/user reads a numeric user with strconv.Atoi: "+0", "-0" and "000" are uid 0 too.
  return name === 'root' || /^[+-]?0+$/.test(name);
};

/** `POST /containers/{id}/exec`: privileged exec gets every capability; root in any container. */
export function checkExecCreate(judge: Judge, body: JsonObject): void {
  if (booleanAt(body.Privileged, 'Privileged') && !judge.rules.allowExecPrivileged) {
    judge.deny(
      'exec.privileged',
      'Privileged=true gives the exec process every capability, even in an unprivileged container',
      'set allowExecPrivileged: true',
    );
  }
  const user = stringAt(body.User, 'User') ?? '';
  if (isRootUser(user) && !judge.rules.allowExecRootUser) {
    judge.deny('exec.user', `User="${user}" runs the exec process as root`, 'set allowExecRootUser: true');
  }
  checkWorkingDir(judge, stringAt(body.WorkingDir, 'WorkingDir'), 'WorkingDir');
}

/** What a service's `Privileges` amount to, as security options. */
function privilegesAsSecurityOptions(privileges: JsonObject | undefined, where: string): string[] {
  if (privileges === undefined) return [];
  const options: string[] = [];
  const seccomp = objectAt(privileges.Seccomp, `${where}.Seccomp`);
  const seccompMode = stringAt(seccomp?.Mode, `${where}.Seccomp.Mode`) ?? '';
  if (seccompMode !== '' && seccompMode !== 'default') options.push(`seccomp=${seccompMode}`);
  const appArmor = objectAt(privileges.AppArmor, `${where}.AppArmor`);
  const appArmorMode = stringAt(appArmor?.Mode, `${where}.AppArmor.Mode`) ?? '';
  if (appArmorMode !== '' && appArmorMode !== 'default') options.push('apparmor=unconfined');
  const selinux = objectAt(privileges.SELinuxContext, `${where}.SELinuxContext`);
  if (booleanAt(selinux?.Disable, `${where}.SELinuxContext.Disable`)) options.push('label=disable');
  for (const part of ['User', 'Role', 'Type', 'Level']) {
    const value = stringAt(selinux?.[part], `${where}.SELinuxContext.${part}`) ?? '';
    if (value !== '') options.push(`label=${part.toLowerCase()}:${value}`);
  }
  const credentialSpec = objectAt(privileges.CredentialSpec, `${where}.CredentialSpec`);
  if (credentialSpec !== undefined && Object.keys(credentialSpec).length > 0)
    options.push('credentialspec=custom');
  return options;
}

function checkContainerSpec(judge: Judge, spec: JsonObject, where: string): void {
  checkImage(judge, stringAt(spec.Image, `${where}.Image`), `${where}.Image`);
  checkLabels(judge, spec.Labels, `${where}.Labels`);
  checkWorkingDir(judge, stringAt(spec.Dir, `${where}.Dir`), `${where}.Dir`);
  checkSecurityOptions(
    judge,
    privilegesAsSecurityOptions(objectAt(spec.Privileges, `${where}.Privileges`), `${where}.Privileges`),
    `${where}.Privileges`,
  );
  for (const [index, mount] of objectsAt(spec.Mounts, `${where}.Mounts`).entries()) {
    checkMount(judge, mount, `${where}.Mounts[${index}]`);
  }
  checkCapabilities(judge, stringsAt(spec.CapabilityAdd, `${where}.CapabilityAdd`), `${where}.CapabilityAdd`);
  checkSysctls(judge, stringMapAt(spec.Sysctls, `${where}.Sysctls`), `${where}.Sysctls`);
}

function checkServiceNetworks(judge: Judge, networks: unknown, where: string): void {
  for (const [index, network] of objectsAt(networks, where).entries()) {
    checkNetworkName(
      judge,
      stringAt(network.Target, `${where}[${index}].Target`) ?? '',
      `${where}[${index}].Target`,
    );
  }
}

/** `POST /services/create` and `/services/{id}/update` (the whole spec is sent on update). */
export function checkServiceSpec(judge: Judge, spec: JsonObject): void {
  checkLabels(judge, spec.Labels, 'Labels');
  const task = objectAt(spec.TaskTemplate, 'TaskTemplate') ?? {};
  const runtime = stringAt(task.Runtime, 'TaskTemplate.Runtime') ?? '';
  if (runtime === 'plugin' || objectAt(task.PluginSpec, 'TaskTemplate.PluginSpec') !== undefined) {
    judge.deny(
      'plugins',
      'TaskTemplate.Runtime="plugin" installs a plugin (host root) on every node: plugin management is admin-only',
    );
  }
  if (runtime !== '' && runtime !== 'container') {
    judge.deny('service-runtime', `TaskTemplate.Runtime="${runtime}" is not a container task`, {
      request: 'leave Runtime empty',
    });
  }
  checkContainerSpec(
    judge,
    objectAt(task.ContainerSpec, 'TaskTemplate.ContainerSpec') ?? {},
    'TaskTemplate.ContainerSpec',
  );
  checkServiceNetworks(judge, task.Networks, 'TaskTemplate.Networks');
  checkServiceNetworks(judge, spec.Networks, 'Networks');
  const logDriver = objectAt(task.LogDriver, 'TaskTemplate.LogDriver');
  checkLogDriver(
    judge,
    stringAt(logDriver?.Name, 'TaskTemplate.LogDriver.Name'),
    'TaskTemplate.LogDriver.Name',
  );
}
