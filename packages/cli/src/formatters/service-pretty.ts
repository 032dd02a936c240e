/**
 * `service inspect --pretty`: docker's human-readable layout of a service (its tabs and spaces
 * kept, as docker writes them from a template rather than through a tabwriter). Network ids are
 * shown as names, which the caller looks up.
 */
import type { Service, ServiceSpec } from '@gantry/engine';
import { bytesSize, timeAgo } from '../output/units.ts';
import { goDurationNanos, labelLines } from './pretty.ts';

export interface PrettyServiceContext {
  /** Network id -> name, for the task template's networks (ids not found are shown as they are). */
  readonly networkNames: ReadonlyMap<string, string>;
  /** "Now" in milliseconds, for the update's "Started: … ago". */
  readonly now: number;
}

type RolloutConfig = NonNullable<ServiceSpec['UpdateConfig']>;

/** One service, ending with an empty line (docker also starts each with one). */
export function prettyService(service: Service, context: PrettyServiceContext): string {
  const spec = service.Spec ?? {};
  const task = spec.TaskTemplate ?? {};
  const container = task.ContainerSpec ?? {};
  const lines = [
    `ID:\t\t${service.ID ?? ''}`,
    `Name:\t\t${spec.Name ?? ''}`,
    ...section('Labels:', labelLines(spec.Labels, ' ')),
    ...modeLines(spec.Mode),
    ...updateStatusLines(service.UpdateStatus, context.now),
    'Placement:',
    ...placementLines(task.Placement),
    ...rolloutLines('UpdateConfig:', 'Update order:      ', spec.UpdateConfig),
    ...rolloutLines('RollbackConfig:', 'Rollback order:    ', spec.RollbackConfig),
    'ContainerSpec:',
    ` Image:\t\t${container.Image ?? ''}`,
    ...(container.Args?.length ? [` Args:\t\t${spaced(container.Args)}`] : []),
    ...(container.Env?.length ? [` Env:\t\t${spaced(container.Env)}`] : []),
    ...(container.Dir ? [` Dir:\t\t${container.Dir}`] : []),
    ...(container.Init !== undefined && container.Init !== null ? [` Init:\t\t${container.Init}`] : []),
    ...(container.User ? [` User: ${container.User}`] : []),
    ...capabilityLines(container.CapabilityAdd, container.CapabilityDrop),
    ...section(
      'SysCtls:',
      Object.keys(container.Sysctls ?? {})
        .sort()
        .map((key) => (container.Sysctls?.[key] ? ` ${key}: ${container.Sysctls[key]}` : ` ${key}`)),
    ),
    ...section(
      'Ulimits:',
      [...(container.Ulimits ?? [])]
        .sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''))
        .map((limit) => ` ${limit.Name ?? ''}: ${limit.Soft ?? 0}:${limit.Hard ?? 0}`),
    ),
    ...section(
      'Mounts:',
      (container.Mounts ?? []).flatMap((mount) => [
        ` Target:\t${mount.Target ?? ''}`,
        `  Source:\t${mount.Source ?? ''}`,
        `  ReadOnly:\t${mount.ReadOnly === true}`,
        `  Type:\t\t${mount.Type ?? ''}`,
      ]),
    ),
    ...section(
      'Configs:',
      (container.Configs ?? []).flatMap((config) => [
        ` Target:\t${config.File?.Name ?? ''}`,
        `  Source:\t${config.ConfigName ?? ''}`,
      ]),
    ),
    ...section(
      'Secrets:',
      (container.Secrets ?? []).flatMap((secret) => [
        ` Target:\t${secret.File?.Name ?? ''}`,
        `  Source:\t${secret.SecretName ?? ''}`,
      ]),
    ),
    ...logDriverLines(task.LogDriver),
    ...resourceLines(task.Resources),
    ...(task.Networks?.length
      ? [
          `Networks:${task.Networks.map(({ Target = '' }) => ` ${context.networkNames.get(Target) ?? Target}`).join('')} `,
        ]
      : []),
    `Endpoint Mode:\t${spec.EndpointSpec?.Mode ?? ''}`,
    ...portLines(service.Endpoint?.Ports ?? []),
    ...healthcheckLines(healthcheckOf(container)),
  ];
  return `${lines.join('\n')}\n\n`;
}

/** Every value followed by a space, as docker's `range` writes them. */
const spaced = (values: readonly string[]) => values.map((value) => `${value} `).join('');

/** A heading and its lines, or nothing when there are none. */
function section(heading: string, lines: readonly string[]): string[] {
  return lines.length > 0 ? [heading, ...lines] : [];
}

/** Jobs leave the mode empty, as docker 28 shows them. */
function modeLines(mode: ServiceSpec['Mode']): string[] {
  if (mode?.Global) return ['Service Mode:\tGlobal'];
  if (mode?.Replicated) {
    const replicas = mode.Replicated.Replicas;
    return ['Service Mode:\tReplicated', ...(replicas !== undefined ? [` Replicas:\t${replicas}`] : [])];
  }
  return ['Service Mode:'];
}

function updateStatusLines(status: Service['UpdateStatus'], now: number): string[] {
  if (!status) return [];
  const ago = (time: string) => timeAgo(Date.parse(time), now);
  return [
    'UpdateStatus:',
    ` State:\t\t${status.State ?? ''}`,
    ...(status.StartedAt ? [` Started:\t${ago(status.StartedAt)}`] : []),
    ...(status.State === 'completed' && status.CompletedAt
      ? [` Completed:\t${ago(status.CompletedAt)}`]
      : []),
    ` Message:\t${status.Message ?? ''}`,
  ];
}

