/**
 * Server-side paging for a VirtualTable: the list route's pages are fetched as the table scrolls
 * to them (`onRange`), kept until the query changes, and `reload` refreshes the ones in view.
 */
import type { Page } from '@gantry/server/api-types';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Query, withQuery } from '../../api/client.ts';

const PAGE_SIZE = 100;

export interface PagedRows<T> {
  readonly total: number;
  /** Whether the first answer for the current query arrived. */
  readonly loaded: boolean;
  readonly error: unknown;
  readonly rowAt: (index: number) => T | undefined;
  readonly onRange: (start: number, end: number) => void;
  readonly reload: () => void;
}

/** Page numbers (1-based) covering rows `start` to `end` (exclusive). */
function pagesOf(start: number, end: number): number[] {
  const first = Math.floor(start / PAGE_SIZE) + 1;
  const last = Math.max(first, Math.ceil(end / PAGE_SIZE));
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

export function usePagedRows<T>(path: string | undefined, query: Query): PagedRows<T> {
  const base = path === undefined ? undefined : withQuery(path, { ...query, pageSize: PAGE_SIZE });
  const pages = useRef(new Map<number, readonly T[]>());
  const pending = useRef(new Set<number>());
  const range = useRef({ start: 0, end: PAGE_SIZE });
  /** The query the kept pages answer; bumping `generation` drops answers to an older one. */
  const currentBase = useRef<string | undefined>(undefined);
  const generation = useRef(0);
  const [state, setState] = useState<{ total: number; loaded: boolean; error: unknown }>({
    total: 0,
    loaded: false,
    error: undefined,
  });

  /** Fetches `numbers`; `fresh` replaces every kept page with the answers (a reload). */
  const load = useCallback(
    async (numbers: readonly number[], fresh: boolean) => {
      if (base === undefined) return;
      // A new query (filter, sort, engine) drops every page kept and every answer still coming.
      if (base !== currentBase.current) {
        currentBase.current = base;
        generation.current++;
        pages.current = new Map();
        pending.current = new Set();
        setState({ total: 0, loaded: false, error: undefined });
      }
      const wanted = fresh
        ? numbers
        : numbers.filter((number) => !pages.current.has(number) && !pending.current.has(number));
      if (wanted.length === 0) return;
      const current = generation.current;
      for (const number of wanted) pending.current.add(number);
      try {
        const answers = await Promise.all(
          wanted.map((number) => api<Page<T>>('GET', `${base}&page=${number}`)),
        );
        if (current !== generation.current) return;
        if (fresh) pages.current = new Map();
        for (const [index, answer] of answers.entries())
          pages.current.set(wanted[index] as number, answer.items);
        setState({ total: answers.at(-1)?.total ?? 0, loaded: true, error: undefined });
      } catch (error) {
        if (current === generation.current) setState((previous) => ({ ...previous, loaded: true, error }));
      } finally {
        if (current === generation.current) for (const number of wanted) pending.current.delete(number);
      }
    },
    [base],
  );

  useEffect(() => {
    void load(pagesOf(range.current.start, range.current.end), false);
  }, [load]);

  const onRange = useCallback(
    (start: number, end: number) => {
      range.current = { start, end };
      void load(pagesOf(start, end), false);
    },
    [load],
  );
  const reload = useCallback(() => {
    void load(pagesOf(range.current.start, range.current.end), true);
  }, [load]);
  const rowAt = useCallback(
    (index: number) => pages.current.get(Math.floor(index / PAGE_SIZE) + 1)?.[index % PAGE_SIZE],
    [],
  );

  return { ...state, rowAt, onRange, reload };
}
