/**
 * docker create/run flags -> the Engine create body, table-driven: each case is a command line and
 * the part of the request it must produce, or docker's error for it (flag-time errors exit 125 with
 * `invalid argument … flag:`; the later ones are `CreateOptionError`s). Expected values were taken
 * from `docker create` + `docker inspect` and docker's own messages on this machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseFlags } from '../../src/args.ts';
import { camelCase } from '../../src/command.ts';
import {
  type CreateFlagOptions,
  CreateOptionError,
  createFlags,
  pullPolicy,
  toCreateRequest,
} from '../../src/container-create-flags.ts';
import { describeError, UsageError } from '../../src/errors.ts';
import { parseMount } from '../../src/opts/mounts.ts';
import { parseExpose, parsePublish } from '../../src/opts/ports.ts';
import { parseBytes, parseExtraHost, parseNanoCpus, parseRestartPolicy } from '../../src/opts/values.ts';

const dir = mkdtempSync(join(tmpdir(), 'gantry-create-flags-'));
const envFile = join(dir, 'env');
writeFileSync(envFile, 'A=1\n# comment\n\n  B=2 \nFROM_HOST\nUNSET\nD= x\n');
const badEnvFile = join(dir, 'bad-env');
writeFileSync(badEnvFile, 'B =2\n');
const labelFile = join(dir, 'labels');
writeFileSync(labelFile, 'L1=a\nL2\n#x\n tier=back\n');
const seccompFile = join(dir, 'seccomp.json');
writeFileSync(seccompFile, '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "names": ["a b"]\n}\n');
const HOST_ENV = { FROM_HOST: 'host-value', HOME: '/root' };

function options(argv: readonly string[]): CreateFlagOptions {
  const parsed = parseFlags(argv, createFlags, {
    commandPath: 'gantry create',
    usage: 'gantry create [OPTIONS] IMAGE [COMMAND] [ARG...]',
    interspersed: false,
  });
  const opts: Record<string, unknown> = { changed: parsed.changed };
  for (const name of Object.keys(createFlags)) opts[camelCase(name)] = parsed.values[name];
  return opts as CreateFlagOptions;
}

function request(argv: readonly string[], cmd: readonly string[] = []) {
  return toCreateRequest(options(argv), 'img', cmd, { command: 'create', env: HOST_ENV, cwd: '/work/here' });
}

interface Case {
  readonly name: string;
  readonly argv: string[];
  readonly cmd?: string[];
  /** Top-level fields of the request that must equal these (HostConfig checked separately). */
  readonly body?: Record<string, unknown>;
  readonly host?: Record<string, unknown>;
  /** A flag-time error: the message after `invalid argument "…" for "…" flag: `. */
  readonly flagError?: string;
  /** A post-parse error (`gantry: <message>`). */
  readonly error?: string;
}

const MiB = 1024 * 1024;

