/**
 * What the engine's swarm is, and the actions that change membership: Initialize (a new one-node
 * swarm with this engine as manager) when it is in none, Leave when it is in one.
 */
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Button, StateBadge, shortId, TextField } from '../../ui/controls.tsx';
import { dateOf, Facts } from '../objects/details.tsx';
import { useAction } from '../objects/use-action.ts';
import type { SwarmState } from './swarm-state.ts';

export function SwarmSummary({ swarm }: { swarm: SwarmState }) {
  const session = useSession();
  const engine = session.engine ?? '';
  const action = useAction();
  const [advertise, setAdvertise] = useState('');
  const [listen, setListen] = useState('');
  const canManage = session.can('swarm.manage');
  const inactive = swarm.localState === 'inactive';

  const init = () =>
    action.run({
      id: 'init',
      confirm: {
        title: 'Initialize a swarm on this engine?',
        body: 'The engine becomes the first manager of a new swarm: services, secrets and configs become available, and it listens for other nodes on port 2377.',
        action: 'Initialize swarm',
        danger: false,
      },
      work: () =>
        api('POST', enginePath(engine, 'swarm', 'init'), {
          body: {
            ...(advertise.trim() ? { AdvertiseAddr: advertise.trim() } : {}),
            ...(listen.trim() ? { ListenAddr: listen.trim() } : {}),
          },
        }),
      done: 'Swarm initialized',
      what: 'Initializing the swarm',
      after: swarm.reload,
    });
  const leave = () =>
    action.run({
      id: 'leave',
      confirm: {
        title: 'Leave the swarm?',
        body: swarm.manager
          ? 'This engine manages the swarm: leaving forces it out, and for the last manager the swarm and all its services, secrets and configs are gone.'
          : 'The engine stops running this swarm’s tasks.',
        action: 'Leave swarm',
      },
      work: () => api('POST', enginePath(engine, 'swarm', 'leave'), { query: { force: true } }),
      done: 'Left the swarm',
      what: 'Leaving the swarm',
      after: swarm.reload,
    });

  if (inactive)
    return (
      <section className="panel swarm-summary" aria-label="swarm state">
        <p>
          This engine is not in a swarm. Services, nodes, tasks, secrets and configs exist only in swarm mode.
        </p>
        {canManage ? (
          <div className="inline-form">
            <TextField
              label="Advertise address"
              placeholder="192.0.2.10"
              hint="Optional: the address other nodes reach this one at (needed when it has several)."
              value={advertise}
              onChange={(event) => setAdvertise(event.target.value)}
            />
            <TextField
              label="Listen address"
              placeholder="0.0.0.0:2377"
              hint="Optional."
              value={listen}
              onChange={(event) => setListen(event.target.value)}
            />
            <Button tone="primary" busy={action.isBusy('init')} onClick={init}>
              Initialize swarm
            </Button>
          </div>
        ) : (
          <p className="muted">Initializing a swarm needs the swarm.manage permission.</p>
        )}
      </section>
    );

  const info = swarm.info;
  return (
    <section className="panel swarm-summary" aria-label="swarm state">
      <Facts
        facts={{
          State: <StateBadge state={swarm.localState} />,
          Role: swarm.manager ? 'manager' : 'worker',
          Node: info?.NodeID ? <span className="mono">{shortId(info.NodeID)}</span> : undefined,
          Address: info?.NodeAddr,
          Cluster: info?.Cluster?.ID ? <span className="mono">{shortId(info.Cluster.ID)}</span> : undefined,
          Nodes: info?.Nodes ?? undefined,
          Managers: info?.Managers ?? undefined,
          Created: info?.Cluster?.CreatedAt ? dateOf(info.Cluster.CreatedAt) : undefined,
          Error: info?.Error,
        }}
      />
      {canManage ? (
        <div className="toolbar swarm-actions">
          <Button tone="danger" busy={action.isBusy('leave')} onClick={leave}>
            Leave swarm
          </Button>
        </div>
      ) : null}
    </section>
  );
}
