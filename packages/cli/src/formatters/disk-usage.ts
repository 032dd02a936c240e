/**
 * `system df`: docker's summary rows (TYPE, TOTAL, ACTIVE, SIZE, RECLAIMABLE — one per kind of
 * object, each its own formatter type as docker's) and the `-v` detail tables. Engines before API
 * 1.52 send the objects themselves (the totals are computed from them, as docker does); newer ones
 * send the totals.
 */
import type { BuildCache, ContainerSummary, DataUsage, ImageSummary, Volume } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { humanSize, timeAgo, truncateId } from '../output/units.ts';

export const DEFAULT_DISK_USAGE_TABLE =
  'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';

export const DISK_USAGE_HEADERS = {
  Type: 'TYPE',
  TotalCount: 'TOTAL',
  Active: 'ACTIVE',
  Size: 'SIZE',
  Reclaimable: 'RECLAIMABLE',
} as const;

export const VERBOSE_IMAGE_TABLE =
  'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
export const VERBOSE_CONTAINER_TABLE =
  'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
export const VERBOSE_VOLUME_TABLE = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
export const VERBOSE_BUILD_CACHE_TABLE =
  'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

export const BUILD_CACHE_HEADERS = {
  ID: 'CACHE ID',
  CacheType: 'CACHE TYPE',
  Size: 'SIZE',
  CreatedSince: 'CREATED',
  LastUsedSince: 'LAST USED',
  UsageCount: 'USAGE',
  Shared: 'SHARED',
} as const;

interface Totals {
  readonly total: number;
  readonly active: number;
  readonly size: number;
  readonly reclaimable: number;
}

/** `1.2MB (40%)`: the reclaimable part, with its share of the total when there is a total. */
function reclaimableText(reclaimable: number, total: number): string {
  const text = humanSize(reclaimable);
  return total > 0 ? `${text} (${Math.trunc((reclaimable * 100) / total)}%)` : text;
}

function summaryRow(goType: string, type: string, totals: Totals, showPercent = true) {
  return {
    [GO_TYPE]: goType,
    Type: () => type,
    TotalCount: () => String(totals.total),
    Active: () => String(totals.active),
    Size: () => humanSize(totals.size),
    Reclaimable: () =>
      showPercent ? reclaimableText(totals.reclaimable, totals.size) : humanSize(totals.reclaimable),
  };
}

const nonNegative = (value: number | null | undefined) =>
  value === undefined || value === null || value < 0 ? 0 : value;

function imageTotals(usage: DataUsage): Totals {
  if (usage.ImageUsage && !usage.Images) return newTotals(usage.ImageUsage);
  const images = usage.Images ?? [];
  const size = usage.LayersSize ?? 0;
  let used = 0;
  for (const image of images) {
    if ((image.Containers ?? 0) === 0 || image.Size === -1 || image.SharedSize === -1) continue;
    used += (image.Size ?? 0) - (image.SharedSize ?? 0);
  }
  return {
    total: images.length,
    active: images.filter((image) => (image.Containers ?? 0) > 0).length,
    size,
    reclaimable: size - used,
  };
}

const isActive = (container: ContainerSummary) =>
  container.State === 'running' || container.State === 'paused';

function containerTotals(usage: DataUsage): Totals {
  if (usage.ContainerUsage && !usage.Containers) return newTotals(usage.ContainerUsage);
  const containers = usage.Containers ?? [];
  return {
    total: containers.length,
    active: containers.filter(isActive).length,
    size: containers.reduce((sum, container) => sum + nonNegative(container.SizeRw), 0),
    reclaimable: containers
      .filter((container) => !isActive(container))
      .reduce((sum, container) => sum + nonNegative(container.SizeRw), 0),
  };
}

