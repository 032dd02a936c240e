/**
 * Prometheus metrics in the text exposition format 0.0.4, served at /metrics. Names are given
 * without the `gantry_` prefix (counters carry their own `_total`); histograms are in seconds.
 */
import type { Metrics } from './context.ts';

const PREFIX = 'gantry_';
/** Seconds: from a fast cached list (5 ms) to a slow image pull (10 s). */
export const HISTOGRAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** HELP texts of the metrics the console records; others get their name in words. */
const KNOWN_HELP: Record<string, string> = {
  http_requests_total: 'HTTP requests answered, by method, route and status.',
  unhandled_rejections_total: 'Promises rejected without a handler (each logged; the console serves on).',
  http_request_duration_seconds: 'Time to answer an HTTP request, by method and route.',
};

type Labels = Record<string, string>;

interface Counter {
  kind: 'counter';
  help: string;
  series: Map<string, { labels: Labels; value: number }>;
}

interface Histogram {
  kind: 'histogram';
  help: string;
  /** Per label set: observations per bucket (not cumulative; the last slot is +Inf only), sum, count. */
  series: Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>;
}

interface Gauge {
  kind: 'gauge';
  help: string;
  read: () => number | Record<string, number>;
}

type Family = Counter | Histogram | Gauge;

/**
 * A registry with the process gauges already in it. A gauge's `read` may return one number, or a
 * Record whose keys are label sets written `name=value` (several joined by `,`), e.g.
 * `{ 'state=up': 3, 'state=down': 1 }`.
 */
export function createMetrics(): Metrics {
  const families = new Map<string, Family>();
  const started = process.hrtime.bigint();

  const family = <K extends Family['kind']>(
    name: string,
    kind: K,
    create: () => Family,
  ): Family & { kind: K } => {
    if (!METRIC_NAME.test(name))
      throw new Error(`metric name ${JSON.stringify(name)} is not [a-zA-Z_:][a-zA-Z0-9_:]*`);
    let existing = families.get(name);
    if (!existing) {
      existing = create();
      families.set(name, existing);
    }
    if (existing.kind !== kind) throw new Error(`metric ${name} is a ${existing.kind}, not a ${kind}`);
    return existing as Family & { kind: K };
  };
  const helpFor = (name: string) => KNOWN_HELP[name] ?? `${name.replace(/_/g, ' ')}.`;

  const metrics: Metrics = {
    increment(name, labels = {}, by = 1) {
      const counter = family(name, 'counter', () => ({
        kind: 'counter',
        help: helpFor(name),
        series: new Map(),
      }));
      const key = seriesKey(labels);
      const entry = counter.series.get(key);
      if (entry) entry.value += by;
      else counter.series.set(key, { labels: { ...labels }, value: by });
    },
    observe(name, seconds, labels = {}) {
      const histogram = family(name, 'histogram', () => ({
        kind: 'histogram',
        help: helpFor(name),
        series: new Map(),
      }));
      const key = seriesKey(labels);
      let entry = histogram.series.get(key);
      if (!entry) {
        entry = {
          labels: { ...labels },
          buckets: new Array(HISTOGRAM_BUCKETS.length + 1).fill(0),
          sum: 0,
          count: 0,
        };
        histogram.series.set(key, entry);
      }
      const bucket = HISTOGRAM_BUCKETS.findIndex((bound) => seconds <= bound);
      const slot = bucket === -1 ? HISTOGRAM_BUCKETS.length : bucket;
      entry.buckets[slot] = (entry.buckets[slot] ?? 0) + 1;
      entry.sum += seconds;
      entry.count += 1;
    },
    gauge(name, help, read) {
      // Registering again replaces the reader: a component that is rebuilt (an engine manager in a
      // restarted console, a test) then reports its new state, not the old one's.
      const gauge = family(name, 'gauge', () => ({ kind: 'gauge', help, read }));
      gauge.help = help;
      gauge.read = read;
    },
    render() {
      const lines: string[] = [];
      for (const [name, entry] of families) lines.push(...renderFamily(`${PREFIX}${name}`, entry));
      return `${lines.join('\n')}\n`;
    },
  };

  metrics.gauge('process_resident_memory_bytes', 'Resident set size of the console process in bytes.', () =>
    process.memoryUsage.rss(),
  );
  metrics.gauge(
    'process_heap_used_bytes',
    'V8 heap in use by the console process in bytes.',
    () => process.memoryUsage().heapUsed,
  );
  metrics.gauge(
    'process_uptime_seconds',
    'Seconds since the console process started its metrics.',
    () => Number(process.hrtime.bigint() - started) / 1e9,
  );
  return metrics;
}

function renderFamily(name: string, entry: Family): string[] {
  const header = [`# HELP ${name} ${escapeHelp(entry.help)}`, `# TYPE ${name} ${entry.kind}`];
  switch (entry.kind) {
    case 'counter':
      return [...header, ...[...entry.series.values()].map((s) => sample(name, s.labels, s.value))];
    case 'histogram': {
      const lines = [...header];
      for (const s of entry.series.values()) {
        let cumulative = 0;
        HISTOGRAM_BUCKETS.forEach((bound, index) => {
          cumulative += s.buckets[index] ?? 0;
          lines.push(sample(`${name}_bucket`, { ...s.labels, le: String(bound) }, cumulative));
        });
        lines.push(sample(`${name}_bucket`, { ...s.labels, le: '+Inf' }, s.count));
        lines.push(sample(`${name}_sum`, s.labels, s.sum));
        lines.push(sample(`${name}_count`, s.labels, s.count));
      }
      return lines;
    }
    case 'gauge': {
      const value = entry.read();
      if (typeof value === 'number') return [...header, sample(name, {}, value)];
      return [
        ...header,
        ...Object.entries(value).map(([labels, v]) => sample(name, parseLabelSet(labels), v)),
      ];
    }
  }
}

/** `state=up,engine=local` -> `{ state: 'up', engine: 'local' }`. */
function parseLabelSet(text: string): Labels {
  const labels: Labels = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`gauge label set ${JSON.stringify(text)} is not name=value[,name=value]`);
    const label = pair.slice(0, at).trim();
    checkLabelName(label);
    labels[label] = pair.slice(at + 1);
  }
  return labels;
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([label, text]) => `${label}="${escapeLabelValue(text)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}`;
}

/**
 * The identity of a label set whatever the order its names were given in. Checks the names when a
 * series is recorded, so that a bad one fails its caller rather than every later scrape.
 */
function seriesKey(labels: Labels): string {
  for (const label of Object.keys(labels)) checkLabelName(label);
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function checkLabelName(label: string): void {
  if (!LABEL_NAME.test(label) || label === 'le') {
    throw new Error(
      `label name ${JSON.stringify(label)} is not [a-zA-Z_][a-zA-Z0-9_]* (or is the reserved le)`,
    );
  }
}

const escapeLabelValue = (text: string) =>
  text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
