/**
 * The Environment & mounts tab, from inspect: the environment (values hidden until asked, as they
 * often hold credentials) and what is mounted where.
 */
import type { ContainerInspectResponse } from '@gantry/engine';
import { useState } from 'react';
import { Empty } from '../../../ui/controls.tsx';

export function EnvironmentTab({ inspect }: { inspect: ContainerInspectResponse }) {
  const [reveal, setReveal] = useState(false);
  const env = (inspect.Config?.Env ?? []).map((entry) => {
    const equals = entry.indexOf('=');
    return equals < 0
      ? { name: entry, value: '' }
      : { name: entry.slice(0, equals), value: entry.slice(equals + 1) };
  });
  const mounts = inspect.Mounts ?? [];
  return (
    <div className="environment-tab">
      <div className="section-head">
        <h2>Environment</h2>
        <label className="check">
          <input type="checkbox" checked={reveal} onChange={(event) => setReveal(event.target.checked)} />
          Show values
        </label>
      </div>
      {env.length ? (
        <div className="table-scroll">
          <table className="table" aria-label="Environment">
            <thead>
              <tr>
                <th>Name</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {env.map((variable) => (
                <tr key={variable.name}>
                  <td className="mono">{variable.name}</td>
                  <td className="mono break">{reveal ? variable.value : '••••••'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>No environment variables.</Empty>
      )}
      <h2 className="section-gap">Mounts</h2>
      {mounts.length ? (
        <div className="table-scroll">
          <table className="table" aria-label="Mounts">
            <thead>
              <tr>
                <th>Type</th>
                <th>Source</th>
                <th>Destination</th>
                <th>Mode</th>
              </tr>
            </thead>
            <tbody>
              {mounts.map((mount) => (
                <tr key={mount.Destination}>
                  <td>{mount.Type}</td>
                  <td className="mono break">{mount.Name ?? mount.Source}</td>
                  <td className="mono break">{mount.Destination}</td>
                  <td>
                    {mount.RW ? 'read-write' : 'read-only'}
                    {mount.Mode ? ` (${mount.Mode})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>Nothing is mounted.</Empty>
      )}
    </div>
  );
}
