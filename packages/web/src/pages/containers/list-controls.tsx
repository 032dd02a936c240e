/**
 * The list's filter box (debounced into the URL), state filter, "group by compose project" switch,
 * and the group summary whose entries filter the list by project.
 */

import type { ContainerSummary } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { useEffect, useId, useState } from 'react';
import { setSearch } from '../../router.tsx';
import { Button } from '../../ui/controls.tsx';

/** Typing pauses this long before the list is asked again. */
const FILTER_DELAY_MS = 200;

const STATES = [
  { value: '', label: 'all states' },
  { value: 'running', label: 'running' },
  { value: 'exited', label: 'exited' },
  { value: 'paused', label: 'paused' },
  { value: 'created', label: 'created' },
  { value: 'restarting', label: 'restarting' },
  { value: 'dead', label: 'dead' },
] as const;

export function ListControls({
  filter,
  state,
  grouped,
}: {
  filter: string;
  state: string;
  grouped: boolean;
}) {
  const [text, setText] = useState(filter);
  const ids = { filter: useId(), state: useId(), group: useId() };
  // The URL changed elsewhere (back button, a cleared filter): show what it says.
  useEffect(() => setText(filter), [filter]);
  useEffect(() => {
    if (text === filter) return;
    const timer = setTimeout(() => setSearch({ filter: text }), FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, filter]);
  return (
    <div className="toolbar containers-controls">
      <label htmlFor={ids.filter} className="visually-hidden">
        Filter
      </label>
      <input
        id={ids.filter}
        type="search"
        className="containers-filter"
        placeholder="Filter by name, id, image or label=value"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <label htmlFor={ids.state} className="visually-hidden">
        State
      </label>
      <select id={ids.state} value={state} onChange={(event) => setSearch({ state: event.target.value })}>
        {STATES.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <label htmlFor={ids.group} className="containers-group-toggle">
        <input
          id={ids.group}
          type="checkbox"
          checked={grouped}
          onChange={(event) =>
            setSearch({ group: event.target.checked ? 'project' : undefined, project: undefined })
          }
        />{' '}
        Group by compose project
      </label>
    </div>
  );
}

/** One entry per compose project among the matches: clicking one narrows the list to it. */
export function ProjectGroups({
  groups,
  project,
}: {
  groups: Page<ContainerSummary>['groups'];
  project: string;
}) {
  if (!groups) return null;
  return (
    <section className="project-groups" aria-label="compose projects">
      {project ? <Button onClick={() => setSearch({ project: undefined })}>All projects</Button> : null}
      {groups.length === 0 ? <span className="muted">No containers to group.</span> : null}
      {groups.map((group) =>
        group.project === null ? (
          <span key="(none)" className="project-group project-group-none">
            <span>no project</span>
            <span className="muted">
              {group.running} / {group.total} running
            </span>
          </span>
        ) : (
          <button
            type="button"
            key={group.project}
            className={`project-group${group.project === project ? ' project-group-current' : ''}`}
            aria-pressed={group.project === project}
            onClick={() => setSearch({ project: group.project ?? undefined })}
          >
            <span>{group.project}</span>
            <span className="muted">
              {group.running} / {group.total} running
            </span>
          </button>
        ),
      )}
    </section>
  );
}
