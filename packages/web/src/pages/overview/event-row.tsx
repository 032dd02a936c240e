/** One daemon event in the timeline: time, type, action and actor; its attributes when expanded. */
import type { EngineEvent } from '@gantry/engine';
import { Fragment, memo } from 'react';
import { shortId } from '../../ui/controls.tsx';

/** An event as the page keeps it: `key` counts arrivals (events carry no id of their own). */
export interface ReceivedEvent {
  readonly key: number;
  readonly event: EngineEvent;
}

/** ms since the epoch: `timeNano` when the daemon sent it (sub-second order), else `time` (s). */
export function eventTime(event: EngineEvent): number {
  if (typeof event.timeNano === 'number') return event.timeNano / 1e6;
  return (event.time ?? 0) * 1000;
}

function clockOf(ms: number): string {
  const date = new Date(ms);
  const milliseconds = String(date.getMilliseconds()).padStart(3, '0');
  return `${date.toLocaleTimeString(undefined, { hour12: false })}.${milliseconds}`;
}

/** The actor as a person names it: its `name` attribute, else its id (hex ids shortened). */
function actorOf(event: EngineEvent): string {
  const name = event.Actor?.Attributes?.name;
  if (name) return name;
  const id = event.Actor?.ID ?? '';
  return /^(sha256:)?[0-9a-f]{64}$/.test(id) ? shortId(id) : id;
}

export const EventRow = memo(function EventRow({ event }: { event: EngineEvent }) {
  const time = eventTime(event);
  const attributes = Object.entries(event.Actor?.Attributes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <li>
      <details>
        <summary>
          <time
            className="event-time"
            dateTime={new Date(time).toISOString()}
            title={new Date(time).toString()}
          >
            {clockOf(time)}
          </time>
          <span className="badge hide-narrow">{event.Type ?? 'unknown'}</span>
          <span className="event-action">{event.Action}</span>
          <span className="event-actor">{actorOf(event)}</span>
        </summary>
        <dl className="kv event-details">
          <dt>Type</dt>
          <dd>{event.Type ?? 'unknown'}</dd>
          <dt>Actor id</dt>
          <dd className="mono">{event.Actor?.ID ?? '—'}</dd>
          {event.scope ? (
            <>
              <dt>Scope</dt>
              <dd>{event.scope}</dd>
            </>
          ) : null}
          {attributes.map(([key, value]) => (
            <Fragment key={key}>
              <dt className="mono">{key}</dt>
              <dd className="mono">{value}</dd>
            </Fragment>
          ))}
        </dl>
      </details>
    </li>
  );
});
