/**
 * Published and exposed ports as docker reads them: `-p [ip:][hostPort:]containerPort[/proto]`
 * with ranges (`8000-8001:80-81`, `127.0.0.1::80`, `[::1]:8080:80/udp`) and `--expose 80-81/udp`,
 * turned into the API's `ExposedPorts` and `PortBindings`. Errors are docker's words.
 */
import { isIP } from 'node:net';

/** `-p` values -> `HostConfig.PortBindings` plus the ports they expose (`80/tcp`). */
export interface PortMapping {
  readonly exposed: string[];
  readonly bindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** Every `-p` value into one mapping; a port published twice gets two bindings. */
export function parsePublish(specs: readonly string[]): PortMapping {
  const exposed: string[] = [];
  const bindings: PortMapping['bindings'] = {};
  for (const spec of specs) {
    for (const { port, hostIp, hostPort } of parsePortSpec(spec)) {
      if (!exposed.includes(port)) exposed.push(port);
      bindings[port] = [...(bindings[port] ?? []), { HostIp: hostIp, HostPort: hostPort }];
    }
  }
  return { exposed, bindings };
}

interface PortBindingSpec {
  readonly port: string;
  readonly hostIp: string;
  readonly hostPort: string;
}

function parsePortSpec(spec: string): PortBindingSpec[] {
  const slash = spec.lastIndexOf('/');
  const protocol = slash === -1 ? 'tcp' : spec.slice(slash + 1).toLowerCase();
  const address = slash === -1 ? spec : spec.slice(0, slash);
  const parts = address.split(':');
  const containerPart = parts.at(-1) as string;
  const hostPart = parts.length >= 2 ? (parts.at(-2) as string) : '';
  let hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  if (hostIp.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);
  if (hostIp !== '' && isIP(hostIp) === 0) throw new Error(`invalid IP address: ${hostIp}`);
  if (containerPart === '') throw new Error(`no port specified: ${address}<empty>`);
  const container = parseRange(containerPart);
  if (!container) throw new Error(`invalid containerPort: ${containerPart}`);
  const host = hostPart === '' ? undefined : parseRange(hostPart);
  if (hostPart !== '' && !host) throw new Error(`invalid hostPort: ${hostPart}`);
  if (!PROTOCOLS.has(protocol)) throw new Error(`invalid proto: ${protocol}`);
  const containerCount = container[1] - container[0];
  // One container port may take a host range (the daemon picks a free one in it); otherwise the
  // ranges pair up one to one.
  if (host && containerCount !== 0 && host[1] - host[0] !== containerCount)
    throw new Error(
      `invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`,
    );
  const bindings: PortBindingSpec[] = [];
  for (let offset = 0; offset <= containerCount; offset++) {
    const hostPort = !host ? '' : containerCount === 0 ? hostPart : String(host[0] + offset);
    bindings.push({ port: `${container[0] + offset}/${protocol}`, hostIp, hostPort });
  }
  return bindings;
}

/** `80` or `80-90` -> [start, end]; undefined when not ports (0-65535, start <= end). */
function parseRange(text: string): [number, number] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2] ?? match[1]);
  return start <= 65535 && end <= 65535 && start <= end ? [start, end] : undefined;
}

/** `--expose 80`, `80/udp`, `8000-8010` -> the `port/proto` keys of `ExposedPorts`. */
export function parseExpose(spec: string): string[] {
  const slash = spec.indexOf('/');
  const protocol = slash === -1 ? 'tcp' : spec.slice(slash + 1);
  const ports = slash === -1 ? spec : spec.slice(0, slash);
  const [first, last = first] = ports.split('-') as [string, string?];
  for (const bound of [first, last]) {
    if (!/^\d+$/.test(bound) || Number(bound) > 65535)
      throw new Error(
        `invalid range format for --expose: ${spec}, error: strconv.ParseUint: parsing ${JSON.stringify(bound)}: invalid syntax`,
      );
  }
  const exposed: string[] = [];
  for (let port = Number(first); port <= Number(last); port++) exposed.push(`${port}/${protocol}`);
  return exposed;
}
