/**
 * Lifecycle actions on the selected containers: one REST call per container, four at a time (the
 * daemon serialises much of this work anyway, and a hundred parallel stops would only queue), with
 * "n of m" progress and one summary toast naming every container that failed and the server's reason.
 */
import type { Permission } from '@gantry/server/api-types';
import { useState } from 'react';
import { api, enginePath, messageOf } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Button, ProgressBar } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';

type ActionId = 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove';

interface Action {
  readonly id: ActionId;
  readonly label: string;
  /** "Stopping 3 of 10". */
  readonly doing: string;
  /** "Stopped 10 containers". */
  readonly done: string;
  readonly permission: Permission;
}

const ACTIONS: readonly Action[] = [
  { id: 'start', label: 'Start', doing: 'Starting', done: 'Started', permission: 'containers.operate' },
  { id: 'stop', label: 'Stop', doing: 'Stopping', done: 'Stopped', permission: 'containers.operate' },
  {
    id: 'restart',
    label: 'Restart',
    doing: 'Restarting',
    done: 'Restarted',
    permission: 'containers.operate',
  },
  { id: 'pause', label: 'Pause', doing: 'Pausing', done: 'Paused', permission: 'containers.operate' },
  {
    id: 'unpause',
    label: 'Unpause',
    doing: 'Unpausing',
    done: 'Unpaused',
    permission: 'containers.operate',
  },
  { id: 'kill', label: 'Kill', doing: 'Killing', done: 'Killed', permission: 'containers.operate' },
  { id: 'remove', label: 'Remove', doing: 'Removing', done: 'Removed', permission: 'containers.remove' },
];

/** How many containers are worked on at once. */
const CONCURRENCY = 4;

/** Runs `work` over `items`, at most `limit` at a time; resolves with the failures, in input order. */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
  onSettled: (settled: number) => void,
): Promise<{ item: T; error: unknown }[]> {
  const failures: { index: number; item: T; error: unknown }[] = [];
  let next = 0;
  let settled = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as T;
      try {
        await work(item);
      } catch (error) {
        failures.push({ index, item, error });
      }
      onSettled(++settled);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failures.sort((a, b) => a.index - b.index).map(({ item, error }) => ({ item, error }));
}

interface RemoveOptions {
  force: boolean;
  volumes: boolean;
}

/** The remove dialog's options; writes into `options` because the dialog keeps no state for us. */
function RemoveChoices({ count, options }: { count: number; options: RemoveOptions }) {
  const [force, setForce] = useState(options.force);
  const [volumes, setVolumes] = useState(options.volumes);
  return (
    <div className="bulk-remove-options">
      <p>
        {count === 1 ? 'The container' : `These ${count} containers`} and {count === 1 ? 'its' : 'their'}{' '}
        writable layer will be deleted. This cannot be undone.
      </p>
      <label>
        <input
          type="checkbox"
          checked={force}
          onChange={(event) => {
            options.force = event.target.checked;
            setForce(event.target.checked);
          }}
        />{' '}
        Force: kill running containers first
      </label>
      <label>
        <input
          type="checkbox"
          checked={volumes}
          onChange={(event) => {
            options.volumes = event.target.checked;
            setVolumes(event.target.checked);
          }}
        />{' '}
        Remove volumes: also delete their anonymous volumes
      </label>
    </div>
  );
}

/** The request that performs `action` on one container. */
function perform(engine: string, id: string, action: ActionId, options: RemoveOptions): Promise<unknown> {
  if (action === 'remove')
    return api('DELETE', enginePath(engine, 'containers', id), {
      query: { force: options.force, volumes: options.volumes },
    });
  return api('POST', enginePath(engine, 'containers', id, action));
}

export function BulkActions({
  engine,
  selected,
  onClear,
  onFinished,
}: {
  engine: string;
  /** Selected container ids → names (for the dialog and the failure summary). */
  selected: ReadonlyMap<string, string>;
  onClear: () => void;
  /** Called after a run with the ids it failed on (they stay selected, to retry or inspect). */
  onFinished: (failed: readonly string[]) => void;
}) {
  const session = useSession();
  const { notify, fail, confirm } = useFeedback();
  const [running, setRunning] = useState<{ action: Action; settled: number; total: number }>();
  const allowed = ACTIONS.filter((action) => session.can(action.permission));
  if (selected.size === 0 || allowed.length === 0) return null;

  const run = async (action: Action) => {
    const ids = [...selected.keys()];
    const options: RemoveOptions = { force: false, volumes: false };
    const what = ids.length === 1 ? selected.get(ids[0] as string) : `${ids.length} containers`;
    if (action.id === 'remove' || action.id === 'kill') {
      const confirmed = await confirm({
        title: `${action.label} ${what}?`,
        body:
          action.id === 'remove' ? (
            <RemoveChoices count={ids.length} options={options} />
          ) : (
            'SIGKILL ends every process at once, without a chance to finish writes or clean up.'
          ),
        action: action.label,
        danger: true,
      });
      if (!confirmed) return;
    }
    setRunning({ action, settled: 0, total: ids.length });
    const failures = await runLimited(
      ids,
      CONCURRENCY,
      (id) => perform(engine, id, action.id, options),
      (settled) => setRunning({ action, settled, total: ids.length }),
    );
    setRunning(undefined);
    const succeeded = ids.length - failures.length;
    if (failures.length === 0) notify(`${action.done} ${ids.length} container${ids.length === 1 ? '' : 's'}`);
    else {
      const reasons = failures.map(({ item, error }) => `${selected.get(item) ?? item}: ${messageOf(error)}`);
      fail(
        new Error(reasons.join('; ')),
        `${action.label}: ${failures.length} of ${ids.length} failed (${succeeded} done)`,
      );
    }
    onFinished(failures.map(({ item }) => item));
  };

  return (
    <section className="bulk-bar" aria-label="selected containers">
      <span className="bulk-count">{selected.size} selected</span>
      {running ? (
        <div className="bulk-progress">
          <span role="status">
            {running.action.doing} {running.settled} of {running.total}
          </span>
          <ProgressBar percent={(running.settled / running.total) * 100} label="bulk action progress" />
        </div>
      ) : (
        <>
          {allowed.map((action) => (
            <Button
              key={action.id}
              tone={action.id === 'remove' || action.id === 'kill' ? 'danger' : 'plain'}
              onClick={() => void run(action)}
            >
              {action.label}
            </Button>
          ))}
          <Button onClick={onClear}>Clear selection</Button>
        </>
      )}
    </section>
  );
}
