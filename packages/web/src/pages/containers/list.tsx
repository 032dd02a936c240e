/**
 * The containers of the selected engine: a virtual table paged by the server (smooth at 10,000
 * rows), filter / state / sort / compose project kept in the URL, bulk lifecycle actions on the
 * selection, and live badges: inventory changes from the events channel reload the rows in view.
 */
import type { ContainerSummary } from '@gantry/engine';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { enginePath } from '../../api/client.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, navigate, setSearch, useLocation } from '../../router.tsx';
import { Button, Empty, ErrorBox, PageHeader } from '../../ui/controls.tsx';
import { VirtualTable } from '../../ui/virtual-table.tsx';
import { pruneRequest } from '../objects/prune-options.tsx';
import { useAction } from '../objects/use-action.ts';
import { BulkActions } from './bulk-actions.tsx';
import { CONTAINER_COLUMNS, containerName } from './columns.tsx';
import { ListControls, ProjectGroups } from './list-controls.tsx';
import { usePagedList } from './use-paged-list.ts';
import './containers.css';

/** Many changes in a burst (a compose up) become one reload. */
const LIVE_RELOAD_DELAY_MS = 300;
/** VirtualTable's default row height. */
const ROW_HEIGHT_PX = 38;

interface ChangeFrame {
  readonly type: string;
  readonly change?: { readonly type: string; readonly action: string; readonly id: string };
}

export default function ContainersPage() {
  const session = useSession();
  const { search } = useLocation();
  const engine = session.engine;
  const filter = search.get('filter') ?? '';
  const state = search.get('state') ?? '';
  const project = search.get('project') ?? '';
  const grouped = search.get('group') === 'project';
  const sort = search.get('sort') ?? 'name';
  const order = search.get('order') === 'desc' ? 'desc' : 'asc';

  const list = usePagedList<ContainerSummary>(engine && enginePath(engine, 'containers'), {
    filter,
    state,
    project,
    sort,
    order,
    group: grouped ? 'project' : undefined,
  });

  // Selection: id → name, so a dialog or a failure names containers that scrolled out of view.
  const [selected, setSelected] = useState<ReadonlyMap<string, string>>(new Map());
  const selectedIds = useMemo(() => new Set(selected.keys()), [selected]);
  // What is selected must be what the user sees: a narrower list drops the selection.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the listed values are the triggers
  useEffect(() => setSelected(new Map()), [engine, filter, state, project]);

  const { refresh } = list;
  const action = useAction();
  const reloadTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(reloadTimer.current), []);
  const live = useChannel(
    engine && enginePath(engine, 'events'),
    { type: 'container' },
    {
      onMessage: (message) => {
        const frame = message as ChangeFrame;
        if (frame.type !== 'change' || frame.change?.type !== 'containers') return;
        clearTimeout(reloadTimer.current);
        reloadTimer.current = setTimeout(refresh, LIVE_RELOAD_DELAY_MS);
      },
    },
  );

  const toggle = useCallback((id: string, row: ContainerSummary) => {
    setSelected((previous) => {
      const next = new Map(previous);
      if (next.has(id)) next.delete(id);
      else next.set(id, containerName(row));
      return next;
    });
  }, []);
  const { loadedRows } = list;
  // Selects every loaded row; when those are all selected already, clears the selection.
  const toggleAll = useCallback(() => {
    setSelected((previous) => {
      const loaded = loadedRows();
      if (previous.size > 0 && loaded.every((row) => previous.has(row.Id ?? ''))) return new Map();
      return new Map(loaded.map((row) => [row.Id ?? '', containerName(row)]));
    });
  }, [loadedRows]);
  const onSort = useCallback(
    (key: string) => setSearch({ sort: key, order: key === sort && order === 'asc' ? 'desc' : undefined }),
    [sort, order],
  );
  const tableSort = useMemo(() => ({ key: sort, order }) as const, [sort, order]);

  if (!engine) return <Empty>No engine is available to this account.</Empty>;
  return (
    <div className="containers-page">
      <PageHeader
        title="Containers"
        subtitle={
          <>
            {list.total === undefined ? 'Loading…' : `${list.total} matching`}
            {' · '}
            <span className={live.state === 'open' ? 'live-on' : 'live-off'}>
              {live.state === 'open' ? 'live' : `live updates ${live.state}`}
            </span>
          </>
        }
        actions={
          <>
            {session.can('containers.remove') ? (
              <Button
                busy={action.isBusy('prune')}
                onClick={() =>
                  action.run(
                    pruneRequest({
                      engine,
                      kind: 'containers',
                      title: 'Remove stopped containers?',
                      intro: 'Containers that are not running are removed with their writable layer.',
                      after: refresh,
                    }),
                  )
                }
              >
                Prune stopped
              </Button>
            ) : null}
            {session.can('containers.create') ? (
              <Link href="/containers/new" className="button button-primary">
                Create container
              </Link>
            ) : null}
          </>
        }
      />
      <ListControls filter={filter} state={state} grouped={grouped} />
      {grouped ? <ProjectGroups groups={list.groups} project={project} /> : null}
      {live.error ? <ErrorBox title="Live updates stopped" error={live.error} /> : null}
      <ErrorBox title="Could not list containers" error={list.error} />
      <BulkActions
        engine={engine}
        selected={selected}
        onClear={() => setSelected(new Map())}
        onFinished={(failed) => {
          setSelected((previous) => new Map([...previous].filter(([id]) => failed.includes(id))));
          refresh();
        }}
      />
      {list.total === 0 ? (
        <Empty>
          {filter || state || project
            ? 'No container matches these filters.'
            : 'No containers on this engine yet.'}
        </Empty>
      ) : (
        <VirtualTable
          label="containers"
          rowCount={list.total ?? 0}
          rowAt={list.rowAt}
          rowKey={(row) => row.Id ?? ''}
          columns={CONTAINER_COLUMNS}
          // As tall as the rows, at most what the window leaves below the controls.
          height={`min(${(list.total ?? 0) * ROW_HEIGHT_PX + 2}px, max(16rem, calc(100vh - 19rem)))`}
          sort={tableSort}
          onSort={onSort}
          selected={selectedIds}
          onToggle={toggle}
          onToggleAll={toggleAll}
          onOpen={(row) => navigate(`/containers/${encodeURIComponent(row.Id ?? '')}`)}
          onRange={list.onRange}
        />
      )}
    </div>
  );
}
