/**
 * Secrets and configs: the same kind of swarm object (a name, labels and content), listed, created
 * and removed by one page. They differ in the content: a secret's is write-only (the engine never
 * answers it), a config's can be shown.
 */
import type { Config } from '@gantry/engine';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link } from '../../router.tsx';
import { Button, Empty, ErrorBox, Field, PageHeader, shortId, TextField } from '../../ui/controls.tsx';
import { Modal } from '../../ui/feedback.tsx';
import type { Column } from '../../ui/virtual-table.tsx';
import { useSwarmState } from '../swarm/swarm-state.ts';
import { dateOf, LabelList } from './details.tsx';
import { FormDialog } from './form-dialog.tsx';
import { KeyValueRows, NO_PAIRS, type Pair, pairsToRecord } from './key-value-rows.tsx';
import { ObjectTable, RowActions, useObjectList } from './object-table.tsx';
import { useAction } from './use-action.ts';

type Kind = 'secrets' | 'configs';

const WORDS: Record<Kind, { title: string; one: string; content: string; contentHint: string }> = {
  secrets: {
    title: 'Secrets',
    one: 'secret',
    content: 'Secret value',
    contentHint: 'Write-only: once created, the value is never shown again (not even here).',
  },
  configs: {
    title: 'Configs',
    one: 'config',
    content: 'Content',
    contentHint: 'Text the services get as a file; it can be read back.',
  },
};

/** The shape both share (a Secret is a Config without templating differences that matter here). */
type SwarmData = Config;

export function SwarmDataPage({ kind }: { kind: Kind }) {
  const session = useSession();
  const engine = session.engine ?? '';
  const words = WORDS[kind];
  const swarm = useSwarmState();
  const list = useObjectList<SwarmData>(kind, { enabled: swarm.manager });
  const action = useAction();
  const [creating, setCreating] = useState(false);
  const [showing, setShowing] = useState<SwarmData>();
  const canManage = session.can(`${kind}.manage`);

  if (!swarm.known) return <PageHeader title={words.title} subtitle="Checking the engine's swarm state…" />;
  if (!swarm.manager)
    return (
      <>
        <PageHeader title={words.title} />
        <ErrorBox error={swarm.error} title="Could not read the engine's swarm state" />
        <Empty>
          {words.title} need swarm mode: this engine is not a swarm manager (swarm state: {swarm.localState}).{' '}
          <Link href="/swarm">Initialize a swarm</Link> on it, or pick an engine that manages one.
        </Empty>
      </>
    );

  const remove = (item: SwarmData) =>
    action.run({
      id: `remove:${item.ID}`,
      confirm: {
        title: `Remove ${words.one} ${item.Spec?.Name}?`,
        body: `Services using it make the engine refuse; remove it from them first.`,
        action: 'Remove',
      },
      work: () => api('DELETE', enginePath(engine, kind, item.ID ?? '')),
      done: `${item.Spec?.Name} removed`,
      what: `Removing ${item.Spec?.Name}`,
      after: list.reload,
    });

  const columns: Column<SwarmData>[] = [
    {
      id: 'name',
      header: 'Name',
      sortKey: 'name',
      width: 'minmax(8rem, 2fr)',
      render: (item) => item.Spec?.Name,
    },
    {
      id: 'id',
      header: 'Id',
      sortKey: 'id',
      width: '8rem',
      wideOnly: true,
      render: (item) => <span className="mono">{shortId(item.ID)}</span>,
    },
    {
      id: 'labels',
      header: 'Labels',
      width: 'minmax(8rem, 2fr)',
      wideOnly: true,
      render: (item) => Object.keys(item.Spec?.Labels ?? {}).join(', ') || '—',
    },
    {
      id: 'created',
      header: 'Created',
      sortKey: 'created',
      width: '11rem',
      wideOnly: true,
      render: (item) => dateOf(item.CreatedAt),
    },
    {
      id: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      width: kind === 'configs' ? '10rem' : '5.5rem',
      render: (item) => (
        <RowActions>
          {kind === 'configs' ? (
            <Button aria-label={`Show ${item.Spec?.Name}`} onClick={() => setShowing(item)}>
              Show
            </Button>
          ) : null}
          {canManage ? (
            <Button
              tone="danger"
              aria-label={`Remove ${item.Spec?.Name}`}
              busy={action.isBusy(`remove:${item.ID}`)}
              onClick={() => remove(item)}
            >
              Remove
            </Button>
          ) : null}
        </RowActions>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={words.title}
        actions={
          canManage ? (
            <Button tone="primary" onClick={() => setCreating(true)}>
              Create {words.one}
            </Button>
          ) : null
        }
      />
      <ObjectTable
        list={list}
        noun={kind}
        columns={columns}
        rowKey={(item) => item.ID ?? ''}
        onOpen={kind === 'configs' ? setShowing : undefined}
        empty={`This swarm has no ${kind}.`}
      />
      {creating ? (
        <SwarmDataCreate
          kind={kind}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            list.reload();
          }}
        />
      ) : null}
      {showing ? <ConfigContent config={showing} onClose={() => setShowing(undefined)} /> : null}
    </>
  );
}

function SwarmDataCreate({
  kind,
  onClose,
  onCreated,
}: {
  kind: Kind;
  onClose: () => void;
  onCreated: () => void;
}) {
  const { engine } = useSession();
  const words = WORDS[kind];
  const [name, setName] = useState('');
  const [content, setContent] = useState('');
  const [labels, setLabels] = useState<readonly Pair[]>(NO_PAIRS);
  const create = async () => {
    await api('POST', enginePath(engine ?? '', kind), {
      body: { Name: name.trim(), text: content, Labels: pairsToRecord(labels) },
    });
    return `${words.one[0]?.toUpperCase()}${words.one.slice(1)} ${name.trim()} created`;
  };
  return (
    <FormDialog
      title={`Create ${words.one}`}
      canSubmit={name.trim() !== '' && content !== ''}
      onSubmit={create}
      onDone={onCreated}
      onClose={onClose}
    >
      <TextField label="Name" required value={name} onChange={(event) => setName(event.target.value)} />
      <Field label={words.content} hint={words.contentHint}>
        {(id) => (
          <textarea
            id={id}
            rows={6}
            value={content}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setContent(event.target.value)}
          />
        )}
      </Field>
      <KeyValueRows noun="Label" title="Labels" pairs={labels} onChange={setLabels} />
    </FormDialog>
  );
}

/** A config's content (inspect answers it base64-encoded), shown as UTF-8 text. */
function ConfigContent({ config, onClose }: { config: SwarmData; onClose: () => void }) {
  const { engine } = useSession();
  const { data, error } = useApi<Config>(enginePath(engine ?? '', 'configs', config.ID ?? ''));
  const encoded = data?.Spec?.Data;
  const text =
    encoded === undefined
      ? undefined
      : new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  return (
    <Modal title={`Config ${config.Spec?.Name}`} onClose={onClose}>
      <ErrorBox error={error} title="Could not read the config" />
      <LabelList labels={data?.Spec?.Labels} />
      {text !== undefined ? <pre className="file-content">{text}</pre> : null}
      <div className="modal-actions">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Modal>
  );
}
