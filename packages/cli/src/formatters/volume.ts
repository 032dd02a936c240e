/**
 * `volume ls` rows as docker's volumeContext presents them: `N/A` where the engine did not compute a
 * value (usage, cluster fields), sizes in decimal units.
 */
import type { Volume } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { humanSize } from '../output/units.ts';
import { labelList } from './labels.ts';

export const DEFAULT_VOLUME_TABLE = 'table {{.Driver}}\t{{.Name}}';

export const VOLUME_HEADERS = {
  Name: 'VOLUME NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  Mountpoint: 'MOUNTPOINT',
  Labels: 'LABELS',
  Links: 'LINKS',
  Size: 'SIZE',
  Group: 'GROUP',
  Availability: 'AVAILABILITY',
  Status: 'STATUS',
} as const;

export function volumeFormat(format: string, quiet: boolean): string {
  if (format === '' || format === 'table') return quiet ? '{{.Name}}' : DEFAULT_VOLUME_TABLE;
  return format;
}

export function volumeRow(volume: Volume) {
  const usage = volume.UsageData;
  const cluster = volume.ClusterVolume;
  return {
    [GO_TYPE]: '*formatter.volumeContext',
    Name: () => volume.Name,
    Driver: () => volume.Driver,
    Scope: () => volume.Scope,
    Mountpoint: () => volume.Mountpoint,
    Labels: () => labelList(volume.Labels),
    Label: (name: string) => volume.Labels?.[name] ?? '',
    Links: () => (usage ? String(usage.RefCount) : 'N/A'),
    Size: () => (usage && usage.Size !== -1 ? humanSize(usage.Size) : 'N/A'),
    Group: () => (cluster ? (cluster.Spec?.Group ?? '') : 'N/A'),
    Availability: () => (cluster ? (cluster.Spec?.AccessMode?.Availability ?? '') : 'N/A'),
    Status: () => (cluster ? (cluster.PublishStatus?.[0]?.State ?? '') : 'N/A'),
  };
}
