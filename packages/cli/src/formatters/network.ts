/**
 * `network ls` rows as docker's networkContext presents them to `--format`: 12-character ids unless
 * `--no-trunc`, booleans as `true` / `false`, the creation time as Go prints a time.Time.
 */
import type { Network } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { goTimeStringNano } from '../output/time.ts';
import { truncateId } from '../output/units.ts';
import { labelList } from './labels.ts';

export const DEFAULT_NETWORK_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

export const NETWORK_HEADERS = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv4: 'IPV4',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
} as const;

/** The format `network ls` runs: `-q` turns only the default table into ids (docker ignores it for templates). */
export function networkFormat(format: string, quiet: boolean): string {
  if (format === '' || format === 'table') return quiet ? '{{.ID}}' : DEFAULT_NETWORK_TABLE;
  return format;
}

export function networkRow(network: Network, trunc: boolean) {
  return {
    [GO_TYPE]: '*network.networkContext',
    ID: () => (trunc ? truncateId(network.Id ?? '') : (network.Id ?? '')),
    Name: () => network.Name ?? '',
    Driver: () => network.Driver ?? '',
    Scope: () => network.Scope ?? '',
    IPv4: () => String(network.EnableIPv4 === true),
    IPv6: () => String(network.EnableIPv6 === true),
    Internal: () => String(network.Internal === true),
    Labels: () => labelList(network.Labels),
    Label: (name: string) => network.Labels?.[name] ?? '',
    CreatedAt: () => goTimeStringNano(network.Created),
  };
}
