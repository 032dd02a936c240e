/**
 * Plugins: installed engine plugins with their state, enable / disable / remove, and install from a
 * registry (plugins.manage): the plugin's requested privileges are shown first and sent back as
 * accepted, as the engine requires.
 */
import type { Plugin, PluginPrivilege } from '@gantry/engine';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Button, PageHeader, ProgressBar, StateBadge, TextField } from '../../ui/controls.tsx';
import type { Column } from '../../ui/virtual-table.tsx';
import { FormDialog } from './form-dialog.tsx';
import { ObjectTable, RowActions, useObjectList } from './object-table.tsx';
import { useAction } from './use-action.ts';

export default function PluginsPage() {
  const session = useSession();
  const engine = session.engine ?? '';
  const plugins = useObjectList<Plugin>('plugins');
  const action = useAction();
  const [installing, setInstalling] = useState(false);
  const canManage = session.can('plugins.manage');
  const path = (plugin: Plugin, ...rest: string[]) => enginePath(engine, 'plugins', plugin.Name, ...rest);

  const toggle = (plugin: Plugin) =>
    action.run({
      id: `toggle:${plugin.Name}`,
      confirm: plugin.Enabled
        ? {
            title: `Disable ${plugin.Name}?`,
            body: 'Volumes, networks or logging that use it stop working until it is enabled again.',
            action: 'Disable',
          }
        : undefined,
      work: () => api('POST', path(plugin, plugin.Enabled ? 'disable' : 'enable')),
      done: `${plugin.Name} ${plugin.Enabled ? 'disabled' : 'enabled'}`,
      what: `${plugin.Enabled ? 'Disabling' : 'Enabling'} ${plugin.Name}`,
      after: plugins.reload,
    });
  const remove = (plugin: Plugin) =>
    action.run({
      id: `remove:${plugin.Name}`,
      confirm: {
        title: `Remove plugin ${plugin.Name}?`,
        body: plugin.Enabled ? 'It is enabled: it is removed with force (disabled first).' : undefined,
        action: 'Remove',
      },
      work: () => api('DELETE', path(plugin), { query: plugin.Enabled ? { force: true } : undefined }),
      done: `${plugin.Name} removed`,
      what: `Removing ${plugin.Name}`,
      after: plugins.reload,
    });

  const columns: Column<Plugin>[] = [
    {
      id: 'name',
      header: 'Name',
      sortKey: 'name',
      width: 'minmax(8rem, 2fr)',
      render: (p) => <span className="mono">{p.Name}</span>,
    },
    {
      id: 'state',
      header: 'State',
      sortKey: 'state',
      width: '6rem',
      render: (p) => <StateBadge state={p.Enabled ? 'enabled' : 'disabled'} />,
    },
    {
      id: 'types',
      header: 'Provides',
      width: 'minmax(8rem, 1fr)',
      wideOnly: true,
      render: (p) => p.Config?.Interface?.Types?.join(', '),
    },
    {
      id: 'description',
      header: 'Description',
      width: 'minmax(8rem, 2fr)',
      wideOnly: true,
      render: (p) => p.Config?.Description,
    },
    {
      id: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      width: '11rem',
      render: (p) =>
        canManage ? (
          <RowActions>
            <Button
              busy={action.isBusy(`toggle:${p.Name}`)}
              onClick={() => toggle(p)}
              aria-label={`${p.Enabled ? 'Disable' : 'Enable'} ${p.Name}`}
            >
              {p.Enabled ? 'Disable' : 'Enable'}
            </Button>
            <Button
              tone="danger"
              busy={action.isBusy(`remove:${p.Name}`)}
              onClick={() => remove(p)}
              aria-label={`Remove ${p.Name}`}
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
        title="Plugins"
        subtitle="Engine plugins add volume, network, logging and authorization drivers."
        actions={
          canManage ? (
            <Button tone="primary" onClick={() => setInstalling(true)}>
              Install plugin
            </Button>
          ) : null
        }
      />
      <ObjectTable
        list={plugins}
        noun="plugins"
        columns={columns}
        rowKey={(p) => p.Id ?? p.Name}
        states={['enabled', 'disabled']}
        empty="No plugin is installed on this engine."
      />
      {installing ? (
        <PluginInstall
          onClose={() => setInstalling(false)}
          onInstalled={() => {
            setInstalling(false);
            plugins.reload();
          }}
        />
      ) : null}
    </>
  );
}

/**
 * Two steps: "Check privileges" asks what the plugin wants; the install then accepts exactly those.
 * The install waits for the whole download (the route answers at the end), so it shows a bar that
 * moves without a percentage.
 */
function PluginInstall({ onClose, onInstalled }: { onClose: () => void; onInstalled: () => void }) {
  const { engine } = useSession();
  const base = enginePath(engine ?? '', 'plugins');
  const [remote, setRemote] = useState('');
  const [alias, setAlias] = useState('');
  const [privileges, setPrivileges] = useState<readonly PluginPrivilege[]>();
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string>();
  const [installing, setInstalling] = useState(false);

  const check = async () => {
    setChecking(true);
    setCheckError(undefined);
    try {
      setPrivileges(
        await api<PluginPrivilege[]>('GET', `${base}/privileges`, { query: { remote: remote.trim() } }),
      );
    } catch (error) {
      setCheckError((error as Error).message);
    } finally {
      setChecking(false);
    }
  };
  const install = async () => {
    setInstalling(true);
    try {
      await api('POST', `${base}/pull`, {
        body: { remote: remote.trim(), ...(alias.trim() ? { name: alias.trim() } : {}), privileges },
      });
      return `Plugin ${alias.trim() || remote.trim()} installed`;
    } finally {
      setInstalling(false);
    }
  };

  return (
    <FormDialog
      title="Install plugin"
      submitLabel="Accept privileges and install"
      canSubmit={privileges !== undefined}
      onSubmit={install}
      onDone={onInstalled}
      onClose={onClose}
    >
      <div className="form-grid">
        <TextField
          label="Plugin"
          placeholder="vieux/sshfs:latest"
          hint="A plugin reference in a registry the engine can reach."
          value={remote}
          onChange={(event) => {
            setRemote(event.target.value);
            setPrivileges(undefined);
          }}
        />
        <TextField
          label="Local name"
          hint="Optional."
          value={alias}
          onChange={(event) => setAlias(event.target.value)}
        />
      </div>
      <div>
        <Button disabled={!remote.trim()} busy={checking} onClick={check}>
          Check privileges
        </Button>
      </div>
      {checkError ? (
        <div className="error-box" role="alert">
          {checkError}
        </div>
      ) : null}
      {privileges ? (
        <div>
          <h3>The plugin asks for</h3>
          {privileges.length === 0 ? (
            <p className="muted">no privileges.</p>
          ) : (
            <ul className="plain-list">
              {privileges.map((privilege) => (
                <li key={privilege.Name}>
                  <strong>{privilege.Name}</strong>:{' '}
                  <span className="mono">{privilege.Value?.join(', ')}</span>
                  {privilege.Description ? <span className="muted"> — {privilege.Description}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
      {installing ? <ProgressBar percent={undefined} label="installing the plugin" /> : null}
    </FormDialog>
  );
}
