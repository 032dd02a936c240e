/**
 * Registries (`registries.read` to see, `registries.manage` to change): registry logins stored on
 * the console, used by pulls, pushes and builds of that registry's images when the request carries
 * no credentials of its own. The password never comes back from the server; "Test" logs in through
 * the selected engine, so it also shows whether that engine reaches the registry.
 */
import type { RegistryView } from '@gantry/server/api-types';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Button, Empty, ErrorBox, formatTime, PageHeader } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import { RegistryFormDialog } from './registry-form.tsx';
import './registries.css';

/** The form shown: a new registry (null) or one to edit; undefined when closed. */
type Editing = RegistryView | null | undefined;

export default function RegistriesPage() {
  const session = useSession();
  const registries = useApi<RegistryView[]>('/api/registries');
  const [editing, setEditing] = useState<Editing>();
  const manage = session.can('registries.manage');
  const saved = () => {
    setEditing(undefined);
    registries.reload();
  };
  return (
    <>
      <PageHeader
        title="Registries"
        subtitle={
          manage
            ? 'Registry logins the console uses for pulls, pushes and builds sent without credentials.'
            : 'Read-only for you: adding, changing and testing registries needs the registries.manage permission.'
        }
        actions={
          manage ? (
            <Button tone="primary" onClick={() => setEditing(null)}>
              Add registry
            </Button>
          ) : null
        }
      />
      <ErrorBox error={registries.error} title="Could not list registries" />
      {registries.data?.length === 0 ? <NoRegistries /> : null}
      {registries.data?.length ? (
        <RegistryTable
          registries={registries.data}
          manage={manage}
          onEdit={setEditing}
          onChanged={registries.reload}
        />
      ) : null}
      {editing !== undefined ? (
        <RegistryFormDialog
          registry={editing ?? undefined}
          onClose={() => setEditing(undefined)}
          onSaved={saved}
        />
      ) : null}
    </>
  );
}

function NoRegistries() {
  return (
    <Empty>
      <div className="registry-empty">
        <p>No registry credentials are stored yet.</p>
        <p>
          Store a private registry's login here once (its address, e.g. <code>registry.example:5000</code>, a
          username and a password or token). Pulls, pushes and builds of images named after that registry (
          <code>registry.example:5000/team/app</code>) then log in with it, so nobody has to type the password
          into a dialog. The password stays on the console: it is never shown again, not even to admins.
        </p>
      </div>
    </Empty>
  );
}

function RegistryTable({
  registries,
  manage,
  onEdit,
  onChanged,
}: {
  registries: readonly RegistryView[];
  manage: boolean;
  onEdit: (registry: RegistryView) => void;
  onChanged: () => void;
}) {
  return (
    <div className="registries-table-wrap">
      <table className="table" aria-label="registries">
        <thead>
          <tr>
            <th>Name</th>
            <th>Address</th>
            <th className="wide-only">Username</th>
            <th className="wide-only">Updated</th>
            {manage ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {registries.map((registry) => (
            <RegistryRow
              key={registry.id}
              registry={registry}
              manage={manage}
              onEdit={() => onEdit(registry)}
              onChanged={onChanged}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The outcome of the last "Test" of a row: the registry's answer or the server's message. */
type CheckOutcome =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: unknown };

function RegistryRow({
  registry,
  manage,
  onEdit,
  onChanged,
}: {
  registry: RegistryView;
  manage: boolean;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const session = useSession();
  const feedback = useFeedback();
  const [checking, setChecking] = useState(false);
  const [outcome, setOutcome] = useState<CheckOutcome>();
  const engine = session.engine;
  const engineName = session.engines.find((item) => item.id === engine)?.name ?? engine;
  const path = `/api/registries/${encodeURIComponent(registry.id)}`;

  const check = async () => {
    if (!engine) return;
    setChecking(true);
    setOutcome(undefined);
    try {
      const result = await api<{ ok: true; status?: string }>(
        'POST',
        enginePath(engine, 'registries', registry.id, 'check'),
      );
      setOutcome({ ok: true, text: `${result.status || 'Login succeeded'} (through ${engineName})` });
    } catch (error) {
      setOutcome({ ok: false, error });
    } finally {
      setChecking(false);
    }
  };
  const remove = async () => {
    const confirmed = await feedback.confirm({
      title: `Remove the registry ${registry.name}?`,
      body: `The console forgets its login. Pulls, pushes and builds from ${registry.serverAddress} then need credentials in the request (or the registry allows anonymous access).`,
      action: 'Remove',
    });
    if (!confirmed) return;
    try {
      await api('DELETE', path);
      feedback.notify(`Removed ${registry.name}`);
      onChanged();
    } catch (error) {
      feedback.fail(error, `Removing ${registry.name} failed`);
    }
  };

  return (
    <tr>
      <td>
        <strong>{registry.name}</strong>
        {outcome?.ok ? (
          <div className="registry-check registry-check-ok" role="status">
            {outcome.text}
          </div>
        ) : null}
        {outcome && !outcome.ok ? (
          <ErrorBox error={outcome.error} title={`Test through ${engineName} failed`} />
        ) : null}
      </td>
      <td className="mono registry-address">
        {registry.serverAddress}
        <div className="registry-narrow-only muted">user {registry.username}</div>
      </td>
      <td className="wide-only">{registry.username}</td>
      <td className="wide-only" title={registry.createdBy ? `added by ${registry.createdBy}` : undefined}>
        {formatTime(registry.updatedAt)}
      </td>
      {manage ? (
        <td>
          <div className="registry-actions">
            <Button
              busy={checking}
              disabled={!engine}
              title={
                engine ? `Log in to ${registry.serverAddress} through ${engineName}` : 'Pick an engine first'
              }
              aria-label={`Test ${registry.name}`}
              onClick={() => void check()}
            >
              Test
            </Button>
            <Button aria-label={`Edit ${registry.name}`} onClick={onEdit}>
              Edit
            </Button>
            <Button tone="danger" aria-label={`Remove ${registry.name}`} onClick={() => void remove()}>
              Remove
            </Button>
          </div>
        </td>
      ) : null}
    </tr>
  );
}
