/**
 * The engine's containers (the first 500, name order), for what other objects need of them: which
 * containers use a network or a volume, and a container to pick for connect. Lists of networks and
 * volumes do not carry their containers, so they are counted from this side.
 */
import type { ContainerSummary } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';

/** The list route's largest page. */
const MAX_CONTAINERS = 500;

export function useContainers(refreshMs = 10_000): readonly ContainerSummary[] {
  const session = useSession();
  const allowed = session.can('containers.read') && session.engine !== undefined;
  const { data } = useApi<Page<ContainerSummary>>(
    allowed ? enginePath(session.engine as string, 'containers') : undefined,
    { pageSize: MAX_CONTAINERS },
    refreshMs,
  );
  return data?.items ?? [];
}

export const containerName = (container: ContainerSummary): string =>
  (container.Names?.[0] ?? container.Id ?? '').replace(/^\//, '');

/** How many of `containers` are attached to each network id. */
export function countByNetwork(containers: readonly ContainerSummary[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const container of containers)
    for (const endpoint of Object.values(container.NetworkSettings?.Networks ?? {}))
      if (endpoint.NetworkID) counts.set(endpoint.NetworkID, (counts.get(endpoint.NetworkID) ?? 0) + 1);
  return counts;
}

/** The containers mounting volume `name`, each with where it mounts it. */
export function mountsOf(
  containers: readonly ContainerSummary[],
  name: string,
): { container: ContainerSummary; destination: string; writable: boolean }[] {
  return containers.flatMap((container) =>
    (container.Mounts ?? [])
      .filter((mount) => mount.Type === 'volume' && mount.Name === name)
      .map((mount) => ({ container, destination: mount.Destination ?? '', writable: mount.RW !== false })),
  );
}
