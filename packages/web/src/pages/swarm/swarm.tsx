/**
 * The swarm page: the engine's swarm state with Initialize / Leave, and for a manager the swarm's
 * nodes, services and tasks in tabs (`?tab=`).
 */
import { setSearch, useLocation } from '../../router.tsx';
import { Empty, ErrorBox, PageHeader, Tabs } from '../../ui/controls.tsx';
import { NodesTab } from './nodes-tab.tsx';
import { ServicesTab } from './services-tab.tsx';
import { useSwarmState } from './swarm-state.ts';
import { SwarmSummary } from './swarm-summary.tsx';
import { TasksTab } from './tasks-tab.tsx';
import '../objects/objects.css';
import './swarm.css';

const TABS = [
  { id: 'services', label: 'Services' },
  { id: 'nodes', label: 'Nodes' },
  { id: 'tasks', label: 'Tasks' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export default function SwarmPage() {
  const swarm = useSwarmState(5000);
  const { search } = useLocation();
  const tab = (TABS.find((entry) => entry.id === search.get('tab'))?.id ?? 'services') as Tab;
  return (
    <>
      <PageHeader
        title="Swarm"
        subtitle={swarm.known ? `This engine's swarm state: ${swarm.localState}` : 'Checking…'}
      />
      <ErrorBox error={swarm.error} title="Could not read the engine's swarm state" />
      {swarm.known ? <SwarmSummary swarm={swarm} /> : <Empty>Checking the engine's swarm state…</Empty>}
      {swarm.manager ? (
        <>
          <Tabs tabs={TABS} current={tab} onChange={(id) => setSearch({ tab: id })} />
          {tab === 'services' ? <ServicesTab /> : tab === 'nodes' ? <NodesTab /> : <TasksTab />}
        </>
      ) : null}
    </>
  );
}