const cases: Case[] = [
  {
    name: 'defaults: attach stdout/stderr, no cmd, restart no, default network',
    argv: [],
    body: { Image: 'img', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, Env: [] },
    host: { NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false },
  },
  { name: 'command and args', argv: [], cmd: ['sh', '-c', 'ls -l'], body: { Cmd: ['sh', '-c', 'ls -l'] } },
  {
    name: '-it: stdin attached and kept open, tty',
    argv: ['-it'],
    body: { AttachStdin: true, OpenStdin: true, StdinOnce: true, Tty: true },
  },
  {
    name: '-a stdout only',
    argv: ['-a', 'STDOUT'],
    body: { AttachStdin: false, AttachStdout: true, AttachStderr: false },
  },
  { name: '-a bad', argv: ['-a', 'foo'], flagError: 'valid streams are STDIN, STDOUT and STDERR' },
  {
    name: 'name, platform, hostname, user, workdir',
    argv: ['--name', 'web', '--platform', 'linux/amd64', '-h', 'box', '-u', '1000:1000', '-w', '/src'],
    body: { name: 'web', platform: 'linux/amd64', Hostname: 'box', User: '1000:1000', WorkingDir: '/src' },
  },
  {
    name: '-e NAME from the host, kept bare when unset; env files first',
    argv: ['-e', 'FROM_HOST', '-e', 'UNSET', '-e', 'EMPTY=', '--env-file', envFile, '-e', 'C=3'],
    body: {
      Env: ['A=1', 'B=2 ', 'FROM_HOST=host-value', 'D= x', 'FROM_HOST=host-value', 'UNSET', 'EMPTY=', 'C=3'],
    },
  },
  { name: '-e =x', argv: ['-e', '=x'], flagError: 'invalid environment variable: =x' },
  { name: '-e empty', argv: ['-e', ''], flagError: 'invalid environment variable: ' },
  {
    name: 'env file missing',
    argv: ['--env-file', '/nope/env'],
    error: 'open /nope/env: no such file or directory',
  },
  {
    name: 'env file is a directory',
    argv: ['--env-file', dir],
    error: `invalid env file (${dir}): read ${dir}: is a directory`,
  },
  {
    name: 'env file name with blanks',
    argv: ['--env-file', badEnvFile],
    error: `invalid env file (${badEnvFile}): variable 'B ' contains whitespaces`,
  },
  {
    name: 'labels: files first, -l wins, bare file names need the environment',
    argv: ['--label-file', labelFile, '-l', 'L1=b', '-l', 'io.gantry.test=1', '-l', 'flag'],
    body: { Labels: { L1: 'b', tier: 'back', 'io.gantry.test': '1', flag: '' } },
  },
  { name: '-l =x', argv: ['-l', '=x'], flagError: "invalid label '=x': empty name" },
  {
    name: '-p forms and --expose',
    argv: [
      '-p',
      '8080:80',
      '-p',
      '127.0.0.1::53/udp',
      '-p',
      '[::1]:9000:90',
      '-p',
      '443',
      '--expose',
      '70-71/udp',
    ],
    body: {
      ExposedPorts: { '70/udp': {}, '71/udp': {}, '80/tcp': {}, '53/udp': {}, '90/tcp': {}, '443/tcp': {} },
    },
    host: {
      PortBindings: {
        '80/tcp': [{ HostIp: '', HostPort: '8080' }],
        '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
        '90/tcp': [{ HostIp: '::1', HostPort: '9000' }],
        '443/tcp': [{ HostIp: '', HostPort: '' }],
      },
    },
  },
  {
    name: '-p ranges pair up; one container port takes a host range',
    argv: ['-p', '8000-8001:80-81', '-p', '9000-9005:90'],
    host: {
      PortBindings: {
        '80/tcp': [{ HostIp: '', HostPort: '8000' }],
        '81/tcp': [{ HostIp: '', HostPort: '8001' }],
        '90/tcp': [{ HostIp: '', HostPort: '9000-9005' }],
      },
    },
  },
  { name: '-P', argv: ['-P'], host: { PublishAllPorts: true } },
  { name: '-p abc', argv: ['-p', 'abc'], error: 'invalid containerPort: abc' },
  { name: '-p 80:abc', argv: ['-p', '80:abc'], error: 'invalid containerPort: abc' },
  { name: '-p 70000:80', argv: ['-p', '70000:80'], error: 'invalid hostPort: 70000' },
  { name: '-p bad ip', argv: ['-p', '1.2.3:80:80'], error: 'invalid IP address: 1.2.3' },
  { name: '-p bad proto', argv: ['-p', '80:80/xyz'], error: 'invalid proto: xyz' },
  {
    name: '-p unequal ranges',
    argv: ['-p', '8000-8001:80-82'],
    error: 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001',
  },
  {
    name: '--expose abc',
    argv: ['--expose', 'abc'],
    error: 'invalid range format for --expose: abc, error: strconv.ParseUint: parsing "abc": invalid syntax',
  },
  {
    name: '-v: binds, relative host paths, anonymous volumes',
    argv: ['-v', '/srv:/data:ro', '-v', 'cache:/cache', '-v', '.:/src', '-v', '/anon'],
    body: { Volumes: { '/anon': {} } },
    host: { Binds: ['/srv:/data:ro', 'cache:/cache', '/work/here:/src'] },
  },
  { name: '-v empty section', argv: ['-v', ':/x'], error: 'invalid spec: :/x: empty section between colons' },
  {
    name: '--mount bind, volume with options, tmpfs',
    argv: [
      '--mount',
      'type=bind,src=./site,dst=/site,readonly',
      '--mount',
      'source=data,target=/data,volume-nocopy,volume-label=a=b,"volume-opt=o=x,y",volume-driver=local',
      '--mount',
      'type=tmpfs,destination=/run,tmpfs-size=64m,tmpfs-mode=1770',
    ],
    host: {
      Mounts: [
        { Type: 'bind', Source: '/work/here/site', Target: '/site', ReadOnly: true },
        {
          Type: 'volume',
          Source: 'data',
          Target: '/data',
          VolumeOptions: {
            NoCopy: true,
            Labels: { a: 'b' },
            DriverConfig: { Options: { o: 'x,y' }, Name: 'local' },
          },
        },
        { Type: 'tmpfs', Target: '/run', TmpfsOptions: { SizeBytes: 64 * MiB, Mode: 0o1770 } },
      ],
    },
  },
  { name: '--mount without target', argv: ['--mount', 'type=volume,src=a'], flagError: 'target is required' },
  {
    name: '--mount bare field',
    argv: ['--mount', 'foo'],
    flagError: "invalid field 'foo' must be a key=value pair",
  },
  {
    name: '--mount empty field',
    argv: ['--mount', 'dst=/b,,src=x'],
    flagError: "invalid field '' must be a key=value pair",
  },
  {
    name: '--mount unknown key',
    argv: ['--mount', 'dst=/x,foo=bar'],
    flagError: "unexpected key 'foo' in 'foo=bar'",
  },
  {
    name: '--mount readonly=maybe',
    argv: ['--mount', 'dst=/x,readonly=maybe'],
    flagError: 'invalid value for readonly: maybe',
  },
  {
    name: '--mount mixed options',
    argv: ['--mount', 'type=bind,src=/a,dst=/b,volume-driver=x'],
    flagError: "cannot mix 'volume-*' options with mount type 'bind'",
  },
  {
    name: '--mount bad tmpfs-size',
    argv: ['--mount', 'type=tmpfs,dst=/b,tmpfs-size=abc'],
    flagError: 'invalid value for tmpfs-size: abc',
  },
  {
    name: '--mount bind-recursive',
    argv: ['--mount', 'type=bind,src=/a,dst=/b,bind-recursive=readonly'],
    host: {
      Mounts: [{ Type: 'bind', Source: '/a', Target: '/b', BindOptions: { ReadOnlyForceRecursive: true } }],
    },
  },
  {
    name: 'resources: -m 512m, --cpus 1.5, shm, swap -1, shares, pids',
    argv: [
      '-m',
      '512m',
      '--cpus',
      '1.5',
      '--shm-size',
      '1g',
      '--memory-swap',
      '-1',
      '-c',
      '512',
      '--pids-limit',
      '-1',
    ],
    host: {
      Memory: 512 * MiB,
      NanoCpus: 1_500_000_000,
      ShmSize: 1024 * MiB,
      MemorySwap: -1,
      CpuShares: 512,
      PidsLimit: -1,
    },
  },
  { name: '-m 12x', argv: ['-m', '12x'], flagError: "invalid suffix: 'x'" },
  { name: '-m -5', argv: ['-m', '-5'], flagError: "invalid size: '-5'" },
  { name: '--cpus abc', argv: ['--cpus', 'abc'], flagError: 'failed to parse abc as a rational number' },
  { name: '--cpus too precise', argv: ['--cpus', '0.0000000001'], flagError: 'value is too precise' },
  {
    name: 'restart policies',
    argv: ['--restart', 'on-failure:3'],
    host: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } },
  },
  {
    name: '--restart count not a number',
    argv: ['--restart', 'on-failure:x'],
    error: 'invalid restart policy format: maximum retry count must be an integer',
  },
  {
    name: '--rm with a restart policy',
    argv: ['--rm', '--restart', 'always'],
    error: 'conflicting options: cannot specify both --restart and --rm',
  },
  { name: '--rm with restart no', argv: ['--rm', '--restart', 'no'], host: { AutoRemove: true } },
  {
    name: "entrypoint, and an empty one resetting the image's",
    argv: ['--entrypoint', '/bin/echo'],
    body: { Entrypoint: ['/bin/echo'] },
  },
  { name: 'empty entrypoint', argv: ['--entrypoint', ''], body: { Entrypoint: [''] } },
  {
    name: 'security and namespaces; capabilities named as docker sends them',
    argv: [
      '--privileged',
      '--cap-add',
      'net_admin',
      '--cap-add',
      'CAP_SYS_TIME',
      '--cap-drop',
      'all',
      '--read-only',
      '--init',
      '--ipc',
      'host',
    ],
    host: {
      Privileged: true,
      CapAdd: ['CAP_NET_ADMIN', 'CAP_SYS_TIME'],
      CapDrop: ['ALL'],
      ReadonlyRootfs: true,
      Init: true,
      IpcMode: 'host',
    },
  },
  {
    name: 'hosts and dns',
    argv: [
      '--add-host',
      'a=1.2.3.4',
      '--add-host',
      'b:[::1]',
      '--add-host',
      'gw:host-gateway',
      '--dns',
      '8.8.8.8',
    ],
    host: { ExtraHosts: ['a:1.2.3.4', 'b:::1', 'gw:host-gateway'], Dns: ['8.8.8.8'] },
  },
  { name: '--add-host bad', argv: ['--add-host', 'bad'], flagError: 'bad format for add-host: "bad"' },
  {
    name: '--add-host bad ip',
    argv: ['--add-host', 'a:notip'],
    flagError: 'invalid IP address in add-host: "notip"',
  },
  { name: '--dns bad', argv: ['--dns', 'abc'], flagError: 'IP address is not correctly formatted: abc' },
  {
    name: 'network with alias',
    argv: ['--network', 'net1', '--network-alias', 'db'],
    body: { NetworkingConfig: { EndpointsConfig: { net1: { Aliases: ['db'] } } } },
    host: { NetworkMode: 'net1' },
  },
  {
    name: 'stop signal and timeout',
    argv: ['--stop-signal', 'SIGINT', '--stop-timeout', '3'],
    body: { StopSignal: 'SIGINT', StopTimeout: 3 },
  },
  {
    name: '--stop-timeout x',
    argv: ['--stop-timeout', 'x'],
    flagError: 'strconv.ParseInt: parsing "x": invalid syntax',
  },
  {
    name: 'tmpfs and log options',
    argv: ['--tmpfs', '/run:rw,size=64m', '--log-driver', 'json-file', '--log-opt', 'max-size=1m'],
    host: {
      Tmpfs: { '/run': 'rw,size=64m' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
    },
  },
  {
    name: 'devices: container path and permissions default; CDI names become a cdi request',
    argv: [
      '--device',
      '/dev/null',
      '--device',
      '/dev/zero:/dev/z:r',
      '--device',
      '/dev/fuse:rw',
      '--device',
      'vendor.com/gpu=0',
    ],
    host: {
      Devices: [
        { PathOnHost: '/dev/null', PathInContainer: '/dev/null', CgroupPermissions: 'rwm' },
        { PathOnHost: '/dev/zero', PathInContainer: '/dev/z', CgroupPermissions: 'r' },
        { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rw' },
      ],
      DeviceRequests: [{ Driver: 'cdi', DeviceIDs: ['vendor.com/gpu=0'] }],
    },
  },
  { name: '--device bad mode', argv: ['--device', '/dev/a:/dev/b:rx'], error: 'bad mode specified: rx' },
  {
    name: '--device relative target',
    argv: ['--device', '/dev/a:dev/b'],
    error: 'dev/b is not an absolute path',
  },
  {
    name: '--device too many parts',
    argv: ['--device', '/a:/b:r:x'],
    error: 'bad format for path: /a:/b:r:x',
  },
  {
    name: '--device-cgroup-rule',
    argv: ['--device-cgroup-rule', 'c 1:3 mr', '--device-cgroup-rule', 'a *:* rwm'],
    host: { DeviceCgroupRules: ['c 1:3 mr', 'a *:* rwm'] },
  },
  {
    name: '--device-cgroup-rule bad',
    argv: ['--device-cgroup-rule', 'x 1:3 r'],
    flagError: "invalid device cgroup format 'x 1:3 r'",
  },
  {
    name: 'gpus: all, a count, devices with capabilities',
    argv: ['--gpus', 'all', '--gpus', '2', '--gpus', '"device=0,1",capabilities=utility,driver=nvidia'],
    host: {
      DeviceRequests: [
        { Count: -1, Options: {}, Capabilities: [['gpu']] },
        { Count: 2, Options: {}, Capabilities: [['gpu']] },
        { DeviceIDs: ['0', '1'], Capabilities: [['utility', 'gpu']], Driver: 'nvidia', Options: {} },
      ],
    },
  },
  { name: '--gpus unknown key', argv: ['--gpus', 'foo=1'], flagError: "unexpected key 'foo' in 'foo=1'" },
  {
    name: '--gpus key twice',
    argv: ['--gpus', 'count=1,count=2'],
    flagError: "gpu request key 'count' can be specified only once",
  },
  {
    name: 'ulimits: hard defaults to soft, a later value for a name wins',
    argv: ['--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=100', '--ulimit', 'nofile=512'],
    host: {
      Ulimits: [
        { Name: 'nofile', Soft: 512, Hard: 512 },
        { Name: 'nproc', Soft: 100, Hard: 100 },
      ],
    },
  },
  { name: '--ulimit no value', argv: ['--ulimit', 'nofile'], flagError: 'invalid ulimit argument: nofile' },
  { name: '--ulimit bad name', argv: ['--ulimit', 'foo=1'], flagError: 'invalid ulimit type: foo' },
  {
    name: '--ulimit soft above hard',
    argv: ['--ulimit', 'nofile=10:5'],
    flagError: 'ulimit soft limit must be less than or equal to hard limit: 10 > 5',
  },
  {
    name: 'sysctls, annotations, storage options',
    argv: [
      '--sysctl',
      'net.ipv4.ip_forward=1',
      '--sysctl',
      'kernel.shmmax=1000',
      '--annotation',
      'a.b=c',
      '--storage-opt',
      'size=1G',
    ],
    host: {
      Sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000' },
      Annotations: { 'a.b': 'c' },
      StorageOpt: { size: '1G' },
    },
  },
  {
    name: '--sysctl not namespaced',
    argv: ['--sysctl', 'vm.swappiness=1'],
    flagError: "sysctl 'vm.swappiness=1' is not allowed",
  },
  { name: '--storage-opt without =', argv: ['--storage-opt', 'size'], error: 'invalid storage option' },
  {
    name: 'healthcheck: CMD-SHELL, durations in nanoseconds, retries',
    argv: [
      '--health-cmd',
      'true',
      '--health-interval',
      '1m30s',
      '--health-timeout',
      '500ms',
      '--health-start-period',
      '1.5s',
      '--health-start-interval',
      '2s',
      '--health-retries',
      '3',
    ],
    body: {
      Healthcheck: {
        Test: ['CMD-SHELL', 'true'],
        Interval: 90e9,
        Timeout: 500e6,
        StartPeriod: 1.5e9,
        StartInterval: 2e9,
        Retries: 3,
      },
    },
  },
  {
    name: 'healthcheck: only an interval',
    argv: ['--health-interval', '5s'],
    body: { Healthcheck: { Interval: 5e9 } },
  },
  { name: '--no-healthcheck', argv: ['--no-healthcheck'], body: { Healthcheck: { Test: ['NONE'] } } },
  {
    name: '--no-healthcheck with --health-cmd',
    argv: ['--no-healthcheck', '--health-cmd', 'true'],
    error: '--no-healthcheck conflicts with --health-* options',
  },
  {
    name: '--health-interval negative',
    argv: ['--health-interval', '-1s'],
    error: '--health-interval cannot be negative',
  },
  {
    name: '--health-retries negative',
    argv: ['--health-retries', '-1'],
    error: '--health-retries cannot be negative',
  },
  { name: '--health-timeout x', argv: ['--health-timeout', 'x'], flagError: 'time: invalid duration "x"' },
  {
    name: '--health-timeout 5',
    argv: ['--health-timeout', '5'],
    flagError: 'time: missing unit in duration "5"',
  },
  {
    name: '--health-timeout 5y',
    argv: ['--health-timeout', '5y'],
    flagError: 'time: unknown unit "y" in duration "5y"',
  },
  {
    name: 'block IO',
    argv: [
      '--blkio-weight',
      '300',
      '--blkio-weight-device',
      '/dev/sda:200',
      '--device-read-bps',
      '/dev/sda:1mb',
      '--device-write-bps',
      '/dev/sda:10',
      '--device-read-iops',
      '/dev/sda:1000',
      '--device-write-iops',
      '/dev/sdb:5',
    ],
    host: {
      BlkioWeight: 300,
      BlkioWeightDevice: [{ Path: '/dev/sda', Weight: 200 }],
      BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: MiB }],
      BlkioDeviceWriteBps: [{ Path: '/dev/sda', Rate: 10 }],
      BlkioDeviceReadIOps: [{ Path: '/dev/sda', Rate: 1000 }],
      BlkioDeviceWriteIOps: [{ Path: '/dev/sdb', Rate: 5 }],
    },
  },
  {
    name: '--blkio-weight out of range',
    argv: ['--blkio-weight', '70000'],
    flagError: 'strconv.ParseUint: parsing "70000": value out of range',
  },
  {
    name: '--blkio-weight-device bad weight',
    argv: ['--blkio-weight-device', '/dev/sda:5'],
    flagError: 'invalid weight for device: /dev/sda:5',
  },
  {
    name: '--blkio-weight-device not /dev',
    argv: ['--blkio-weight-device', '/x:500'],
    flagError: 'bad format for device path: /x:500',
  },
  {
    name: '--device-read-bps no rate',
    argv: ['--device-read-bps', '/dev/sda'],
    flagError: 'bad format: /dev/sda',
  },
  {
    name: '--device-read-iops not a number',
    argv: ['--device-read-iops', '/dev/sda:1k'],
    flagError:
      'invalid rate for device: /dev/sda:1k. The correct format is <device-path>:<number>. Number must be a positive integer',
  },
  {
    name: 'CPU and memory resources',
    argv: [
      '-c',
      '512',
      '--cpuset-cpus',
      '0',
      '--cpuset-mems',
      '0',
      '--cpu-period',
      '100000',
      '--cpu-quota',
      '50000',
      '--cpu-rt-period',
      '1000',
      '--cpu-rt-runtime',
      '10',
      '--memory-reservation',
      '32m',
      '--kernel-memory',
      '64m',
      '--memory-swappiness',
      '10',
      '--oom-kill-disable',
      '--oom-score-adj',
      '-500',
      '--pids-limit',
      '64',
    ],
    host: {
      CpuShares: 512,
      CpusetCpus: '0',
      CpusetMems: '0',
      CpuPeriod: 100000,
      CpuQuota: 50000,
      CpuRealtimePeriod: 1000,
      CpuRealtimeRuntime: 10,
      MemoryReservation: 32 * MiB,
      KernelMemory: 64 * MiB,
      MemorySwappiness: 10,
      OomKillDisable: true,
      OomScoreAdj: -500,
      PidsLimit: 64,
    },
  },
  {
    name: 'memory swappiness unset is not sent',
    argv: [],
    host: { MemorySwappiness: undefined, OomScoreAdj: undefined },
  },
  {
    name: '--memory-swappiness out of range',
    argv: ['--memory-swappiness', '101'],
    error: 'invalid value: 101. Valid memory swappiness range is 0-100',
  },
  {
    name: 'security options: no-new-privileges bare, old key:value kept, systempaths=unconfined',
    argv: [
      '--security-opt',
      'no-new-privileges',
      '--security-opt',
      'label:disable',
      '--security-opt',
      'systempaths=unconfined',
      '--security-opt',
      'seccomp=unconfined',
    ],
    host: {
      SecurityOpt: ['no-new-privileges', 'label:disable', 'seccomp=unconfined'],
      MaskedPaths: [],
      ReadonlyPaths: [],
    },
  },
  {
    name: 'seccomp profile file: sent compacted',
    argv: ['--security-opt', `seccomp=${seccompFile}`],
    host: { SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW","names":["a b"]}'] },
  },
  {
    name: '--security-opt without value',
    argv: ['--security-opt', 'apparmor'],
    error: 'Invalid --security-opt: "apparmor"',
  },
  {
    name: '--security-opt missing seccomp file',
    argv: ['--security-opt', 'seccomp=/nope.json'],
    error: 'opening seccomp profile (/nope.json) failed: open /nope.json: no such file or directory',
  },
  {
    name: 'namespaces, cgroup parent, volume driver, isolation, runtime, group-add, volumes-from',
    argv: [
      '--userns',
      'host',
      '--uts',
      'host',
      '--pid',
      'host',
      '--ipc',
      'private',
      '--cgroupns',
      'private',
      '--cgroup-parent',
      '/gantry',
      '--volume-driver',
      'local',
      '--isolation',
      'default',
      '--runtime',
      'runc',
      '--group-add',
      'audio',
      '--group-add',
      '1234',
      '--volumes-from',
      'other:ro',
    ],
    host: {
      UsernsMode: 'host',
      UTSMode: 'host',
      PidMode: 'host',
      IpcMode: 'private',
      CgroupnsMode: 'private',
      CgroupParent: '/gantry',
      VolumeDriver: 'local',
      Isolation: 'default',
      Runtime: 'runc',
      GroupAdd: ['audio', '1234'],
      VolumesFrom: ['other:ro'],
    },
  },
  {
    name: 'links: HostConfig.Links, and endpoint links on a user-defined network',
    argv: ['--network', 'net1', '--link', 'db:database', '--link', 'cache'],
    body: { NetworkingConfig: { EndpointsConfig: { net1: { Links: ['db:database', 'cache'] } } } },
    host: { Links: ['db:database', 'cache'] },
  },
  {
    name: 'links on the default network stay in HostConfig',
    argv: ['--link', 'db'],
    body: { NetworkingConfig: { EndpointsConfig: { default: {} } } },
    host: { Links: ['db'] },
  },
  { name: '--link bad', argv: ['--link', 'a:b:c'], flagError: 'bad format for links: a:b:c' },
  {
    name: 'addresses go to the first network (default when none is given)',
    argv: [
      '--ip',
      '172.30.100.104',
      '--ip6',
      '2001:db8::33',
      '--link-local-ip',
      '169.254.1.1',
      '--mac-address',
      '92:d0:c6:0a:29:33',
      '--domainname',
      'example.org',
    ],
    body: {
      Domainname: 'example.org',
      NetworkingConfig: {
        EndpointsConfig: {
          default: {
            IPAMConfig: {
              IPv4Address: '172.30.100.104',
              IPv6Address: '2001:db8::33',
              LinkLocalIPs: ['169.254.1.1'],
            },
            MacAddress: '92:d0:c6:0a:29:33',
          },
        },
      },
    },
  },
  {
    name: 'a lone network without settings is left out; a second one is listed',
    argv: ['--network', 'net1', '--net', 'net2', '--net-alias', 'x'],
    body: { NetworkingConfig: { EndpointsConfig: { net1: { Aliases: ['x'] }, net2: {} } } },
    host: { NetworkMode: 'net1' },
  },
  {
    name: 'a lone network',
    argv: ['--network', 'net1'],
    body: { NetworkingConfig: undefined },
    host: { NetworkMode: 'net1' },
  },
  {
    name: 'a network twice',
    argv: ['--network', 'n', '--network', 'n'],
    error: 'network "n" is specified multiple times',
  },
  { name: '--mac-address bad', argv: ['--mac-address', 'zz'], error: 'zz is not a valid mac address' },
];

