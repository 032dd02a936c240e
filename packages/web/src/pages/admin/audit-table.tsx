/**
 * One page of audit rows: time, actor, engine, operation, target, outcome and status; a row opens to
 * show its parameters (redacted by the server before they were written), request id, address and
 * chain position.
 */
import type { AuditRecord } from '@gantry/server/api-types';
import { Fragment, type ReactNode, useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { Empty, formatTime, StateBadge } from '../../ui/controls.tsx';

/** Today's rows by their time of day; older ones with the date too (the full time is in the details). */
function formatWhen(at: number): string {
  const date = new Date(at);
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : formatTime(at);
}

/** `containers.files.read` may wrap after each dot on narrow screens, never inside a word. */
function breakAtDots(operation: string): ReactNode[] {
  let prefix = '';
  return operation.split('.').map((part) => {
    const first = prefix === '';
    prefix = first ? part : `${prefix}.${part}`;
    return (
      <Fragment key={prefix}>
        {first ? null : (
          <>
            .<wbr />
          </>
        )}
        {part}
      </Fragment>
    );
  });
}

export function AuditTable({ rows }: { rows: readonly AuditRecord[] }) {
  const { engines } = useSession();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number) =>
    setOpen((previous) => {
      const next = new Set(previous);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });
  if (rows.length === 0) return <Empty>No audit row matches these filters.</Empty>;
  const engineName = (id: string | undefined) =>
    id === undefined ? '—' : (engines.find((engine) => engine.id === id)?.name ?? id);
  return (
    <div className="admin-table-wrap">
      <table className="table audit-table" aria-label="audit log">
        <thead>
          <tr>
            <th>Time</th>
            <th>Actor</th>
            <th className="wide-only">Engine</th>
            <th>Operation</th>
            <th className="wide-only">Target</th>
            <th>Outcome</th>
            <th className="wide-only">Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <Fragment key={row.seq}>
              <tr className={open.has(row.seq) ? 'audit-open' : undefined}>
                <td>
                  <button
                    type="button"
                    className="audit-toggle"
                    aria-expanded={open.has(row.seq)}
                    aria-label={`details of row ${row.seq}`}
                    title={formatTime(row.at)}
                    onClick={() => toggle(row.seq)}
                  >
                    <span aria-hidden="true">{open.has(row.seq) ? '▾' : '▸'}</span> {formatWhen(row.at)}
                  </button>
                </td>
                <td>
                  {row.actor}
                  <div className="muted audit-kind">{row.actorKind}</div>
                </td>
                <td className="wide-only">{engineName(row.engineId)}</td>
                <td>
                  <code>{breakAtDots(row.operation)}</code>
                </td>
                <td className="wide-only audit-target">{row.target ?? '—'}</td>
                <td>
                  <StateBadge state={row.outcome} />
                </td>
                <td className="wide-only">{row.status}</td>
              </tr>
              {open.has(row.seq) ? (
                <tr className="audit-details">
                  <td colSpan={7}>
                    <AuditDetails row={row} engineName={engineName(row.engineId)} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditDetails({ row, engineName }: { row: AuditRecord; engineName: string }) {
  return (
    <div className="audit-details-body">
      <dl className="kv">
        <dt>Row</dt>
        <dd>#{row.seq}</dd>
        <dt>Time</dt>
        <dd>{formatTime(row.at)}</dd>
        <dt>Request id</dt>
        <dd className="mono">{row.requestId ?? '—'}</dd>
        <dt>Client address</dt>
        <dd className="mono">{row.ip ?? '—'}</dd>
        {/* Repeated here because the table leaves these columns out on narrow screens. */}
        <dt>Engine</dt>
        <dd>{engineName}</dd>
        <dt>Target</dt>
        <dd>{row.target ?? '—'}</dd>
        <dt>Status</dt>
        <dd>{row.status}</dd>
        <dt>Hash</dt>
        <dd className="mono">{row.hash}</dd>
      </dl>
      <h3>Parameters</h3>
      <pre>{JSON.stringify(row.params, null, 2)}</pre>
    </div>
  );
}
