/**
 * One engine on the dashboard: reachability (and why not), versions and object counts from
 * `GET /api/engines/:engine`, running containers from the inventory list; both refresh every 10 s.
 */
import type { EngineSummary, InventoryStatus, Page } from '@gantry/server/api-types';
import { enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link } from '../../router.tsx';
import { Button, formatTime, StateBadge } from '../../ui/controls.tsx';

export const REFRESH_MS = 10_000;

/** `GET /api/engines/:engine`: the summary plus counts and the inventory's state. */
export type EngineDetail = EngineSummary & {
  readonly counts: InventoryStatus['counts'];
  readonly inventory: InventoryStatus;
};

function Count({
  label,
  value,
  unit,
  href,
}: {
  label: string;
  value: string;
  /** What the figure counts when the label alone does not say (`running / all`). */
  unit?: string;
  href: string | undefined;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {href ? <Link href={href}>{value}</Link> : value}
        {unit ? <span className="count-unit"> {unit}</span> : null}
      </dd>
    </div>
  );
}

export function EngineCard({
  summary,
  selected,
  onSelect,
}: {
  summary: EngineSummary;
  selected: boolean;
  onSelect: () => void;
}) {
  const session = useSession();
  const detail = useApi<EngineDetail>(enginePath(summary.id), undefined, REFRESH_MS);
  const engine = detail.data ?? summary;
  const { status } = engine;
  const up = status.state === 'up';
  const running = useApi<Page<unknown>>(
    up && session.can('containers.read') ? enginePath(summary.id, 'containers') : undefined,
    { state: 'running', pageSize: 1 },
    REFRESH_MS,
  );
  const counts = detail.data?.counts;
  const show = (value: number | undefined) => (value === undefined ? '—' : String(value));
  // Links go to the engine pages, which show the selected engine only.
  const linkIf = (path: string) => (selected ? path : undefined);
  return (
    <article
      className={`panel engine-card${selected ? ' engine-card-selected' : ''}`}
      aria-label={`engine ${engine.name}`}
    >
      <div className="engine-card-title">
        <h2>{engine.name}</h2>
        <StateBadge state={status.state} />
      </div>
      <div className="engine-url mono">{engine.url}</div>
      {status.state === 'down' && status.error ? <p className="engine-error">{status.error}</p> : null}
      <dl className="kv">
        <dt>Version</dt>
        <dd>{status.version ? `${status.version} (API ${status.apiVersion ?? '?'})` : '—'}</dd>
        <dt>{up ? 'Up since' : 'Since'}</dt>
        <dd>{formatTime(status.since)}</dd>
        {detail.data ? (
          <>
            <dt>Inventory</dt>
            <dd>{detail.data.inventory.state}</dd>
          </>
        ) : null}
      </dl>
      <dl className="engine-counts">
        <Count
          label="Containers"
          unit="running / all"
          value={`${show(running.data?.total)} / ${show(counts?.containers)}`}
          href={linkIf('/containers')}
        />
        <Count label="Images" value={show(counts?.images)} href={linkIf('/images')} />
        <Count label="Volumes" value={show(counts?.volumes)} href={linkIf('/volumes')} />
        <Count label="Networks" value={show(counts?.networks)} href={linkIf('/networks')} />
      </dl>
      {detail.error ? <p className="engine-error">{detail.error.message}</p> : null}
      <div>
        {selected ? (
          <span className="muted">Shown on the engine pages</span>
        ) : (
          <Button onClick={onSelect}>Use this engine</Button>
        )}
      </div>
    </article>
  );
}
