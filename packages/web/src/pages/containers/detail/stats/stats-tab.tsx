/**
 * The Stats tab: the container stats channel (about one sample a second) drawn as four charts over
 * the last two minutes. Network and block IO arrive as totals since start; the charts show rates
 * (bytes per second between consecutive samples).
 */
import type { StatsFigures } from '@gantry/server/api-types';
import { useState } from 'react';
import { enginePath } from '../../../../api/client.ts';
import { useChannel } from '../../../../api/hooks.ts';
import { Empty, ErrorBox, formatBytes } from '../../../../ui/controls.tsx';
import { type ChartPoint, LineChart } from '../../../../ui/line-chart.tsx';

/** How far back the charts reach. */
const WINDOW_MS = 120_000;

type StatsFrame = ({ type: 'stats' } & StatsFigures) | { type: 'end'; error?: string };

const percent = (value: number) => `${value.toFixed(2)} %`;
const rate = (value: number) => `${formatBytes(Math.round(value))}/s`;

/** Bytes per second between consecutive samples of a running total (a reset reads as 0). */
function rates(samples: readonly StatsFigures[], total: (sample: StatsFigures) => number): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (let index = 1; index < samples.length; index++) {
    const previous = samples[index - 1] as StatsFigures;
    const sample = samples[index] as StatsFigures;
    const seconds = (sample.time - previous.time) / 1000;
    if (seconds <= 0) continue;
    points.push({ time: sample.time, value: Math.max(0, (total(sample) - total(previous)) / seconds) });
  }
  return points;
}

export function StatsTab({ engine, id, running }: { engine: string; id: string; running: boolean }) {
  const [samples, setSamples] = useState<readonly StatsFigures[]>([]);
  const [ended, setEnded] = useState<{ error?: string }>();
  const channel = useChannel(running ? enginePath(engine, 'containers', id, 'stats') : undefined, undefined, {
    onMessage: (message) => {
      const frame = message as StatsFrame;
      if (frame.type === 'end') return setEnded({ error: frame.error });
      if (frame.type !== 'stats') return;
      const { type: _type, ...figures } = frame;
      setSamples((previous) => [
        ...previous.filter((sample) => sample.time > figures.time - WINDOW_MS),
        figures,
      ]);
    },
  });
  if (!running) return <Empty>The container is not running: it has no live usage.</Empty>;
  const latest = samples.at(-1);
  if (!latest)
    return channel.state === 'error' ? (
      <ErrorBox error={channel.error ?? 'the stats channel failed or was refused (it needs stats.read)'} />
    ) : (
      <Empty>Waiting for the first sample…</Empty>
    );
  const points = (value: (sample: StatsFigures) => number) =>
    samples.map((sample) => ({ time: sample.time, value: value(sample) }));
  return (
    <div className="stats-tab">
      {ended ? <ErrorBox error={ended.error ?? 'the stats stream ended (the container stopped)'} /> : null}
      <div className="charts">
        <LineChart
          title="CPU"
          series={[{ label: 'CPU', points: points((sample) => sample.cpuPercent) }]}
          format={percent}
          windowMs={WINDOW_MS}
        />
        <LineChart
          title="Memory"
          series={[{ label: 'used', points: points((sample) => sample.memory.usage) }]}
          format={(value) => formatBytes(Math.round(value))}
          windowMs={WINDOW_MS}
        />
        <LineChart
          title="Network"
          series={[
            { label: 'rx', points: rates(samples, (sample) => sample.network.rx) },
            { label: 'tx', points: rates(samples, (sample) => sample.network.tx) },
          ]}
          format={rate}
          windowMs={WINDOW_MS}
        />
        <LineChart
          title="Block IO"
          series={[
            { label: 'read', points: rates(samples, (sample) => sample.blockIo.read) },
            { label: 'write', points: rates(samples, (sample) => sample.blockIo.write) },
          ]}
          format={rate}
          windowMs={WINDOW_MS}
        />
      </div>
      <dl className="kv stats-now">
        <dt>Memory limit</dt>
        <dd>
          {formatBytes(latest.memory.limit)} ({percent(latest.memory.percent)} used)
        </dd>
        <dt>Processes</dt>
        <dd>{latest.pids}</dd>
        <dt>Network total</dt>
        <dd>
          rx {formatBytes(latest.network.rx)}, tx {formatBytes(latest.network.tx)}
        </dd>
        <dt>Block IO total</dt>
        <dd>
          read {formatBytes(latest.blockIo.read)}, write {formatBytes(latest.blockIo.write)}
        </dd>
      </dl>
    </div>
  );
}
