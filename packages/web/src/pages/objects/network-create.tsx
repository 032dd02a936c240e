/** The create-network form: name, driver, one IPv4 subnet and gateway, internal, attachable, labels. */
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { SelectField, TextField } from '../../ui/controls.tsx';
import { FormDialog } from './form-dialog.tsx';
import { KeyValueRows, NO_PAIRS, type Pair, pairsToRecord } from './key-value-rows.tsx';

export function NetworkCreate({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { engine } = useSession();
  const [name, setName] = useState('');
  const [driver, setDriver] = useState('bridge');
  const [subnet, setSubnet] = useState('');
  const [gateway, setGateway] = useState('');
  const [internal, setInternal] = useState(false);
  const [attachable, setAttachable] = useState(false);
  const [labels, setLabels] = useState<readonly Pair[]>(NO_PAIRS);

  const create = async () => {
    await api('POST', enginePath(engine ?? '', 'networks'), {
      body: {
        Name: name.trim(),
        Driver: driver,
        Internal: internal,
        // Only overlay networks distinguish attachable (standalone containers may join).
        ...(driver === 'overlay' ? { Attachable: attachable } : {}),
        ...(subnet.trim()
          ? {
              IPAM: {
                Config: [{ Subnet: subnet.trim(), ...(gateway.trim() ? { Gateway: gateway.trim() } : {}) }],
              },
            }
          : {}),
        Labels: pairsToRecord(labels),
      },
    });
    return `Network ${name.trim()} created`;
  };

  return (
    <FormDialog
      title="Create network"
      canSubmit={name.trim() !== ''}
      onSubmit={create}
      onDone={onCreated}
      onClose={onClose}
    >
      <div className="form-grid">
        <TextField label="Name" required value={name} onChange={(event) => setName(event.target.value)} />
        <SelectField
          label="Driver"
          value={driver}
          options={[
            { value: 'bridge', label: 'bridge (this engine)' },
            { value: 'overlay', label: 'overlay (swarm, across nodes)' },
          ]}
          hint={driver === 'overlay' ? 'Overlay networks need the engine to be a swarm manager.' : undefined}
          onChange={(event) => setDriver(event.target.value)}
        />
        <TextField
          label="Subnet"
          placeholder="172.30.0.0/16"
          hint="Optional: CIDR; the engine picks one when empty."
          value={subnet}
          onChange={(event) => setSubnet(event.target.value)}
        />
        <TextField
          label="Gateway"
          placeholder="172.30.0.1"
          hint="Optional: an address inside the subnet."
          value={gateway}
          disabled={!subnet.trim()}
          onChange={(event) => setGateway(event.target.value)}
        />
      </div>
      <div className="check-row">
        <label>
          <input type="checkbox" checked={internal} onChange={(event) => setInternal(event.target.checked)} />{' '}
          Internal (no route to outside networks)
        </label>
        {driver === 'overlay' ? (
          <label>
            <input
              type="checkbox"
              checked={attachable}
              onChange={(event) => setAttachable(event.target.checked)}
            />{' '}
            Attachable (standalone containers may connect)
          </label>
        ) : null}
      </div>
      <KeyValueRows noun="Label" title="Labels" pairs={labels} onChange={setLabels} />
    </FormDialog>
  );
}
