/** What a service's list row and page show, computed from its spec. */
import type { ContainerSummary, Service, Task } from '@gantry/engine';

/** The image without its pinned digest (`busybox:latest@sha256:…` → `busybox:latest`). */
export const imageOf = (service: Service): string =>
  (service.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:[0-9a-f]+$/, '');

export const modeOf = (service: Service): string => (service.Spec?.Mode?.Global ? 'global' : 'replicated');

/** Desired replicas; undefined for a global service (one task per node). */
export const desiredOf = (service: Service): number | undefined => service.Spec?.Mode?.Replicated?.Replicas;

export const portsOf = (service: Service): string =>
  (service.Endpoint?.Ports ?? service.Spec?.EndpointSpec?.Ports ?? [])
    .map((port) => `${port.PublishedPort ?? ''}→${port.TargetPort}/${port.Protocol ?? 'tcp'}`)
    .join(', ');

const SERVICE_LABEL = 'com.docker.swarm.service.id';

/**
 * Running replicas per service id (the service list carries no task counts): the running tasks,
 * or the running task containers on this engine when they are more. The console's task list can
 * lag — a task's move from "starting" to "running" has no event of its own — while the container
 * list follows container events; containers only cover this node, tasks cover the whole swarm.
 */
export function runningByService(
  tasks: readonly Task[],
  containers: readonly ContainerSummary[],
): ReadonlyMap<string, number> {
  const byTasks = new Map<string, number>();
  for (const task of tasks)
    if (task.Status?.State === 'running' && task.DesiredState === 'running')
      byTasks.set(task.ServiceID ?? '', (byTasks.get(task.ServiceID ?? '') ?? 0) + 1);
  const byContainers = new Map<string, number>();
  for (const container of containers) {
    const service = container.Labels?.[SERVICE_LABEL];
    if (service && container.State === 'running')
      byContainers.set(service, (byContainers.get(service) ?? 0) + 1);
  }
  const counts = new Map(byTasks);
  for (const [service, count] of byContainers) counts.set(service, Math.max(count, counts.get(service) ?? 0));
  return counts;
}

/**
 * A command line into argv words: spaces separate, "double" or 'single' quotes keep spaces. No
 * shell runs it, so no other syntax means anything.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g))
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}
