/**
 * A table that renders only the rows in view (plus a margin), so 10,000 rows scroll like 50. Rows
 * come from `rowAt(index)`: undefined draws a placeholder and `onRange` tells the page which rows
 * are in view, so it can fetch them from the server page by page. Keyboard: arrows move the focus
 * row, Enter opens it, Space selects it.
 *
 * @example
 * ```tsx
 * <VirtualTable rowCount={page.total} rowAt={(i) => rows[i]} rowKey={(r) => r.Id} columns={columns}
 *   onRange={(start, end) => loadRows(start, end)} onOpen={(r) => navigate(`/containers/${r.Id}`)} />
 * ```
 */
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react';

export interface Column<T> {
  readonly id: string;
  readonly header: ReactNode;
  /** CSS grid track (`1fr`, `120px`, `minmax(8rem, 2fr)`). */
  readonly width?: string;
  readonly render: (row: T) => ReactNode;
  /** Present when the server can sort by this column. */
  readonly sortKey?: string;
  /** Left out below 700 px wide (phone screens). */
  readonly wideOnly?: boolean;
}

export interface VirtualTableProps<T> {
  readonly rowCount: number;
  readonly rowAt: (index: number) => T | undefined;
  readonly rowKey: (row: T) => string;
  readonly columns: readonly Column<T>[];
  readonly rowHeight?: number;
  /** Visible height (CSS length); the table scrolls inside it. */
  readonly height?: string;
  readonly sort?: { key: string; order: 'asc' | 'desc' };
  readonly onSort?: (key: string) => void;
  readonly selected?: ReadonlySet<string>;
  readonly onToggle?: (key: string, row: T) => void;
  readonly onToggleAll?: () => void;
  readonly onOpen?: (row: T) => void;
  readonly onRange?: (start: number, end: number) => void;
  readonly label: string;
}

const OVERSCAN = 10;

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { rowCount, rowAt, rowKey, rowHeight = 38, selected, onToggle, onOpen, onRange } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [focus, setFocus] = useState(0);
  const narrow = useNarrow();
  const columns = narrow ? props.columns.filter((column) => !column.wideOnly) : props.columns;

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewport) / rowHeight) + OVERSCAN);
  useEffect(() => {
    onRange?.(first, last);
  }, [first, last, onRange]);

  const template = [selected ? '2.25rem' : '', ...columns.map((column) => column.width ?? '1fr')]
    .join(' ')
    .trim();
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const move = (to: number) => {
      event.preventDefault();
      const next = Math.max(0, Math.min(rowCount - 1, to));
      setFocus(next);
      const element = scroller.current;
      if (!element) return;
      if (next * rowHeight < element.scrollTop) element.scrollTop = next * rowHeight;
      else if ((next + 1) * rowHeight > element.scrollTop + element.clientHeight)
        element.scrollTop = (next + 1) * rowHeight - element.clientHeight;
    };
    if (event.key === 'ArrowDown') move(focus + 1);
    else if (event.key === 'ArrowUp') move(focus - 1);
    else if (event.key === 'PageDown') move(focus + Math.floor(viewport / rowHeight));
    else if (event.key === 'PageUp') move(focus - Math.floor(viewport / rowHeight));
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(rowCount - 1);
    else {
      const row = rowAt(focus);
      if (!row) return;
      if (event.key === 'Enter' && onOpen) {
        event.preventDefault();
        onOpen(row);
      } else if (event.key === ' ' && onToggle) {
        event.preventDefault();
        onToggle(rowKey(row), row);
      }
    }
  };

  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const row = rowAt(index);
    const key = row ? rowKey(row) : `placeholder-${index}`;
    const isSelected = row ? selected?.has(key) : false;
    rows.push(
      <div
        key={key}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={isSelected || undefined}
        className={`vt-row${index === focus ? ' vt-focus' : ''}${isSelected ? ' vt-selected' : ''}`}
        style={{ top: index * rowHeight, height: rowHeight, gridTemplateColumns: template }}
        onClick={() => {
          setFocus(index);
          if (row && onOpen) onOpen(row);
        }}
      >
        {selected ? (
          <div role="gridcell" className="vt-check" onClick={(event) => event.stopPropagation()}>
            {row ? (
              <input
                type="checkbox"
                aria-label={`select ${key}`}
                checked={Boolean(isSelected)}
                onChange={() => onToggle?.(key, row)}
              />
            ) : null}
          </div>
        ) : null}
        {columns.map((column) => (
          <div role="gridcell" key={column.id} className="vt-cell">
            {row ? column.render(row) : <span className="vt-placeholder" />}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div className="vt" role="grid" aria-label={props.label} aria-rowcount={rowCount + 1}>
      <div role="row" className="vt-header" style={{ gridTemplateColumns: template }}>
        {selected ? (
          <div role="columnheader" className="vt-check">
            <input
              type="checkbox"
              aria-label="select all loaded rows"
              checked={rowCount > 0 && selected.size >= rowCount}
              onChange={() => props.onToggleAll?.()}
            />
          </div>
        ) : null}
        {columns.map((column) => {
          const sorted = props.sort?.key === column.sortKey && column.sortKey !== undefined;
          return (
            <div
              role="columnheader"
              key={column.id}
              className="vt-cell"
              aria-sort={sorted ? (props.sort?.order === 'asc' ? 'ascending' : 'descending') : undefined}
            >
              {column.sortKey && props.onSort ? (
                <button
                  type="button"
                  className="vt-sort"
                  onClick={() => props.onSort?.(column.sortKey as string)}
                >
                  {column.header}
                  {sorted ? (props.sort?.order === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              ) : (
                column.header
              )}
            </div>
          );
        })}
      </div>
      <div
        ref={scroller}
        className="vt-body"
        style={{ height: props.height ?? 'calc(100vh - 16rem)' }}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div style={{ height: rowCount * rowHeight, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  );
}

const NARROW = '(max-width: 700px)';

/** Whether the window is phone-narrow, following resizes. */
function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const query = matchMedia(NARROW);
    const follow = () => setNarrow(query.matches);
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);
  return narrow;
}
