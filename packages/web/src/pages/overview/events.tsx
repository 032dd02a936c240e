/**
 * The selected engine's events, live: newest first, filtered by type, action and container (kept in
 * the URL), paused and resumed without losing what arrives meanwhile, and bounded to the last 1,000.
 */
import type { EngineEvent } from '@gantry/engine';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { enginePath } from '../../api/client.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { setSearch, useLocation } from '../../router.tsx';
import { Button, Empty, PageHeader, TextField } from '../../ui/controls.tsx';
import { ChannelStatus } from './channel-status.tsx';
import { EventRow, type ReceivedEvent } from './event-row.tsx';
import './overview.css';

/** Events kept on the page (and held while paused); older ones fall off. */
const KEEP = 1000;
/** Events arriving in a burst are rendered together at most this often (ms). */
const FLUSH_MS = 100;
const EVENT_TYPES = [
  'container',
  'image',
  'network',
  'volume',
  'plugin',
  'service',
  'node',
  'secret',
  'config',
  'daemon',
] as const;

type ChannelFrame =
  | { readonly type: 'event'; readonly event: EngineEvent }
  | { readonly type: 'dropped'; readonly count: number }
  | { readonly type: 'error'; readonly message: string };

const listOf = (value: string | null) => (value ?? '').split(',').filter(Boolean);

/** Newest first: `arrived` is oldest first. */
const prepend = (arrived: readonly ReceivedEvent[], list: readonly ReceivedEvent[]) =>
  [...arrived].reverse().concat(list).slice(0, KEEP);

function Filters({ types, action, container }: { types: string[]; action: string; container: string }) {
  const [draft, setDraft] = useState({ action, container });
  useEffect(() => setDraft({ action, container }), [action, container]);
  const toggle = (type: string) => {
    const next = types.includes(type) ? types.filter((item) => item !== type) : [...types, type];
    setSearch({ type: next.join(',') });
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setSearch({ action: draft.action.replace(/\s+/g, ''), container: draft.container.replace(/\s+/g, '') });
  };
  return (
    <form className="event-filters" onSubmit={apply} aria-label="event filters">
      <fieldset>
        <legend>Types (none ticked: all)</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} className="check">
            <input type="checkbox" checked={types.includes(type)} onChange={() => toggle(type)} />
            {type}
          </label>
        ))}
      </fieldset>
      <div className="event-filter-row">
        <TextField
          label="Actions"
          value={draft.action}
          onChange={(event) => setDraft({ ...draft, action: event.target.value })}
          placeholder="start,die"
          hint="Comma list; exec_start also matches exec_start: sh …"
        />
        <TextField
          label="Containers"
          value={draft.container}
          onChange={(event) => setDraft({ ...draft, container: event.target.value })}
          placeholder="web,3f2a"
          hint="Names, ids or id prefixes"
        />
        <Button type="submit">Apply filters</Button>
      </div>
    </form>
  );
}

function Timeline({ engine }: { engine: string }) {
  const { search } = useLocation();
  const types = listOf(search.get('type'));
  const action = search.get('action') ?? '';
  const container = search.get('container') ?? '';
  const [shown, setShown] = useState<readonly ReceivedEvent[]>([]);
  const [held, setHeld] = useState<readonly ReceivedEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const [dropped, setDropped] = useState(0);
  const arrived = useRef<ReceivedEvent[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const nextKey = useRef(1);

  useEffect(() => () => clearTimeout(flushTimer.current), []);
  const flush = () => {
    flushTimer.current = undefined;
    const batch = arrived.current;
    arrived.current = [];
    if (pausedRef.current) setHeld((list) => prepend(batch, list));
    else setShown((list) => prepend(batch, list));
  };
  const channel = useChannel(
    enginePath(engine, 'events'),
    { type: types.join(','), action, container, changes: false },
    {
      onMessage: (message) => {
        const frame = message as ChannelFrame;
        if (frame.type === 'dropped') setDropped((count) => count + frame.count);
        if (frame.type !== 'event') return;
        arrived.current.push({ key: nextKey.current++, event: frame.event });
        flushTimer.current ??= setTimeout(flush, FLUSH_MS);
      },
    },
  );

  const resume = () => {
    setShown((list) => held.concat(list).slice(0, KEEP));
    setHeld([]);
    setPaused(false);
  };
  const clear = () => {
    setShown([]);
    setHeld([]);
    setDropped(0);
  };
  return (
    <>
      <Filters types={types} action={action} container={container} />
      <div className="toolbar">
        {paused ? (
          <Button tone="primary" onClick={resume}>
            Resume{held.length ? ` (${held.length} new)` : ''}
          </Button>
        ) : (
          <Button onClick={() => setPaused(true)}>Pause</Button>
        )}
        <Button onClick={clear} disabled={shown.length === 0 && held.length === 0 && dropped === 0}>
          Clear
        </Button>
        <ChannelStatus state={channel.state} error={channel.error} />
        <span className="muted" role="status">
          {shown.length} shown{paused ? ', paused' : ''} (the last {KEEP} are kept)
        </span>
      </div>
      {dropped > 0 ? (
        <div className="notice" role="status">
          {dropped} events were dropped: the browser fell more than 1 MiB behind the console. Narrow the
          filters to see every event.
        </div>
      ) : null}
      {shown.length === 0 ? (
        <Empty>
          {paused ? 'Paused: nothing shown.' : 'No events yet — they appear here as the engine sends them.'}
        </Empty>
      ) : (
        <ol className="timeline" aria-label="events, newest first">
          {shown.map((item) => (
            <EventRow key={item.key} event={item.event} />
          ))}
        </ol>
      )}
    </>
  );
}

export default function EventsPage() {
  const session = useSession();
  const engine = session.engines.find((item) => item.id === session.engine);
  return (
    <>
      <PageHeader
        title="Events"
        subtitle={engine ? `What happens on ${engine.name}, as it happens (newest first).` : undefined}
      />
      {engine ? (
        <Timeline key={engine.id} engine={engine.id} />
      ) : (
        <Empty>No engine selected: pick one in the top bar.</Empty>
      )}
    </>
  );
}
