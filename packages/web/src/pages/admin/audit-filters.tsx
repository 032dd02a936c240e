/**
 * The audit log's filters, kept in the URL (so a filtered view can be shared or reloaded): actor
 * (exact), operation prefix, engine, outcome, and a time range. Text fields apply on Enter or
 * "Apply"; the selects apply at once.
 */
import { type FormEvent, useState } from 'react';
import type { Query } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { setSearch } from '../../router.tsx';
import { Button, Field, SelectField, TextField } from '../../ui/controls.tsx';

export const FILTER_KEYS = ['actor', 'operation', 'engine', 'outcome', 'since', 'until'] as const;
export type AuditFilters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

/** The filters in the URL (`since` / `until` as ms since the epoch, as the server takes them). */
export function filtersOf(search: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

export const asQuery = (filters: AuditFilters): Query => ({ ...filters });

/** Changing a filter goes back to the first page. */
const apply = (changes: AuditFilters) => setSearch({ ...changes, page: undefined });

/** ms since the epoch ⇄ the local `YYYY-MM-DDTHH:mm` a datetime-local input shows. */
function toLocalInput(ms: string | undefined): string {
  if (!ms) return '';
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
function fromLocalInput(value: string): string | undefined {
  const ms = new Date(value).getTime();
  return value && Number.isFinite(ms) ? String(ms) : undefined;
}

/** Prefixes worth offering (any prefix works). */
const OPERATION_PREFIXES = [
  'auth.',
  'users.',
  'roles.',
  'tokens.',
  'engines.',
  'settings.',
  'audit.',
  'containers.',
  'images.',
  'networks.',
  'volumes.',
  'services.',
  'swarm.',
  'gateway.',
];

export function AuditFilterBar({ filters }: { filters: AuditFilters }) {
  const session = useSession();
  const [actor, setActor] = useState(filters.actor ?? '');
  const [operation, setOperation] = useState(filters.operation ?? '');
  const [since, setSince] = useState(toLocalInput(filters.since));
  const [until, setUntil] = useState(toLocalInput(filters.until));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply({ actor, operation, since: fromLocalInput(since), until: fromLocalInput(until) });
  };
  const clear = () => {
    setActor('');
    setOperation('');
    setSince('');
    setUntil('');
    apply(Object.fromEntries(FILTER_KEYS.map((key) => [key, undefined])));
  };
  return (
    <form className="panel audit-filters" onSubmit={submit} aria-label="audit filters">
      <TextField
        label="Actor"
        value={actor}
        placeholder="admin, token:ci, system"
        onChange={(event) => setActor(event.target.value)}
      />
      <Field label="Operation prefix">
        {(id) => (
          <>
            <input
              id={id}
              list={`${id}-prefixes`}
              value={operation}
              placeholder="containers."
              onChange={(event) => setOperation(event.target.value)}
            />
            <datalist id={`${id}-prefixes`}>
              {OPERATION_PREFIXES.map((prefix) => (
                <option key={prefix} value={prefix} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <SelectField
        label="Engine"
        value={filters.engine ?? ''}
        onChange={(event) => apply({ engine: event.target.value })}
        options={[
          { value: '', label: 'any' },
          ...session.engines.map((engine) => ({ value: engine.id, label: engine.name })),
        ]}
      />
      <SelectField
        label="Outcome"
        value={filters.outcome ?? ''}
        onChange={(event) => apply({ outcome: event.target.value })}
        options={[{ value: '', label: 'any' }, 'success', 'failure', 'denied']}
      />
      <TextField
        label="From"
        type="datetime-local"
        value={since}
        onChange={(event) => setSince(event.target.value)}
      />
      <TextField
        label="Before"
        type="datetime-local"
        value={until}
        onChange={(event) => setUntil(event.target.value)}
      />
      <div className="audit-filter-actions">
        <Button type="submit" tone="primary">
          Apply filters
        </Button>
        <Button onClick={clear}>Clear</Button>
      </div>
    </form>
  );
}
