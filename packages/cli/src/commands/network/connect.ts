/** `gantry network connect`: attach a container to a network, with an address and aliases if given. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { commaSeparated, keyValues } from '../../objects.ts';

const strings = { type: 'list', placeholder: 'strings', defaultText: '' } as const;

export const definition = defineCommand({
  summary: 'Connect a container to a network',
  usage: '[OPTIONS] NETWORK CONTAINER',
  flags: {
    alias: { ...strings, description: 'Add network-scoped alias for the container' },
    'driver-opt': { ...strings, description: 'driver options for the network' },
    'gw-priority': {
      type: 'number',
      default: 0,
      description: 'Highest gw-priority provides the default gateway. Accepts positive and negative values.',
    },
    ip: { type: 'string', description: 'IPv4 address (e.g., "172.30.100.104")' },
    ip6: { type: 'string', description: 'IPv6 address (e.g., "2001:db8::33")' },
    link: { type: 'list', description: 'Add link to another container', defaultText: '' },
    'link-local-ip': { ...strings, description: 'Add a link-local address for the container' },
  },
  args: { network: { required: true }, container: { required: true } },
});

export type NetworkConnectOptions = OptionsOf<typeof definition>;

export async function run(opts: NetworkConnectOptions, io: CommandIO): Promise<number> {
  const linkLocal = commaSeparated(opts.linkLocalIp);
  const ipam =
    opts.ip || opts.ip6 || linkLocal.length > 0
      ? {
          IPAMConfig: {
            ...(opts.ip ? { IPv4Address: opts.ip } : {}),
            ...(opts.ip6 ? { IPv6Address: opts.ip6 } : {}),
            ...(linkLocal.length > 0 ? { LinkLocalIPs: linkLocal } : {}),
          },
        }
      : {};
  const aliases = commaSeparated(opts.alias);
  const driverOpts = keyValues(commaSeparated(opts.driverOpt));
  const docker = await io.client();
  await docker.networks.connect(opts.network, {
    Container: opts.container,
    EndpointConfig: {
      ...ipam,
      ...(aliases.length > 0 ? { Aliases: aliases } : {}),
      ...(opts.link.length > 0 ? { Links: [...opts.link] } : {}),
      ...(Object.keys(driverOpts).length > 0 ? { DriverOpts: driverOpts } : {}),
      ...(opts.gwPriority !== 0 ? { GwPriority: opts.gwPriority } : {}),
    },
    signal: io.signal,
  });
  return 0;
}
