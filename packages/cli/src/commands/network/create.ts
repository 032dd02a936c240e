/**
 * `gantry network create`: a network with docker's flags. Gateways and IP ranges are matched to the
 * subnet that contains them (docker's IPAM consolidation); the new network's id goes to stdout.
 */
import type { IPAMConfig } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { commaSeparated, keyValues } from '../../objects.ts';

const map = { type: 'list', placeholder: 'map', defaultText: 'map[]' } as const;
const strings = { type: 'list', placeholder: 'strings', defaultText: '' } as const;

export const definition = defineCommand({
  summary: 'Create a network',
  usage: '[OPTIONS] NETWORK',
  flags: {
    attachable: { type: 'boolean', description: 'Enable manual container attachment' },
    'aux-address': { ...map, description: 'Auxiliary IPv4 or IPv6 addresses used by Network driver' },
    'config-from': { type: 'string', description: 'The network from which to copy the configuration' },
    'config-only': { type: 'boolean', description: 'Create a configuration only network' },
    driver: { type: 'string', short: 'd', default: 'bridge', description: 'Driver to manage the Network' },
    gateway: { ...strings, description: 'IPv4 or IPv6 Gateway for the master subnet' },
    ingress: { type: 'boolean', description: 'Create swarm routing-mesh network' },
    internal: { type: 'boolean', description: 'Restrict external access to the network' },
    'ip-range': { ...strings, description: 'Allocate container ip from a sub-range' },
    'ipam-driver': { type: 'string', default: 'default', description: 'IP Address Management Driver' },
    'ipam-opt': { ...map, description: 'Set IPAM driver specific options' },
    ipv4: { type: 'boolean', default: true, description: 'Enable or disable IPv4 address assignment' },
    ipv6: { type: 'boolean', description: 'Enable or disable IPv6 address assignment' },
    label: { type: 'list', description: 'Set metadata on a network', defaultText: '' },
    opt: { ...map, short: 'o', description: 'Set driver specific options' },
    scope: { type: 'string', description: "Control the network's scope" },
    subnet: { ...strings, description: 'Subnet in CIDR format that represents a network segment' },
  },
  args: { name: { required: true } },
});

export type NetworkCreateOptions = OptionsOf<typeof definition>;

export async function run(opts: NetworkCreateOptions, io: CommandIO): Promise<number> {
  const ipamConfig = consolidateIpam(
    commaSeparated(opts.subnet),
    commaSeparated(opts.ipRange),
    commaSeparated(opts.gateway),
    keyValues(opts.auxAddress),
  );
  const docker = await io.client();
  const created = await docker.networks.create({
    // Engines before API 1.44 allow two networks of one name unless asked not to; docker asks.
    ...({ CheckDuplicate: true } as object),
    Name: opts.name,
    Driver: opts.driver,
    Options: keyValues(opts.opt),
    IPAM: { Driver: opts.ipamDriver, Config: ipamConfig, Options: keyValues(opts.ipamOpt) },
    Internal: opts.internal,
    Attachable: opts.attachable,
    Ingress: opts.ingress,
    ConfigOnly: opts.configOnly,
    Labels: keyValues(opts.label),
    ...(opts.changed.has('ipv4') ? { EnableIPv4: opts.ipv4 } : {}),
    ...(opts.changed.has('ipv6') ? { EnableIPv6: opts.ipv6 } : {}),
    ...(opts.scope ? { Scope: opts.scope } : {}),
    ...(opts.configFrom ? { ConfigFrom: { Network: opts.configFrom } } : {}),
    signal: io.signal,
  });
  if (created.Warning) io.stderr.write(`WARNING: ${created.Warning}\n`);
  io.stdout.write(`${created.Id}\n`);
  return 0;
}

/**
 * One IPAM entry per subnet, each gateway, IP range and auxiliary address placed in the subnet that
 * contains it. Anything no subnet contains is refused with docker's message.
 */
export function consolidateIpam(
  subnets: readonly string[],
  ranges: readonly string[],
  gateways: readonly string[],
  auxiliary: Readonly<Record<string, string>>,
): IPAMConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length)
    throw new StatusError(1, 'every ip-range or gateway must have a corresponding subnet');
  const configs = subnets.map((subnet): IPAMConfig & { AuxiliaryAddresses: Record<string, string> } => {
    if (!parseCidr(subnet)) throw new StatusError(1, `invalid CIDR address: ${subnet}`);
    return { Subnet: subnet, AuxiliaryAddresses: {} };
  });
  const owner = (address: string, what: string) => {
    const found = configs.find((config) => contains(config.Subnet as string, address));
    if (!found) throw new StatusError(1, `no matching subnet for ${what} ${address}`);
    return found;
  };
  for (const range of ranges) {
    const config = owner(range, 'range');
    if (config.IPRange)
      throw new StatusError(
        1,
        `cannot configure multiple ranges (${range}, ${config.IPRange}) on the same subnet (${config.Subnet})`,
      );
    config.IPRange = range;
  }
  for (const gateway of gateways) {
    const config = owner(gateway, 'gateway');
    if (config.Gateway)
      throw new StatusError(
        1,
        `cannot configure multiple gateways (${gateway}, ${config.Gateway}) for the same subnet (${config.Subnet})`,
      );
    config.Gateway = gateway;
  }
  for (const [name, address] of Object.entries(auxiliary))
    owner(address, 'aux-address').AuxiliaryAddresses[name] = address;
  return configs.map(({ AuxiliaryAddresses, ...config }) =>
    Object.keys(AuxiliaryAddresses).length > 0 ? { ...config, AuxiliaryAddresses } : config,
  );
}

/** An address (or CIDR) as a bigint with its bit length, and the prefix length; undefined if unreadable. */
function parseCidr(text: string): { value: bigint; bits: number; prefix: number } | undefined {
  const [address = '', prefixText] = text.split('/');
  const parsed = address.includes(':') ? parseIpv6(address) : parseIpv4(address);
  if (!parsed) return undefined;
  const prefix = prefixText === undefined ? parsed.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > parsed.bits) return undefined;
  return { ...parsed, prefix };
}

function parseIpv4(text: string): { value: bigint; bits: number } | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255))
    return undefined;
  return { value: parts.reduce((sum, part) => (sum << 8n) + BigInt(part), 0n), bits: 32 };
}

function parseIpv6(text: string): { value: bigint; bits: number } | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (all.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return { value: all.reduce((sum, group) => (sum << 16n) + BigInt(`0x${group}`), 0n), bits: 128 };
}

/** Whether `address` (an address or a CIDR range) lies inside `subnet`. */
function contains(subnet: string, address: string): boolean {
  const net = parseCidr(subnet);
  const inner = parseCidr(address);
  if (!net || !inner || net.bits !== inner.bits || inner.prefix < net.prefix) return false;
  const shift = BigInt(net.bits - net.prefix);
  return net.value >> shift === inner.value >> shift;
}
