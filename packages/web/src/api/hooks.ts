/** Data hooks over the client: a GET that reloads on demand, and a realtime channel's messages. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type Query, socketUrl, withQuery } from './client.ts';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiError | Error | undefined;
  readonly loading: boolean;
  /** Fetches again (keeps showing the old data meanwhile). */
  readonly reload: () => void;
}

/**
 * GETs `path` (with `query`) when either changes; `path` undefined waits. An older answer that
 * arrives after a newer request started is dropped.
 */
export function useApi<T>(path: string | undefined, query?: Query, refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const key = path === undefined ? undefined : withQuery(path, query);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for path + query; `tick` reloads
  useEffect(() => {
    if (key === undefined) return;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    api<T>('GET', key, { signal: controller.signal }).then(
      (data) => setState({ data, loading: false }),
      (error: Error) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [key, tick]);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((value) => value + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export type SocketState = 'connecting' | 'open' | 'closed' | 'error';

/**
 * Opens the channel at `path` while mounted (and reopens when path or query change); every JSON text
 * frame goes to `onMessage`, binary frames to `onBinary`. Returns the state and a `send`.
 */
export function useChannel(
  path: string | undefined,
  query: Query | undefined,
  handlers: { onMessage?: (message: unknown) => void; onBinary?: (data: ArrayBuffer) => void },
): {
  state: SocketState;
  error: string | undefined;
  send: (data: string | ArrayBuffer | Uint8Array) => void;
} {
  const [state, setState] = useState<SocketState>('connecting');
  const [error, setError] = useState<string>();
  const socketRef = useRef<WebSocket | undefined>(undefined);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const url = path === undefined ? undefined : socketUrl(path, query);
  useEffect(() => {
    if (url === undefined) return;
    setState('connecting');
    setError(undefined);
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socketRef.current = socket;
    socket.onopen = () => setState('open');
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') {
        const message = JSON.parse(event.data) as { type?: string; message?: string };
        if (message.type === 'error') setError(message.message);
        handlersRef.current.onMessage?.(message);
      } else handlersRef.current.onBinary?.(event.data as ArrayBuffer);
    };
    socket.onerror = () => setState('error');
    socket.onclose = (event) => {
      setState((previous) => (previous === 'error' || event.code === 1011 ? 'error' : 'closed'));
      if (event.code !== 1000 && event.code !== 1001 && event.reason) setError(event.reason);
    };
    return () => {
      socket.onclose = null;
      socket.close(1000);
    };
  }, [url]);
  const send = useCallback((data: string | ArrayBuffer | Uint8Array) => {
    if (socketRef.current?.readyState === WebSocket.OPEN) socketRef.current.send(data);
  }, []);
  return { state, error, send };
}

/** Re-exported so pages import every data helper from one place. */
export { ApiError };
