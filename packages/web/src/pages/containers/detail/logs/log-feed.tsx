/**
 * One opening of the logs channel and what it delivered: lines into a bounded ring (re-rendered
 * at most once per animation frame however fast frames come), the server's drop counter, which
 * sources ended, and a download of the lines held. The parent remounts it (a new `key`) to open
 * the channel with other containers or another server-side search.
 */
import type { LogLine } from '@gantry/server/api-types';
import { useEffect, useMemo, useRef, useState } from 'react';
import { enginePath } from '../../../../api/client.ts';
import { useChannel } from '../../../../api/hooks.ts';
import { Button } from '../../../../ui/controls.tsx';
import { saveBlob } from '../download.ts';
import { Highlighted } from './highlight.tsx';
import { type HeldLine, LineRing } from './line-ring.ts';
import { LogView } from './log-view.tsx';

/** Lines the page keeps; older ones leave (the download holds these too). */
export const MAX_HELD_LINES = 5000;
/** Lines asked for per container when the channel opens. */
const TAIL = 500;
/** Source colours (log-source-N in detail.css). */
const SOURCE_COLOURS = 6;

export interface LogSource {
  readonly id: string;
  readonly name: string;
}

type LogsFrame =
  | { type: 'lines'; lines: LogLine[] }
  | { type: 'dropped'; count: number; total: number }
  | { type: 'end'; container: string; error?: string }
  | { type: 'error'; message: string };

/** RFC 3339 with nanoseconds → `2026-01-02 15:04:05.123` (UTC, as the daemon stamps them). */
const shortTime = (time: string) =>
  time
    .replace('T', ' ')
    .replace(/(\.\d{3})\d*/, '$1')
    .replace(/Z$/, '');

export function LogFeed({
  engine,
  sources,
  serverSearch,
  follow,
  onFollowChange,
  timestamps,
  pattern,
  onReconnect,
}: {
  engine: string;
  sources: readonly LogSource[];
  serverSearch: string;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  timestamps: boolean;
  /** Marks matches in the lines shown. */
  pattern: RegExp | undefined;
  onReconnect: () => void;
}) {
  const ring = useMemo(() => new LineRing(MAX_HELD_LINES), []);
  const [version, setVersion] = useState(0);
  const [dropped, setDropped] = useState(0);
  const [ended, setEnded] = useState<readonly { container: string; error?: string }[]>([]);
  const frame = useRef<number | undefined>(undefined);
  useEffect(
    () => () => {
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
    },
    [],
  );
  const redraw = () => {
    frame.current ??= requestAnimationFrame(() => {
      frame.current = undefined;
      setVersion((value) => value + 1);
    });
  };

  const channel = useChannel(
    enginePath(engine, 'logs'),
    {
      containers: sources.map((source) => source.id).join(','),
      follow: true,
      tail: TAIL,
      timestamps: true,
      search: serverSearch,
    },
    {
      onMessage: (message) => {
        const logsFrame = message as LogsFrame;
        if (logsFrame.type === 'lines') {
          ring.push(logsFrame.lines);
          redraw();
        } else if (logsFrame.type === 'dropped') setDropped(logsFrame.total);
        else if (logsFrame.type === 'end')
          setEnded((list) => [...list, { container: logsFrame.container, error: logsFrame.error }]);
      },
    },
  );

  const merged = sources.length > 1;
  const sourceIndex = useMemo(() => new Map(sources.map((source, index) => [source.id, index])), [sources]);
  const nameOf = (id: string) => sources[sourceIndex.get(id) ?? -1]?.name ?? id;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the ring changing
  const matching = useMemo(() => {
    if (!pattern) return undefined;
    let count = 0;
    for (const line of ring) {
      pattern.lastIndex = 0;
      if (pattern.test(line.text)) count++;
    }
    return count;
  }, [pattern, ring, version]);

  const renderLine = (line: HeldLine) => (
    <>
      {merged ? (
        <span className={`log-source log-source-${(sourceIndex.get(line.container) ?? 0) % SOURCE_COLOURS}`}>
          {nameOf(line.container)}
        </span>
      ) : null}
      {timestamps && line.time ? <span className="log-time">{shortTime(line.time)}</span> : null}
      <Highlighted text={line.text} pattern={pattern} />
    </>
  );

  const download = () => {
    const text = [...ring]
      .map((line) => [line.time, merged ? nameOf(line.container) : '', line.text].filter(Boolean).join(' '))
      .join('\n');
    const name = sources.map((source) => source.name).join('+');
    saveBlob(new Blob([`${text}\n`], { type: 'text/plain' }), `${name}.log`);
  };

  const closed = channel.state === 'closed' || channel.state === 'error';
  return (
    <div className="log-feed">
      <LogView
        ring={ring}
        version={version}
        follow={follow}
        onFollowChange={onFollowChange}
        renderLine={renderLine}
        label={`Logs of ${sources.map((source) => source.name).join(', ')}`}
      />
      <div className="log-status" aria-live="polite">
        <span>{statusWord(channel.state, ended.length === sources.length)}</span>
        <span>
          {ring.length.toLocaleString()} lines
          {ring.evicted ? ` (the last ${MAX_HELD_LINES.toLocaleString()} are kept)` : ''}
        </span>
        {matching !== undefined ? <span>{matching.toLocaleString()} matching</span> : null}
        {dropped ? (
          <span className="log-dropped">
            {dropped.toLocaleString()} lines dropped (over the rate limit or too slow a connection)
          </span>
        ) : null}
        {ended.map((end) => (
          <span key={end.container} className={end.error ? 'log-dropped' : undefined}>
            {nameOf(end.container)}: {end.error ?? 'stopped'}
          </span>
        ))}
        {channel.state === 'error' ? (
          <span className="log-dropped">
            {channel.error ??
              'the logs channel failed or was refused — check the search expression (no back-references or lookaround) and that the container exists'}
          </span>
        ) : null}
        <span className="log-status-actions">
          {closed ? <Button onClick={onReconnect}>Reconnect</Button> : null}
          <Button onClick={download} disabled={!ring.length}>
            Download
          </Button>
        </span>
      </div>
    </div>
  );
}

function statusWord(state: string, allEnded: boolean): string {
  if (allEnded) return 'Ended';
  if (state === 'open') return 'Live';
  if (state === 'connecting') return 'Connecting…';
  if (state === 'error') return 'Failed';
  return 'Closed';
}
