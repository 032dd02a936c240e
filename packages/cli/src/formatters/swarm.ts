/**
 * Rows of the swarm listings as docker's formatters present them: secrets and configs (`secret ls`,
 * `config ls`), nodes (`node ls`), services (`service ls`) and tasks (`service ps`), with docker's
 * titles, title-cased states and "… ago" times.
 */
import type { Config, EndpointPortConfig, Node, Secret, Service, Task } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { ellipsis, humanDuration, timeAgo, truncateId } from '../output/units.ts';
import { labelList } from './labels.ts';
import { familiarString, parseReference } from './reference.ts';

/** docker's PrettyPrint of an enum value: `ready` -> `Ready`. */
export function titleCase(value: string | undefined): string {
  const text = value ?? '';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const since = (time: string | undefined, now: number) => timeAgo(time ? Date.parse(time) : 0, now);

export const SECRET_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}';
export const CONFIG_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CreatedAt}}\t{{.UpdatedAt}}';
export const SWARM_DATA_HEADERS = {
  ID: 'ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  CreatedAt: 'CREATED',
  UpdatedAt: 'UPDATED',
  Labels: 'LABELS',
} as const;

export function secretRow(secret: Secret, now: number) {
  return {
    [GO_TYPE]: '*secret.secretContext',
    ID: () => secret.ID ?? '',
    Name: () => secret.Spec?.Name ?? '',
    Driver: () => secret.Spec?.Driver?.Name ?? '',
    CreatedAt: () => since(secret.CreatedAt, now),
    UpdatedAt: () => since(secret.UpdatedAt, now),
    Labels: () => labelList(secret.Spec?.Labels),
    Label: (name: string) => secret.Spec?.Labels?.[name] ?? '',
  };
}

export function configRow(config: Config, now: number) {
  return {
    [GO_TYPE]: '*config.configContext',
    ID: () => config.ID ?? '',
    Name: () => config.Spec?.Name ?? '',
    CreatedAt: () => since(config.CreatedAt, now),
    UpdatedAt: () => since(config.UpdatedAt, now),
    Labels: () => labelList(config.Spec?.Labels),
    Label: (name: string) => config.Spec?.Labels?.[name] ?? '',
  };
}

export const NODE_TABLE =
  'table {{.ID}} {{if .Self}}*{{else}} {{ end }}\t{{.Hostname}}\t{{.Status}}\t{{.Availability}}\t{{.ManagerStatus}}\t{{.EngineVersion}}';
export const NODE_HEADERS = {
  ID: 'ID',
  // Empty: the header row gets no `*`.
  Self: '',
  Hostname: 'HOSTNAME',
  Status: 'STATUS',
  Availability: 'AVAILABILITY',
  ManagerStatus: 'MANAGER STATUS',
  EngineVersion: 'ENGINE VERSION',
  TLSStatus: 'TLS STATUS',
} as const;

export interface NodeRowContext {
  /** This engine's node id (`Swarm.NodeID` of `info`): that row is marked `*`. */
  readonly selfId: string | undefined;
  /** The swarm's root CA (`Swarm.Cluster.TLSInfo.TrustRoot`): nodes with another one need rotation. */
  readonly trustRoot: string | undefined;
}

export function nodeRow(node: Node, context: NodeRowContext) {
  const manager = node.ManagerStatus;
  return {
    [GO_TYPE]: '*node.nodeContext',
    ID: () => node.ID ?? '',
    Self: () => node.ID === context.selfId,
    Hostname: () => node.Description?.Hostname ?? '',
    Status: () => titleCase(node.Status?.State),
    Availability: () => titleCase(node.Spec?.Availability),
    ManagerStatus: () => (manager ? (manager.Leader ? 'Leader' : titleCase(manager.Reachability)) : ''),
    TLSStatus: () =>
      context.trustRoot !== undefined && node.Description?.TLSInfo?.TrustRoot !== context.trustRoot
        ? 'Needs Rotation'
        : 'Ready',
    EngineVersion: () => node.Description?.Engine?.EngineVersion ?? '',
  };
}

export const SERVICE_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}';
export const SERVICE_HEADERS = {
  ID: 'ID',
  Name: 'NAME',
  Mode: 'MODE',
  Replicas: 'REPLICAS',
  Image: 'IMAGE',
  Ports: 'PORTS',
} as const;

/** An image reference for display: a tagged reference loses its digest (`busybox:1@sha256:…` -> `busybox:1`). */
export function displayImage(image: string): string {
  const reference = parseReference(image);
  if (!reference || reference.tag === undefined) return image;
  return familiarString({ ...reference, digest: undefined });
}

