/** Volumes: the engine's volumes (name, driver, scope, created, users), create, remove (force), prune. */
import type { Volume } from '@gantry/engine';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { navigate } from '../../router.tsx';
import { Button, PageHeader } from '../../ui/controls.tsx';
import type { Column } from '../../ui/virtual-table.tsx';
import { mountsOf, useContainers } from './containers-index.ts';
import { dateOf } from './details.tsx';
import { ObjectTable, RowActions, useObjectList } from './object-table.tsx';
import { apiVersionOf, pruneRequest } from './prune-options.tsx';
import { useAction } from './use-action.ts';
import { VolumeCreate } from './volume-create.tsx';
import { useRemoveVolume } from './volume-remove.tsx';

export default function VolumesPage() {
  const session = useSession();
  const engine = session.engine ?? '';
  const volumes = useObjectList<Volume>('volumes');
  const containers = useContainers();
  const action = useAction();
  const remove = useRemoveVolume(action, volumes.reload);
  const [creating, setCreating] = useState(false);
  const canManage = session.can('volumes.manage');

  // Before API 1.42 a prune takes named volumes as well and the engine refuses the `all` filter.
  const [major = 0, minor = 0] = (apiVersionOf(session.engines, engine) ?? '1.42').split('.').map(Number);
  const namedApart = major > 1 || (major === 1 && minor >= 42);
  const prune = () =>
    action.run(
      pruneRequest({
        engine,
        kind: 'volumes',
        title: 'Remove unused volumes?',
        intro: `Volumes no container uses are removed with their data${namedApart ? '' : ', named ones too'}. This cannot be undone.`,
        switches: namedApart
          ? [{ label: 'Named volumes too (otherwise only anonymous ones)', filter: 'all', value: 'true' }]
          : [],
        after: volumes.reload,
      }),
    );

  const columns: Column<Volume>[] = [
    {
      id: 'name',
      header: 'Name',
      sortKey: 'name',
      width: 'minmax(8rem, 3fr)',
      render: (v) => <span className="mono">{v.Name}</span>,
    },
    { id: 'driver', header: 'Driver', sortKey: 'driver', width: '6rem', render: (v) => v.Driver },
    { id: 'scope', header: 'Scope', width: '5rem', wideOnly: true, render: (v) => v.Scope },
    {
      id: 'users',
      header: 'Used by',
      width: '6rem',
      wideOnly: true,
      render: (v) => (session.can('containers.read') ? String(mountsOf(containers, v.Name).length) : '—'),
    },
    {
      id: 'created',
      header: 'Created',
      sortKey: 'created',
      width: '11rem',
      wideOnly: true,
      render: (v) => dateOf(v.CreatedAt),
    },
    {
      id: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      width: '5.5rem',
      render: (v) =>
        canManage ? (
          <RowActions>
            <Button
              tone="danger"
              aria-label={`Remove ${v.Name}`}
              busy={action.isBusy(`remove:${v.Name}`)}
              onClick={() => remove(v.Name)}
            >
              Remove
            </Button>
          </RowActions>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Volumes"
        subtitle="Select a volume to inspect it and browse its files."
        actions={
          canManage ? (
            <>
              <Button busy={action.isBusy('prune')} onClick={prune}>
                Prune unused
              </Button>
              <Button tone="primary" onClick={() => setCreating(true)}>
                Create volume
              </Button>
            </>
          ) : null
        }
      />
      <ObjectTable
        list={volumes}
        noun="volumes"
        columns={columns}
        rowKey={(v) => v.Name}
        states={['local', 'global']}
        onOpen={(v) => navigate(`/volumes/${encodeURIComponent(v.Name)}`)}
        empty="This engine has no volumes."
      />
      {creating ? (
        <VolumeCreate
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            volumes.reload();
          }}
        />
      ) : null}
    </>
  );
}
