/**
 * CPU and memory of one engine's running containers from the overview stats channel: the history
 * on connect, then a sample every 10 s (60 kept, 10 minutes), as current totals, two small charts
 * and the five containers using the most CPU.
 */
import type { ContainerSample, EngineTotals, OverviewMessage } from '@gantry/server/api-types';
import { useState } from 'react';
import { enginePath } from '../../api/client.ts';
import { useChannel } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link } from '../../router.tsx';
import { Empty, formatBytes } from '../../ui/controls.tsx';
import { LineChart } from '../../ui/line-chart.tsx';
import { ChannelStatus } from './channel-status.tsx';

/** What the server keeps: 60 samples, one every 10 s. */
const HISTORY_LENGTH = 60;
const SAMPLE_INTERVAL_MS = 10_000;
const WINDOW_MS = HISTORY_LENGTH * SAMPLE_INTERVAL_MS;
const TOP_COUNT = 5;

const formatPercent = (value: number) => `${value.toFixed(1)} %`;

/** Each container's newest sample from the history (the server keeps running containers only). */
function newestOf(history: Record<string, ContainerSample[]>): Record<string, ContainerSample> {
  const newest: Record<string, ContainerSample> = {};
  for (const [id, samples] of Object.entries(history)) {
    const last = samples.at(-1);
    if (last) newest[id] = last;
  }
  return newest;
}

export function UsageOverview({ engine, name }: { engine: string; name: string }) {
  const session = useSession();
  const [totals, setTotals] = useState<readonly EngineTotals[]>([]);
  const [containers, setContainers] = useState<Record<string, ContainerSample>>({});
  const channel = useChannel(enginePath(engine, 'stats'), undefined, {
    onMessage: (message) => {
      const frame = message as OverviewMessage;
      if (frame.type === 'history') {
        setTotals(frame.totals);
        setContainers(newestOf(frame.containers));
      } else if (frame.type === 'sample') {
        setTotals((previous) => [...previous, frame.totals].slice(-HISTORY_LENGTH));
        setContainers(frame.containers);
      }
    },
  });
  const current = totals.at(-1);
  const top = Object.entries(containers)
    .sort(([, a], [, b]) => b.cpuPercent - a.cpuPercent)
    .slice(0, TOP_COUNT);
  const canReadContainers = session.can('containers.read');
  return (
    <div className="panel">
      <div className="section-header">
        <h2>Usage of {name}</h2>
        <ChannelStatus state={channel.state} error={channel.error} />
      </div>
      {current ? (
        <>
          <dl className="usage-figures">
            <div>
              <dt>Running containers</dt>
              <dd>{current.containers}</dd>
            </div>
            <div>
              <dt>CPU (100 % = one core)</dt>
              <dd>{formatPercent(current.cpuPercent)}</dd>
            </div>
            <div>
              <dt>Memory</dt>
              <dd>{formatBytes(current.memoryUsage)}</dd>
            </div>
            <div>
              <dt>Network in / out</dt>
              <dd>
                {formatBytes(current.networkRx)} / {formatBytes(current.networkTx)}
              </dd>
            </div>
          </dl>
          <div className="charts">
            <LineChart
              title="CPU"
              series={[{ points: totals.map((sample) => ({ time: sample.time, value: sample.cpuPercent })) }]}
              format={formatPercent}
              windowMs={WINDOW_MS}
              floor={5}
            />
            <LineChart
              title="Memory"
              series={[
                { points: totals.map((sample) => ({ time: sample.time, value: sample.memoryUsage })) },
              ]}
              format={formatBytes}
              windowMs={WINDOW_MS}
              floor={64 * 1024 * 1024}
            />
          </div>
          <h3>Top {TOP_COUNT} containers by CPU</h3>
          {top.length === 0 ? (
            <Empty>No container is running.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Container</th>
                    <th className="number">CPU</th>
                    <th className="number">Memory</th>
                    <th className="number hide-narrow">Memory of limit</th>
                    <th className="number hide-narrow">Processes</th>
                  </tr>
                </thead>
                <tbody>
                  {top.map(([id, sample]) => (
                    <tr key={id}>
                      <td>
                        {canReadContainers ? (
                          <Link href={`/containers/${encodeURIComponent(id)}`}>{sample.name}</Link>
                        ) : (
                          sample.name
                        )}
                      </td>
                      <td className="number">{formatPercent(sample.cpuPercent)}</td>
                      <td className="number">{formatBytes(sample.memory.usage)}</td>
                      <td className="number hide-narrow">{formatPercent(sample.memory.percent)}</td>
                      <td className="number hide-narrow">{sample.pids}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : (
        <Empty>
          {channel.state === 'error' || channel.state === 'closed'
            ? 'No usage figures: the stats channel is not open.'
            : 'Waiting for the first sample — the console samples every running container every 10 s.'}
        </Empty>
      )}
    </div>
  );
}
