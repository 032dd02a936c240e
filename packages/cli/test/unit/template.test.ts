import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GO_TYPE } from '../../src/output/go-json.ts';
import { HEADER_FUNCTIONS, parseTemplate, sprintf } from '../../src/output/template.ts';

/** A formatter row: a Go struct with methods, as formatters/ builds them. */
const row = {
  [GO_TYPE]: '*formatter.ContainerContext',
  ID: () => 'abc123',
  Names: () => 'web-1',
  State: () => 'running',
  Ports: () => '0.0.0.0:80->80/tcp',
  Label: (name: string) => ({ 'com.example.tier': 'front' })[name] ?? '',
};

/** Inspect-style data: the engine's JSON. */
const inspect = {
  Name: '/web',
  State: { Status: 'running', Running: true, Pid: 42 },
  Config: { Labels: { 'io.gantry.test': '1', tier: 'front' }, Cmd: ['sleep', '3000'], Env: [] },
  Mounts: [
    { Source: '/a', Destination: '/x' },
    { Source: '/b', Destination: '/y' },
  ],
  Count: 0,
};

interface Case {
  readonly name: string;
  readonly template: string;
  readonly data: unknown;
  readonly output?: string;
  readonly error?: string;
}

const cases: Case[] = [
  { name: 'field', template: '{{.ID}}', data: row, output: 'abc123' },
  {
    name: 'text around actions',
    template: 'id={{.ID}} name={{.Names}}',
    data: row,
    output: 'id=abc123 name=web-1',
  },
  { name: 'pipeline into upper', template: '{{.Names | upper}}', data: row, output: 'WEB-1' },
  {
    name: 'lower and title',
    template: '{{lower "ABC"}} {{title "hello wide world"}}',
    data: row,
    output: 'abc Hello Wide World',
  },
  { name: 'method with an argument', template: '{{.Label "com.example.tier"}}', data: row, output: 'front' },
  {
    name: 'json of a formatter row: sorted methods, HTML escaped',
    template: '{{json .}}',
    data: row,
    output: '{"ID":"abc123","Names":"web-1","Ports":"0.0.0.0:80-\\u003e80/tcp","State":"running"}',
  },
  {
    name: 'json of a string is not HTML escaped',
    template: '{{json .Ports}}',
    data: row,
    output: '"0.0.0.0:80->80/tcp"',
  },
  {
    name: 'json of a map keeps the engine order',
    template: '{{json .Config.Labels}}',
    data: inspect,
    output: '{"io.gantry.test":"1","tier":"front"}',
  },
  { name: 'join and split', template: '{{join (split .Names "-") ","}}', data: row, output: 'web,1' },
  { name: 'join of a list', template: '{{join .Config.Cmd " "}}', data: inspect, output: 'sleep 3000' },
  { name: 'if / else', template: '{{if eq .State "running"}}up{{else}}down{{end}}', data: row, output: 'up' },
  {
    name: 'else if chain',
    template: '{{if eq .State "x"}}x{{else if eq .State "running"}}r{{else}}z{{end}}',
    data: row,
    output: 'r',
  },
  {
    name: 'if on a false value',
    template: '{{if .State.Running}}yes{{end}}|{{if .Count}}n{{else}}zero{{end}}',
    data: inspect,
    output: 'yes|zero',
  },
  {
    name: 'range over a list',
    template: '{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}',
    data: inspect,
    output: '/a:/x /b:/y ',
  },
  {
    name: 'range with index and element',
    template: '{{range $i, $m := .Mounts}}{{$i}}={{$m.Source}};{{end}}',
    data: inspect,
    output: '0=/a;1=/b;',
  },
  {
    name: 'range over a map sorts the keys',
    template: '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}},{{end}}',
    data: inspect,
    output: 'io.gantry.test=1,tier=front,',
  },
  {
    name: 'range else on empty',
    template: '{{range .Config.Env}}x{{else}}none{{end}}',
    data: inspect,
    output: 'none',
  },
  {
    name: 'with',
    template: '{{with .State}}{{.Status}}/{{.Pid}}{{end}}',
    data: inspect,
    output: 'running/42',
  },
  {
    name: 'variables and $',
    template: '{{$n := .Name}}{{with .State}}{{$n}} {{$.Name}}{{end}}',
    data: inspect,
    output: '/web /web',
  },
  { name: 'trim markers', template: 'a  {{- .ID -}}  b', data: row, output: 'aabc123b' },
  { name: 'comment', template: 'x{{/* ignored */}}y', data: row, output: 'xy' },
  {
    name: 'index into map and list',
    template: '{{index .Config.Labels "tier"}} {{index .Config.Cmd 1}}',
    data: inspect,
    output: 'front 3000',
  },
  { name: 'len', template: '{{len .Mounts}} {{len .Name}}', data: inspect, output: '2 4' },
  { name: 'printf', template: '{{printf "%-6s|%3d|%q" .Names 7 "x"}}', data: row, output: 'web-1 |  7|"x"' },
  {
    name: 'pad and truncate',
    template: '[{{pad .ID 1 2}}][{{truncate .ID 3}}]',
    data: row,
    output: '[ abc123  ][abc]',
  },
  {
    name: 'and / or / not',
    template: '{{and 1 "x"}} {{or 0 "" "y"}} {{not false}}',
    data: row,
    output: 'x y true',
  },
  {
    name: 'a struct prints as Go prints a struct',
    template: '{{.State}}',
    data: inspect,
    output: '{running true 42}',
  },
  {
    name: 'a map prints as map[…]',
    template: '{{.Config.Labels}}',
    data: inspect,
    output: 'map[io.gantry.test:1 tier:front]',
  },
  { name: 'a list prints as […]', template: '{{.Config.Cmd}}', data: inspect, output: '[sleep 3000]' },
  {
    name: 'missing map key prints <no value>',
    template: '{{.Config.Labels.nope}}',
    data: inspect,
    output: '<no value>',
  },
  {
    name: 'parenthesised call with a field chain',
    template: '{{(index .Mounts 1).Source}}',
    data: inspect,
    output: '/b',
  },
  {
    name: '\\t is not interpreted by the template itself',
    template: '{{.ID}}\\t',
    data: row,
    output: 'abc123\\t',
  },
  {
    name: 'unknown field of a formatter row',
    template: '{{.Foo}}',
    data: row,
    error: `template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type *formatter.ContainerContext`,
  },
  {
    name: 'unknown key of an engine struct (docker inspect wording)',
    template: '{{.State.Nope.X}}',
    data: inspect,
    error: 'template: :1:8: executing "" at <.State.Nope.X>: map has no entry for key "Nope"',
  },
  { name: 'unclosed action', template: '{{.ID', data: row, error: 'template: :1: unclosed action' },
  { name: 'bad character', template: '{{.ID}', data: row, error: "template: :1: bad character U+007D '}'" },
  {
    name: 'unknown function',
    template: '{{nope .ID}}',
    data: row,
    error: 'template: :1: function "nope" not defined',
  },
  { name: 'missing end', template: '{{if .ID}}x', data: row, error: 'template: :1: unexpected EOF' },
  { name: 'stray end', template: '{{end}}', data: row, error: 'template: :1: unexpected {{end}}' },
];

describe('Go template subset', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      if (testCase.error !== undefined) {
        assert.throws(() => parseTemplate(testCase.template).execute(testCase.data), {
          message: testCase.error,
        });
        return;
      }
      assert.equal(parseTemplate(testCase.template).execute(testCase.data), testCase.output);
    });
  }

  it('renders table headers with the header functions (upper etc. return the title unchanged)', () => {
    const header = { ID: 'CONTAINER ID', Names: 'NAMES' };
    const template = parseTemplate('{{.ID}}\t{{.Names | upper}}\t{{json .Names}}');
    assert.equal(template.execute(header, HEADER_FUNCTIONS), 'CONTAINER ID\tNAMES\tNAMES');
  });

  it('sprintf handles missing operands as Go does', () => {
    assert.equal(sprintf('%s-%s', 'a'), 'a-%!s(MISSING)');
    assert.equal(sprintf('100%%'), '100%');
  });
});
