/**
 * One `ps` row as docker's formatter ContainerContext presents it to `--format`: the fields
 * (`{{.ID}}`, `{{.Ports}}`, `{{.RunningFor}}`, …), their table titles, and the truncation rules
 * (12-character ids, 20-column commands, one name) that `--no-trunc` turns off.
 */
import type { ContainerSummary, PortSummary } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { ellipsis, goQuote, goTimeString, humanSize, timeAgo, truncateId } from '../output/units.ts';
import { familiarString, parseReference } from './reference.ts';

export const DEFAULT_CONTAINER_TABLE =
  'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

export const CONTAINER_HEADERS = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
  Platform: 'PLATFORM',
} as const;

/** docker's NewContainerFormat: the format `ps` runs for a `--format` value (empty = the default table). */
export function containerFormat(format: string, quiet: boolean, size: boolean): string {
  if (format === '' || format === 'table') {
    if (quiet) return '{{.ID}}';
    return size ? `${DEFAULT_CONTAINER_TABLE}\t{{.Size}}` : DEFAULT_CONTAINER_TABLE;
  }
  return quiet ? '{{.ID}}' : format;
}

export interface ContainerRowOptions {
  /** Cut ids, commands, mounts and names as the default `ps` does (`--no-trunc` clears it). */
  readonly trunc: boolean;
  /** ms since the epoch, for `RunningFor`. */
  readonly now: number;
  /** Collects the fields a template reads (`ps` asks the engine for sizes only when `.Size` is used). */
  readonly fieldsUsed?: Set<string>;
}

/** The formatter row for one container. */
export function containerRow(container: ContainerSummary, options: ContainerRowOptions) {
  const { trunc } = options;
  return {
    [GO_TYPE]: '*formatter.ContainerContext',
    ID: () => (trunc ? truncateId(container.Id ?? '') : (container.Id ?? '')),
    Names: () => containerNames(container.Names ?? [], trunc),
    Image: () => containerImage(container, trunc),
    Command: () => goQuote(trunc ? ellipsis(container.Command ?? '', 20) : (container.Command ?? '')),
    CreatedAt: () => goTimeString(container.Created ?? 0),
    RunningFor: () => timeAgo((container.Created ?? 0) * 1000, options.now),
    Ports: () => displayablePorts(container.Ports ?? []),
    State: () => container.State ?? '',
    Status: () => container.Status ?? '',
    Size: () => {
      options.fieldsUsed?.add('Size');
      const writable = humanSize(container.SizeRw ?? 0, 3);
      const rootFs = container.SizeRootFs ?? 0;
      return rootFs > 0 ? `${writable} (virtual ${humanSize(rootFs, 3)})` : writable;
    },
    Labels: () =>
      Object.entries(container.Labels ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .sort()
        .join(','),
    Label: (name: string) => container.Labels?.[name] ?? '',
    Mounts: () =>
      (container.Mounts ?? [])
        .map((mount) => (mount.Name ? mount.Name : (mount.Source ?? '')))
        .map((name) => (trunc ? ellipsis(name, 15) : name))
        .join(','),
    LocalVolumes: () => String((container.Mounts ?? []).filter((mount) => mount.Driver === 'local').length),
    Networks: () => Object.keys(container.NetworkSettings?.Networks ?? {}).join(','),
    Platform: () => {
      const platform = container.ImageManifestDescriptor?.platform;
      if (!platform) return null;
      return {
        ...platform,
        String: () => [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/'),
      };
    },
  };
}

/** Names without their `/`; truncated: only the first that is not a legacy link (`/other/alias`). */
function containerNames(names: readonly string[], trunc: boolean): string {
  const bare = names.map((name) => name.replace(/^\//, ''));
  if (trunc) return bare.find((name) => !name.includes('/')) ?? '';
  return bare.join(',');
}

/** The image as docker shows it: an id for containers made from an id, else the familiar reference. */
function containerImage(container: ContainerSummary, trunc: boolean): string {
  const image = container.Image ?? '';
  if (image === '') return '<no image>';
  if (!trunc) return image;
  const shortId = truncateId(container.ImageID ?? '');
  if (shortId === truncateId(image)) return shortId;
  const reference = parseReference(image);
  if (!reference) return image;
  // A digest is dropped; the tag stays.
  return familiarString({ ...reference, digest: undefined });
}

/**
 * docker's DisplayablePorts: `0.0.0.0:8080->80/tcp, 9000-9001/tcp`. Unpublished and same-number
 * ports are grouped into ranges per protocol and address; published ones are listed after them.
 */
export function displayablePorts(ports: readonly PortSummary[]): string {
  const sorted = [...ports].sort(
    (a, b) =>
      a.PrivatePort - b.PrivatePort ||
      compareText(a.IP ?? '', b.IP ?? '') ||
      (a.PublicPort ?? 0) - (b.PublicPort ?? 0) ||
      compareText(a.Type, b.Type),
  );
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const port of sorted) {
    const current = port.PrivatePort;
    let key: string = port.Type;
    if (port.IP) {
      if ((port.PublicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(port.IP, port.PublicPort ?? 0)}->${current}/${port.Type}`);
        continue;
      }
      key = `${port.IP}/${port.Type}`;
    }
    const group = groups.get(key);
    if (!group) groups.set(key, { first: current, last: current });
    else if (current === group.last + 1) group.last = current;
    else {
      result.push(portGroup(key, group.first, group.last));
      groups.set(key, { first: current, last: current });
    }
  }
  for (const [key, group] of groups) result.push(portGroup(key, group.first, group.last));
  return [...result, ...hostMappings].join(', ');
}

function portGroup(key: string, first: number, last: number): string {
  const parts = key.split('/');
  const type = parts.length > 1 ? (parts[1] as string) : (parts[0] as string);
  const ip = parts.length > 1 ? (parts[0] as string) : '';
  const range = first === last ? String(first) : `${first}-${last}`;
  return `${ip ? `${joinHostPort(ip, range)}->${range}` : range}/${type}`;
}

function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
