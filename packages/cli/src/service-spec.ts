/**
 * What the `service` commands share: docker's `--publish` syntax for services (`8080:80/udp` or
 * `published=8080,target=80,mode=host`), editing `KEY=value` lists (`--env-add`, `--label-rm`),
 * and waiting for a service to converge — docker's "overall progress: 2 out of 3 tasks", redrawn in
 * place on a terminal, a line per change elsewhere.
 */
import type { DockerClient, EndpointPortConfig, Service } from '@gantry/engine';
import type { CommandIO } from './io.ts';

const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
const MODES = ['ingress', 'host'] as const;

/** One `-p` / `--publish-add` value as the API's port configs (a range gives one per port). */
export function parseServicePort(value: string): EndpointPortConfig[] {
  if (value.includes('=')) return [longPort(value)];
  const match = /^(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(value);
  if (!match) throw new Error(`invalid publish option: ${value} — use PUBLISHED:TARGET[/PROTOCOL]`);
  const [, pubStart, pubEnd, targetStart = '', targetEnd, protocol = 'tcp'] = match;
  const ports = range(Number(targetStart), targetEnd ? Number(targetEnd) : Number(targetStart));
  const published = pubStart ? range(Number(pubStart), pubEnd ? Number(pubEnd) : Number(pubStart)) : [];
  if (published.length > 0 && published.length !== ports.length)
    throw new Error(`invalid ranges specified for container and host Ports: ${value}`);
  return ports.map((target, index) => ({
    Protocol: checkProtocol(protocol),
    TargetPort: target,
    ...(published[index] !== undefined ? { PublishedPort: published[index] } : {}),
    PublishMode: 'ingress' as const,
  }));
}

function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => first + index);
}

function checkProtocol(protocol: string): (typeof PROTOCOLS)[number] {
  const lower = protocol.toLowerCase();
  if (!(PROTOCOLS as readonly string[]).includes(lower))
    throw new Error(`invalid protocol value '${protocol}'`);
  return lower as (typeof PROTOCOLS)[number];
}

function longPort(value: string): EndpointPortConfig {
  const port: EndpointPortConfig = { Protocol: 'tcp', PublishMode: 'ingress' };
  for (const field of value.split(',')) {
    const at = field.indexOf('=');
    if (at < 0) throw new Error(`invalid field ${field}`);
    const key = field.slice(0, at).toLowerCase();
    const text = field.slice(at + 1);
    if (key === 'protocol') port.Protocol = checkProtocol(text);
    else if (key === 'mode') {
      if (!(MODES as readonly string[]).includes(text.toLowerCase()))
        throw new Error(`invalid publish mode value (${text}): must be either "ingress" or "host"`);
      port.PublishMode = text.toLowerCase() as (typeof MODES)[number];
    } else if (key === 'target' || key === 'published') {
      const number = Number(text);
      if (!Number.isInteger(number) || number < 0 || number > 65535)
        throw new Error(`invalid ${key} port: ${text}`);
      if (key === 'target') port.TargetPort = number;
      else port.PublishedPort = number;
    } else throw new Error(`invalid field key ${key}`);
  }
  if (port.TargetPort === undefined) throw new Error('missing mandatory field "target"');
  return port;
}

/** Validates every value of a `--publish` flag while it is parsed (docker checks them as flags). */
export function validateServicePort(value: string): void {
  parseServicePort(value);
}

/**
 * `KEY=value` entries with additions replacing the same key and removals by key (`--env-add`,
 * `--env-rm`, `--container-label-add` …), order kept.
 */
export function updateEntries(
  current: readonly string[],
  add: readonly string[],
  remove: readonly string[],
): string[] {
  const key = (entry: string) => entry.split('=', 1)[0] as string;
  const removed = new Set([...remove.map(key), ...add.map(key)]);
  return [...current.filter((entry) => !removed.has(key(entry))), ...add];
}

/** A map with additions (`k=v` / `k`) and removals by key (`--label-add`, `--label-rm`). */
export function updateMap(
  current: Readonly<Record<string, string>> | undefined,
  add: readonly string[],
  remove: readonly string[],
): Record<string, string> {
  const next: Record<string, string> = { ...(current ?? {}) };
  for (const name of remove) delete next[name];
  for (const entry of add) {
    const at = entry.indexOf('=');
    next[at < 0 ? entry : entry.slice(0, at)] = at < 0 ? '' : entry.slice(at + 1);
  }
  return next;
}

/** Tasks a service wants: its replicas, or one per ready node for a global service. */
async function desiredTasks(docker: DockerClient, service: Service, signal: AbortSignal): Promise<number> {
  const mode = service.Spec?.Mode;
  if (mode?.Global) {
    const nodes = await docker.nodes.list({ signal });
    return nodes.filter((node) => node.Status?.State === 'ready' && node.Spec?.Availability === 'active')
      .length;
  }
  return mode?.Replicated?.Replicas ?? 1;
}

/** How often convergence is checked, in ms (docker polls every 200 ms). */
const POLL_MS = 200;

/**
 * Waits until the service runs as many tasks as it wants, showing docker's progress line on stdout;
 * Ctrl-C stops waiting (the service stays as it is). Ends with `verify: Service converged`.
 */
export async function waitForConvergence(
  docker: DockerClient,
  serviceId: string,
  io: CommandIO,
  options: { readonly quiet?: boolean } = {},
): Promise<void> {
  const write = (text: string) => {
    if (!options.quiet) io.stdout.write(text);
  };
  const { setTimeout: sleep } = await import('node:timers/promises');
  let shown = '';
  for (;;) {
    const service = await docker.services.inspect(serviceId, { signal: io.signal });
    const wanted = await desiredTasks(docker, service, io.signal);
    const tasks = await docker.tasks.list({
      filters: { service: [service.ID ?? serviceId], 'desired-state': ['running'] },
      signal: io.signal,
    });
    const running = tasks.filter((task) => task.Status?.State === 'running').length;
    const line = `overall progress: ${Math.min(running, wanted)} out of ${wanted} tasks`;
    if (line !== shown) {
      // A terminal redraws the one line; elsewhere each change is a line of its own.
      write(io.stdout.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      shown = line;
    }
    if (running >= wanted && service.UpdateStatus?.State !== 'updating') break;
    await sleep(POLL_MS, undefined, { signal: io.signal });
  }
  write(`${io.stdout.isTTY ? '\n' : ''}verify: Service converged\n`);
}
