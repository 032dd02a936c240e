/**
 * The one table every object page lists with: a filter box and an optional state choice (kept in
 * the URL, so a reload or a shared link shows the same list), sortable headers, and server-side
 * paging through the inventory list route.
 *
 *   const networks = useObjectList<Network>('networks');
 *   <ObjectTable list={networks} noun="networks" columns={columns} rowKey={(n) => n.Id ?? ''} />
 */
import type { InventoryResource } from '@gantry/server/api-types';
import type { KeyboardEvent, MouseEvent, ReactNode } from 'react';
import { enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { setSearch, useLocation } from '../../router.tsx';
import { Empty, ErrorBox } from '../../ui/controls.tsx';
import { type Column, VirtualTable } from '../../ui/virtual-table.tsx';
import { type PagedList, usePagedList } from './paged-list.ts';
import './objects.css';

export interface ObjectList<T> extends PagedList<T> {
  readonly filter: string;
  readonly state: string;
  readonly sort: string;
  readonly order: 'asc' | 'desc';
  /** Prefix of this list's URL parameters (several lists on one page keep theirs apart). */
  readonly prefix: string;
}

/**
 * The engine's `kind` list for the URL's filter, state and sort (`<prefix>filter`, …). Waits while
 * no engine is selected or `enabled` is false (a swarm kind on an engine outside a swarm).
 */
export function useObjectList<T>(
  kind: InventoryResource,
  options: { prefix?: string; defaultSort?: string; enabled?: boolean } = {},
): ObjectList<T> {
  const { search } = useLocation();
  const { engine } = useSession();
  const prefix = options.prefix ?? '';
  const filter = search.get(`${prefix}filter`) ?? '';
  const state = search.get(`${prefix}state`) ?? '';
  const sort = search.get(`${prefix}sort`) ?? options.defaultSort ?? 'name';
  const order = search.get(`${prefix}order`) === 'desc' ? 'desc' : 'asc';
  const path = engine && options.enabled !== false ? enginePath(engine, kind) : undefined;
  const list = usePagedList<T>(path, { filter, state, sort, order });
  return { ...list, filter, state, sort, order, prefix };
}

export interface ObjectTableProps<T> {
  readonly list: ObjectList<T>;
  /** Plural noun for labels and counts ("networks"). */
  readonly noun: string;
  readonly columns: readonly Column<T>[];
  readonly rowKey: (row: T) => string;
  readonly onOpen?: (row: T) => void;
  /** The values the state filter offers (the kind's `state` matches); none: no state filter. */
  readonly states?: readonly string[];
  /** Shown when the engine has none at all (not when a filter matches none). */
  readonly empty: ReactNode;
  readonly height?: string;
}

export function ObjectTable<T>(props: ObjectTableProps<T>) {
  const { list, noun } = props;
  const key = (name: string) => `${list.prefix}${name}`;
  const onSort = (sortKey: string) =>
    setSearch({
      [key('sort')]: sortKey,
      [key('order')]: list.sort === sortKey && list.order === 'asc' ? 'desc' : 'asc',
    });
  const filtered = list.filter !== '' || list.state !== '';
  return (
    <div className="object-table">
      <div className="toolbar">
        <input
          type="search"
          aria-label={`Filter ${noun}`}
          placeholder={`Filter ${noun} by name, id or label…`}
          value={list.filter}
          onChange={(event) => setSearch({ [key('filter')]: event.target.value })}
          className="object-filter"
        />
        {props.states ? (
          <select
            aria-label="State"
            value={list.state}
            onChange={(event) => setSearch({ [key('state')]: event.target.value })}
          >
            <option value="">every state</option>
            {props.states.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        ) : null}
        <span className="muted" aria-live="polite">
          {list.total === undefined ? 'loading…' : `${noun}: ${list.total}`}
        </span>
      </div>
      <ErrorBox error={list.error} title={`Could not list the ${noun}`} />
      {list.total === 0 ? (
        <Empty>{filtered ? `No ${noun} match the filter.` : props.empty}</Empty>
      ) : (
        <VirtualTable
          label={noun}
          rowCount={list.total ?? 0}
          rowAt={list.rowAt}
          rowKey={props.rowKey}
          columns={props.columns}
          onRange={list.onRange}
          onOpen={props.onOpen}
          sort={{ key: list.sort, order: list.order }}
          onSort={onSort}
          // As tall as its rows (38 px each), at most what the window leaves.
          height={props.height ?? `min(calc(100vh - 17rem), ${Math.max(list.total ?? 1, 1) * 38 + 2}px)`}
        />
      )}
    </div>
  );
}

const stop = (event: MouseEvent | KeyboardEvent) => event.stopPropagation();

/** Buttons inside a row: their clicks and keys do not also open the row. */
export function RowActions({ children }: { children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: only stops events bubbling to the row; the buttons inside are the controls
    <div className="row-actions" onClick={stop} onKeyDown={stop}>
      {children}
    </div>
  );
}
