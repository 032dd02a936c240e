/** Removing a volume, asked first, with "force" as an explicit choice in the dialog. */
import { api, enginePath } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import type { useAction } from './use-action.ts';

export function useRemoveVolume(action: ReturnType<typeof useAction>, after: () => void) {
  const { engine } = useSession();
  return (name: string) => {
    // The confirm dialog is rendered once: a plain variable carries the checkbox's last value.
    let force = false;
    return action.run({
      id: `remove:${name}`,
      confirm: {
        title: `Remove volume ${name}?`,
        body: (
          <div className="form">
            <p>Its data is deleted for good. The engine refuses while a container uses it.</p>
            <label>
              <input type="checkbox" onChange={(event) => (force = event.target.checked)} /> Force (also when
              the volume driver reports an error)
            </label>
          </div>
        ),
        action: 'Remove',
      },
      work: () =>
        api('DELETE', enginePath(engine ?? '', 'volumes', name), {
          query: force ? { force: true } : undefined,
        }),
      done: `Volume ${name} removed`,
      what: `Removing ${name}`,
      after,
    });
  };
}
