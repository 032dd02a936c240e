/**
 * A small time-series chart as plain SVG: one polyline per series over a fixed time window ending
 * now, y from 0 to the largest value shown (so a flat line sits at the bottom, not mid-chart).
 */
export interface Point {
  /** ms since the epoch. */
  readonly time: number;
  readonly value: number;
}

export interface Series {
  readonly label: string;
  readonly points: readonly Point[];
  /** chart-line-N in detail.css. */
  readonly tone: number;
}

const WIDTH = 300;
const HEIGHT = 90;

export function LineChart({
  title,
  series,
  format,
  windowMs,
  end,
}: {
  title: string;
  series: readonly Series[];
  format: (value: number) => string;
  windowMs: number;
  /** The right edge's time (the newest sample). */
  end: number;
}) {
  const start = end - windowMs;
  const peak = Math.max(0, ...series.flatMap((line) => line.points.map((point) => point.value)));
  const top = peak > 0 ? peak * 1.1 : 1;
  const x = (time: number) => ((time - start) / windowMs) * WIDTH;
  const y = (value: number) => HEIGHT - (value / top) * HEIGHT;
  const summary = series.map((line) => `${line.label} ${format(line.points.at(-1)?.value ?? 0)}`).join(', ');
  return (
    <figure className="panel chart">
      <figcaption className="chart-head">
        <h3>{title}</h3>
        <div className="chart-values">
          {series.map((line) => (
            <span key={line.label} className={`chart-value chart-line-${line.tone}`}>
              {series.length > 1 ? `${line.label} ` : ''}
              <strong>{line.points.length ? format(line.points.at(-1)?.value ?? 0) : '—'}</strong>
            </span>
          ))}
        </div>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        className="chart-plot"
        role="img"
        aria-label={`${title}: ${summary}`}
      >
        <line x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="chart-axis" />
        {series.map((line) => (
          <polyline
            key={line.label}
            className={`chart-line chart-line-${line.tone}`}
            points={line.points
              .map((point) => `${x(point.time).toFixed(1)},${y(point.value).toFixed(1)}`)
              .join(' ')}
          />
        ))}
      </svg>
      <div className="chart-scale muted">
        <span>−{Math.round(windowMs / 1000)} s</span>
        <span>peak {format(peak)}</span>
      </div>
    </figure>
  );
}
