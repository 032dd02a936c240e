/** Engine grants in words: `'*'` as "all", ids as the names the caller knows them by. */
import type { EngineGrant } from '@gantry/server/api-types';
import { useSession } from '../../api/session.tsx';

export function useEngineNames(): (grant: EngineGrant) => string {
  const { engines } = useSession();
  return (grant) =>
    grant === '*'
      ? 'all'
      : grant.map((id) => engines.find((engine) => engine.id === id)?.name ?? id).join(', ') || 'none';
}
