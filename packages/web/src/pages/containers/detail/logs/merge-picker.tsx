/** The dialog that picks other containers whose logs are merged into this one's view. */

import type { ContainerSummary } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { useState } from 'react';
import { enginePath } from '../../../../api/client.ts';
import { useApi } from '../../../../api/hooks.ts';
import { Button, Empty, ErrorBox, StateBadge, TextField } from '../../../../ui/controls.tsx';
import { Modal } from '../../../../ui/feedback.tsx';
import type { LogSource } from './log-feed.tsx';

/** The channel merges at most 20 containers: this one and 19 others. */
export const MAX_EXTRA_SOURCES = 19;

const nameOf = (item: ContainerSummary) => (item.Names?.[0] ?? item.Id ?? '').replace(/^\//, '');

export function MergePicker({
  engine,
  current,
  chosen,
  onDone,
  onCancel,
}: {
  engine: string;
  /** This page's container (not offered). */
  current: string;
  chosen: readonly LogSource[];
  onDone: (sources: LogSource[]) => void;
  onCancel: () => void;
}) {
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState(() => new Map(chosen.map((source) => [source.id, source])));
  const list = useApi<Page<ContainerSummary>>(enginePath(engine, 'containers'), {
    pageSize: 500,
    sort: 'name',
    filter,
  });
  const items = (list.data?.items ?? []).filter((item) => item.Id && item.Id !== current);
  const toggle = (item: ContainerSummary) => {
    const id = item.Id as string;
    setPicked((previous) => {
      const next = new Map(previous);
      if (next.has(id)) next.delete(id);
      else if (next.size < MAX_EXTRA_SOURCES) next.set(id, { id, name: nameOf(item) });
      return next;
    });
  };
  return (
    <Modal title="Merge logs with other containers" onClose={onCancel}>
      <div className="form">
        <TextField
          label="Filter containers"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          placeholder="name, image or id"
        />
        <ErrorBox error={list.error} />
        <div className="merge-list">
          {items.length === 0 && !list.loading ? <Empty>No other containers match.</Empty> : null}
          {items.map((item) => {
            const id = item.Id as string;
            const full = !picked.has(id) && picked.size >= MAX_EXTRA_SOURCES;
            return (
              <label key={id} className="merge-item">
                <input
                  type="checkbox"
                  checked={picked.has(id)}
                  disabled={full}
                  onChange={() => toggle(item)}
                />
                <span className="merge-name">{nameOf(item)}</span>
                <span className="muted">{item.Image}</span>
                <StateBadge state={item.State} />
              </label>
            );
          })}
        </div>
        <div className="field-hint">
          {picked.size} of at most {MAX_EXTRA_SOURCES} other containers picked.
        </div>
        <div className="modal-actions">
          <Button onClick={onCancel}>Cancel</Button>
          <Button tone="primary" onClick={() => onDone([...picked.values()])}>
            Merge
          </Button>
        </div>
      </div>
    </Modal>
  );
}
