import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BUILTIN_ROLES, type Permission } from '../../src/auth/permissions.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { GATEWAY_OPERATIONS } from '../../src/gateway/generated/operations.ts';
import { evaluate, type PolicyVerdict } from '../../src/gateway/policy.ts';
import {
  DEFAULT_POLICY,
  type GatewayPolicy,
  loadPolicyFile,
  PolicyDocumentError,
  parsePolicy,
  rulesFor,
} from '../../src/gateway/policy-document.ts';
import {
  needsOwnerCheck,
  OWNER_LABEL,
  ownerAllows,
  ownerTargets,
  scopeListQuery,
  stampOwner,
} from '../../src/gateway/scope.ts';
import type { GatewayOperation } from '../../src/gateway/types.ts';

const operation = (id: string): GatewayOperation => {
  const found = GATEWAY_OPERATIONS.find((candidate) => candidate.id === id);
  assert.ok(found, `operation ${id} is in the route table`);
  return found;
};

const principalOf = (role: keyof typeof BUILTIN_ROLES, changes: Partial<Principal> = {}): Principal => ({
  kind: 'token',
  id: 'tok_ci',
  name: 'token:ci',
  userId: 'user_1',
  role,
  permissions: new Set<Permission>(BUILTIN_ROLES[role].permissions),
  engines: '*',
  ...changes,
});
const OPERATOR = principalOf('operator');
const ADMIN = principalOf('admin');

interface Input {
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  readonly params?: Record<string, string>;
  readonly principal?: Principal;
  readonly policy?: GatewayPolicy;
  readonly apiVersion?: string;
}

const judge = (id: string, input: Input = {}): PolicyVerdict =>
  evaluate(
    {
      operation: operation(id),
      params: input.params ?? {},
      query: new URLSearchParams(input.query ?? {}),
      body: input.body,
      principal: input.principal ?? OPERATOR,
      engineId: 'local',
      apiVersion: input.apiVersion,
    },
    input.policy ?? DEFAULT_POLICY,
  );

function assertDenied(verdict: PolicyVerdict, rule: string, remedy: RegExp): void {
  assert.equal(verdict.verdict, 'deny', `expected a denial by ${rule}`);
  if (verdict.verdict !== 'deny') return;
  assert.equal(verdict.rule, rule, verdict.message);
  assert.match(verdict.message, new RegExp(`rule "${rule.replace('.', '\\.')}"`));
  assert.match(verdict.message, remedy);
}

function assertAllowed(verdict: PolicyVerdict): void {
  assert.equal(verdict.verdict, 'allow', verdict.verdict === 'deny' ? verdict.message : '');
}

const create = (hostConfig: Record<string, unknown>, config: Record<string, unknown> = {}) => ({
  Image: 'busybox',
  ...config,
  HostConfig: hostConfig,
});

/** A policy letting operators bind-mount /srv/data (to test what else is still denied there). */
const SRV_DATA = parsePolicy('roles:\n  operator:\n    allowedBindPaths: [/srv/data]\n');
const CANNOT = /cannot allow this/;

interface DenialCase {
  readonly name: string;
  readonly op: string;
  readonly input: Input;
  readonly rule: string;
  /** What the message must say to change. */
  readonly remedy: RegExp;
}

