/** Service and node names by id (tasks carry ids only), from one page of each list. */
import type { Node, Service } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import type { Names } from './task-columns.tsx';

/** The list route's largest page. */
const MAX = 500;

export function useSwarmNames(refreshMs = 10_000): Names {
  const { engine } = useSession();
  const services = useApi<Page<Service>>(
    engine ? enginePath(engine, 'services') : undefined,
    { pageSize: MAX },
    refreshMs,
  );
  const nodes = useApi<Page<Node>>(
    engine ? enginePath(engine, 'nodes') : undefined,
    { pageSize: MAX },
    refreshMs,
  );
  return {
    services: new Map(
      (services.data?.items ?? []).map((service) => [service.ID ?? '', service.Spec?.Name ?? '']),
    ),
    nodes: new Map(
      (nodes.data?.items ?? []).map((node) => [node.ID ?? '', node.Description?.Hostname ?? '']),
    ),
  };
}