describe('toCreateRequest: docker create/run flags -> the create body', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      if (testCase.flagError !== undefined) {
        assert.throws(
          () => request(testCase.argv),
          (err: unknown) => {
            assert.ok(err instanceof UsageError);
            assert.equal(err.status, 125);
            assert.match(err.message, /^invalid argument ".*" for ".*" flag: /s);
            assert.equal(
              err.message.replace(/^invalid argument ".*?" for ".*?" flag: /s, ''),
              testCase.flagError,
            );
            return true;
          },
        );
        return;
      }
      if (testCase.error !== undefined) {
        assert.throws(
          () => request(testCase.argv, testCase.cmd),
          (err: unknown) => {
            assert.ok(err instanceof CreateOptionError);
            assert.equal(err.message, testCase.error);
            assert.equal(err.status, 125);
            return true;
          },
        );
        return;
      }
      const result = request(testCase.argv, testCase.cmd);
      for (const [key, value] of Object.entries(testCase.body ?? {}))
        assert.deepEqual((result as Record<string, unknown>)[key], value, key);
      for (const [key, value] of Object.entries(testCase.host ?? {}))
        assert.deepEqual((result.HostConfig as Record<string, unknown>)[key], value, `HostConfig.${key}`);
    });
  }

  it('prints a post-parse error as docker does: gantry: …, Run … --help, exit 125', async () => {
    const err = (() => {
      try {
        request(['-p', 'abc']);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    const report = await describeError(err, false);
    assert.equal(report.status, 125);
    assert.equal(
      report.text,
      "gantry: invalid containerPort: abc\n\nRun 'gantry create --help' for more information",
    );
  });

  it('checks --pull as docker does', () => {
    assert.equal(pullPolicy({ pull: '' }, 'run'), 'missing');
    assert.equal(pullPolicy({ pull: 'always' }, 'run'), 'always');
    assert.throws(() => pullPolicy({ pull: 'bogus' }, 'run'), {
      message: `invalid pull option: 'bogus': must be one of "always", "missing" or "never"`,
    });
  });
});

describe('option value parsers', () => {
  const sizes: Array<[string, number | string]> = [
    ['512m', 512 * MiB],
    ['12 kb', 12 * 1024],
    ['1.5g', 1.5 * 1024 * MiB],
    ['12KiB', 12 * 1024],
    ['12B', 12],
    ['12 ', 12],
    ['1e3', 1000],
    ['0', 0],
    ['12kx', "invalid suffix: 'kx'"],
    ['12ib', "invalid suffix: 'ib'"],
    ['12bb', "invalid suffix: 'bb'"],
    ['', "invalid size: ''"],
    ['1.2.3m', 'strconv.ParseFloat: parsing "1.2.3": invalid syntax'],
    [' 12', 'strconv.ParseFloat: parsing " 12": invalid syntax'],
    ['0x10', 'strconv.ParseFloat: parsing "0x10": invalid syntax'],
  ];
  for (const [text, expected] of sizes) {
    it(`size ${JSON.stringify(text)}`, () => {
      if (typeof expected === 'number') assert.equal(parseBytes(text), expected);
      else assert.throws(() => parseBytes(text), { message: expected });
    });
  }

  const cpus: Array<[string, number | string]> = [
    ['1.5', 1_500_000_000],
    ['3/2', 1_500_000_000],
    ['.5', 500_000_000],
    ['1.', 1_000_000_000],
    ['1e-3', 1_000_000],
    ['+1', 1_000_000_000],
    ['-0.5', -500_000_000],
    ['1_0', 10_000_000_000],
    ['1/3', 'value is too precise'],
    ['abc', 'failed to parse abc as a rational number'],
  ];
  for (const [text, expected] of cpus) {
    it(`cpus ${text}`, () => {
      if (typeof expected === 'number') assert.equal(parseNanoCpus(text), expected);
      else assert.throws(() => parseNanoCpus(text), { message: expected });
    });
  }

  it('restart policies', () => {
    assert.deepEqual(parseRestartPolicy('always'), { Name: 'always', MaximumRetryCount: 0 });
    assert.deepEqual(parseRestartPolicy('on-failure:5'), { Name: 'on-failure', MaximumRetryCount: 5 });
  });

  it('extra hosts', () => {
    assert.equal(parseExtraHost('db=10.0.0.2'), 'db:10.0.0.2');
    assert.equal(parseExtraHost('v6:[2001:db8::1]'), 'v6:2001:db8::1');
  });

  it('ports: a published port twice gets two bindings, exposed once', () => {
    assert.deepEqual(parsePublish(['127.0.0.1:80:80', '10.0.0.1:81:80']), {
      exposed: ['80/tcp'],
      bindings: {
        '80/tcp': [
          { HostIp: '127.0.0.1', HostPort: '80' },
          { HostIp: '10.0.0.1', HostPort: '81' },
        ],
      },
    });
    assert.deepEqual(parseExpose('8000-8002'), ['8000/tcp', '8001/tcp', '8002/tcp']);
  });

  it('mounts default to volumes; quotes group commas', () => {
    assert.deepEqual(parseMount('dst=/x'), { Type: 'volume', Target: '/x' });
    assert.deepEqual(parseMount('type=volume,dst=/x,"volume-opt=o=a,b"').VolumeOptions, {
      DriverConfig: { Options: { o: 'a,b' } },
    });
  });
});