const DENIALS: readonly DenialCase[] = [
  // 4.1 privileged, host paths through every route
  {
    name: 'Privileged',
    op: 'ContainerCreate',
    input: { body: create({ Privileged: true }) },
    rule: 'privileged',
    remedy: /set allowPrivileged: true/,
  },
  {
    name: 'Binds host root',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['/:/host'] }) },
    rule: 'host-path',
    remedy: /add "\/" .*allowedBindPaths/,
  },
  {
    name: 'Binds docker.sock',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro'] }) },
    rule: 'host-path',
    remedy: /"\/var\/run\/docker.sock"/,
  },
  {
    name: 'Binds /proc/1/root',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['/proc/1/root:/h'] }) },
    rule: 'host-path',
    remedy: /allowedBindPaths/,
  },
  {
    name: 'Binds `..` escaping an allowed prefix',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['/srv/data/../../etc:/x'] }), policy: SRV_DATA },
    rule: 'host-path',
    remedy: /host path \/etc/,
  },
  {
    name: 'Binds sibling prefix /srv/data2',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['/srv/data2:/x'] }), policy: SRV_DATA },
    rule: 'host-path',
    remedy: /\/srv\/data2/,
  },
  {
    name: 'Binds relative path',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['./data:/data'] }) },
    rule: 'host-path',
    remedy: /Instead, use "\/host\/path:\/container\/path" or "volume:\/container\/path"/,
  },
  {
    name: 'Binds Windows drive',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['C:\\Windows:C:\\host'] }) },
    rule: 'host-path',
    remedy: /Windows host path/,
  },
  {
    name: 'Binds rshared on an allowed path',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['/srv/data:/d:rshared'] }), policy: SRV_DATA },
    rule: 'bind-options',
    remedy: /allowUnsafeBindOptions/,
  },
  {
    name: 'Binds z relabel on an allowed path',
    op: 'ContainerCreate',
    input: { body: create({ Binds: ['/srv/data:/d:ro,Z'] }), policy: SRV_DATA },
    rule: 'bind-options',
    remedy: /allowUnsafeBindOptions/,
  },
  {
    name: 'Mounts type bind (Binds empty)',
    op: 'ContainerCreate',
    input: { body: create({ Binds: [], Mounts: [{ Type: 'bind', Source: '/etc', Target: '/x' }] }) },
    rule: 'host-path',
    remedy: /Mounts\[0\]\.Source.*\/etc/,
  },
  {
    name: 'Mounts bind Propagation rshared',
    op: 'ContainerCreate',
    input: {
      body: create({
        Mounts: [
          { Type: 'bind', Source: '/srv/data', Target: '/x', BindOptions: { Propagation: 'rshared' } },
        ],
      }),
      policy: SRV_DATA,
    },
    rule: 'bind-options',
    remedy: /allowUnsafeBindOptions/,
  },
  {
    name: 'Mounts volume with local o=bind device=/',
    op: 'ContainerCreate',
    input: {
      body: create({
        Mounts: [
          {
            Type: 'volume',
            Source: 'v',
            Target: '/x',
            VolumeOptions: {
              DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } },
            },
          },
        ],
      }),
    },
    rule: 'host-path',
    remedy: /o=bind/,
  },
  {
    name: 'Mounts volume with rbind and no driver name',
    op: 'ContainerCreate',
    input: {
      body: create({
        Mounts: [
          {
            Type: 'volume',
            Target: '/x',
            VolumeOptions: { DriverConfig: { Options: { o: 'ro,RBIND', device: '/etc' } } },
          },
        ],
      }),
    },
    rule: 'host-path',
    remedy: /\/etc/,
  },
  {
    name: 'Mounts volume on a block device',
    op: 'ContainerCreate',
    input: {
      body: create({
        Mounts: [
          {
            Type: 'volume',
            Target: '/x',
            VolumeOptions: {
              DriverConfig: { Name: 'local', Options: { type: 'ext4', device: '/dev/sda1' } },
            },
          },
        ],
      }),
    },
    rule: 'volume-options',
    remedy: /allowVolumeDeviceMounts/,
  },
  {
    name: 'Mounts volume of a third-party driver',
    op: 'ContainerCreate',
    input: {
      body: create({
        Mounts: [{ Type: 'volume', Target: '/x', VolumeOptions: { DriverConfig: { Name: 'vieux/sshfs' } } }],
      }),
    },
    rule: 'volume-driver',
    remedy: /"vieux\/sshfs" to allowedVolumeDrivers/,
  },
  {
    name: 'Mounts npipe',
    op: 'ContainerCreate',
    input: {
      body: create({
        Mounts: [
          { Type: 'npipe', Source: '\\\\.\\pipe\\docker_engine', Target: '\\\\.\\pipe\\docker_engine' },
        ],
      }),
    },
    rule: 'mount-type',
    remedy: /"npipe" to allowedMountTypes/,
  },
  {
    name: 'HostConfig.VolumeDriver third-party',
    op: 'ContainerCreate',
    input: { body: create({ VolumeDriver: 'rexray', Binds: ['vol:/v'] }) },
    rule: 'volume-driver',
    remedy: /allowedVolumeDrivers/,
  },
  {
    name: 'VolumesFrom another container',
    op: 'ContainerCreate',
    input: { body: create({ VolumesFrom: ['portainer:ro'] }) },
    rule: 'container-sharing',
    remedy: /allowContainerSharing/,
  },
  {
    name: 'Links to another container (its env)',
    op: 'ContainerCreate',
    input: { body: create({ Links: ['db:db'] }) },
    rule: 'container-sharing',
    remedy: /allowContainerSharing/,
  },
  {
    name: 'volume create: local driver binding a host path',
    op: 'VolumeCreate',
    input: { body: { Name: 'v', Driver: 'local', DriverOpts: { type: 'none', o: 'bind', device: '/etc' } } },
    rule: 'host-path',
    remedy: /\/etc/,
  },
  {
    name: 'volume create: NFS mount made by the daemon',
    op: 'VolumeCreate',
    input: { body: { Name: 'v', DriverOpts: { type: 'nfs', o: 'addr=169.254.169.254', device: ':/' } } },
    rule: 'volume-options',
    remedy: /allowVolumeDeviceMounts/,
  },
  {
    name: 'volume create: unknown local option',
    op: 'VolumeCreate',
    input: { body: { Name: 'v', DriverOpts: { Device: '/etc', o: 'bind' } } },
    rule: 'volume-options',
    remedy: /"Device"/,
  },
  {
    name: 'volume create: plugin driver',
    op: 'VolumeCreate',
    input: { body: { Name: 'v', Driver: 'rexray/ebs' } },
    rule: 'volume-driver',
    remedy: /allowedVolumeDrivers/,
  },
  {
    name: 'volume create: cluster volume',
    op: 'VolumeCreate',
    input: { body: { Name: 'v', ClusterVolumeSpec: { Group: 'g' } } },
    rule: 'mount-type',
    remedy: /"cluster"/,
  },
  // 4.1 namespaces (host, container:, API-version defaults)
  {
    name: 'NetworkMode host',
    op: 'ContainerCreate',
    input: { body: create({ NetworkMode: 'host' }) },
    rule: 'host-namespace',
    remedy: /"network" to allowHostNamespaces/,
  },
  {
    name: 'NetworkMode container:<id>',
    op: 'ContainerCreate',
    input: { body: create({ NetworkMode: 'container:4f1a' }) },
    rule: 'container-sharing',
    remedy: /scope: owner/,
  },
  {
    name: 'EndpointsConfig host (NetworkMode empty)',
    op: 'ContainerCreate',
    input: { body: { Image: 'busybox', NetworkingConfig: { EndpointsConfig: { host: {} } } } },
    rule: 'host-namespace',
    remedy: /allowHostNamespaces/,
  },
  {
    name: 'PidMode host',
    op: 'ContainerCreate',
    input: { body: create({ PidMode: 'host' }) },
    rule: 'host-namespace',
    remedy: /"pid"/,
  },
  {
    name: 'PidMode container:<id>',
    op: 'ContainerCreate',
    input: { body: create({ PidMode: 'container:db' }) },
    rule: 'container-sharing',
    remedy: /allowContainerSharing/,
  },
  {
    name: 'IpcMode host',
    op: 'ContainerCreate',
    input: { body: create({ IpcMode: 'host' }) },
    rule: 'host-namespace',
    remedy: /"ipc"/,
  },
  {
    name: 'IpcMode container:<id>',
    op: 'ContainerCreate',
    input: { body: create({ IpcMode: 'container:db' }) },
    rule: 'container-sharing',
    remedy: /allowContainerSharing/,
  },
  {
    name: 'UTSMode host',
    op: 'ContainerCreate',
    input: { body: create({ UTSMode: 'host' }) },
    rule: 'host-namespace',
    remedy: /"uts"/,
  },
  {
    name: 'UsernsMode host',
    op: 'ContainerCreate',
    input: { body: create({ UsernsMode: 'host' }) },
    rule: 'host-namespace',
    remedy: /"userns"/,
  },
  {
    name: 'CgroupnsMode host',
    op: 'ContainerCreate',
    input: { body: create({ CgroupnsMode: 'host' }) },
    rule: 'host-namespace',
    remedy: /"cgroupns"/,
  },
  {
    name: 'CgroupnsMode empty under API 1.40 (host by default)',
    op: 'ContainerCreate',
    input: { body: create({ CgroupnsMode: '' }), apiVersion: '1.40' },
    rule: 'host-namespace',
    remedy: /"cgroupns"/,
  },
  {
    name: 'PidMode of an unknown form',
    op: 'ContainerCreate',
    input: { body: create({ PidMode: 'host:1' }) },
    rule: 'host-namespace',
    remedy: /leave it empty/,
  },
  {
    name: 'Cgroup container:<id>',
    op: 'ContainerCreate',
    input: { body: create({ Cgroup: 'container:db' }) },
    rule: 'container-sharing',
    remedy: /allowContainerSharing/,
  },
  // capabilities, normalized as the daemon does
  {
    name: 'CapAdd SYS_ADMIN',
    op: 'ContainerCreate',
    input: { body: create({ CapAdd: ['SYS_ADMIN'] }) },
    rule: 'capabilities',
    remedy: /"CAP_SYS_ADMIN" to allowedCapabilities/,
  },
  {
    name: 'CapAdd sys_admin (lower case)',
    op: 'ContainerCreate',
    input: { body: create({ CapAdd: ['sys_admin'] }) },
    rule: 'capabilities',
    remedy: /"CAP_SYS_ADMIN"/,
  },
  {
    name: 'CapAdd CAP_SYS_PTRACE',
    op: 'ContainerCreate',
    input: { body: create({ CapAdd: ['CAP_SYS_PTRACE'] }) },
    rule: 'capabilities',
    remedy: /"CAP_SYS_PTRACE"/,
  },
  {
    name: 'CapAdd cap_dac_read_search (mixed prefix case)',
    op: 'ContainerCreate',
    input: { body: create({ CapAdd: ['Cap_Dac_Read_Search'] }) },
    rule: 'capabilities',
    remedy: /"CAP_DAC_READ_SEARCH"/,
  },
  {
    name: 'CapAdd ALL',
    op: 'ContainerCreate',
    input: { body: create({ CapAdd: ['all'] }) },
    rule: 'capabilities',
    remedy: /"ALL" to allowedCapabilities/,
  },
  {
    name: 'CapAdd with a Unicode fold (ſys_admin)',
    op: 'ContainerCreate',
    input: { body: create({ CapAdd: ['ſys_admin'] }) },
    rule: 'capabilities',
    remedy: CANNOT,
  },
  {
    name: 'legacy HostConfig.Capabilities',
    op: 'ContainerCreate',
    input: { body: create({ Capabilities: ['CAP_CHOWN'] }) },
    rule: 'capabilities',
    remedy: /"ALL" to allowedCapabilities/,
  },
  // security options, every spelling
  {
    name: 'SecurityOpt seccomp=unconfined',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['seccomp=unconfined'] }) },
    rule: 'security-opt',
    remedy: /"seccomp=unconfined" to allowedSecurityOptions/,
  },
  {
    name: 'SecurityOpt seccomp:unconfined (deprecated separator)',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['seccomp:unconfined'] }) },
    rule: 'security-opt',
    remedy: /"seccomp=unconfined"/,
  },
  {
    name: 'SecurityOpt inline seccomp profile',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] }) },
    rule: 'security-opt',
    remedy: /replaces the seccomp profile/,
  },
  {
    name: 'SecurityOpt apparmor=unconfined',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['apparmor=unconfined'] }) },
    rule: 'security-opt',
    remedy: /AppArmor off/,
  },
  {
    name: 'SecurityOpt label:disable',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['label:disable'] }) },
    rule: 'security-opt',
    remedy: /"label=disable"/,
  },
  {
    name: 'SecurityOpt bare disable',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['disable'] }) },
    rule: 'security-opt',
    remedy: /"label=disable"/,
  },
  {
    name: 'SecurityOpt label=type:spc_t',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['label=type:spc_t'] }) },
    rule: 'security-opt',
    remedy: /"label=type:spc_t"/,
  },
  {
    name: 'SecurityOpt no-new-privileges=false',
    op: 'ContainerCreate',
    input: { body: create({ SecurityOpt: ['no-new-privileges=F'] }) },
    rule: 'security-opt',
    remedy: /"no-new-privileges=false"/,
  },
  {
    name: 'MaskedPaths emptied',
    op: 'ContainerCreate',
    input: { body: create({ MaskedPaths: [] }) },
    rule: 'masked-paths',
    remedy: /allowUnmaskedPaths/,
  },
  {
    name: 'ReadonlyPaths emptied',
    op: 'ContainerCreate',
    input: { body: create({ ReadonlyPaths: [] }) },
    rule: 'masked-paths',
    remedy: /allowUnmaskedPaths/,
  },
  // devices, sysctls, log drivers, runtime, cgroups
  {
    name: 'Devices /dev/sda',
    op: 'ContainerCreate',
    input: {
      body: create({
        Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }],
      }),
    },
    rule: 'devices',
    remedy: /"\/dev\/sda" to allowedDevices/,
  },
  {
    name: 'DeviceCgroupRules a *:* rwm',
    op: 'ContainerCreate',
    input: { body: create({ DeviceCgroupRules: ['b *:* rwm'] }) },
    rule: 'device-cgroup-rules',
    remedy: /allowDeviceCgroupRules/,
  },
  {
    name: 'DeviceRequests CDI',
    op: 'ContainerCreate',
    input: { body: create({ DeviceRequests: [{ Driver: 'cdi', DeviceIDs: ['vendor.com/gpu=all'] }] }) },
    rule: 'device-requests',
    remedy: /allowDeviceRequests/,
  },
  {
    name: 'Sysctls kernel.core_pattern',
    op: 'ContainerCreate',
    input: { body: create({ Sysctls: { 'kernel.core_pattern': '|/tmp/x' } }) },
    rule: 'sysctls',
    remedy: /"kernel.core_pattern" to allowedSysctls/,
  },
  {
    name: 'Sysctls kernel/core_pattern (slash form)',
    op: 'ContainerCreate',
    input: { body: create({ Sysctls: { 'kernel/core_pattern': '|/tmp/x' } }) },
    rule: 'sysctls',
    remedy: /"kernel.core_pattern"/,
  },
  {
    name: 'Sysctls net.ipv4.ip_forward (not in the safe set)',
    op: 'ContainerCreate',
    input: { body: create({ Sysctls: { 'net.ipv4.ip_forward': '1' } }) },
    rule: 'sysctls',
    remedy: /allowedSysctls/,
  },
  {
    name: 'LogConfig gelf',
    op: 'ContainerCreate',
    input: {
      body: create({
        LogConfig: { Type: 'gelf', Config: { 'gelf-address': 'udp://169.254.169.254:12201' } },
      }),
    },
    rule: 'log-driver',
    remedy: /"gelf" to allowedLogDrivers/,
  },
  {
    name: 'LogConfig syslog',
    op: 'ContainerCreate',
    input: { body: create({ LogConfig: { Type: 'syslog' } }) },
    rule: 'log-driver',
    remedy: /"syslog"/,
  },
  {
    name: 'Runtime not allowlisted',
    op: 'ContainerCreate',
    input: { body: create({ Runtime: 'nvidia' }) },
    rule: 'runtime',
    remedy: /"nvidia" to allowedRuntimes/,
  },
  {
    name: 'Annotations',
    op: 'ContainerCreate',
    input: { body: create({ Annotations: { 'cdi.k8s.io/x': 'vendor.com/gpu=all' } }) },
    rule: 'annotations',
    remedy: /allowAnnotations/,
  },
  {
    name: 'CgroupParent',
    op: 'ContainerCreate',
    input: { body: create({ CgroupParent: '/' }) },
    rule: 'cgroup-parent',
    remedy: /allowCgroupParent/,
  },
  // top-level Config fields, name, labels
  {
    name: 'WorkingDir /proc/self/fd/8',
    op: 'ContainerCreate',
    input: { body: create({}, { WorkingDir: '/proc/self/fd/8' }) },
    rule: 'workdir',
    remedy: /CVE-2024-21626/,
  },
  {
    name: 'forged owner label',
    op: 'ContainerCreate',
    input: { body: create({}, { Labels: { [OWNER_LABEL]: 'someone-else' } }) },
    rule: 'labels.reserved',
    remedy: /allowReservedLabels: true.*Instead, remove the label/,
  },
  {
    name: 'hex-only name shadowing an ID prefix',
    op: 'ContainerCreate',
    input: { body: create({}), query: { name: 'deadbeef' } },
    rule: 'name.id-like',
    remedy: /allowIdLikeNames/,
  },
  {
    name: 'container update adding a device',
    op: 'ContainerUpdate',
    input: { params: { id: 'c1' }, body: { Devices: [{ PathOnHost: '/dev/mem' }] } },
    rule: 'devices',
    remedy: /allowedDevices/,
  },
  {
    name: 'start with checkpoint-dir (host path)',
    op: 'ContainerStart',
    input: { params: { id: 'c1' }, query: { 'checkpoint-dir': '/etc' } },
    rule: 'host-path',
    remedy: /checkpoint-dir/,
  },
  // 4.2 exec
  {
    name: 'exec Privileged',
    op: 'ContainerExec',
    input: { params: { id: 'c1' }, body: { Cmd: ['sh'], Privileged: true } },
    rule: 'exec.privileged',
    remedy: /allowExecPrivileged/,
  },
  {
    name: 'exec User root',
    op: 'ContainerExec',
    input: { params: { id: 'c1' }, body: { Cmd: ['sh'], User: 'root' } },
    rule: 'exec.user',
    remedy: /allowExecRootUser/,
  },
  {
    name: 'exec User 0:0',
    op: 'ContainerExec',
    input: { params: { id: 'c1' }, body: { Cmd: ['sh'], User: '0:0' } },
    rule: 'exec.user',
    remedy: /allowExecRootUser/,
  },
  {
    name: 'exec User +0 (Atoi reads uid 0)',
    op: 'ContainerExec',
    input: { params: { id: 'c1' }, body: { Cmd: ['sh'], User: '+0' } },
    rule: 'exec.user',
    remedy: /allowExecRootUser/,
  },
  {
    name: 'exec WorkingDir under /proc',
    op: 'ContainerExec',
    input: { params: { id: 'c1' }, body: { Cmd: ['sh'], WorkingDir: '/proc/self/cwd' } },
    rule: 'workdir',
    remedy: /allowProcWorkingDir/,
  },
  // 4.2 services, create and update
  {
    name: 'service create: bind mount',
    op: 'ServiceCreate',
    input: {
      body: {
        TaskTemplate: {
          ContainerSpec: { Image: 'busybox', Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] },
        },
      },
    },
    rule: 'host-path',
    remedy: /TaskTemplate\.ContainerSpec\.Mounts\[0\]/,
  },
  {
    name: 'service update: adding a bind mount',
    op: 'ServiceUpdate',
    input: {
      params: { id: 's1' },
      query: { version: '3' },
      body: {
        Name: 'web',
        TaskTemplate: {
          ContainerSpec: {
            Image: 'busybox',
            Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/s' }],
          },
        },
      },
    },
    rule: 'host-path',
    remedy: /docker\.sock/,
  },
  {
    name: 'service: volume driver options binding a host path',
    op: 'ServiceCreate',
    input: {
      body: {
        TaskTemplate: {
          ContainerSpec: {
            Image: 'busybox',
            Mounts: [
              {
                Type: 'volume',
                Target: '/x',
                VolumeOptions: { DriverConfig: { Options: { o: 'bind', device: '/root' } } },
              },
            ],
          },
        },
      },
    },
    rule: 'host-path',
    remedy: /\/root/,
  },
  {
    name: 'service: Seccomp unconfined',
    op: 'ServiceCreate',
    input: {
      body: {
        TaskTemplate: {
          ContainerSpec: { Image: 'busybox', Privileges: { Seccomp: { Mode: 'unconfined' } } },
        },
      },
    },
    rule: 'security-opt',
    remedy: /seccomp=unconfined/,
  },
  {
    name: 'service: AppArmor disabled',
    op: 'ServiceCreate',
    input: {
      body: {
        TaskTemplate: { ContainerSpec: { Image: 'busybox', Privileges: { AppArmor: { Mode: 'disabled' } } } },
      },
    },
    rule: 'security-opt',
    remedy: /apparmor=unconfined/,
  },
  {
    name: 'service: SELinux disabled',
    op: 'ServiceCreate',
    input: {
      body: {
        TaskTemplate: {
          ContainerSpec: { Image: 'busybox', Privileges: { SELinuxContext: { Disable: true } } },
        },
      },
    },
    rule: 'security-opt',
    remedy: /label=disable/,
  },
  {
    name: 'service: CapabilityAdd cap_sys_admin',
    op: 'ServiceCreate',
    input: {
      body: { TaskTemplate: { ContainerSpec: { Image: 'busybox', CapabilityAdd: ['cap_sys_admin'] } } },
    },
    rule: 'capabilities',
    remedy: /CAP_SYS_ADMIN/,
  },
  {
    name: 'service: Sysctls kernel.*',
    op: 'ServiceCreate',
    input: {
      body: {
        TaskTemplate: { ContainerSpec: { Image: 'busybox', Sysctls: { 'kernel.modprobe': '/tmp/x' } } },
      },
    },
    rule: 'sysctls',
    remedy: /kernel\.modprobe/,
  },
  {
    name: 'service: host network',
    op: 'ServiceCreate',
    input: {
      body: { TaskTemplate: { ContainerSpec: { Image: 'busybox' }, Networks: [{ Target: 'host' }] } },
    },
    rule: 'host-namespace',
    remedy: /"network"/,
  },
  {
    name: 'service: LogDriver gelf',
    op: 'ServiceCreate',
    input: { body: { TaskTemplate: { ContainerSpec: { Image: 'busybox' }, LogDriver: { Name: 'gelf' } } } },
    rule: 'log-driver',
    remedy: /"gelf"/,
  },
  {
    name: 'service: plugin runtime',
    op: 'ServiceCreate',
    input: {
      body: { TaskTemplate: { Runtime: 'plugin', PluginSpec: { Name: 'x', Remote: 'evil/plugin' } } },
    },
    rule: 'plugins',
    remedy: CANNOT,
  },
  {
    name: 'service: forged owner label on its containers',
    op: 'ServiceCreate',
    input: {
      body: { TaskTemplate: { ContainerSpec: { Image: 'busybox', Labels: { 'io.gantry.owner': 'x' } } } },
    },
    rule: 'labels.reserved',
    remedy: /Instead, remove the label/,
  },
  // 4.2 plugins: admin-only, whatever the document says for others
  {
    name: 'plugin pull (install)',
    op: 'PluginPull',
    input: { query: { remote: 'vieux/sshfs' }, body: [{ Name: 'mount', Value: ['/'] }] },
    rule: 'plugins',
    remedy: CANNOT,
  },
  {
    name: 'plugin enable',
    op: 'PluginEnable',
    input: { params: { name: 'vieux/sshfs' } },
    rule: 'plugins',
    remedy: CANNOT,
  },
  {
    name: 'plugin disable (authz kill switch)',
    op: 'PluginDisable',
    input: { params: { name: 'authz' } },
    rule: 'plugins',
    remedy: CANNOT,
  },
  {
    name: 'plugin set mount.source=/',
    op: 'PluginSet',
    input: { params: { name: 'p' }, body: ['mount.source=/'] },
    rule: 'plugins',
    remedy: CANNOT,
  },
  {
    name: 'plugin create',
    op: 'PluginCreate',
    input: { query: { name: 'p' } },
    rule: 'plugins',
    remedy: CANNOT,
  },
  {
    name: 'admin restricted by the document: plugin upgrade',
    op: 'PluginUpgrade',
    input: {
      principal: ADMIN,
      params: { name: 'p' },
      policy: parsePolicy('{"roles":{"admin":{"allowPlugins":false}}}'),
    },
    rule: 'plugins',
    remedy: /set allowPlugins: true in the gateway policy document \(roles\.admin or tokens\.tok_ci\)/,
  },
  {
    name: 'secret with a driver plugin',
    op: 'SecretCreate',
    input: { body: { Name: 's', Driver: { Name: 'vault' } } },
    rule: 'plugins',
    remedy: CANNOT,
  },
  // 4.2 builds, imports, registries, BuildKit
  {
    name: 'build with a remote URL context',
    op: 'ImageBuild',
    input: { query: { remote: 'http://169.254.169.254/latest/' } },
    rule: 'build.remote-context',
    remedy: /allowBuildRemoteContext/,
  },
  {
    name: 'build with a git context',
    op: 'ImageBuild',
    input: { query: { remote: 'git@github.com:x/y.git' } },
    rule: 'build.remote-context',
    remedy: /allowBuildRemoteContext/,
  },
  {
    name: 'build networkmode=host',
    op: 'ImageBuild',
    input: { query: { networkmode: 'host' } },
    rule: 'host-namespace',
    remedy: /"network"/,
  },
  {
    name: 'build dockerfile outside the context',
    op: 'ImageBuild',
    input: { query: { dockerfile: '../../etc/passwd' } },
    rule: 'build.dockerfile',
    remedy: /inside the context/,
  },
  {
    name: 'build version=2 (BuildKit)',
    op: 'ImageBuild',
    input: { query: { version: '2', remote: 'client-session' } },
    rule: 'buildkit',
    remedy: /allowBuildKit/,
  },
  {
    name: 'build labels forging the owner',
    op: 'ImageBuild',
    input: { query: { labels: '{"io.gantry.owner":"x"}' } },
    rule: 'labels.reserved',
    remedy: /Instead, remove the label/,
  },
  { name: '/session (BuildKit)', op: 'Session', input: {}, rule: 'buildkit', remedy: /allowBuildKit/ },
  {
    name: 'image import from URL',
    op: 'ImageCreate',
    input: { query: { fromSrc: 'http://10.0.0.1/secret.tar', repo: 'x' } },
    rule: 'images.import-url',
    remedy: /fromSrc=-/,
  },
  {
    name: 'pull from a registry not allowed',
    op: 'ImageCreate',
    input: {
      query: { fromImage: 'evil.example:5000/x', tag: 'latest' },
      policy: parsePolicy('defaults: { allowedRegistries: [docker.io] }'),
    },
    rule: 'registry',
    remedy: /"evil.example:5000" to allowedRegistries/,
  },
  {
    name: 'push to a registry not allowed',
    op: 'ImagePush',
    input: {
      params: { name: 'Evil.example/team/app' },
      policy: parsePolicy('defaults: { allowedRegistries: [docker.io] }'),
    },
    rule: 'registry',
    remedy: /evil\.example/,
  },
  {
    name: 'docker login to a registry not allowed',
    op: 'SystemAuth',
    input: {
      body: { ServerAddress: 'https://evil.example/v1/' },
      policy: parsePolicy('defaults: { allowedRegistries: [docker.io] }'),
    },
    rule: 'registry',
    remedy: /evil\.example/,
  },
  // 4.2 networks, swarm
  {
    name: 'network create macvlan',
    op: 'NetworkCreate',
    input: { body: { Name: 'lan', Driver: 'macvlan', Options: { parent: 'eth0' } } },
    rule: 'network-driver',
    remedy: /"macvlan" to allowedNetworkDrivers/,
  },
  {
    name: 'network connect to host',
    op: 'NetworkConnect',
    input: { params: { id: 'host' }, body: { Container: 'c1' } },
    rule: 'host-namespace',
    remedy: /"network"/,
  },
  {
    name: 'swarm join',
    op: 'SwarmJoin',
    input: { body: { RemoteAddrs: ['attacker:2377'], JoinToken: 'x' } },
    rule: 'swarm',
    remedy: /allowSwarmManagement/,
  },
  {
    name: 'node promoted to manager',
    op: 'NodeUpdate',
    input: { params: { id: 'n1' }, query: { version: '1' }, body: { Role: 'manager' } },
    rule: 'swarm',
    remedy: /allowSwarmManagement/,
  },
  {
    name: 'swarm inspect (join tokens)',
    op: 'SwarmInspect',
    input: {},
    rule: 'swarm',
    remedy: /allowSwarmManagement/,
  },
];

