/** One network in a dialog: its settings, the containers connected (disconnect), connect another. */
import type { ContainerSummary, NetworkInspect } from '@gantry/engine';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Button, Empty, ErrorBox, shortId, TextField } from '../../ui/controls.tsx';
import { Modal } from '../../ui/feedback.tsx';
import { containerName } from './containers-index.ts';
import { dateOf, Facts, LabelList, RawJson } from './details.tsx';
import { useAction } from './use-action.ts';

export function NetworkInspector({
  id,
  containers,
  onClose,
}: {
  id: string;
  containers: readonly ContainerSummary[];
  onClose: () => void;
}) {
  const session = useSession();
  const engine = session.engine ?? '';
  const path = enginePath(engine, 'networks', id);
  const { data: network, error, reload } = useApi<NetworkInspect>(path);
  const action = useAction();
  const [chosen, setChosen] = useState('');
  const canManage = session.can('networks.manage');
  const connected = Object.entries(network?.Containers ?? {});
  // Suggestions only: `containers` holds the engine's first 500, and the engine takes any name or id.
  const candidates = containers.filter((container) => !network?.Containers?.[container.Id ?? '']);
  const title = network?.Name ?? shortId(id);

  const disconnect = (containerId: string, name: string) =>
    action.run({
      id: `disconnect:${containerId}`,
      confirm: {
        title: `Disconnect ${name} from ${title}?`,
        body: 'The container loses its address on this network at once.',
        action: 'Disconnect',
      },
      work: () => api('POST', `${path}/disconnect`, { body: { Container: containerId } }),
      done: `${name} disconnected from ${title}`,
      what: `Disconnecting ${name}`,
      after: reload,
    });
  const connect = () =>
    action.run({
      id: 'connect',
      work: () => api('POST', `${path}/connect`, { body: { Container: chosen.trim() } }),
      done: `${chosen.trim()} connected to ${title}`,
      what: 'Connecting',
      after: () => {
        setChosen('');
        reload();
      },
    });

  return (
    <Modal title={`Network ${title}`} onClose={onClose}>
      <ErrorBox error={error} title="Could not inspect the network" />
      {network ? (
        <div className="form">
          <Facts
            facts={{
              Id: <span className="mono">{network.Id}</span>,
              Driver: network.Driver,
              Scope: network.Scope,
              Subnets: network.IPAM?.Config?.map((c) =>
                [c.Subnet, c.Gateway && `gateway ${c.Gateway}`].filter(Boolean).join(', '),
              ).join('; '),
              Internal: network.Internal ? 'yes' : 'no',
              Attachable: network.Attachable ? 'yes' : 'no',
              Created: dateOf(network.Created),
              Labels: <LabelList labels={network.Labels} />,
            }}
          />
          <h3>Connected containers</h3>
          {connected.length === 0 ? (
            <Empty>No container is connected.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Container</th>
                  <th>IPv4</th>
                  {canManage ? (
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {connected.map(([containerId, endpoint]) => (
                  <tr key={containerId}>
                    <td>{endpoint.Name ?? shortId(containerId)}</td>
                    <td className="mono">{endpoint.IPv4Address || '—'}</td>
                    {canManage ? (
                      <td>
                        <Button
                          aria-label={`Disconnect ${endpoint.Name ?? containerId}`}
                          busy={action.isBusy(`disconnect:${containerId}`)}
                          onClick={() => disconnect(containerId, endpoint.Name ?? shortId(containerId))}
                        >
                          Disconnect
                        </Button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {canManage && session.can('containers.read') ? (
            <div className="inline-form">
              <TextField
                label="Connect a container"
                list="network-connect-candidates"
                placeholder="container name or id"
                value={chosen}
                onChange={(event) => setChosen(event.target.value)}
              />
              <datalist id="network-connect-candidates">
                {candidates.map((container) => (
                  <option key={container.Id} value={containerName(container)} />
                ))}
              </datalist>
              <Button
                tone="primary"
                disabled={!chosen.trim()}
                busy={action.isBusy('connect')}
                onClick={connect}
              >
                Connect
              </Button>
            </div>
          ) : null}
          <RawJson value={network} />
        </div>
      ) : null}
      <div className="modal-actions">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Modal>
  );
}
