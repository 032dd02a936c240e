/**
 * The engine's images: a server-paged table (filter, tagged / dangling, sort, kept in the URL) that
 * follows the engine's image changes live, with pull, build, and per image tag, push and remove.
 */
import type { ImageSummary } from '@gantry/engine';
import {
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  useCallback,
  useMemo,
  useRef,
  useState,
} from 'react';
import { enginePath } from '../../api/client.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, navigate, setSearch, useLocation } from '../../router.tsx';
import {
  Button,
  Empty,
  ErrorBox,
  formatBytes,
  formatTime,
  PageHeader,
  SelectField,
  shortId,
  TextField,
} from '../../ui/controls.tsx';
import { type Column, VirtualTable } from '../../ui/virtual-table.tsx';
import { pruneRequest } from '../objects/prune-options.tsx';
import { useAction } from '../objects/use-action.ts';
import type { PageProps } from '../registry.ts';
import { BuildDialog } from './build-dialog.tsx';
import { useImageActions } from './image-actions.tsx';
import { type ImageRef, imageHref, imageLabel, imageRef } from './image-ref.ts';
import { usePagedRows } from './paged-rows.ts';
import { PullDialog } from './pull-dialog.tsx';
import './images.css';

const SHOW_OPTIONS = [
  { value: '', label: 'All images' },
  { value: 'tagged', label: 'Tagged' },
  { value: 'dangling', label: 'Dangling (untagged)' },
];

/** Image changes arrive in bursts (a pull, a prune): one reload for a burst. */
const RELOAD_DELAY_MS = 300;

/** A button inside a row: the row's own click and keys (open, select) must not also fire. */
function RowAction({
  label,
  onClick,
  children,
}: {
  label: string;
  onClick: () => void;
  children: ReactNode;
}) {
  const stop = (event: MouseEvent | KeyboardEvent) => event.stopPropagation();
  return (
    <Button
      className="row-action"
      aria-label={label}
      onKeyDown={stop}
      onClick={(event) => {
        stop(event);
        onClick();
      }}
    >
      {children}
    </Button>
  );
}

