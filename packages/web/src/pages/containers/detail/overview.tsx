/** The Overview tab: what the container is and how it runs, from inspect. */
import type { ContainerInspectResponse } from '@gantry/engine';
import type { ReactNode } from 'react';
import { Link } from '../../../router.tsx';
import { formatTime, StateBadge } from '../../../ui/controls.tsx';

/** Docker writes this for times that never happened (a container never started). */
const NEVER = '0001-01-01T00:00:00Z';
const when = (time: string | undefined) => (!time || time === NEVER ? '—' : formatTime(time));

function List({ items, empty }: { items: readonly ReactNode[]; empty: string }) {
  if (!items.length) return <span className="muted">{empty}</span>;
  return (
    <ul className="plain-list">
      {items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static derived list
        <li key={index}>{item}</li>
      ))}
    </ul>
  );
}

export function OverviewTab({ inspect }: { inspect: ContainerInspectResponse }) {
  const state = inspect.State;
  const config = inspect.Config;
  const restart = inspect.HostConfig?.RestartPolicy;
  const ports = Object.entries(inspect.NetworkSettings?.Ports ?? {}).map(([port, bindings]) =>
    bindings?.length
      ? `${bindings.map((binding) => `${binding.HostIp || '0.0.0.0'}:${binding.HostPort}`).join(', ')} → ${port}`
      : `${port} (not published)`,
  );
  const networks = Object.entries(inspect.NetworkSettings?.Networks ?? {}).map(
    ([name, endpoint]) => `${name}${endpoint.IPAddress ? ` — ${endpoint.IPAddress}` : ''}`,
  );
  const labels = Object.entries(config?.Labels ?? {}).map(([key, value]) => (
    <code key={key}>
      {key}={value}
    </code>
  ));
  const command = [inspect.Path, ...(inspect.Args ?? [])].filter(Boolean).join(' ');
  return (
    <div className="panel">
      <dl className="kv overview-kv">
        <dt>State</dt>
        <dd>
          <StateBadge state={state?.Status} /> {state?.Running ? `since ${when(state.StartedAt)}` : ''}
          {state?.Status === 'exited' ? `exit code ${state.ExitCode} at ${when(state.FinishedAt)}` : ''}
          {state?.OOMKilled ? ' (killed: out of memory)' : ''}
          {state?.Error ? <div className="error-hint">{state.Error}</div> : null}
          {state?.Health ? <div>Health: {state.Health.Status}</div> : null}
        </dd>
        <dt>Image</dt>
        <dd>
          <Link href={`/images/${encodeURIComponent(inspect.Image ?? '')}`}>
            {config?.Image ?? inspect.Image}
          </Link>
        </dd>
        <dt>Command</dt>
        <dd className="mono">{command || '—'}</dd>
        <dt>Created</dt>
        <dd>{when(inspect.Created ?? undefined)}</dd>
        <dt>Restart policy</dt>
        <dd>
          {restart?.Name || 'no'}
          {restart?.Name === 'on-failure' && restart.MaximumRetryCount
            ? ` (at most ${restart.MaximumRetryCount} retries)`
            : ''}
          {inspect.RestartCount ? `, restarted ${inspect.RestartCount} times` : ''}
        </dd>
        <dt>Ports</dt>
        <dd>
          <List items={ports} empty="none" />
        </dd>
        <dt>Networks</dt>
        <dd>
          <List items={networks} empty="none" />
        </dd>
        <dt>Labels</dt>
        <dd>
          <List items={labels} empty="none" />
        </dd>
        {config?.WorkingDir ? (
          <>
            <dt>Working directory</dt>
            <dd className="mono">{config.WorkingDir}</dd>
          </>
        ) : null}
        {config?.User ? (
          <>
            <dt>User</dt>
            <dd className="mono">{config.User}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