function placementLines(placement: NonNullable<ServiceSpec['TaskTemplate']>['Placement']): string[] {
  const preferences = (placement?.Preferences ?? []).map(
    (preference) => `spread=${preference.Spread?.SpreadDescriptor ?? ''}`,
  );
  return [
    // Go's %v of a []string: `[a b]`.
    ...(placement?.Constraints?.length ? [` Constraints:\t[${placement.Constraints.join(' ')}]`] : []),
    ...(preferences.length ? [` Preferences:   [${preferences.join(' ')}]`] : []),
    ...(placement?.MaxReplicas ? [` Max Replicas Per Node:   ${placement.MaxReplicas}`] : []),
  ];
}

function rolloutLines(heading: string, orderLabel: string, config: RolloutConfig | undefined): string[] {
  if (!config) return [];
  return [
    heading,
    ` Parallelism:\t${config.Parallelism ?? 0}`,
    ...(config.Delay ? [` Delay:\t\t${goDurationNanos(config.Delay)}`] : []),
    ` On failure:\t${config.FailureAction ?? ''}`,
    ...(config.Monitor ? [` Monitoring Period: ${goDurationNanos(config.Monitor)}`] : []),
    ` Max failure ratio: ${config.MaxFailureRatio ?? 0}`,
    ` ${orderLabel}${config.Order ?? ''}`,
  ];
}

function capabilityLines(
  add: readonly string[] | null | undefined,
  drop: readonly string[] | null | undefined,
) {
  if (!add?.length && !drop?.length) return [];
  return [
    'Capabilities:',
    ...(add?.length ? [` Add: ${add.join(', ')}`] : []),
    ...(drop?.length ? [` Drop: ${drop.join(', ')}`] : []),
  ];
}

/** Ends with an empty line, as docker's layout does. */
function logDriverLines(driver: NonNullable<ServiceSpec['TaskTemplate']>['LogDriver']): string[] {
  if (!driver) return [];
  const options = driver.Options ?? {};
  return [
    'Log Driver:',
    ...(driver.Name ? [` Name:\t\t${driver.Name}`] : []),
    ...section(
      ' LogOpts:',
      Object.keys(options)
        .sort()
        .map((key) => (options[key] ? `  ${key}:       ${options[key]}` : `  ${key}`)),
    ),
    '',
  ];
}

function resourceLines(resources: NonNullable<ServiceSpec['TaskTemplate']>['Resources']): string[] {
  if (!resources) return [];
  const cpus = (nanos: number | undefined) => (nanos ?? 0) / 1e9;
  const reserved = resources.Reservations;
  const limits = resources.Limits;
  const reservedLines = [
    ...(cpus(reserved?.NanoCPUs) > 0 ? [`  CPU:\t\t${cpus(reserved?.NanoCPUs)}`] : []),
    ...(reserved?.MemoryBytes ? [`  Memory:\t${bytesSize(reserved.MemoryBytes)}`] : []),
  ];
  const limitLines = [
    ...(cpus(limits?.NanoCPUs) > 0 ? [`  CPU:\t\t${cpus(limits?.NanoCPUs)}`] : []),
    ...(limits?.MemoryBytes ? [`  Memory:\t${bytesSize(limits.MemoryBytes)}`] : []),
    ...(limits?.Pids ? [`  PIDs:\t\t${limits.Pids}`] : []),
  ];
  return ['Resources:', ...section(' Reservations:', reservedLines), ...section(' Limits:', limitLines)];
}

/** The last port line ends with a space, as docker's layout does. */
function portLines(ports: NonNullable<NonNullable<Service['Endpoint']>['Ports']>): string[] {
  const lines = ports.flatMap((port) => [
    ` PublishedPort = ${port.PublishedPort ?? 0}`,
    `  Protocol = ${port.Protocol ?? ''}`,
    `  TargetPort = ${port.TargetPort ?? 0}`,
    `  PublishMode = ${port.PublishMode ?? ''}`,
  ]);
  if (lines.length > 0) lines[lines.length - 1] += ' ';
  return section('Ports:', lines);
}

type ContainerSpec = NonNullable<NonNullable<ServiceSpec['TaskTemplate']>['ContainerSpec']>;

/** The spec names it `HealthCheck`; the daemon writes Go's field name, `Healthcheck`. */
function healthcheckOf(container: ContainerSpec): ContainerSpec['HealthCheck'] {
  return (container as { Healthcheck?: ContainerSpec['HealthCheck'] }).Healthcheck ?? container.HealthCheck;
}

/** The last test line ends with a space, as docker's layout does. */
function healthcheckLines(health: ContainerSpec['HealthCheck']): string[] {
  if (!health) return [];
  const tests = (health.Test ?? []).map((test) => `\t Test = ${test}`);
  if (tests.length > 0) tests[tests.length - 1] += ' ';
  return [
    ' Healthcheck:',
    `  Interval = ${goDurationNanos(health.Interval)}`,
    `  Retries = ${health.Retries ?? 0}`,
    `  StartPeriod =\t${goDurationNanos(health.StartPeriod)}`,
    `  Timeout =\t${goDurationNanos(health.Timeout)}`,
    ...section('  Tests:', tests),
  ];
}
