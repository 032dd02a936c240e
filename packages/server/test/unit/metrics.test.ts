import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics, HISTOGRAM_BUCKETS } from '../../src/metrics.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A reader of the text exposition format 0.0.4, strict enough to catch malformed output. */
function parseExposition(text: string) {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      if (kind === 'TYPE') {
        assert.match(rest, /^(counter|gauge|histogram)$/);
        assert.ok(!types.has(name), `one TYPE line for ${name}`);
        types.set(name, rest);
      } else help.set(name, rest);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(sample, `not a sample line: ${line}`);
    const [, name, labelText, value] = sample as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let consumed = 0;
    for (const match of (labelText ?? '').matchAll(labelPattern)) {
      labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, (_, c: string) =>
        c === 'n' ? '\n' : c,
      );
      consumed += match[0].length;
    }
    assert.equal(consumed, (labelText ?? '').length, `malformed labels: ${labelText}`);
    const family = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(name) || types.get(family) === 'histogram', `TYPE before the samples of ${name}`);
    samples.push({ name, labels, value: value === '+Inf' ? Number.POSITIVE_INFINITY : Number(value) });
  }
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples.find(
      (s) =>
        s.name === name &&
        Object.keys(s.labels).length === Object.keys(labels).length &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )?.value;
  return { types, help, samples, find };
}

test('counters: prefixed, per label set whatever the label order, HELP and TYPE', () => {
  const metrics = createMetrics();
  metrics.increment('http_requests_total', { method: 'GET', status: '200' });
  metrics.increment('http_requests_total', { status: '200', method: 'GET' }, 2);
  metrics.increment('http_requests_total', { method: 'POST', status: '403' });
  metrics.increment('logins_total');
  const { types, help, find } = parseExposition(metrics.render());
  assert.equal(types.get('gantry_http_requests_total'), 'counter');
  assert.ok(help.get('gantry_http_requests_total'));
  assert.equal(find('gantry_http_requests_total', { method: 'GET', status: '200' }), 3);
  assert.equal(find('gantry_http_requests_total', { method: 'POST', status: '403' }), 1);
  assert.equal(find('gantry_logins_total'), 1);
});

test('histograms: cumulative buckets with the fixed bounds, +Inf, sum and count', () => {
  const metrics = createMetrics();
  for (const seconds of [0.001, 0.005, 0.03, 0.2, 3, 60]) {
    metrics.observe('http_request_duration_seconds', seconds, { route: '/api/x' });
  }
  const { types, samples, find } = parseExposition(metrics.render());
  assert.equal(types.get('gantry_http_request_duration_seconds'), 'histogram');
  const buckets = samples.filter((s) => s.name === 'gantry_http_request_duration_seconds_bucket');
  assert.deepEqual(
    buckets.map((s) => s.labels.le),
    [...HISTOGRAM_BUCKETS.map(String), '+Inf'],
  );
  assert.deepEqual(
    buckets.map((s) => s.value),
    [2, 2, 2, 3, 3, 4, 4, 4, 4, 5, 5, 6],
  );
  assert.ok(buckets.every((s) => s.labels.route === '/api/x'));
  assert.equal(find('gantry_http_request_duration_seconds_count', { route: '/api/x' }), 6);
  assert.ok(
    Math.abs((find('gantry_http_request_duration_seconds_sum', { route: '/api/x' }) ?? 0) - 63.236) < 1e-9,
  );
});

test('gauges are read at render time; a Record gives one sample per label set', () => {
  const metrics = createMetrics();
  let sessions = 1;
  metrics.gauge('sessions', 'Open sessions.', () => sessions);
  metrics.gauge('engines', 'Engines by state.', () => ({ 'state=up': 2, 'state=down,reason=tls': 1 }));
  assert.equal(parseExposition(metrics.render()).find('gantry_sessions'), 1);
  sessions = 5;
  const { types, help, find } = parseExposition(metrics.render());
  assert.equal(find('gantry_sessions'), 5);
  metrics.gauge('sessions', 'Open sessions.', () => 42);
  assert.equal(
    parseExposition(metrics.render()).find('gantry_sessions'),
    42,
    'registering again replaces the reader',
  );
  assert.equal(types.get('gantry_sessions'), 'gauge');
  assert.equal(help.get('gantry_sessions'), 'Open sessions.');
  assert.equal(find('gantry_engines', { state: 'up' }), 2);
  assert.equal(find('gantry_engines', { state: 'down', reason: 'tls' }), 1);
});

test('process gauges: resident memory, heap used, uptime', () => {
  const { types, find } = parseExposition(createMetrics().render());
  for (const name of ['process_resident_memory_bytes', 'process_heap_used_bytes', 'process_uptime_seconds']) {
    assert.equal(types.get(`gantry_${name}`), 'gauge');
  }
  assert.ok((find('gantry_process_resident_memory_bytes') ?? 0) > 1_000_000);
  assert.ok((find('gantry_process_heap_used_bytes') ?? 0) > 100_000);
  assert.ok((find('gantry_process_uptime_seconds') ?? -1) >= 0);
});

test('label values are escaped and read back intact', () => {
  const metrics = createMetrics();
  const awkward = 'a "quoted" back\\slash\nnew line';
  metrics.increment('odd_total', { value: awkward });
  const rendered = metrics.render();
  assert.ok(rendered.includes('value="a \\"quoted\\" back\\\\slash\\nnew line"'));
  assert.equal(parseExposition(rendered).find('gantry_odd_total', { value: awkward }), 1);
});

test('bad names and a name used as two types are refused', () => {
  const metrics = createMetrics();
  assert.throws(() => metrics.increment('bad-name'), /metric name "bad-name"/);
  metrics.increment('things_total');
  assert.throws(() => metrics.observe('things_total', 1), /things_total is a counter, not a histogram/);
  assert.throws(() => metrics.gauge('things_total', 'x', () => 1), /things_total is a counter, not a gauge/);
  assert.throws(() => metrics.increment('labelled_total', { 'bad-label': 'x' }), /label name "bad-label"/);
  assert.throws(() => metrics.observe('timed_seconds', 1, { le: '1' }), /reserved le/);
  assert.ok(metrics.render().includes('gantry_things_total 1\n'));
});
