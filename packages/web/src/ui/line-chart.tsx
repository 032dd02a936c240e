/**
 * A small time-series chart drawn as SVG (no chart library): one line per series over a fixed time
 * window ending at the newest sample, y from 0 to a little above the peak shown (so a flat line sits
 * at the bottom, not mid-chart). The SVG scales uniformly with its box, so the dot marking each
 * series' newest sample stays round. Colours come from the theme variables (line-chart.css).
 * Put several charts in a `<div className="charts">` grid (`--chart-min-width` sets its columns).
 */
import './line-chart.css';

export interface ChartPoint {
  /** ms since the epoch. */
  readonly time: number;
  readonly value: number;
}

export interface ChartSeries {
  /** Shown next to the value and in the accessible label; leave out for a chart's only series. */
  readonly label?: string;
  /** Oldest first. */
  readonly points: readonly ChartPoint[];
}

const WIDTH = 300;
const HEIGHT = 80;
/** Room above the peak so the line never touches the top edge. */
const HEADROOM = 1.15;
/** Distinct colours (chart-tone-N in line-chart.css); series beyond them repeat the cycle. */
const TONES = 4;

/** `10 min` or `90 s`: the window in the unit people say. */
function spanText(windowMs: number): string {
  const seconds = Math.round(windowMs / 1000);
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

export function LineChart({
  title,
  series,
  format,
  windowMs,
  floor = 0,
}: {
  title: string;
  series: readonly ChartSeries[];
  format: (value: number) => string;
  /** The span the width stands for, ending at the newest point of any series. */
  windowMs: number;
  /** The smallest top of the scale, so a flat idle line stays near the bottom (same unit as values). */
  floor?: number;
}) {
  const end = Math.max(0, ...series.map((line) => line.points.at(-1)?.time ?? 0));
  const start = end - windowMs;
  const shown = series.map((line) => {
    const visible = line.points.filter((point) => point.time >= start);
    return { label: line.label, visible, latest: visible.at(-1) };
  });
  const peak = Math.max(0, ...shown.flatMap((line) => line.visible.map((point) => point.value)));
  // A zero top would divide by zero: an all-zero chart without a floor scales to 1.
  const top = Math.max(floor, peak * HEADROOM) || 1;
  const x = (time: number) => ((time - start) / windowMs) * WIDTH;
  const y = (value: number) => HEIGHT - (value / top) * HEIGHT;
  const span = spanText(windowMs);
  const latestText = (line: (typeof shown)[number]) => (line.latest ? format(line.latest.value) : undefined);
  const summary = shown.some((line) => line.latest)
    ? `${title}: ${shown
        .map((line) => [line.label, latestText(line) ?? 'no sample yet'].filter(Boolean).join(' '))
        .join(', ')} now, peak ${format(peak)} over the last ${span}`
    : `${title}: no sample yet`;
  return (
    <figure className="chart">
      <figcaption>
        <span>{title}</span>
        <span className="chart-values">
          {shown.map((line, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: series are positional (their tone too)
            <span key={index} className={`chart-tone-${index % TONES}`}>
              {line.label ? `${line.label} ` : ''}
              <strong>{latestText(line) ?? '—'}</strong>
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <line className="chart-grid" x1={0} x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} />
        {shown.map((line, index) => {
          const tone = `chart-tone-${index % TONES}`;
          const points = line.visible
            .map((point) => `${x(point.time).toFixed(1)},${y(point.value).toFixed(1)}`)
            .join(' ');
          const first = line.visible[0];
          const last = line.latest;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: series are positional (their tone too)
            <g key={index} className={tone}>
              {first && last && line.visible.length > 1 ? (
                <polygon
                  className="chart-area"
                  points={`${x(first.time).toFixed(1)},${HEIGHT} ${points} ${x(last.time).toFixed(1)},${HEIGHT}`}
                />
              ) : null}
              {/* Always there, one per series: with fewer than two points it draws (and measures) nothing. */}
              <polyline className="chart-line" points={points} />
              {last ? <circle className="chart-dot" cx={x(last.time)} cy={y(last.value)} r={3} /> : null}
            </g>
          );
        })}
      </svg>
      <div className="chart-scale muted">
        <span>{span} ago</span>
        <span>peak {format(peak)}</span>
        <span>now</span>
      </div>
    </figure>
  );
}
