/**
 * A service's logs, live: the service logs channel with follow, the last 200 lines first. The
 * page keeps at most MAX_LINES (older ones fall off the top), and says how many the console
 * dropped because they came faster than it sends.
 */
import type { LogLine } from '@gantry/server/api-types';
import { useEffect, useRef, useState } from 'react';
import { enginePath } from '../../api/client.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { ErrorBox, StateBadge, shortId } from '../../ui/controls.tsx';

/** Lines kept in the page: enough to scroll back through, bounded so a chatty service cannot grow memory. */
const MAX_LINES = 5000;

type Frame =
  | { type: 'lines'; lines: LogLine[] }
  | { type: 'dropped'; count: number; total: number }
  | { type: 'end'; error?: string }
  | { type: 'error'; message: string };

export function ServiceLogs({ id }: { id: string }) {
  const { engine } = useSession();
  const lines = useRef<LogLine[]>([]);
  const [, setVersion] = useState(0);
  const [dropped, setDropped] = useState(0);
  const [ended, setEnded] = useState<string>();
  const view = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  const channel = useChannel(
    engine ? enginePath(engine, 'services', id, 'logs') : undefined,
    { follow: true, tail: 200 },
    {
      onMessage: (message) => {
        const frame = message as Frame;
        if (frame.type === 'lines') {
          lines.current.push(...frame.lines);
          if (lines.current.length > MAX_LINES) lines.current.splice(0, lines.current.length - MAX_LINES);
          setVersion((version) => version + 1);
        } else if (frame.type === 'dropped') setDropped(frame.total);
        else if (frame.type === 'end')
          setEnded(frame.error ?? 'the log stream ended (the service was removed or stopped)');
      },
    },
  );

  // Stay at the bottom while the reader is there; leave the scroll alone once they scrolled up.
  useEffect(() => {
    const element = view.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  });

  return (
    <section className="panel" aria-label="service logs">
      <div className="toolbar">
        <h2 className="inline-heading">Logs</h2>
        <StateBadge state={channel.state === 'open' ? 'live' : channel.state} />
        <span className="muted">
          {lines.current.length} lines{lines.current.length >= MAX_LINES ? ` (the last ${MAX_LINES})` : ''}
          {dropped ? ` · ${dropped} dropped by the console (too fast)` : ''}
        </span>
      </div>
      <ErrorBox error={channel.error} title="The log stream failed" />
      {ended ? <p className="muted">{ended}</p> : null}
      <div
        ref={view}
        className="log-view service-log"
        role="log"
        aria-label="log lines"
        onScroll={(event) => {
          const element = event.currentTarget;
          following.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        }}
      >
        {lines.current.length === 0 ? <div className="muted">No log lines yet.</div> : null}
        {lines.current.map((line, index) => (
          // Lines have no id; their position in the bounded buffer is stable until the front is cut.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <div key={index} className={`log-line${line.stream === 'stderr' ? ' log-stderr' : ''}`}>
            <span className="log-time">{line.time ? new Date(line.time).toLocaleTimeString() : ''}</span>{' '}
            <span className="log-source">{shortId(line.container)}</span> {line.text}
          </div>
        ))}
      </div>
    </section>
  );
}
