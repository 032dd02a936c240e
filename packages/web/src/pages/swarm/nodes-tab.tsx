/** The swarm's nodes: hostname, role, availability, state, engine version; drain or activate one. */
import type { Node } from '@gantry/engine';
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Button, StateBadge } from '../../ui/controls.tsx';
import type { Column } from '../../ui/virtual-table.tsx';
import { ObjectTable, RowActions, useObjectList } from '../objects/object-table.tsx';
import { useAction } from '../objects/use-action.ts';

export function NodesTab() {
  const session = useSession();
  const engine = session.engine ?? '';
  const nodes = useObjectList<Node>('nodes', { prefix: 'nodes.' });
  const action = useAction();
  const canManage = session.can('swarm.manage');

  const setAvailability = (node: Node, availability: 'active' | 'drain') => {
    const name = node.Description?.Hostname ?? node.ID ?? '';
    return action.run({
      id: `availability:${node.ID}`,
      confirm:
        availability === 'drain'
          ? {
              title: `Drain ${name}?`,
              body: 'Its tasks are stopped and rescheduled on other nodes; with one node, they stop running.',
              action: 'Drain',
            }
          : undefined,
      work: () =>
        api('POST', enginePath(engine, 'nodes', node.ID ?? '', 'update'), {
          query: { version: node.Version?.Index ?? 0 },
          body: { ...node.Spec, Role: node.Spec?.Role ?? 'worker', Availability: availability },
        }),
      done: `${name} is ${availability === 'drain' ? 'draining' : 'active'}`,
      what: `Changing ${name}`,
      after: nodes.reload,
    });
  };

  const columns: Column<Node>[] = [
    {
      id: 'name',
      header: 'Hostname',
      sortKey: 'name',
      width: 'minmax(8rem, 2fr)',
      render: (n) => n.Description?.Hostname,
    },
    {
      id: 'role',
      header: 'Role',
      sortKey: 'role',
      width: '7rem',
      render: (n) => `${n.Spec?.Role ?? ''}${n.ManagerStatus?.Leader ? ' (leader)' : ''}`,
    },
    {
      id: 'availability',
      header: 'Availability',
      sortKey: 'availability',
      width: '7rem',
      render: (n) => <StateBadge state={n.Spec?.Availability} />,
    },
    {
      id: 'state',
      header: 'State',
      sortKey: 'state',
      width: '6rem',
      render: (n) => <StateBadge state={n.Status?.State} />,
    },
    {
      id: 'engine',
      header: 'Engine',
      width: '7rem',
      wideOnly: true,
      render: (n) => n.Description?.Engine?.EngineVersion,
    },
    {
      id: 'address',
      header: 'Address',
      width: '8rem',
      wideOnly: true,
      render: (n) => <span className="mono">{n.Status?.Addr}</span>,
    },
    {
      id: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      width: '6rem',
      render: (n) =>
        canManage ? (
          <RowActions>
            {n.Spec?.Availability === 'active' ? (
              <Button
                busy={action.isBusy(`availability:${n.ID}`)}
                onClick={() => setAvailability(n, 'drain')}
              >
                Drain
              </Button>
            ) : (
              <Button
                busy={action.isBusy(`availability:${n.ID}`)}
                onClick={() => setAvailability(n, 'active')}
              >
                Activate
              </Button>
            )}
          </RowActions>
        ) : null,
    },
  ];

  return (
    <ObjectTable
      list={nodes}
      noun="nodes"
      columns={columns}
      rowKey={(n) => n.ID ?? ''}
      states={['ready', 'down', 'disconnected', 'unknown']}
      empty="The swarm lists no nodes yet (the console notices a new swarm within 15 seconds)."
    />
  );
}
