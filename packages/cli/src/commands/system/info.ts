/**
 * `gantry info` / `gantry system info`: the client, then the engine's system information in
 * `docker info`'s layout, or `--format` over docker's JSON shape (the engine's fields at the top
 * level, plus `ClientInfo`). Engine warnings go to stderr, as docker prints them.
 */
import type { SystemInfo } from '@gantry/engine';
import { CLI_VERSION, contextName, goArch } from '../../client-info.ts';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { describeError, StatusError } from '../../errors.ts';
import { inspectFormatFlag } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { parseTemplate } from '../../output/template.ts';
import { bytesSize } from '../../output/units.ts';

export const definition = defineCommand({
  summary: 'Display system-wide information',
  usage: '[OPTIONS]',
  flags: { format: inspectFormatFlag },
  args: {},
});

export type InfoOptions = OptionsOf<typeof definition>;

export async function run(opts: InfoOptions, io: CommandIO): Promise<number> {
  const format = opts.format ?? '';
  const template = format ? parseTemplate(format === 'json' ? '{{json .}}' : format) : undefined;
  const docker = await io.client();
  const client = {
    Debug: io.debug,
    Version: CLI_VERSION,
    Os: process.platform,
    Arch: goArch(),
    Context: contextName(docker),
  };
  let info: SystemInfo | undefined;
  let serverError: string | undefined;
  try {
    info = await docker.system.info({ signal: io.signal });
  } catch (err) {
    serverError = (await describeError(err, io.debug)).text;
  }
  if (template) {
    if (serverError) io.stderr.write(`${serverError}\n`);
    const data = { ...info, ...(serverError ? { ServerErrors: [serverError] } : {}), ClientInfo: client };
    io.stdout.write(`${template.execute(data)}\n`);
    return serverError ? 1 : 0;
  }
  const lines = [
    'Client:',
    ` Version:    ${client.Version}`,
    ` Context:    ${client.Context}`,
    ` Debug Mode: ${client.Debug}`,
    '',
    'Server:',
  ];
  if (info) lines.push(...serverLines(info, io.debug), '');
  io.stdout.write(`${lines.join('\n')}\n`);
  for (const warning of info?.Warnings ?? []) io.stderr.write(`${warning}\n`);
  if (serverError) {
    io.stderr.write(`ERROR: ${serverError}\n`);
    throw new StatusError(1, 'errors pretty printing info');
  }
  return 0;
}