describe('denials (security-guide.md sections 4 and 5)', () => {
  test(`at least 40 denial cases, each with a distinct name (${DENIALS.length})`, () => {
    assert.ok(DENIALS.length >= 40);
    assert.equal(new Set(DENIALS.map((denial) => denial.name)).size, DENIALS.length);
  });
  for (const denial of DENIALS) {
    test(`${denial.op}: ${denial.name} -> ${denial.rule}`, () => {
      assertDenied(judge(denial.op, denial.input), denial.rule, denial.remedy);
    });
  }
});

describe('permission, unmodelled operations, body types, scope', () => {
  test('a viewer cannot create containers; a token without the engine cannot list', () => {
    assertDenied(
      judge('ContainerCreate', { body: create({}), principal: principalOf('viewer') }),
      'permission',
      /containers\.create/,
    );
    assertDenied(
      judge('ContainerList', { principal: principalOf('operator', { engines: new Set(['other']) }) }),
      'permission',
      /engine "local"/,
    );
  });

  test('an operation the gateway has no rule for is denied', () => {
    const grpc: GatewayOperation = {
      id: 'Grpc',
      method: 'POST',
      pattern: '/grpc',
      minVersion: '1.41',
      query: {},
      body: 'raw',
    };
    assertDenied(judge2(grpc), 'operation.unmodelled', /POST \/grpc/);
  });

  test('a field of the wrong JSON type is a 400, not a guess', () => {
    const verdict = judge('ContainerCreate', { body: create({ Privileged: 'true' }) });
    assertDenied(verdict, 'body.type', /HostConfig\.Privileged must be a boolean/);
    assert.equal(verdict.verdict === 'deny' && verdict.status, 400);
    assertDenied(
      judge('ContainerCreate', { body: create({ Binds: '/:/h' }) }),
      'body.type',
      /Binds must be an array/,
    );
    assertDenied(judge('ContainerCreate', { body: [] }), 'body.type', /request body must be an object/);
  });

  test('owner scope: operations over every owner are denied', () => {
    const policy = parsePolicy('tokens: { tok_ci: { scope: owner } }');
    assertDenied(judge('SystemDataUsage', { policy }), 'scope.unscoped', /scope: all/);
    assertDenied(judge('BuildPrune', { policy }), 'scope.unscoped', /scope: all/);
  });

  test('every operation of the route table has a rule and a permission (no silent allow, no gap)', () => {
    for (const candidate of GATEWAY_OPERATIONS) {
      const verdict = evaluate(
        {
          operation: candidate,
          params: { id: 'x', name: 'x' },
          query: new URLSearchParams(),
          body: undefined,
          principal: ADMIN,
          engineId: 'local',
        },
        DEFAULT_POLICY,
      );
      assert.equal(
        verdict.verdict,
        'allow',
        `${candidate.id}: ${verdict.verdict === 'deny' ? verdict.message : ''}`,
      );
    }
  });
});

