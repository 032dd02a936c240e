/**
 * Whether the selected engine is in a swarm and manages it — what decides if swarm objects (nodes,
 * services, tasks, secrets, configs) exist at all. Read from `system/info` (its `Swarm` part); a
 * caller without system.read falls back to `GET …/swarm`, which only a manager answers.
 */
import type { SwarmInfo } from '@gantry/engine';
import { enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';

export interface SwarmState {
  /** False while loading. */
  readonly known: boolean;
  /** `inactive`, `pending`, `active`, `error`, `locked`. */
  readonly localState: string;
  /** A manager can list and change swarm objects. */
  readonly manager: boolean;
  readonly info: SwarmInfo | undefined;
  readonly error: Error | undefined;
  readonly reload: () => void;
}

export function useSwarmState(refreshMs?: number): SwarmState {
  const session = useSession();
  const engine = session.engine;
  const byInfo = session.can('system.read');
  const info = useApi<{ Swarm?: SwarmInfo }>(
    engine && byInfo ? enginePath(engine, 'system', 'info') : undefined,
    undefined,
    refreshMs,
  );
  const swarm = useApi<{ ID?: string }>(
    engine && !byInfo && session.can('swarm.read') ? enginePath(engine, 'swarm') : undefined,
    undefined,
    refreshMs,
  );
  if (byInfo) {
    const state = info.data?.Swarm;
    return {
      known: info.data !== undefined,
      localState: state?.LocalNodeState || 'inactive',
      manager: Boolean(state?.ControlAvailable),
      info: state,
      error: info.error,
      reload: info.reload,
    };
  }
  // Neither permission: nothing tells; the lists themselves will answer (empty outside a swarm).
  const unknowable = !session.can('swarm.read');
  return {
    known: unknowable || swarm.data !== undefined || swarm.error !== undefined,
    localState: swarm.data ? 'active' : 'unknown',
    manager: unknowable || swarm.data !== undefined,
    info: undefined,
    error: undefined,
    reload: swarm.reload,
  };
}
