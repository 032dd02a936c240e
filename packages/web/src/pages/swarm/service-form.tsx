/**
 * Creating a service (name, image, command, replicas, environment, published ports, labels) and
 * updating one (image, replicas, environment; the rest of its spec kept as it is).
 */
import type { Service } from '@gantry/engine';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { TextField } from '../../ui/controls.tsx';
import { FormDialog } from '../objects/form-dialog.tsx';
import {
  envToPairs,
  KeyValueRows,
  NO_PAIRS,
  type Pair,
  pairsToEnv,
  pairsToRecord,
} from '../objects/key-value-rows.tsx';
import { desiredOf, imageOf, splitCommand } from './service-facts.ts';

/** `8080` → `8080`, `53/udp` → 53 + udp. */
function portOf(text: string): { port: number; protocol: 'tcp' | 'udp' | 'sctp' } {
  const [number, protocol = 'tcp'] = text.trim().split('/');
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp')
    throw new Error(`port "${text}": the protocol is tcp, udp or sctp`);
  const port = Number(number);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`port "${text}" is not a number from 1 to 65535`);
  return { port, protocol };
}

function portsOf(pairs: readonly Pair[]) {
  return pairs
    .filter((pair) => pair.key.trim() || pair.value.trim())
    .map((pair) => {
      const target = portOf(pair.value || pair.key);
      return {
        PublishedPort: portOf(pair.key || pair.value).port,
        TargetPort: target.port,
        Protocol: target.protocol,
      };
    });
}

export function ServiceForm({
  service,
  onClose,
  onSaved,
}: {
  /** Absent: create a new service. */
  service?: Service;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { engine } = useSession();
  const base = enginePath(engine ?? '', 'services');
  const global = service?.Spec?.Mode?.Global !== undefined;
  const [name, setName] = useState('');
  const [image, setImage] = useState(service ? imageOf(service) : '');
  const [command, setCommand] = useState('');
  const [replicas, setReplicas] = useState(String(service ? (desiredOf(service) ?? 1) : 1));
  const [env, setEnv] = useState<readonly Pair[]>(
    envToPairs(service?.Spec?.TaskTemplate?.ContainerSpec?.Env),
  );
  const [ports, setPorts] = useState<readonly Pair[]>(NO_PAIRS);
  const [labels, setLabels] = useState<readonly Pair[]>(NO_PAIRS);

  const replicaCount = Number(replicas);
  const valid =
    image.trim() !== '' &&
    (global || (Number.isInteger(replicaCount) && replicaCount >= 0)) &&
    (service !== undefined || name.trim() !== '');

  const create = async () => {
    const argv = splitCommand(command);
    await api('POST', base, {
      body: {
        Name: name.trim(),
        Labels: pairsToRecord(labels),
        TaskTemplate: {
          ContainerSpec: {
            Image: image.trim(),
            ...(argv.length ? { Command: argv } : {}),
            Env: pairsToEnv(env),
          },
        },
        Mode: { Replicated: { Replicas: replicaCount } },
        ...(ports.length ? { EndpointSpec: { Ports: portsOf(ports) } } : {}),
      },
    });
    return `Service ${name.trim()} created`;
  };
  const update = async () => {
    const spec = service?.Spec ?? {};
    const template = spec.TaskTemplate ?? {};
    await api('POST', `${base}/${encodeURIComponent(service?.ID ?? '')}/update`, {
      query: { version: service?.Version?.Index ?? 0 },
      body: {
        ...spec,
        TaskTemplate: {
          ...template,
          ContainerSpec: { ...template.ContainerSpec, Image: image.trim(), Env: pairsToEnv(env) },
        },
        ...(global ? {} : { Mode: { ...spec.Mode, Replicated: { Replicas: replicaCount } } }),
      },
    });
    return `Service ${spec.Name} updated`;
  };

  return (
    <FormDialog
      title={service ? `Update ${service.Spec?.Name}` : 'Create service'}
      submitLabel={service ? 'Update' : 'Create'}
      canSubmit={valid}
      onSubmit={service ? update : create}
      onDone={onSaved}
      onClose={onClose}
    >
      <div className="form-grid">
        {service ? null : (
          <TextField
            label="Service name"
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        )}
        <TextField
          label="Image"
          required
          placeholder="nginx:alpine"
          value={image}
          onChange={(event) => setImage(event.target.value)}
        />
        {service ? null : (
          <TextField
            label="Command"
            placeholder='sh -c "echo hi; sleep 300"'
            hint="Optional: words separated by spaces, quotes keep spaces; no shell runs it."
            value={command}
            onChange={(event) => setCommand(event.target.value)}
          />
        )}
        {global ? null : (
          <TextField
            label="Replicas"
            type="number"
            min={0}
            value={replicas}
            onChange={(event) => setReplicas(event.target.value)}
          />
        )}
      </div>
      <KeyValueRows
        noun="Variable"
        title="Environment"
        keyHint="NAME"
        valueHint="value"
        pairs={env}
        onChange={setEnv}
      />
      {service ? null : (
        <>
          <KeyValueRows
            noun="Port"
            title="Published ports"
            keyHint="published, e.g. 8080"
            valueHint="target, e.g. 80 or 53/udp"
            pairs={ports}
            onChange={setPorts}
          />
          <KeyValueRows noun="Label" title="Labels" pairs={labels} onChange={setLabels} />
        </>
      )}
    </FormDialog>
  );
}