function judge2(candidate: GatewayOperation): PolicyVerdict {
  return evaluate(
    {
      operation: candidate,
      params: {},
      query: new URLSearchParams(),
      body: undefined,
      principal: ADMIN,
      engineId: 'local',
    },
    DEFAULT_POLICY,
  );
}

describe('allowed traffic', () => {
  test('a plain busybox run with a named volume, ports and env', () => {
    assertAllowed(
      judge('ContainerCreate', {
        query: { name: 'web-1' },
        body: {
          Image: 'busybox:latest',
          Cmd: ['httpd', '-f', '-p', '8080'],
          Env: ['MODE=test'],
          ExposedPorts: { '8080/tcp': {} },
          Labels: { 'io.gantry.test': '1' },
          Volumes: { '/cache': {} },
          HostConfig: {
            Binds: ['data:/data', '/anonymous', '/scratch:ro'],
            PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] },
            RestartPolicy: { Name: 'unless-stopped' },
            LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
            Mounts: [
              { Type: 'volume', Source: 'cache', Target: '/c' },
              { Type: 'tmpfs', Target: '/run' },
              {
                Type: 'volume',
                Target: '/t',
                VolumeOptions: {
                  DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs', o: 'size=10m' } },
                },
              },
            ],
            Tmpfs: { '/tmp': 'rw,size=64m' },
            CapAdd: ['NET_BIND_SERVICE', 'cap_chown'],
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges', 'no-new-privileges:true', 'seccomp=builtin'],
            Sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
            Memory: 64 * 1024 * 1024,
          },
          NetworkingConfig: { EndpointsConfig: { bridge: {} } },
        },
      }),
    );
  });

  test('the body the docker CLI sends for `docker run busybox` (empty modes, nulls)', () => {
    assertAllowed(
      judge('ContainerCreate', {
        body: {
          Hostname: '',
          User: '',
          Image: 'busybox',
          Cmd: null,
          Volumes: {},
          WorkingDir: '',
          Entrypoint: null,
          Labels: {},
          HostConfig: {
            Binds: null,
            ContainerIDFile: '',
            LogConfig: { Type: '', Config: {} },
            NetworkMode: 'default',
            PortBindings: {},
            RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
            AutoRemove: false,
            VolumeDriver: '',
            VolumesFrom: null,
            ConsoleSize: [24, 80],
            CapAdd: null,
            CapDrop: null,
            CgroupnsMode: '',
            Dns: [],
            GroupAdd: null,
            IpcMode: '',
            Cgroup: '',
            Links: null,
            OomScoreAdj: 0,
            PidMode: '',
            Privileged: false,
            PublishAllPorts: false,
            ReadonlyRootfs: false,
            SecurityOpt: null,
            UTSMode: '',
            UsernsMode: '',
            ShmSize: 0,
            Isolation: '',
            CgroupParent: '',
            Devices: [],
            DeviceCgroupRules: null,
            DeviceRequests: null,
            MaskedPaths: null,
            ReadonlyPaths: null,
            Mounts: null,
            Annotations: null,
            Runtime: '',
          },
          NetworkingConfig: { EndpointsConfig: {} },
        },
      }),
    );
  });

  test('what the document allows: a bind below an allowed prefix, a listed capability and log driver', () => {
    const policy = parsePolicy(
      [
        'roles:',
        '  operator:',
        '    allowedBindPaths: [/srv/data/]',
        '    allowedCapabilities: [net_admin]',
        '    allowedLogDrivers: [json-file, syslog]',
        '    allowHostNamespaces: [network]',
      ].join('\n'),
    );
    assertAllowed(
      judge('ContainerCreate', {
        policy,
        body: create({
          Binds: ['/srv/data/app:/app:ro', '/srv//data/./x:/x'],
          Mounts: [{ Type: 'bind', Source: '/srv/data', Target: '/d' }],
          CapAdd: ['CAP_NET_ADMIN'],
          LogConfig: { Type: 'syslog' },
          NetworkMode: 'host',
        }),
      }),
    );
    assertAllowed(
      judge('VolumeCreate', {
        policy,
        body: { Name: 'v', DriverOpts: { type: 'none', o: 'bind', device: '/srv/data/v' } },
      }),
    );
  });

  test('exec as the default or a non-root user; services, volumes, networks, builds, pulls', () => {
    assertAllowed(
      judge('ContainerExec', { params: { id: 'c1' }, body: { Cmd: ['ls'], AttachStdout: true } }),
    );
    assertAllowed(judge('ContainerExec', { params: { id: 'c1' }, body: { Cmd: ['ls'], User: '1000:1000' } }));
    assertAllowed(
      judge('ServiceCreate', {
        body: {
          Name: 'web',
          Labels: { app: 'web' },
          TaskTemplate: {
            ContainerSpec: {
              Image: 'busybox',
              Mounts: [{ Type: 'volume', Source: 'data', Target: '/data' }],
            },
            Networks: [{ Target: 'backend' }],
            LogDriver: { Name: 'json-file' },
          },
          Mode: { Replicated: { Replicas: 2 } },
        },
      }),
    );
    assertAllowed(
      judge('VolumeCreate', { body: { Name: 'data', Driver: 'local', DriverOpts: {}, Labels: {} } }),
    );
    assertAllowed(judge('VolumeCreate', { body: undefined }));
    assertAllowed(judge('NetworkCreate', { body: { Name: 'backend', Driver: 'bridge' } }));
    assertAllowed(
      judge('ImageBuild', { query: { t: 'app:1', dockerfile: 'docker/Dockerfile', labels: '{"a":"b"}' } }),
    );
    assertAllowed(judge('ImageCreate', { query: { fromImage: 'busybox', tag: 'latest' } }));
    assertAllowed(judge('ImageCreate', { query: { fromSrc: '-', repo: 'imported' } }));
    assertAllowed(
      judge('SystemAuth', {
        body: { ServerAddress: 'https://index.docker.io/v1/' },
        policy: parsePolicy('defaults: { allowedRegistries: [docker.io] }'),
      }),
    );
    assertAllowed(judge('ContainerList', { query: { all: '1' } }));
  });

  test('owner-scoped tokens may share namespaces and volumes (the listener checks they own the target)', () => {
    const policy = parsePolicy('tokens: { tok_ci: { scope: owner } }');
    const verdict = judge('ContainerCreate', {
      policy,
      body: create({ NetworkMode: 'container:mine', VolumesFrom: ['mine'] }),
    });
    assert.deepEqual(verdict, { verdict: 'allow', scope: 'owner' });
  });

  test('admins are allowed everything unless the document restricts them', () => {
    assertAllowed(
      judge('ContainerCreate', {
        principal: ADMIN,
        body: create({ Privileged: true, Binds: ['/:/host'], PidMode: 'host' }),
      }),
    );
    assertAllowed(judge('PluginPull', { principal: ADMIN, query: { remote: 'vieux/sshfs' } }));
    const restricted = parsePolicy('roles: { admin: { allowPrivileged: false } }');
    assertDenied(
      judge('ContainerCreate', { principal: ADMIN, policy: restricted, body: create({ Privileged: true }) }),
      'privileged',
      /roles\.admin/,
    );
  });
});