export default function ImagesPage(_: PageProps) {
  const session = useSession();
  const { search } = useLocation();
  const engine = session.engine;
  const filter = search.get('filter') ?? '';
  const state = search.get('state') ?? '';
  const sort = search.get('sort') ?? 'name';
  const order = search.get('order') === 'desc' ? 'desc' : 'asc';
  const [dialog, setDialog] = useState<'pull' | 'build'>();

  const query = useMemo(() => ({ filter, state, sort, order }), [filter, state, sort, order]);
  const rows = usePagedRows<ImageSummary>(engine ? enginePath(engine, 'images') : undefined, query);
  const { reload } = rows;
  const actions = useImageActions(engine, reload);

  // Live: the inventory's image changes (pull, build, tag, remove by anyone) reload the rows in view.
  const pendingReload = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onMessage = useCallback(
    (message: unknown) => {
      if ((message as { type?: string }).type !== 'change') return;
      clearTimeout(pendingReload.current);
      pendingReload.current = setTimeout(reload, RELOAD_DELAY_MS);
    },
    [reload],
  );
  useChannel(
    engine && session.can('system.read') ? enginePath(engine, 'events') : undefined,
    { type: 'image' },
    { onMessage },
  );

  const prune = useAction();
  const can = {
    pull: session.can('images.pull'),
    build: session.can('images.build'),
    push: session.can('images.push'),
    manage: session.can('images.manage'),
  };
  const rowActions = (image: ImageRef) => {
    const label = imageLabel(image);
    return (
      <div className="row-actions">
        {can.manage ? (
          <RowAction label={`Tag ${label}`} onClick={() => actions.tag(image)}>
            Tag
          </RowAction>
        ) : null}
        {can.push ? (
          <RowAction label={`Push ${label}`} onClick={() => actions.push(image)}>
            Push
          </RowAction>
        ) : null}
        {can.manage ? (
          <RowAction label={`Remove ${label}`} onClick={() => void actions.remove(image)}>
            Remove
          </RowAction>
        ) : null}
      </div>
    );
  };

  const columns: Column<ImageSummary>[] = [
    {
      id: 'tags',
      header: 'Tags',
      width: 'minmax(10rem, 3fr)',
      sortKey: 'name',
      render: (row) => {
        const image = imageRef(row);
        return (
          <Link
            href={imageHref(row.Id)}
            onClick={(event) => event.stopPropagation()}
            title={image.tags.join('\n')}
            className={image.tags.length ? undefined : 'muted'}
          >
            {image.tags.length ? image.tags.join(', ') : '<none>'}
          </Link>
        );
      },
    },
    {
      id: 'id',
      header: 'ID',
      width: '9rem',
      sortKey: 'id',
      wideOnly: true,
      render: (row) => <span className="mono">{shortId(row.Id)}</span>,
    },
    { id: 'size', header: 'Size', width: '6rem', sortKey: 'size', render: (row) => formatBytes(row.Size) },
    {
      id: 'created',
      header: 'Created',
      width: '12.5rem',
      sortKey: 'created',
      wideOnly: true,
      render: (row) => formatTime(row.Created, true),
    },
    ...(can.manage || can.push
      ? [
          {
            id: 'actions',
            header: <span className="visually-hidden">Actions</span>,
            width: '11.5rem',
            wideOnly: true,
            render: (row: ImageSummary) => rowActions(imageRef(row)),
          },
        ]
      : []),
  ];

  const onSort = (key: string) =>
    setSearch({ sort: key, order: key === sort && order === 'asc' ? 'desc' : 'asc' });

  if (!engine) return <Empty>No engine is selected: add one on the Engines page.</Empty>;
  return (
    <>
      <PageHeader
        title="Images"
        subtitle={rows.loaded ? `${rows.total} ${rows.total === 1 ? 'image' : 'images'}` : 'Loading…'}
        actions={
          <>
            {can.pull ? (
              <Button tone="primary" onClick={() => setDialog('pull')}>
                Pull
              </Button>
            ) : null}
            {can.build ? <Button onClick={() => setDialog('build')}>Build</Button> : null}
            {can.manage ? (
              <Button
                busy={prune.isBusy('prune')}
                onClick={() =>
                  prune.run(
                    pruneRequest({
                      engine,
                      kind: 'images',
                      title: 'Remove unused images?',
                      intro: 'Images no container uses are removed: dangling ones, or every unused one.',
                      switches: [
                        {
                          label: 'Every unused image, not only dangling ones',
                          filter: 'dangling',
                          value: 'false',
                        },
                      ],
                      after: reload,
                    }),
                  )
                }
              >
                Prune unused
              </Button>
            ) : null}
          </>
        }
      />
      <div className="toolbar images-toolbar">
        <TextField
          label="Filter"
          type="search"
          placeholder="name, id or label=value"
          value={filter}
          onChange={(event) => setSearch({ filter: event.target.value })}
        />
        <SelectField
          label="Show"
          value={state}
          options={SHOW_OPTIONS}
          onChange={(event) => setSearch({ state: event.target.value })}
        />
      </div>
      <ErrorBox error={rows.error} title="The images could not be listed" />
      {rows.loaded && rows.total === 0 && !rows.error ? (
        <Empty>
          {filter || state ? 'No image matches the filter.' : 'No images yet: pull or build one.'}
        </Empty>
      ) : (
        <VirtualTable
          label="images"
          rowCount={rows.total}
          rowAt={rows.rowAt}
          rowKey={(row) => row.Id}
          columns={columns}
          sort={{ key: sort, order }}
          onSort={onSort}
          onRange={rows.onRange}
          onOpen={(row) => navigate(imageHref(row.Id))}
        />
      )}
      {dialog === 'pull' ? (
        <PullDialog engine={engine} onClose={() => setDialog(undefined)} onPulled={reload} />
      ) : null}
      {dialog === 'build' ? (
        <BuildDialog engine={engine} onClose={() => setDialog(undefined)} onBuilt={reload} />
      ) : null}
      {actions.dialogs}
    </>
  );
}
