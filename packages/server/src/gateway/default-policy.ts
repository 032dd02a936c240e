/**
 * The built-in gateway rules: the safe default every non-admin starts from (each escalation of
 * security-guide.md section 4 denied) and the admin's allow-all. A policy document only overrides
 * these (policy-document.ts); with no document they are the whole policy.
 */
import type { GatewayRules } from './policy-document.ts';

/**
 * The daemon's default capability set (moby `oci/caps`): adding one of these is a no-op, so it is
 * always allowed. MKNOD is in it, which is why device cgroup rules are denied separately.
 */
export const DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
]);

/**
 * Sysctls that only affect the container's own namespaces and cannot starve the host (the set
 * Kubernetes calls "safe"). Everything else, `kernel.*` above all, needs an explicit allow.
 */
const NAMESPACED_SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ping_group_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_fin_timeout',
];

/** Non-admins: nothing that reaches the host, another tenant or the network outside the daemon. */
export const SAFE_RULES: GatewayRules = {
  scope: 'all',
  allowPrivileged: false,
  allowedBindPaths: [],
  allowUnsafeBindOptions: false,
  allowedMountTypes: ['bind', 'volume', 'tmpfs', 'image'],
  allowedVolumeDrivers: ['local'],
  allowVolumeDeviceMounts: false,
  allowHostNamespaces: [],
  allowContainerSharing: false,
  allowedCapabilities: [],
  allowedDevices: [],
  allowDeviceCgroupRules: false,
  allowDeviceRequests: false,
  // Options that only tighten confinement (or name the daemon's defaults).
  allowedSecurityOptions: [
    'no-new-privileges=true',
    'seccomp=builtin',
    'apparmor=docker-default',
    'writable-cgroups=false',
  ],
  allowUnmaskedPaths: false,
  allowedSysctls: NAMESPACED_SAFE_SYSCTLS,
  // Drivers that keep logs on the host; the others connect out from the daemon (SSRF).
  allowedLogDrivers: ['json-file', 'local', 'none'],
  allowedRuntimes: ['runc', 'io.containerd.runc.v2'],
  allowAnnotations: false,
  allowCgroupParent: false,
  allowedRegistries: ['*'],
  allowedNetworkDrivers: ['bridge', 'overlay'],
  allowExecPrivileged: false,
  allowExecRootUser: false,
  allowProcWorkingDir: false,
  allowBuildRemoteContext: false,
  allowBuildKit: false,
  allowImageImportFromUrl: false,
  allowPlugins: false,
  allowSwarmManagement: false,
  allowReservedLabels: false,
  allowIdLikeNames: false,
};

/** Admins: everything (a document may still restrict them under `roles.admin`). */
export const ADMIN_RULES: GatewayRules = {
  scope: 'all',
  allowPrivileged: true,
  allowedBindPaths: ['*'],
  allowUnsafeBindOptions: true,
  allowedMountTypes: ['bind', 'volume', 'tmpfs', 'image', 'npipe', 'cluster'],
  allowedVolumeDrivers: ['*'],
  allowVolumeDeviceMounts: true,
  allowHostNamespaces: ['pid', 'ipc', 'network', 'uts', 'userns', 'cgroupns'],
  allowContainerSharing: true,
  allowedCapabilities: ['ALL'],
  allowedDevices: ['*'],
  allowDeviceCgroupRules: true,
  allowDeviceRequests: true,
  allowedSecurityOptions: ['*'],
  allowUnmaskedPaths: true,
  allowedSysctls: ['*'],
  allowedLogDrivers: ['*'],
  allowedRuntimes: ['*'],
  allowAnnotations: true,
  allowCgroupParent: true,
  allowedRegistries: ['*'],
  allowedNetworkDrivers: ['*'],
  allowExecPrivileged: true,
  allowExecRootUser: true,
  allowProcWorkingDir: true,
  allowBuildRemoteContext: true,
  allowBuildKit: true,
  allowImageImportFromUrl: true,
  allowPlugins: true,
  allowSwarmManagement: true,
  allowReservedLabels: true,
  allowIdLikeNames: true,
};