describe('policy documents', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-policy-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const problemOf = (text: string): string => {
    try {
      parsePolicy(text, 'test.yaml');
    } catch (error) {
      assert.ok(error instanceof PolicyDocumentError, String(error));
      return error.message;
    }
    assert.fail('the document was accepted');
  };

  test('values are normalized as requests are (capabilities, paths, sysctls, security options)', () => {
    const policy = parsePolicy(
      'roles:\n  operator:\n    allowedCapabilities: [sys_time, CAP_NET_ADMIN]\n    allowedBindPaths: ["/srv//data/../shared/"]\n    allowedSysctls: [net/ipv4/*]\n    allowedSecurityOptions: ["label:disable"]\n',
    );
    const rules = rulesFor(policy, OPERATOR);
    assert.deepEqual(rules.allowedCapabilities, ['CAP_SYS_TIME', 'CAP_NET_ADMIN']);
    assert.deepEqual(rules.allowedBindPaths, ['/srv/shared']);
    assert.deepEqual(rules.allowedSysctls, ['net.ipv4.*']);
    assert.deepEqual(rules.allowedSecurityOptions, ['label=disable']);
  });

  test('layers: built-in, defaults (non-admins), role, token', () => {
    const policy = parsePolicy(
      JSON.stringify({
        defaults: { allowPrivileged: true, allowedLogDrivers: ['journald'] },
        roles: { operator: { allowedLogDrivers: ['syslog'] } },
        tokens: { tok_ci: { scope: 'owner' } },
      }),
    );
    const token = rulesFor(policy, OPERATOR);
    assert.equal(token.allowPrivileged, true);
    assert.deepEqual(token.allowedLogDrivers, ['syslog']);
    assert.equal(token.scope, 'owner');
    assert.equal(rulesFor(policy, { ...OPERATOR, kind: 'user', id: 'tok_ci' }).scope, 'all');
    assert.equal(rulesFor(policy, principalOf('viewer', { id: 'other' })).allowedLogDrivers[0], 'journald');
    // defaults never reach admins
    assert.deepEqual(rulesFor(policy, ADMIN).allowedLogDrivers, ['*']);
  });

  test('errors name the path in the document and what is allowed', () => {
    assert.match(
      problemOf('roles:\n  operator:\n    allowPrivilegd: true\n'),
      /policy\.roles\.operator: .*allowPrivilegd/,
    );
    assert.match(problemOf('defaults:\n  allowPrivileged: "yes"\n'), /policy\.defaults\.allowPrivileged: /);
    assert.match(
      problemOf('roles:\n  operator:\n    allowedBindPaths: [srv/data]\n'),
      /policy\.roles\.operator\.allowedBindPaths\[0\]: must be an absolute host path/,
    );
    assert.match(
      problemOf('defaults: { allowedCapabilities: ["sys admin"] }'),
      /allowedCapabilities\[0\]: must be a capability/,
    );
    assert.match(problemOf('defaults: { allowHostNamespaces: [mnt] }'), /allowHostNamespaces\[0\]/);
    assert.match(problemOf('defaults: { scope: mine }'), /policy\.defaults\.scope/);
    assert.match(problemOf('version: 2'), /policy\.version/);
    assert.match(problemOf('defaults: { allowed: [ }'), /not valid JSON or YAML/);
    assert.match(problemOf('roles: {}\nroles: {}\n'), /not valid JSON or YAML/);
  });

  test('plugin management cannot be granted to non-admins', () => {
    assert.match(
      problemOf('defaults: { allowPlugins: true }'),
      /policy\.defaults\.allowPlugins: plugin management is admin-only/,
    );
    assert.match(
      problemOf('roles: { operator: { allowPlugins: true } }'),
      /policy\.roles\.operator\.allowPlugins/,
    );
    parsePolicy('roles: { admin: { allowPlugins: true } }');
    // a token of a non-admin role set so still cannot manage plugins
    const policy = parsePolicy('tokens: { tok_ci: { allowPlugins: true } }');
    assertDenied(judge('PluginEnable', { params: { name: 'p' }, policy }), 'plugins', CANNOT);
  });

  test('files: read and validated, errors name the file', () => {
    const path = join(scratch, 'policy.yaml');
    writeFileSync(path, 'defaults:\n  allowedBindPaths: [/srv]\n');
    assert.deepEqual(loadPolicyFile(path).defaults?.allowedBindPaths, ['/srv']);
    assert.throws(
      () => loadPolicyFile(join(scratch, 'missing.yaml')),
      /missing\.yaml[\s\S]*cannot read the file/,
    );
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, '{"defaults":{"allowedSysctls":[1]}}');
    assert.throws(() => loadPolicyFile(bad), /bad\.json[\s\S]*policy\.defaults\.allowedSysctls\[0\]/);
  });
});

