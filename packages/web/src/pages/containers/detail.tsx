/**
 * A container's page (`/containers/:id`): header with its state and lifecycle buttons, and tabs —
 * Overview, Logs, Terminal, Stats, Processes, Files, Inspect, Environment & mounts — each shown only
 * with the permission it needs. The tab is in the URL (`?tab=logs`), so reloads and links keep it.
 */
import type { ContainerInspectResponse } from '@gantry/engine';
import type { Permission } from '@gantry/server/api-types';
import { useMemo } from 'react';
import { enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, setSearch, useLocation } from '../../router.tsx';
import { Empty, ErrorBox, PageHeader, StateBadge, shortId, Tabs } from '../../ui/controls.tsx';
import type { PageProps } from '../registry.ts';
import { ContainerActions } from './detail/actions.tsx';
import './detail/detail.css';
import { EnvironmentTab } from './detail/environment.tsx';
import { FilesTab } from './detail/files/files-tab.tsx';
import { InspectTab } from './detail/inspect-tab.tsx';
import { LogsTab } from './detail/logs/logs-tab.tsx';
import { OverviewTab } from './detail/overview.tsx';
import { ProcessesTab } from './detail/processes.tsx';
import { StatsTab } from './detail/stats/stats-tab.tsx';
import { TerminalTab } from './detail/terminal.tsx';

type TabId = 'overview' | 'logs' | 'terminal' | 'stats' | 'processes' | 'files' | 'inspect' | 'environment';

const TABS: readonly { id: TabId; label: string; permission?: Permission }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'logs', label: 'Logs', permission: 'logs.read' },
  { id: 'terminal', label: 'Terminal', permission: 'containers.exec' },
  { id: 'stats', label: 'Stats', permission: 'stats.read' },
  { id: 'processes', label: 'Processes' },
  { id: 'files', label: 'Files', permission: 'containers.files.read' },
  { id: 'inspect', label: 'Inspect' },
  { id: 'environment', label: 'Environment & mounts' },
];

/** The state changes under the page (the container stops, someone else restarts it): look again this often. */
const REFRESH_MS = 5000;

export default function ContainerDetailPage({ params }: PageProps) {
  const session = useSession();
  const { search } = useLocation();
  const engine = session.engine;
  const inspect = useApi<ContainerInspectResponse>(
    engine ? enginePath(engine, 'containers', params.id as string) : undefined,
    undefined,
    REFRESH_MS,
  );
  const tabs = TABS.filter((tab) => !tab.permission || session.can(tab.permission));
  const current = tabs.find((tab) => tab.id === search.get('tab'))?.id ?? 'overview';
  const data = inspect.data;
  const id = data?.Id ?? (params.id as string);
  const name = (data?.Name ?? params.id ?? '').replace(/^\//, '');
  const source = useMemo(() => ({ id, name }), [id, name]);

  if (!engine) return <Empty>No engine is selected.</Empty>;
  if (!data)
    return inspect.error ? (
      <>
        <ErrorBox error={inspect.error} title={`Container ${params.id}`} />
        <p>
          <Link href="/containers">Back to the containers</Link>
        </p>
      </>
    ) : (
      <Empty>Loading the container…</Empty>
    );

  const running = Boolean(data.State?.Running) && !data.State?.Paused;
  return (
    <div className="container-detail">
      <PageHeader
        title={name}
        subtitle={
          <span className="detail-subtitle">
            <StateBadge state={data.State?.Status} /> <span className="mono">{shortId(id)}</span>{' '}
            <span>{data.Config?.Image}</span>
          </span>
        }
        actions={<ContainerActions engine={engine} inspect={data} onChanged={inspect.reload} />}
      />
      {inspect.error ? <ErrorBox error={inspect.error} title="Refreshing" /> : null}
      <Tabs
        tabs={tabs}
        current={current}
        onChange={(tab) => setSearch({ tab: tab === 'overview' ? undefined : tab, path: undefined })}
      />
      <div role="tabpanel" aria-label={tabs.find((tab) => tab.id === current)?.label}>
        {current === 'overview' ? <OverviewTab inspect={data} /> : null}
        {current === 'logs' ? <LogsTab engine={engine} container={source} /> : null}
        {current === 'terminal' ? <TerminalTab engine={engine} id={id} running={running} /> : null}
        {current === 'stats' ? <StatsTab engine={engine} id={id} running={running} /> : null}
        {current === 'processes' ? <ProcessesTab engine={engine} id={id} running={running} /> : null}
        {current === 'files' ? <FilesTab engine={engine} id={id} /> : null}
        {current === 'inspect' ? <InspectTab inspect={data} /> : null}
        {current === 'environment' ? <EnvironmentTab inspect={data} /> : null}
      </div>
    </div>
  );
}
