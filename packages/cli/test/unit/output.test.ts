import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayablePorts } from '../../src/formatters/container.ts';
import { parseReference } from '../../src/formatters/reference.ts';
import { headerContext, renderRows, templateSource } from '../../src/output/format.ts';
import { GO_TYPE, goJson } from '../../src/output/go-json.ts';
import { alignColumns, TABLE_LAYOUT } from '../../src/output/tabwriter.ts';
import {
  ansiC,
  bytesSize,
  ellipsis,
  formatG,
  goQuote,
  humanDuration,
  humanSize,
  truncateId,
} from '../../src/output/units.ts';

describe('tabwriter (docker table layout: minwidth 10, padding 3)', () => {
  const cases: Array<{ name: string; input: string; output: string }> = [
    {
      name: "docker's empty ps table",
      input: 'CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n',
      output: 'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n',
    },
    {
      name: 'columns widen to the widest cell plus 3',
      input: 'A\tB\tC\nlong value here\tx\ty\n',
      output: 'A                 B         C\nlong value here   x         y\n',
    },
    {
      name: 'a column block ends at a line without that column (elastic tabstops)',
      input: 'aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n',
      output: 'aaaa      bbb       d\naa        b         dd\na         \naa        cccc      eee\n',
    },
    {
      name: 'wide characters count two columns, the ellipsis one',
      input: '名前\tx\nab…\ty\n',
      output: '名前      x\nab…       y\n',
    },
    { name: 'text without tabs passes through', input: 'plain\n', output: 'plain\n' },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => assert.equal(alignColumns(testCase.input, TABLE_LAYOUT), testCase.output));
  }
  it("docker version's layout (minwidth 20, padding 1)", () => {
    assert.equal(
      alignColumns('Client:\n Version:\t1\n API version:\t1.41\n', { minWidth: 20, padding: 1 }),
      'Client:\n Version:           1\n API version:       1.41\n',
    );
  });
});

describe('--format rendering', () => {
  const rows = ['a1', 'b22'].map((id) => ({
    [GO_TYPE]: 'T',
    ID: () => id,
    Name: () => `n-${id}`,
    Label: (name: string) => `${name}=${id}`,
  }));
  const header = headerContext({ ID: 'ID', Name: 'NAME' });
  const cases: Array<{ name: string; format: string; output: string }> = [
    {
      name: 'table with header',
      format: 'table {{.ID}}\t{{.Name}}',
      output: 'ID        NAME\na1        n-a1\nb22       n-b22\n',
    },
    {
      name: 'escaped \\t in a table',
      format: 'table {{.ID}}\\t{{.Name}}',
      output: 'ID        NAME\na1        n-a1\nb22       n-b22\n',
    },
    {
      name: 'custom template, one line per row',
      format: '{{.ID}}:{{.Name}}',
      output: 'a1:n-a1\nb22:n-b22\n',
    },
    {
      name: 'json lines',
      format: 'json',
      output: '{"ID":"a1","Name":"n-a1"}\n{"ID":"b22","Name":"n-b22"}\n',
    },
    {
      name: 'Label headers use the last dotted part',
      format: 'table {{.Label "com.x.my-tier"}}',
      output: 'my tier\ncom.x.my-tier=a1\ncom.x.my-tier=b22\n',
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => assert.equal(renderRows(testCase.format, rows, header), testCase.output));
  }
  it('table with no rows still prints the header', () => {
    assert.equal(renderRows('table {{.ID}}\t{{.Name}}', [], header), 'ID        NAME\n');
  });
  it('templateSource: table prefix, json, trimmed spaces, escapes', () => {
    assert.equal(templateSource('table  {{.ID}} '), '{{.ID}}');
    assert.equal(templateSource('json'), '{{json .}}');
    assert.equal(templateSource('{{.A}}\\n{{.B}}'), '{{.A}}\n{{.B}}');
  });
});

describe('Go JSON', () => {
  it('escapes <, > and & when asked (inspect, formatter rows) and U+2028 always', () => {
    assert.equal(goJson({ a: '<x>&\u2028' }, { escapeHtml: true }), '{"a":"\\u003cx\\u003e\\u0026\\u2028"}');
    assert.equal(goJson({ a: '<x>' }), '{"a":"<x>"}');
  });
  it('indents four spaces like docker inspect, [] for an empty list', () => {
    assert.equal(
      goJson([{ a: 1, b: [] }], { indent: '    ' }),
      '[\n    {\n        "a": 1,\n        "b": []\n    }\n]',
    );
    assert.equal(goJson([], { indent: '    ' }), '[]');
  });
});

