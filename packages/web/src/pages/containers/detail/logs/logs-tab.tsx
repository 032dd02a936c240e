/**
 * The Logs tab: the controls (search, follow, timestamps, merged containers) around a LogFeed.
 * Typing in the search box marks matches among the lines shown; Enter asks the server to send only
 * matching lines (the channel reopens with `search=`), an empty search + Enter shows all again.
 */
import { type FormEvent, useMemo, useState } from 'react';
import { Button } from '../../../../ui/controls.tsx';
import { searchPattern } from './highlight.tsx';
import { LogFeed, type LogSource } from './log-feed.tsx';
import { MergePicker } from './merge-picker.tsx';

export function LogsTab({ engine, container }: { engine: string; container: LogSource }) {
  const [others, setOthers] = useState<readonly LogSource[]>([]);
  const [typed, setTyped] = useState('');
  const [serverSearch, setServerSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(true);
  const [picking, setPicking] = useState(false);
  const [generation, setGeneration] = useState(0);
  const pattern = useMemo(() => searchPattern(typed), [typed]);
  const invalid = typed !== '' && !pattern;
  const sources = useMemo(() => [container, ...others], [container, others]);

  const applySearch = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) setServerSearch(typed);
  };
  const feedKey = `${sources.map((source) => source.id).join(',')}|${serverSearch}|${generation}`;

  return (
    <div className="logs-tab">
      <div className="toolbar log-toolbar">
        <form className="log-search" onSubmit={applySearch}>
          <label htmlFor="log-search" className="visually-hidden">
            Search logs
          </label>
          <input
            id="log-search"
            type="search"
            value={typed}
            placeholder="Search (text or /regex/) — Enter filters"
            aria-invalid={invalid || undefined}
            onChange={(event) => setTyped(event.target.value)}
          />
        </form>
        <label className="check">
          <input
            id="log-follow"
            type="checkbox"
            checked={follow}
            onChange={(event) => setFollow(event.target.checked)}
          />
          Follow
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={timestamps}
            onChange={(event) => setTimestamps(event.target.checked)}
          />
          Timestamps
        </label>
        <Button onClick={() => setPicking(true)}>Merge containers…</Button>
      </div>
      {invalid ? <div className="field-hint log-hint">Not a valid regular expression.</div> : null}
      {serverSearch ? (
        <div className="field-hint log-hint">
          Only lines matching <code>{serverSearch}</code> are sent (clear the search and press Enter to see
          all).
        </div>
      ) : null}
      {others.length ? (
        <ul className="log-merged" aria-label="Merged containers">
          {others.map((source) => (
            <li key={source.id}>
              {source.name}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Stop merging ${source.name}`}
                onClick={() => setOthers(others.filter((other) => other.id !== source.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <LogFeed
        key={feedKey}
        engine={engine}
        sources={sources}
        serverSearch={serverSearch}
        follow={follow}
        onFollowChange={setFollow}
        timestamps={timestamps}
        pattern={pattern}
        onReconnect={() => setGeneration((value) => value + 1)}
      />
      {picking ? (
        <MergePicker
          engine={engine}
          current={container.id}
          chosen={others}
          onCancel={() => setPicking(false)}
          onDone={(picked) => {
            setOthers(picked);
            setPicking(false);
          }}
        />
      ) : null}
    </div>
  );
}