function volumeTotals(usage: DataUsage): Totals {
  if (usage.VolumeUsage && !usage.Volumes) return newTotals(usage.VolumeUsage);
  const volumes = usage.Volumes ?? [];
  const links = (volume: Volume) => volume.UsageData?.RefCount ?? 0;
  const size = (volume: Volume) => nonNegative(volume.UsageData?.Size);
  return {
    total: volumes.length,
    active: volumes.filter((volume) => links(volume) > 0).length,
    size: volumes.reduce((sum, volume) => sum + size(volume), 0),
    reclaimable: volumes
      .filter((volume) => links(volume) === 0)
      .reduce((sum, volume) => sum + size(volume), 0),
  };
}

function buildCacheTotals(usage: DataUsage): Totals {
  if (usage.BuildCacheUsage && !usage.BuildCache) return newTotals(usage.BuildCacheUsage);
  const records = usage.BuildCache ?? [];
  const unshared = records.filter((record) => !record.Shared);
  return {
    total: records.length,
    active: records.filter((record) => record.InUse).length,
    size: unshared.reduce((sum, record) => sum + nonNegative(record.Size), 0),
    reclaimable: unshared
      .filter((record) => !record.InUse)
      .reduce((sum, record) => sum + nonNegative(record.Size), 0),
  };
}

function newTotals(usage: {
  ActiveCount?: number;
  TotalCount?: number;
  Reclaimable?: number;
  TotalSize?: number;
}): Totals {
  return {
    total: usage.TotalCount ?? 0,
    active: usage.ActiveCount ?? 0,
    size: usage.TotalSize ?? 0,
    reclaimable: usage.Reclaimable ?? 0,
  };
}

/** The four summary rows, in docker's order. */
export function diskUsageRows(usage: DataUsage) {
  return [
    summaryRow('*formatter.diskUsageImagesContext', 'Images', imageTotals(usage)),
    summaryRow('*formatter.diskUsageContainersContext', 'Containers', containerTotals(usage)),
    summaryRow('*formatter.diskUsageVolumesContext', 'Local Volumes', volumeTotals(usage)),
    summaryRow('*formatter.diskUsageBuilderContext', 'Build Cache', buildCacheTotals(usage), false),
  ];
}

/** The total size of the build cache, as `Build cache usage: <size>` reports it. */
export function buildCacheSize(usage: DataUsage): number {
  return buildCacheTotals(usage).size;
}

/** A build cache record in the `-v` table; in-use records get a `*` after their id. */
export function buildCacheRow(record: BuildCache, options: { trunc: boolean; now: number }) {
  const id = options.trunc ? truncateId(record.ID ?? '') : (record.ID ?? '');
  const at = (text: string | null | undefined) => (text ? Date.parse(text) : Number.NaN);
  return {
    [GO_TYPE]: '*formatter.buildCacheContext',
    ID: () => (record.InUse ? `${id}*` : id),
    Parents: () => (record.Parents ?? []).join(', '),
    CacheType: () => record.Type ?? '',
    Description: () => record.Description ?? '',
    Size: () => humanSize(record.Size ?? 0, 3),
    CreatedSince: () => timeAgo(at(record.CreatedAt), options.now),
    LastUsedSince: () =>
      Number.isNaN(at(record.LastUsedAt)) ? '' : timeAgo(at(record.LastUsedAt), options.now),
    UsageCount: () => String(record.UsageCount ?? 0),
    InUse: () => String(record.InUse === true),
    Shared: () => String(record.Shared === true),
  };
}

/** What the verbose image table lists: the summaries of API < 1.52, else the `Items` of newer ones. */
export function usageImages(usage: DataUsage): ImageSummary[] {
  return usage.Images ?? usage.ImageUsage?.Items ?? [];
}

export function usageContainers(usage: DataUsage): ContainerSummary[] {
  return usage.Containers ?? usage.ContainerUsage?.Items ?? [];
}

export function usageVolumes(usage: DataUsage): Volume[] {
  return usage.Volumes ?? usage.VolumeUsage?.Items ?? [];
}

export function usageBuildCache(usage: DataUsage): BuildCache[] {
  return usage.BuildCache ?? usage.BuildCacheUsage?.Items ?? [];
}