/** docker's prettyPrintServerInfo, line for line (the swarm cluster details abridged). */
function serverLines(info: SystemInfo, debug: boolean): string[] {
  const lines: string[] = [];
  const line = (label: string, value: unknown) => lines.push(`${label} ${value ?? ''}`);
  const nonEmpty = (label: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') line(label, value);
  };
  line(' Containers:', info.Containers ?? 0);
  line('  Running:', info.ContainersRunning ?? 0);
  line('  Paused:', info.ContainersPaused ?? 0);
  line('  Stopped:', info.ContainersStopped ?? 0);
  line(' Images:', info.Images ?? 0);
  nonEmpty(' Server Version:', info.ServerVersion);
  nonEmpty(' Storage Driver:', info.Driver);
  for (const [key, value] of info.DriverStatus ?? []) lines.push(`  ${key}: ${value}`);
  nonEmpty(' Logging Driver:', info.LoggingDriver);
  nonEmpty(' Cgroup Driver:', info.CgroupDriver);
  nonEmpty(' Cgroup Version:', info.CgroupVersion);
  lines.push(' Plugins:');
  line('  Volume:', (info.Plugins?.Volume ?? []).join(' '));
  line('  Network:', (info.Plugins?.Network ?? []).join(' '));
  if (info.Plugins?.Authorization?.length) line('  Authorization:', info.Plugins.Authorization.join(' '));
  line('  Log:', (info.Plugins?.Log ?? []).join(' '));
  if (info.CDISpecDirs?.length)
    lines.push(' CDI spec directories:', ...info.CDISpecDirs.map((dir) => `  ${dir}`));
  const swarm = info.Swarm ?? {};
  line(' Swarm:', swarm.LocalNodeState ?? '');
  if (swarm.LocalNodeState && swarm.LocalNodeState !== 'inactive' && swarm.LocalNodeState !== 'locked') {
    line('  NodeID:', swarm.NodeID);
    if (swarm.Error) line('  Error:', swarm.Error);
    line('  Is Manager:', swarm.ControlAvailable ?? false);
    if (swarm.Cluster && swarm.ControlAvailable && !swarm.Error) {
      line('  ClusterID:', swarm.Cluster.ID);
      line('  Managers:', swarm.Managers ?? 0);
      line('  Nodes:', swarm.Nodes ?? 0);
    }
    line('  Node Address:', swarm.NodeAddr);
  }
  const runtimes = Object.keys(info.Runtimes ?? {});
  if (runtimes.length > 0) {
    line(' Runtimes:', runtimes.join(' '));
    line(' Default Runtime:', info.DefaultRuntime);
  }
  if (info.OSType === 'linux') {
    line(' Init Binary:', info.InitBinary);
    line(' containerd version:', info.ContainerdCommit?.ID);
    line(' runc version:', info.RuncCommit?.ID);
    line(' init version:', info.InitCommit?.ID);
    if (info.SecurityOptions?.length) {
      lines.push(' Security Options:');
      for (const option of info.SecurityOptions) lines.push(...securityOptionLines(option));
    }
  }
  if (info.OSType === 'windows') line(' Default Isolation:', info.Isolation);
  nonEmpty(' Kernel Version:', info.KernelVersion);
  nonEmpty(' Operating System:', info.OperatingSystem);
  nonEmpty(' OSType:', info.OSType);
  nonEmpty(' Architecture:', info.Architecture);
  line(' CPUs:', info.NCPU ?? 0);
  line(' Total Memory:', bytesSize(info.MemTotal ?? 0));
  nonEmpty(' Name:', info.Name);
  nonEmpty(' ID:', info.ID);
  line(' Docker Root Dir:', info.DockerRootDir);
  line(' Debug Mode:', info.Debug ?? false);
  if (info.Debug || debug) {
    line('  File Descriptors:', info.NFd);
    line('  Goroutines:', info.NGoroutines);
    line('  System Time:', info.SystemTime);
    line('  EventsListeners:', info.NEventsListener);
  }
  nonEmpty(' HTTP Proxy:', info.HttpProxy);
  nonEmpty(' HTTPS Proxy:', info.HttpsProxy);
  nonEmpty(' No Proxy:', info.NoProxy);
  if (info.Labels?.length) lines.push(' Labels:', ...info.Labels.map((label) => `  ${label}`));
  line(' Experimental:', info.ExperimentalBuild ?? false);
  const registry = info.RegistryConfig;
  const indexConfigs = Object.values(registry?.IndexConfigs ?? {});
  if (registry && ((registry.InsecureRegistryCIDRs?.length ?? 0) > 0 || indexConfigs.length > 0)) {
    lines.push(' Insecure Registries:');
    for (const config of indexConfigs) if (config && !config.Secure) lines.push(`  ${config.Name}`);
    for (const cidr of registry.InsecureRegistryCIDRs ?? []) lines.push(`  ${cidr}`);
  }
  if (registry?.Mirrors?.length)
    lines.push(' Registry Mirrors:', ...registry.Mirrors.map((mirror) => `  ${mirror}`));
  line(' Live Restore Enabled:', info.LiveRestoreEnabled ?? false);
  if (info.ProductLicense) line(' Product License:', info.ProductLicense);
  if (info.DefaultAddressPools?.length) {
    lines.push(' Default Address Pools:');
    for (const pool of info.DefaultAddressPools) lines.push(`   Base: ${pool.Base}, Size: ${pool.Size}`);
  }
  return lines;
}

/** `name=seccomp,profile=default` -> `  seccomp` / `   Profile: default` (docker's DecodeSecurityOptions). */
function securityOptionLines(option: string): string[] {
  if (!option.includes('=')) return [`  ${option}`];
  const fields = Object.fromEntries(option.split(',').map((pair) => pair.split('=', 2) as [string, string]));
  const lines = [`  ${fields.name ?? ''}`];
  if (fields.profile !== undefined) lines.push(`   Profile: ${fields.profile}`);
  return lines;
}