describe('owner scope', () => {
  const owner = 'tok_ci';

  test('stampOwner labels what is created, keeping the client labels', () => {
    const container = stampOwner(
      operation('ContainerCreate'),
      { body: create({}, { Labels: { a: 'b' } }), query: new URLSearchParams() },
      owner,
    );
    assert.deepEqual((container.body as { Labels: unknown }).Labels, { a: 'b', [OWNER_LABEL]: owner });
    const volume = stampOwner(
      operation('VolumeCreate'),
      { body: undefined, query: new URLSearchParams() },
      owner,
    );
    assert.deepEqual(volume.body, { Labels: { [OWNER_LABEL]: owner } });
    for (const id of ['ServiceCreate', 'ServiceUpdate']) {
      const service = stampOwner(
        operation(id),
        {
          body: { Name: 's', TaskTemplate: { ContainerSpec: { Image: 'busybox' } } },
          query: new URLSearchParams(),
        },
        owner,
      );
      const body = service.body as {
        Labels: unknown;
        TaskTemplate: { ContainerSpec: { Labels: unknown; Image: string } };
      };
      assert.deepEqual(body.Labels, { [OWNER_LABEL]: owner });
      assert.deepEqual(body.TaskTemplate.ContainerSpec, {
        Image: 'busybox',
        Labels: { [OWNER_LABEL]: owner },
      });
    }
    const build = stampOwner(
      operation('ImageBuild'),
      { body: undefined, query: new URLSearchParams({ t: 'x', labels: '{"a":"b"}' }) },
      owner,
    );
    assert.deepEqual(JSON.parse(build.query.get('labels') ?? ''), { a: 'b', [OWNER_LABEL]: owner });
    assert.equal(build.query.get('t'), 'x');
    const start = stampOwner(
      operation('ContainerStart'),
      { body: undefined, query: new URLSearchParams() },
      owner,
    );
    assert.equal(start.body, undefined);
  });

  test('scopeListQuery adds the owner label filter to lists, prunes and events', () => {
    const empty = scopeListQuery(operation('ContainerList'), new URLSearchParams({ all: '1' }), owner);
    assert.ok(empty.ok);
    assert.equal(empty.query.get('all'), '1');
    assert.deepEqual(JSON.parse(empty.query.get('filters') ?? ''), {
      label: { [`${OWNER_LABEL}=${owner}`]: true },
    });
    const merged = scopeListQuery(
      operation('SystemEvents'),
      new URLSearchParams({ filters: '{"type":["container"],"label":{"app=web":true}}' }),
      owner,
    );
    assert.ok(merged.ok);
    assert.deepEqual(JSON.parse(merged.query.get('filters') ?? ''), {
      type: { container: true },
      label: { 'app=web': true, [`${OWNER_LABEL}=${owner}`]: true },
    });
    const prune = scopeListQuery(operation('VolumePrune'), new URLSearchParams(), owner);
    assert.ok(prune.ok && prune.query.has('filters'));
    const inspect = new URLSearchParams({ size: '1' });
    const untouched = scopeListQuery(operation('ContainerInspect'), inspect, owner);
    assert.ok(untouched.ok && untouched.query === inspect);
  });

  test('scopeListQuery refuses filters that name the owner label or cannot be read like the daemon', () => {
    for (const filters of [
      `{"label":{"${OWNER_LABEL}=someone":true}}`,
      `{"label!":["${OWNER_LABEL}"]}`,
      '{"label":',
      '["label"]',
      '{"label":{"a":"yes"}}',
      '{"label":[1]}',
    ]) {
      const result = scopeListQuery(operation('ContainerList'), new URLSearchParams({ filters }), owner);
      assert.equal(result.ok, false, filters);
      if (!result.ok) {
        assert.equal(result.rule, 'scope.filters');
        assert.match(result.message, /rule "scope\.filters"/);
      }
    }
  });

  test('needsOwnerCheck: the object an id-addressed operation acts on', () => {
    assert.deepEqual(needsOwnerCheck(operation('ContainerLogs')), {
      kind: 'container',
      from: 'param',
      key: 'id',
    });
    assert.deepEqual(needsOwnerCheck(operation('ExecStart')), { kind: 'exec', from: 'param', key: 'id' });
    assert.deepEqual(needsOwnerCheck(operation('VolumeInspect')), {
      kind: 'volume',
      from: 'param',
      key: 'name',
    });
    assert.deepEqual(needsOwnerCheck(operation('ImageCommit')), {
      kind: 'container',
      from: 'query',
      key: 'container',
    });
    for (const id of [
      'ContainerExec',
      'ContainerAttach',
      'ContainerArchive',
      'PutContainerArchive',
      'ContainerExport',
      'ContainerTop',
      'ContainerStats',
      'ContainerRename',
      'ContainerUpdate',
      'ContainerDelete',
    ]) {
      assert.equal(needsOwnerCheck(operation(id))?.kind, 'container', id);
    }
    assert.equal(needsOwnerCheck(operation('ContainerCreate')), undefined);
    assert.equal(needsOwnerCheck(operation('ImageInspect')), undefined);
  });

  test('ownerTargets: the addressed id and every referenced container, network, volume, secret', () => {
    const targets = ownerTargets({
      operation: operation('ContainerCreate'),
      params: {},
      query: new URLSearchParams(),
      body: create(
        {
          VolumesFrom: ['other:ro'],
          NetworkMode: 'container:netns',
          PidMode: 'container:pidns',
          Binds: ['data:/data', '/host:/h'],
          Mounts: [{ Type: 'volume', Source: 'cache', Target: '/c' }],
        },
        { NetworkingConfig: { EndpointsConfig: { backend: {} } } },
      ),
    });
    assert.deepEqual(
      targets.map((target) => `${target.kind}:${target.id}`),
      [
        'container:other',
        'container:netns',
        'container:pidns',
        'network:backend',
        'volume:data',
        'volume:cache',
      ],
    );
    const service = ownerTargets({
      operation: operation('ServiceUpdate'),
      params: { id: 'svc' },
      query: new URLSearchParams(),
      body: {
        TaskTemplate: {
          ContainerSpec: { Secrets: [{ SecretID: 's1' }], Configs: [{ ConfigID: 'c1' }] },
          Networks: [{ Target: 'net' }],
        },
      },
    });
    assert.deepEqual(
      service.map((target) => `${target.kind}:${target.id}`),
      ['service:svc', 'secret:s1', 'config:c1', 'network:net'],
    );
    const connect = ownerTargets({
      operation: operation('NetworkConnect'),
      params: { id: 'n' },
      query: new URLSearchParams(),
      body: { Container: 'c' },
    });
    assert.deepEqual(
      connect.map((target) => `${target.kind}:${target.id}`),
      ['network:n', 'container:c'],
    );
  });

  test('ownerAllows: only the exact owner label', () => {
    assert.equal(ownerAllows({ [OWNER_LABEL]: owner }, owner), true);
    assert.equal(ownerAllows({ [OWNER_LABEL]: 'tok_other' }, owner), false);
    assert.equal(ownerAllows({}, owner), false);
    assert.equal(ownerAllows(null, owner), false);
  });
});
