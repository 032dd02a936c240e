/**
 * Server-side paging for a VirtualTable: pages of `pageSize` rows are fetched when `onRange` says
 * they scrolled into view (or are about to: PREFETCH_ROWS) and kept in a Map by page number, so 10,000 rows cost only the pages the
 * user looked at. A new query (filter, sort, state…) starts over from page 1; `refresh()` refetches
 * the pages in view (keeping their old rows on screen meanwhile) and forgets the others, so a live
 * change never leaves stale rows behind.
 */
import type { Page } from '@gantry/server/api-types';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Query, withQuery } from '../../api/client.ts';

/** The console's largest page: fewest requests while scrolling. */
export const PAGE_SIZE = 500;
/** Rows beyond the visible ones (each way) whose page is fetched ahead of the scroll. */
const PREFETCH_ROWS = 150;

export interface PagedList<T> {
  /** Rows matching the query (undefined until page 1 answered). */
  readonly total: number | undefined;
  readonly groups: Page<T>['groups'];
  readonly rowAt: (index: number) => T | undefined;
  /** Every row loaded so far (for "select all loaded rows"). */
  readonly loadedRows: () => readonly T[];
  readonly onRange: (start: number, end: number) => void;
  readonly refresh: () => void;
  readonly error: Error | undefined;
}

/** 1-based numbers of the pages holding rows `start` (inclusive) to `end` (exclusive). */
function pagesOf(start: number, end: number): number[] {
  const pages: number[] = [];
  for (let page = Math.floor(start / PAGE_SIZE) + 1; page <= Math.floor((end - 1) / PAGE_SIZE) + 1; page++)
    pages.push(page);
  return pages;
}

export function usePagedList<T>(path: string | undefined, query: Query): PagedList<T> {
  const key = path === undefined ? undefined : withQuery(path, { ...query, pageSize: PAGE_SIZE });
  const pages = useRef(new Map<number, readonly T[]>());
  /** Per page, the number of its newest request: an older answer arriving later is dropped. */
  const requested = useRef(new Map<number, number>());
  const inFlight = useRef(new Set<number>());
  const range = useRef({ start: 0, end: 0 });
  const generation = useRef(0);
  const controller = useRef(new AbortController());
  const [total, setTotal] = useState<number>();
  const [groups, setGroups] = useState<Page<T>['groups']>();
  const [error, setError] = useState<Error>();
  const [, setVersion] = useState(0);

  const load = useCallback(
    (page: number) => {
      if (key === undefined) return;
      const ticket = (requested.current.get(page) ?? 0) + 1;
      requested.current.set(page, ticket);
      inFlight.current.add(page);
      const started = generation.current;
      // `key` always has a query (pageSize), so the page number is one more parameter.
      api<Page<T>>('GET', `${key}&page=${page}`, { signal: controller.current.signal }).then(
        (answer) => {
          if (started !== generation.current || requested.current.get(page) !== ticket) return;
          inFlight.current.delete(page);
          pages.current.set(page, answer.items);
          setTotal(answer.total);
          setGroups(answer.groups);
          setError(undefined);
          setVersion((version) => version + 1);
        },
        (failure: Error) => {
          if (started !== generation.current || failure.name === 'AbortError') return;
          inFlight.current.delete(page);
          setError(failure);
        },
      );
    },
    [key],
  );

  // A new query: forget everything and ask for the first page (its answer gives the total).
  useEffect(() => {
    if (key === undefined) return;
    generation.current++;
    controller.current.abort();
    controller.current = new AbortController();
    pages.current = new Map();
    requested.current = new Map();
    inFlight.current = new Set();
    range.current = { start: 0, end: 0 };
    setTotal(undefined);
    setGroups(undefined);
    setError(undefined);
    load(1);
    return () => controller.current.abort();
  }, [key, load]);

  const onRange = useCallback(
    (start: number, end: number) => {
      range.current = { start, end };
      // The page the scroll is heading into is asked for before its rows show (bench: 11 % of
      // frames drew placeholders when pages were fetched only once in view).
      const last = total === undefined ? end : Math.min(total, end + PREFETCH_ROWS);
      for (const page of pagesOf(Math.max(0, start - PREFETCH_ROWS), Math.max(last, end)))
        if (!pages.current.has(page) && !inFlight.current.has(page)) load(page);
    },
    [load, total],
  );

  const refresh = useCallback(() => {
    // Nothing in view (an empty list): page 1 still says whether rows appeared.
    const visible = new Set(pagesOf(range.current.start, range.current.end));
    if (visible.size === 0) visible.add(1);
    for (const page of pages.current.keys()) if (!visible.has(page)) pages.current.delete(page);
    for (const page of visible) load(page);
  }, [load]);

  const rowAt = useCallback((index: number) => {
    const page = pages.current.get(Math.floor(index / PAGE_SIZE) + 1);
    return page?.[index % PAGE_SIZE];
  }, []);

  const loadedRows = useCallback(() => [...pages.current.values()].flat(), []);

  return { total, groups, rowAt, loadedRows, onRange, refresh, error };
}
