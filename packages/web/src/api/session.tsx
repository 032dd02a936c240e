/**
 * Who is signed in: loads /api/setup and /api/auth/me once, and offers sign-in, sign-out, the
 * selected engine and a permission check to every page.
 */
import type { EngineSummary, Me, Permission } from '@gantry/server/api-types';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onSignedOut, setCsrfToken } from './client.ts';

export type SessionState =
  | { readonly phase: 'loading' }
  | { readonly phase: 'unreachable'; readonly message: string }
  | { readonly phase: 'setup' }
  | { readonly phase: 'signed-out' }
  | { readonly phase: 'signed-in'; readonly me: Me };

export interface Session {
  readonly state: SessionState;
  readonly me: Me | undefined;
  /** Whether the caller holds the permission (on the selected engine for engine permissions). */
  readonly can: (permission: Permission) => boolean;
  readonly signIn: (username: string, password: string) => Promise<void>;
  readonly signOut: (everywhere?: boolean) => Promise<void>;
  /** Re-reads /api/setup and /api/auth/me. */
  readonly refresh: () => Promise<void>;
  readonly engines: readonly EngineSummary[];
  readonly reloadEngines: () => void;
  /** The engine the engine pages show; remembered in localStorage. */
  readonly engine: string | undefined;
  readonly selectEngine: (id: string) => void;
}

const SessionContext = createContext<Session | undefined>(undefined);
const ENGINE_KEY = 'gantry.engine';

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ phase: 'loading' });
  const [engines, setEngines] = useState<readonly EngineSummary[]>([]);
  const [engineTick, setEngineTick] = useState(0);
  const [engine, setEngine] = useState<string | undefined>(
    () => localStorage.getItem(ENGINE_KEY) ?? undefined,
  );

  const refresh = useCallback(async () => {
    try {
      const setup = await api<{ required: boolean }>('GET', '/api/setup');
      if (setup.required) return setState({ phase: 'setup' });
      const me = await api<Me>('GET', '/api/auth/me');
      setCsrfToken(me.csrfToken);
      setState({ phase: 'signed-in', me });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return setState({ phase: 'signed-out' });
      setState({ phase: 'unreachable', message: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onSignedOut(() =>
      setState((previous) => (previous.phase === 'signed-in' ? { phase: 'signed-out' } : previous)),
    );
  }, [refresh]);

  const signedIn = state.phase === 'signed-in';
  // biome-ignore lint/correctness/useExhaustiveDependencies: engineTick reloads the list
  useEffect(() => {
    if (!signedIn) return;
    const controller = new AbortController();
    api<{ items: EngineSummary[] }>('GET', '/api/engines', { signal: controller.signal }).then(
      ({ items }) => setEngines(items),
      () => undefined,
    );
    return () => controller.abort();
  }, [signedIn, engineTick]);

  const selected = engines.some((item) => item.id === engine) ? engine : engines[0]?.id;
  const me = state.phase === 'signed-in' ? state.me : undefined;

  const value = useMemo<Session>(
    () => ({
      state,
      me,
      can: (permission) => Boolean(me?.permissions.includes(permission)),
      signIn: async (username, password) => {
        const answer = await api<{ csrfToken: string }>('POST', '/api/auth/login', {
          body: { username, password },
        });
        setCsrfToken(answer.csrfToken);
        await refresh();
      },
      signOut: async (everywhere = false) => {
        await api('POST', everywhere ? '/api/auth/logout-all' : '/api/auth/logout').catch(() => undefined);
        setCsrfToken(null);
        setState({ phase: 'signed-out' });
      },
      refresh,
      engines,
      reloadEngines: () => setEngineTick((tick) => tick + 1),
      engine: selected,
      selectEngine: (id) => {
        localStorage.setItem(ENGINE_KEY, id);
        setEngine(id);
      },
    }),
    [state, me, refresh, engines, selected],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
