/** The Processes tab: the daemon's `top` of the container (ps run on the host), with a refresh. */
import type { ContainerTopResponse } from '@gantry/engine';
import { enginePath } from '../../../api/client.ts';
import { useApi } from '../../../api/hooks.ts';
import { Button, Empty, ErrorBox } from '../../../ui/controls.tsx';

export function ProcessesTab({ engine, id, running }: { engine: string; id: string; running: boolean }) {
  const top = useApi<ContainerTopResponse>(running ? enginePath(engine, 'containers', id, 'top') : undefined);
  if (!running) return <Empty>The container is not running: it has no processes.</Empty>;
  const titles = top.data?.Titles ?? [];
  const processes = top.data?.Processes ?? [];
  return (
    <div className="processes-tab">
      <div className="toolbar">
        <Button onClick={top.reload} busy={top.loading}>
          Refresh
        </Button>
        <span className="muted">{top.data ? `${processes.length} processes` : ''}</span>
      </div>
      <ErrorBox error={top.error} />
      {top.data ? (
        <div className="table-scroll">
          <table className="table" aria-label="Processes">
            <thead>
              <tr>
                {titles.map((title) => (
                  <th key={title}>{title}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {processes.map((row, index) => (
                // ps rows have no id of their own; PID is one column among others.
                // biome-ignore lint/suspicious/noArrayIndexKey: the row's position is its identity here
                <tr key={index}>
                  {row.map((cell, column) => (
                    <td
                      key={titles[column] ?? column}
                      className={titles[column] === 'CMD' ? 'mono' : undefined}
                    >
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
