/** The create-volume form: name (or one the engine picks), driver, driver options, labels. */
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { TextField } from '../../ui/controls.tsx';
import { FormDialog } from './form-dialog.tsx';
import { KeyValueRows, NO_PAIRS, type Pair, pairsToRecord } from './key-value-rows.tsx';

export function VolumeCreate({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { engine } = useSession();
  const [name, setName] = useState('');
  const [driver, setDriver] = useState('local');
  const [options, setOptions] = useState<readonly Pair[]>(NO_PAIRS);
  const [labels, setLabels] = useState<readonly Pair[]>(NO_PAIRS);

  const create = async () => {
    const volume = await api<{ Name: string }>('POST', enginePath(engine ?? '', 'volumes'), {
      body: {
        ...(name.trim() ? { Name: name.trim() } : {}),
        Driver: driver.trim() || 'local',
        DriverOpts: pairsToRecord(options),
        Labels: pairsToRecord(labels),
      },
    });
    return `Volume ${volume.Name} created`;
  };

  return (
    <FormDialog title="Create volume" onSubmit={create} onDone={onCreated} onClose={onClose}>
      <div className="form-grid">
        <TextField
          label="Name"
          hint="Optional: the engine picks a random name when empty."
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <TextField
          label="Driver"
          hint="local, or an installed volume plugin."
          value={driver}
          onChange={(event) => setDriver(event.target.value)}
        />
      </div>
      <KeyValueRows
        noun="Option"
        title="Driver options"
        keyHint="type"
        valueHint="tmpfs"
        pairs={options}
        onChange={setOptions}
      />
      <KeyValueRows noun="Label" title="Labels" pairs={labels} onChange={setLabels} />
    </FormDialog>
  );
}
