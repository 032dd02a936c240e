/**
 * The dashboard: every engine the caller may see as a card (refreshed every 10 s), then CPU and
 * memory of the selected engine's containers with a 10-minute history.
 */
import type { EngineSummary } from '@gantry/server/api-types';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox, PageHeader } from '../../ui/controls.tsx';
import { EngineCard, REFRESH_MS } from './engine-card.tsx';
import { UsageOverview } from './usage-overview.tsx';
import './overview.css';

export default function DashboardPage() {
  const session = useSession();
  const engines = useApi<{ items: EngineSummary[] }>('/api/engines', undefined, REFRESH_MS);
  const items = engines.data?.items ?? [];
  const selected = items.find((engine) => engine.id === session.engine);
  const showUsage = selected !== undefined && session.can('stats.read');
  return (
    <>
      <PageHeader title="Dashboard" subtitle="Every engine you may use, refreshed every 10 s." />
      <ErrorBox error={engines.error} title="The engine list did not load" />
      {engines.data && items.length === 0 ? (
        <Empty>
          No engine is granted to you.{' '}
          {session.can('engines.manage') ? (
            <Link href="/engines">Add one</Link>
          ) : (
            'Ask an admin to grant you one.'
          )}
        </Empty>
      ) : null}
      <div className={showUsage ? 'dashboard dashboard-with-usage' : 'dashboard'}>
        <section className="cards" aria-label="engines">
          {items.map((engine) => (
            <EngineCard
              key={engine.id}
              summary={engine}
              selected={engine.id === session.engine}
              onSelect={() => session.selectEngine(engine.id)}
            />
          ))}
        </section>
        {selected && showUsage ? (
          <section aria-label={`usage of ${selected.name}`}>
            <UsageOverview key={selected.id} engine={selected.id} name={selected.name} />
          </section>
        ) : null}
      </div>
    </>
  );
}