export function serviceMode(service: Service): string {
  const mode = service.Spec?.Mode;
  if (mode?.Global) return 'global';
  if (mode?.ReplicatedJob) return 'replicated job';
  if (mode?.GlobalJob) return 'global job';
  return 'replicated';
}

export function serviceRow(service: Service) {
  const status = service.ServiceStatus;
  return {
    [GO_TYPE]: '*service.serviceContext',
    ID: () => truncateId(service.ID ?? ''),
    Name: () => service.Spec?.Name ?? '',
    Mode: () => serviceMode(service),
    Replicas: () => {
      const counts = `${status?.RunningTasks ?? 0}/${status?.DesiredTasks ?? 0}`;
      const maxPerNode = service.Spec?.TaskTemplate?.Placement?.MaxReplicas ?? 0;
      if (maxPerNode > 0) return `${counts} (max ${maxPerNode} per node)`;
      const job = service.Spec?.Mode?.ReplicatedJob;
      if (job) return `${counts} (${status?.CompletedTasks ?? 0}/${job.TotalCompletions ?? 0} completed)`;
      return counts;
    },
    Image: () => displayImage(service.Spec?.TaskTemplate?.ContainerSpec?.Image ?? ''),
    Ports: () => servicePorts(service.Endpoint?.Ports ?? []),
  };
}

/**
 * docker's service Ports column: ingress-published ports, consecutive ones (same protocol, both
 * numbers one apart) merged into ranges: `*:8080-8081->80-81/tcp, *:53->53/udp`.
 */
export function servicePorts(ports: readonly EndpointPortConfig[]): string {
  const sorted = [...ports].sort((a, b) =>
    (a.Protocol ?? '') === (b.Protocol ?? '')
      ? (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0)
      : (a.Protocol ?? '') < (b.Protocol ?? '')
        ? -1
        : 1,
  );
  const ranges: Array<{ pStart: number; pEnd: number; tStart: number; tEnd: number; protocol: string }> = [];
  for (const port of sorted) {
    if (port.PublishMode !== 'ingress') continue;
    const published = port.PublishedPort ?? 0;
    const target = port.TargetPort ?? 0;
    const last = ranges.at(-1);
    const extends_ =
      last &&
      last.protocol === (port.Protocol ?? '') &&
      published - last.pEnd <= 1 &&
      target - last.tEnd <= 1 &&
      !(last.tEnd !== last.tStart && target <= last.tEnd);
    if (last && extends_) {
      last.pEnd = published;
      last.tEnd = target;
    } else
      ranges.push({
        pStart: published,
        pEnd: published,
        tStart: target,
        tEnd: target,
        protocol: port.Protocol ?? '',
      });
  }
  const span = (start: number, end: number) => (end > start ? `${start}-${end}` : String(start));
  return ranges
    .map(
      (range) => `*:${span(range.pStart, range.pEnd)}->${span(range.tStart, range.tEnd)}/${range.protocol}`,
    )
    .join(', ');
}

export const TASK_TABLE =
  'table {{.ID}}\t{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}\t{{.Ports}}';
export const TASK_HEADERS = {
  ID: 'ID',
  Name: 'NAME',
  Image: 'IMAGE',
  Node: 'NODE',
  DesiredState: 'DESIRED STATE',
  CurrentState: 'CURRENT STATE',
  Error: 'ERROR',
  Ports: 'PORTS',
} as const;

export interface TaskRowContext {
  readonly trunc: boolean;
  readonly now: number;
  /** The task's display name (`web.1`, ` \_ web.1` for an earlier task of the same slot). */
  readonly name: string;
  /** The node's hostname, or its id with `--no-resolve`. */
  readonly node: string;
}

export function taskRow(task: Task, context: TaskRowContext) {
  const image = task.Spec?.ContainerSpec?.Image ?? '';
  return {
    [GO_TYPE]: '*task.taskContext',
    ID: () => (context.trunc ? truncateId(task.ID ?? '') : (task.ID ?? '')),
    Name: () => context.name,
    Image: () => (context.trunc ? displayImage(image) : image),
    Node: () => context.node,
    DesiredState: () => titleCase(task.DesiredState),
    CurrentState: () => {
      const at = task.Status?.Timestamp ? Date.parse(task.Status.Timestamp) : context.now;
      return `${titleCase(task.Status?.State)} ${humanDuration(context.now - at).toLowerCase()} ago`;
    },
    Error: () => {
      const message = context.trunc ? ellipsis(task.Status?.Err ?? '', 30) : (task.Status?.Err ?? '');
      return message ? `"${message}"` : '';
    },
    Ports: () =>
      (task.Status?.PortStatus?.Ports ?? [])
        .map((port) => `*:${port.PublishedPort ?? 0}->${port.TargetPort ?? 0}/${port.Protocol ?? ''}`)
        .join(', '),
  };
}
