/**
 * The audit log (`audit.read`): every change, sign-in and refusal, newest first, 50 rows a page,
 * filtered by actor, operation prefix, engine, outcome and time (all kept in the URL). Rows open to
 * show their redacted parameters. The hash chain can be verified, the filtered rows exported as JSON
 * Lines, and the page refreshed by hand or every 5 s.
 */
import type { AuditRecord, Page } from '@gantry/server/api-types';
import { useState } from 'react';
import { withQuery } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { setSearch, useLocation } from '../../router.tsx';
import { Button, ErrorBox, PageHeader } from '../../ui/controls.tsx';
import { AuditFilterBar, asQuery, filtersOf } from './audit-filters.tsx';
import { AuditTable } from './audit-table.tsx';
import { ChainCheck } from './chain-check.tsx';
import './admin.css';

const PAGE_SIZE = 50;
const LIVE_REFRESH_MS = 5_000;

export default function AuditPage() {
  const { search } = useLocation();
  const filters = filtersOf(search);
  const page = Math.max(1, Number(search.get('page')) || 1);
  const [live, setLive] = useState(false);
  const list = useApi<Page<AuditRecord>>(
    '/api/audit',
    { ...asQuery(filters), page, pageSize: PAGE_SIZE },
    live ? LIVE_REFRESH_MS : undefined,
  );
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, page * PAGE_SIZE);
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change, sign-in and refusal, newest first. Secrets in parameters were redacted before they were written."
        actions={
          // A plain link: the browser downloads it with the session cookie (a GET needs no CSRF header).
          <a className="button" href={withQuery('/api/audit/export', asQuery(filters))} download>
            Export JSON Lines
          </a>
        }
      />
      <AuditFilterBar filters={filters} />
      <div className="toolbar audit-toolbar">
        <Button busy={list.loading} onClick={list.reload}>
          Refresh
        </Button>
        <label className="admin-check">
          <input type="checkbox" checked={live} onChange={(event) => setLive(event.target.checked)} />
          Auto-refresh every 5 s
        </label>
        <ChainCheck />
        <span className="topbar-spacer" />
        <span className="muted" aria-live="polite">
          {list.data ? `Rows ${first}–${last} of ${total}` : ''}
        </span>
        <Button
          aria-label="previous page"
          disabled={page <= 1}
          onClick={() => setSearch({ page: String(page - 1) })}
        >
          ‹ Newer
        </Button>
        <Button
          aria-label="next page"
          disabled={page >= pages}
          onClick={() => setSearch({ page: String(page + 1) })}
        >
          Older ›
        </Button>
      </div>
      <ErrorBox error={list.error} title="Could not read the audit log" />
      {list.data ? <AuditTable rows={list.data.items} /> : null}
    </>
  );
}