describe('units (docker/go-units, Go fmt)', () => {
  const second = 1000;
  const minute = 60 * second;
  const hour = 60 * minute;
  const day = 24 * hour;
  const durations: Array<[number, string]> = [
    [450, 'Less than a second'],
    [1 * second, '1 second'],
    [47 * second, '47 seconds'],
    [60 * second, 'About a minute'],
    [35 * minute + 40 * second, '35 minutes'],
    [1 * hour + 29 * minute, 'About an hour'],
    [1 * hour + 31 * minute, '2 hours'],
    [3 * hour + 59 * minute, '4 hours'],
    [36 * hour, '36 hours'],
    [2 * day, '2 days'],
    [13 * day + 5 * hour, '13 days'],
    [14 * day, '2 weeks'],
    [30 * day, '4 weeks'],
    [60 * day, '2 months'],
    [24 * 30 * day, '24 months'],
    [24 * 30 * day + 14 * day, '2 years'],
    [3 * 365 * day + 60 * day, '3 years'],
  ];
  for (const [ms, text] of durations)
    it(`humanDuration(${ms}) = ${text}`, () => assert.equal(humanDuration(ms), text));

  const sizes: Array<[number, number, string]> = [
    [0, 3, '0B'],
    [999, 3, '999B'],
    [1000, 3, '1kB'],
    [1_988_000, 3, '1.99MB'],
    [1_988_000, 4, '1.988MB'],
    [999_500, 3, '1e+03kB'],
    [23 * 2 ** 30, 4, '24.7GB'],
  ];
  for (const [bytes, precision, text] of sizes) {
    it(`humanSize(${bytes}, ${precision}) = ${text}`, () => assert.equal(humanSize(bytes, precision), text));
  }
  it('bytesSize uses binary units', () => assert.equal(bytesSize(25_275_654_144), '23.54GiB'));
  it('formatG drops trailing zeros', () => assert.equal(formatG(2.5, 4), '2.5'));
  it('truncateId drops the algorithm', () => {
    assert.equal(truncateId('sha256:7ec862358cc73038b9ed17f1a8d8c7c13bd0'), '7ec862358cc7');
    assert.equal(truncateId('abc'), 'abc');
  });
  it('ellipsis keeps at most n columns', () => {
    assert.equal(ellipsis("sh -c 'echo hello world'", 20), "sh -c 'echo hello w…");
    assert.equal(ellipsis('short', 20), 'short');
    assert.equal(ellipsis('漢字漢字', 5), '漢字…');
  });
  it("goQuote escapes as Go's strconv.Quote", () => {
    assert.equal(goQuote('a "b"\n\tc\x01…'), '"a \\"b\\"\\n\\tc\\x01…"');
  });
  it('ansiC formats a build time in its own offset', () => {
    assert.equal(ansiC('2026-05-07T21:09:36.000000000+00:00'), 'Thu May  7 21:09:36 2026');
    assert.equal(ansiC('not a date'), 'not a date');
  });
});

describe('ports and references', () => {
  // docker's algorithm: a range is emitted when it breaks, the open ranges after, mappings last.
  it("groups ports as docker's DisplayablePorts", () => {
    const ports = [
      { IP: '127.0.0.1', PrivatePort: 90, PublicPort: 9090, Type: 'udp' as const },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' as const },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' as const },
      { PrivatePort: 5000, Type: 'tcp' as const },
      { PrivatePort: 5001, Type: 'tcp' as const },
      { PrivatePort: 5003, Type: 'tcp' as const },
      { IP: '0.0.0.0', PrivatePort: 443, PublicPort: 443, Type: 'tcp' as const },
    ];
    assert.equal(
      displayablePorts(ports),
      '5000-5001/tcp, 0.0.0.0:443->443/tcp, 5003/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 127.0.0.1:9090->90/udp',
    );
  });
  it('familiar names drop docker.io and library/', () => {
    assert.equal(parseReference('docker.io/library/nginx:1.27')?.familiarName, 'nginx');
    assert.equal(parseReference('docker.io/library/nginx:1.27')?.tag, '1.27');
    assert.equal(parseReference('localhost:5000/a/b@sha256:abcd')?.familiarName, 'localhost:5000/a/b');
    assert.equal(parseReference('<none>:<none>'), undefined);
  });
});
