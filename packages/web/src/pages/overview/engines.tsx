/**
 * The engines the caller may see with their status; with engines.manage also add, test, edit and
 * remove (removing only forgets the engine: nothing on it changes).
 */
import type { EngineSummary, EngineTestResult } from '@gantry/server/api-types';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Button, Empty, ErrorBox, PageHeader, StateBadge } from '../../ui/controls.tsx';
import { Modal, useFeedback } from '../../ui/feedback.tsx';
import { REFRESH_MS } from './engine-card.tsx';
import { EngineForm, storedTlsOf } from './engine-form.tsx';
import './overview.css';

/** Which secrets are stored, in words (never the material: the console does not return it). */
function securityOf(engine: EngineSummary): string {
  if (engine.ssh) return engine.ssh.key ? 'ssh, stored key' : 'ssh, agent / config';
  if (!engine.tls) return engine.url.startsWith('unix://') ? 'local socket' : 'none (plain TCP)';
  return `TLS (${storedTlsOf(engine.tls)})`;
}

function EngineRow({
  engine,
  manage,
  onEdit,
  onChanged,
}: {
  engine: EngineSummary;
  manage: boolean;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const feedback = useFeedback();
  const [testing, setTesting] = useState(false);
  const test = async () => {
    setTesting(true);
    try {
      const result = await api<EngineTestResult>('POST', `${enginePath(engine.id)}/test`);
      if (result.ok)
        feedback.notify(`${engine.name}: engine ${result.version} answered in ${result.durationMs} ms`);
      else feedback.fail(new Error(result.error ?? 'no answer'), `${engine.name} did not answer`);
    } catch (error) {
      feedback.fail(error, `Testing ${engine.name} failed`);
    } finally {
      setTesting(false);
    }
  };
  const remove = async () => {
    const confirmed = await feedback.confirm({
      title: `Remove the engine ${engine.name}?`,
      body: 'The console forgets it and its stored TLS material or ssh key; nothing on the engine itself changes. Users granted it lose access.',
      action: 'Remove',
    });
    if (!confirmed) return;
    try {
      await api('DELETE', enginePath(engine.id));
      feedback.notify(`Removed ${engine.name}`);
      onChanged();
    } catch (error) {
      feedback.fail(error, `Removing ${engine.name} failed`);
    }
  };
  const { status } = engine;
  return (
    <tr>
      <td>
        <strong>{engine.name}</strong>
        <div className="mono muted">{engine.url}</div>
      </td>
      <td>
        <StateBadge state={status.state} />
        {status.state === 'down' && status.error ? <div className="engine-error">{status.error}</div> : null}
      </td>
      <td className="hide-narrow">
        {status.version ? `${status.version} (API ${status.apiVersion ?? '?'})` : '—'}
      </td>
      <td className="hide-narrow">{securityOf(engine)}</td>
      {manage ? (
        <td>
          <div className="cell-actions">
            <Button onClick={() => void test()} busy={testing} aria-label={`Test ${engine.name}`}>
              Test
            </Button>
            <Button onClick={onEdit} aria-label={`Edit ${engine.name}`}>
              Edit
            </Button>
            <Button tone="danger" onClick={() => void remove()} aria-label={`Remove ${engine.name}`}>
              Remove
            </Button>
          </div>
        </td>
      ) : null}
    </tr>
  );
}

export default function EnginesPage() {
  const session = useSession();
  const feedback = useFeedback();
  const engines = useApi<{ items: EngineSummary[] }>('/api/engines', undefined, REFRESH_MS);
  /** The form shown: a new engine (null) or one to edit. */
  const [editing, setEditing] = useState<EngineSummary | null>();
  const manage = session.can('engines.manage');
  const changed = () => {
    engines.reload();
    session.reloadEngines();
  };
  const items = engines.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Engines"
        subtitle={
          manage
            ? 'Docker or Podman engines this console manages.'
            : 'Docker or Podman engines granted to you. Adding and changing engines needs engines.manage.'
        }
        actions={
          manage ? (
            <Button tone="primary" onClick={() => setEditing(null)}>
              Add engine
            </Button>
          ) : undefined
        }
      />
      <ErrorBox error={engines.error} title="The engine list did not load" />
      {engines.data && items.length === 0 ? <Empty>No engine yet.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Engine</th>
                <th>Status</th>
                <th className="hide-narrow">Version</th>
                <th className="hide-narrow">Connection</th>
                {manage ? <th>Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((engine) => (
                <EngineRow
                  key={engine.id}
                  engine={engine}
                  manage={manage}
                  onEdit={() => setEditing(engine)}
                  onChanged={changed}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing !== undefined ? (
        <Modal
          title={editing ? `Edit engine ${editing.name}` : 'Add an engine'}
          onClose={() => setEditing(undefined)}
        >
          <EngineForm
            engine={editing ?? undefined}
            onCancel={() => setEditing(undefined)}
            onSaved={(saved) => {
              feedback.notify(`${editing ? 'Saved' : 'Added'} ${saved.name}`);
              setEditing(undefined);
              changed();
            }}
          />
        </Modal>
      ) : null}
    </>
  );
}
