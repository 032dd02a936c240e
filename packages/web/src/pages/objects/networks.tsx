/**
 * Networks: the engine's networks (name, driver, scope, subnet, containers attached), create,
 * inspect with connect / disconnect, remove and prune. The inspected network is `?network=` in the
 * URL, so a reload keeps it open.
 */
import type { Network } from '@gantry/engine';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { setSearch, useLocation } from '../../router.tsx';
import { Button, PageHeader } from '../../ui/controls.tsx';
import type { Column } from '../../ui/virtual-table.tsx';
import { countByNetwork, useContainers } from './containers-index.ts';
import { dateOf } from './details.tsx';
import { NetworkCreate } from './network-create.tsx';
import { NetworkInspector } from './network-inspector.tsx';
import { ObjectTable, RowActions, useObjectList } from './object-table.tsx';
import { pruneRequest } from './prune-options.tsx';
import { useAction } from './use-action.ts';

/** The daemon's own networks: it refuses to remove them, so no button offers it. */
const PREDEFINED = new Set(['bridge', 'host', 'none', 'ingress', 'docker_gwbridge']);

export default function NetworksPage() {
  const session = useSession();
  const engine = session.engine ?? '';
  const { search } = useLocation();
  const networks = useObjectList<Network>('networks');
  const containers = useContainers();
  const attached = countByNetwork(containers);
  const action = useAction();
  const [creating, setCreating] = useState(false);
  const canManage = session.can('networks.manage');
  const inspected = search.get('network') ?? undefined;

  const remove = (network: Network) =>
    action.run({
      id: `remove:${network.Id}`,
      confirm: {
        title: `Remove network ${network.Name}?`,
        body: 'Containers still connected make the engine refuse; disconnect them first.',
        action: 'Remove',
      },
      work: () => api('DELETE', enginePath(engine, 'networks', network.Id ?? '')),
      done: `Network ${network.Name} removed`,
      what: `Removing ${network.Name}`,
      after: networks.reload,
    });
  const prune = () =>
    action.run(
      pruneRequest({
        engine,
        kind: 'networks',
        title: 'Remove every unused network?',
        intro: 'Networks no container is connected to are removed (the predefined ones stay).',
        after: networks.reload,
      }),
    );

  const columns: Column<Network>[] = [
    { id: 'name', header: 'Name', sortKey: 'name', width: 'minmax(8rem, 2fr)', render: (n) => n.Name },
    { id: 'driver', header: 'Driver', sortKey: 'driver', width: '6rem', render: (n) => n.Driver },
    { id: 'scope', header: 'Scope', sortKey: 'scope', width: '5rem', wideOnly: true, render: (n) => n.Scope },
    {
      id: 'subnet',
      header: 'Subnet',
      width: 'minmax(7rem, 1fr)',
      wideOnly: true,
      render: (n) => (
        <span className="mono">
          {n.IPAM?.Config?.map((c) => c.Subnet)
            .filter(Boolean)
            .join(', ') || '—'}
        </span>
      ),
    },
    {
      id: 'containers',
      header: 'Containers',
      width: '6rem',
      wideOnly: true,
      render: (n) => (session.can('containers.read') ? String(attached.get(n.Id ?? '') ?? 0) : '—'),
    },
    {
      id: 'created',
      header: 'Created',
      sortKey: 'created',
      width: '11rem',
      wideOnly: true,
      render: (n) => dateOf(n.Created),
    },
    {
      id: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      width: '5.5rem',
      render: (n) =>
        canManage && !PREDEFINED.has(n.Name ?? '') ? (
          <RowActions>
            <Button
              tone="danger"
              aria-label={`Remove ${n.Name}`}
              busy={action.isBusy(`remove:${n.Id}`)}
              onClick={() => remove(n)}
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
        title="Networks"
        subtitle="Select a network to inspect it and connect or disconnect containers."
        actions={
          canManage ? (
            <>
              <Button busy={action.isBusy('prune')} onClick={prune}>
                Prune unused
              </Button>
              <Button tone="primary" onClick={() => setCreating(true)}>
                Create network
              </Button>
            </>
          ) : null
        }
      />
      <ObjectTable
        list={networks}
        noun="networks"
        columns={columns}
        rowKey={(n) => n.Id ?? n.Name ?? ''}
        states={['local', 'swarm', 'global']}
        onOpen={(n) => setSearch({ network: n.Id })}
        empty="This engine has no networks."
      />
      {creating ? (
        <NetworkCreate
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            networks.reload();
          }}
        />
      ) : null}
      {inspected ? (
        <NetworkInspector
          id={inspected}
          containers={containers}
          onClose={() => setSearch({ network: undefined })}
        />
      ) : null}
    </>
  );
}
