/**
 * `node inspect --pretty`: docker's human-readable layout of a node (its tabs and spaces kept, as
 * docker writes them from a template rather than through a tabwriter).
 */
import type { Node } from '@gantry/engine';
import { goTimeStringNano } from '../output/time.ts';
import { bytesSize } from '../output/units.ts';
import { capitalizeFirst, labelLines } from './pretty.ts';

export function prettyNode(node: Node): string {
  const description = node.Description ?? {};
  const manager = node.ManagerStatus;
  const tls = description.TLSInfo;
  const lines = [
    `ID:\t\t\t${node.ID ?? ''}`,
    ...(node.Spec?.Name ? [`Name:\t\t\t${node.Spec.Name}`] : []),
    ...section('Labels:', labelLines(node.Spec?.Labels)),
    `Hostname:              \t${description.Hostname ?? ''}`,
    `Joined at:             \t${capitalizeFirst(goTimeOf(node.CreatedAt))}`,
    'Status:',
    ` State:\t\t\t${capitalizeFirst(node.Status?.State ?? '')}`,
    ...(node.Status?.Message ? [` Message:              \t${capitalizeFirst(node.Status.Message)}`] : []),
    ` Availability:         \t${capitalizeFirst(node.Spec?.Availability ?? '')}`,
    ...(node.Status?.Addr ? [` Address:\t\t${node.Status.Addr}`] : []),
    ...(manager
      ? [
          'Manager Status:',
          ` Address:\t\t${manager.Addr ?? ''}`,
          ` Raft Status:\t\t${capitalizeFirst(manager.Reachability ?? '')}`,
          ` Leader:\t\t${manager.Leader ? 'Yes' : 'No'}`,
        ]
      : []),
    'Platform:',
    ` Operating System:\t${description.Platform?.OS ?? ''}`,
    ` Architecture:\t\t${description.Platform?.Architecture ?? ''}`,
    'Resources:',
    ` CPUs:\t\t\t${(description.Resources?.NanoCPUs ?? 0) / 1e9}`,
    ` Memory:\t\t${bytesSize(description.Resources?.MemoryBytes ?? 0)}`,
    ...section('Plugins:', pluginLines(description.Engine?.Plugins ?? [])),
    `Engine Version:\t\t${description.Engine?.EngineVersion ?? ''}`,
    ...section('Engine Labels:', labelLines(description.Engine?.Labels)),
    ...(tls && (tls.TrustRoot || tls.CertIssuerSubject || tls.CertIssuerPublicKey)
      ? [
          'TLS Info:',
          ' TrustRoot:',
          tls.TrustRoot ?? '',
          ` Issuer Subject:\t${tls.CertIssuerSubject ?? ''}`,
          ` Issuer Public Key:\t${tls.CertIssuerPublicKey ?? ''}`,
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Go's `time.Time.String()` of a time as Go decodes it from JSON: a `Z` time stays in UTC
 * (`2026-11-29 13:36:39.68516471 +0000 UTC`) whatever the local zone; others as the local zone shows them.
 */
function goTimeOf(rfc3339: string | undefined): string {
  const utc = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(rfc3339 ?? '');
  if (!utc) return goTimeStringNano(rfc3339);
  const fraction = (utc[3] ?? '').replace(/0+$/, '');
  return `${utc[1]} ${utc[2]}${fraction ? `.${fraction}` : ''} +0000 UTC`;
}

/** A heading and its lines, or nothing when there are none. */
function section(heading: string, lines: readonly string[]): string[] {
  return lines.length > 0 ? [heading, ...lines] : [];
}

/** One line per plugin type (sorted), its plugins' names sorted and comma-separated. */
function pluginLines(plugins: ReadonlyArray<{ Type?: string; Name?: string }>): string[] {
  const byType = new Map<string, string[]>();
  for (const { Type = '', Name = '' } of plugins) byType.set(Type, [...(byType.get(Type) ?? []), Name]);
  return [...byType.keys()]
    .sort()
    .map((type) => ` ${type}:\t\t${(byType.get(type) ?? []).sort().join(', ')}`);
}
