/** Read-only pieces of object detail views: a key/value list, labels as badges, the raw JSON. */
import { Fragment, type ReactNode } from 'react';

/** Terms and their values, in the object's order; values undefined, null or '' are left out. */
export function Facts({ facts }: { facts: Readonly<Record<string, ReactNode>> }) {
  return (
    <dl className="kv">
      {Object.entries(facts)
        .filter(([, value]) => value !== undefined && value !== null && value !== '')
        .map(([term, value]) => (
          <Fragment key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
    </dl>
  );
}

export function LabelList({ labels }: { labels: Readonly<Record<string, string>> | undefined | null }) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="label-list">
      {entries.map(([key, value]) => (
        <li key={key} className="mono">
          {key}
          {value ? `=${value}` : ''}
        </li>
      ))}
    </ul>
  );
}

/** The object as the engine answered it, folded away until asked for. */
export function RawJson({ value, title = 'Raw inspect (JSON)' }: { value: unknown; title?: string }) {
  return (
    <details className="raw-json">
      <summary>{title}</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** An engine time (RFC 3339) as local date and time; the zero time the engine sends for "never" as —. */
export function dateOf(value: string | undefined): string {
  if (!value || value.startsWith('0001-')) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString();
}
