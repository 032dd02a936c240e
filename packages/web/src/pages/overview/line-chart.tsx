/**
 * A small line chart of one figure over a time window, drawn as SVG (no chart library). The SVG
 * scales uniformly with its box, so the dot of a lone first sample stays round.
 */

export interface ChartPoint {
  /** ms since the epoch. */
  readonly time: number;
  readonly value: number;
}

const WIDTH = 300;
const HEIGHT = 80;
/** Room above the peak so the line never touches the top edge. */
const HEADROOM = 1.15;

export function LineChart({
  title,
  points,
  format,
  windowMs,
  floor,
}: {
  title: string;
  points: readonly ChartPoint[];
  format: (value: number) => string;
  /** The span the width stands for, ending at the newest point. */
  windowMs: number;
  /** The smallest top of the scale, so a flat idle line stays near the bottom. */
  floor: number;
}) {
  const latest = points.at(-1);
  const end = latest?.time ?? 0;
  const start = end - windowMs;
  const visible = points.filter((point) => point.time >= start);
  const peak = Math.max(0, ...visible.map((point) => point.value));
  const top = Math.max(floor, peak * HEADROOM);
  const x = (time: number) => ((time - start) / windowMs) * WIDTH;
  const y = (value: number) => HEIGHT - (value / top) * HEIGHT;
  const line = visible.map((point) => `${x(point.time).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  const first = visible[0];
  const area = first ? `${x(first.time).toFixed(1)},${HEIGHT} ${line} ${WIDTH},${HEIGHT}` : '';
  const minutes = Math.round(windowMs / 60_000);
  const summary = latest
    ? `${title}: ${format(latest.value)} now, peak ${format(peak)} over the last ${minutes} minutes`
    : `${title}: no sample yet`;
  return (
    <figure className="chart">
      <figcaption>
        <span>{title}</span>
        <strong>{latest ? format(latest.value) : '—'}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <line className="chart-grid" x1={0} x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} />
        {visible.length > 1 ? (
          <>
            <polygon className="chart-area" points={area} />
            <polyline className="chart-line" points={line} />
          </>
        ) : null}
        {latest ? <circle className="chart-dot" cx={x(latest.time)} cy={y(latest.value)} r={3} /> : null}
      </svg>
      <div className="chart-scale muted">
        <span>{minutes} min ago</span>
        <span>peak {format(peak)}</span>
        <span>now</span>
      </div>
    </figure>
  );
}
