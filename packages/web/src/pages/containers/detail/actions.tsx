/**
 * The lifecycle buttons of the page header: only those that fit the container's state, each
 * disabled (with the reason) without its permission; stop, restart, kill and remove ask first.
 */
import type { ContainerInspectResponse } from '@gantry/engine';
import type { Permission } from '@gantry/server/api-types';
import { useState } from 'react';
import { api, enginePath } from '../../../api/client.ts';
import { useSession } from '../../../api/session.tsx';
import { navigate } from '../../../router.tsx';
import { Button } from '../../../ui/controls.tsx';
import { useFeedback } from '../../../ui/feedback.tsx';

interface Action {
  readonly id: 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill' | 'remove';
  readonly label: string;
  readonly permission: Permission;
  readonly shown: (state: { running: boolean; paused: boolean }) => boolean;
  /** Asked before acting (undefined: acts at once). */
  readonly confirm?: (name: string, running: boolean) => string;
  readonly danger?: boolean;
  readonly done: string;
}

const ACTIONS: readonly Action[] = [
  {
    id: 'start',
    label: 'Start',
    permission: 'containers.operate',
    shown: (s) => !s.running,
    done: 'started',
  },
  {
    id: 'stop',
    label: 'Stop',
    permission: 'containers.operate',
    shown: (s) => s.running && !s.paused,
    confirm: (name) => `${name} gets SIGTERM, then SIGKILL after its stop timeout.`,
    done: 'stopped',
  },
  {
    id: 'restart',
    label: 'Restart',
    permission: 'containers.operate',
    shown: (s) => s.running,
    confirm: (name) => `${name} is stopped and started again; its processes end.`,
    done: 'restarted',
  },
  {
    id: 'pause',
    label: 'Pause',
    permission: 'containers.operate',
    shown: (s) => s.running && !s.paused,
    done: 'paused',
  },
  {
    id: 'unpause',
    label: 'Unpause',
    permission: 'containers.operate',
    shown: (s) => s.paused,
    done: 'unpaused',
  },
  {
    id: 'kill',
    label: 'Kill',
    permission: 'containers.operate',
    shown: (s) => s.running,
    confirm: (name) => `${name} gets SIGKILL at once: its processes cannot clean up.`,
    danger: true,
    done: 'killed',
  },
  {
    id: 'remove',
    label: 'Remove',
    permission: 'containers.remove',
    shown: () => true,
    confirm: (name, running) =>
      `${name}${running ? ' is running: it is killed and' : ' is'} removed for good, with its writable layer.`,
    danger: true,
    done: 'removed',
  },
];

export function ContainerActions({
  engine,
  inspect,
  onChanged,
}: {
  engine: string;
  inspect: ContainerInspectResponse;
  onChanged: () => void;
}) {
  const session = useSession();
  const feedback = useFeedback();
  const [busy, setBusy] = useState<Action['id']>();
  const id = inspect.Id ?? '';
  const name = (inspect.Name ?? id).replace(/^\//, '');
  const state = { running: Boolean(inspect.State?.Running), paused: Boolean(inspect.State?.Paused) };

  const run = async (action: Action) => {
    if (
      action.confirm &&
      !(await feedback.confirm({
        title: `${action.label} ${name}?`,
        body: action.confirm(name, state.running),
        action: action.label,
        danger: action.danger ?? false,
      }))
    )
      return;
    setBusy(action.id);
    try {
      if (action.id === 'remove')
        await api('DELETE', enginePath(engine, 'containers', id), { query: { force: state.running } });
      else await api('POST', enginePath(engine, 'containers', id, action.id));
      feedback.notify(`${name} ${action.done}`);
      if (action.id === 'remove') navigate('/containers');
      else onChanged();
    } catch (error) {
      feedback.fail(error, `${action.label} ${name}`);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <>
      {ACTIONS.filter((action) => action.shown(state)).map((action) => {
        const allowed = session.can(action.permission);
        return (
          <Button
            key={action.id}
            tone={action.danger ? 'danger' : 'plain'}
            busy={busy === action.id}
            disabled={!allowed || (busy !== undefined && busy !== action.id)}
            title={allowed ? undefined : `needs the ${action.permission} permission`}
            onClick={() => run(action)}
          >
            {action.label}
          </Button>
        );
      })}
    </>
  );
}
