/**
 * One inventory list (`GET /api/engines/:engine/<kind>`) fetched page by page as the table scrolls:
 * only the pages in view are asked for, and the visible ones are fetched again every few seconds
 * (the inventory is live, so a reload is cheap for the console).
 */
import type { Page } from '@gantry/server/api-types';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Query, withQuery } from '../../api/client.ts';

/** Rows per request: a screenful is ~20 rows, so one request usually covers the view and its margin. */
export const PAGE_SIZE = 100;

export interface PagedList<T> {
  /** Undefined until the first answer. */
  readonly total: number | undefined;
  readonly rowAt: (index: number) => T | undefined;
  /** Every row loaded so far, in order (for small lists and counts). */
  readonly loaded: readonly T[];
  readonly onRange: (start: number, end: number) => void;
  readonly error: Error | undefined;
  readonly reload: () => void;
}

interface View<T> {
  readonly key: string | undefined;
  readonly total: number | undefined;
  readonly pages: ReadonlyMap<number, readonly T[]>;
  readonly error: Error | undefined;
}

const EMPTY: View<never> = { key: undefined, total: undefined, pages: new Map(), error: undefined };

/** Page numbers (from 1) holding rows `start` to `end` (exclusive); page 1 at least. */
function pagesFor(start: number, end: number): number[] {
  const first = Math.floor(start / PAGE_SIZE) + 1;
  const last = Math.max(first, Math.floor(Math.max(end - 1, start) / PAGE_SIZE) + 1);
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

export function usePagedList<T>(path: string | undefined, query: Query, refreshMs = 5000): PagedList<T> {
  const key = path === undefined ? undefined : withQuery(path, query);
  // `key` stands for path + query in dependencies; the request is built from the parts.
  const request = useRef({ path, query });
  request.current = { path, query };
  const [view, setView] = useState<View<T>>(EMPTY);
  const [tick, setTick] = useState(0);
  const range = useRef({ start: 0, end: 1 });
  const viewRef = useRef(view);
  viewRef.current = view;
  // A newer request (another query, a reload) makes older answers stale.
  const generation = useRef(0);
  const inflight = useRef(new Set<number>());

  const fetchPages = useCallback(
    (pages: readonly number[], fresh: boolean) => {
      const { path: listPath, query: listQuery } = request.current;
      if (key === undefined || listPath === undefined) return;
      const current = generation.current;
      for (const page of pages) inflight.current.add(page);
      const requests = pages.map((page) =>
        api<Page<T>>('GET', listPath, { query: { ...listQuery, page, pageSize: PAGE_SIZE } }).then(
          (answer) => [page, answer] as const,
        ),
      );
      Promise.all(requests).then(
        (answers) => {
          if (current !== generation.current) return;
          for (const page of pages) inflight.current.delete(page);
          setView((previous) => {
            const merged = new Map(fresh || previous.key !== key ? [] : previous.pages);
            for (const [page, answer] of answers) merged.set(page, answer.items);
            const total = answers.at(-1)?.[1].total ?? previous.total;
            return { key, total, pages: merged, error: undefined };
          });
        },
        (error: Error) => {
          if (current !== generation.current) return;
          for (const page of pages) inflight.current.delete(page);
          setView((previous) => ({ ...previous, key, error }));
        },
      );
    },
    [key],
  );

  // A new query starts empty; a reload (tick) keeps showing the old rows until the new ones arrive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the reload trigger
  useEffect(() => {
    generation.current++;
    inflight.current.clear();
    if (viewRef.current.key !== key) setView({ ...EMPTY, key });
    fetchPages(pagesFor(range.current.start, range.current.end), true);
  }, [key, tick, fetchPages]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((value) => value + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);

  const onRange = useCallback(
    (start: number, end: number) => {
      range.current = { start, end };
      const missing = pagesFor(start, end).filter(
        (page) => !viewRef.current.pages.has(page) && !inflight.current.has(page),
      );
      if (missing.length > 0 && viewRef.current.total !== undefined) fetchPages(missing, false);
    },
    [fetchPages],
  );

  const pages = view.key === key ? view.pages : EMPTY.pages;
  const rowAt = (index: number) => pages.get(Math.floor(index / PAGE_SIZE) + 1)?.[index % PAGE_SIZE];
  const loaded = [...pages.entries()].sort(([a], [b]) => a - b).flatMap(([, items]) => items);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return {
    total: view.key === key ? view.total : undefined,
    rowAt,
    loaded,
    onRange,
    error: view.key === key ? view.error : undefined,
    reload,
  };
}
