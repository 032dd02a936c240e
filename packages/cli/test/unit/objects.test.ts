/**
 * The object commands' pure parts: docker's `--since` / `--until` values, event lines and templates,
 * natural name order, IPAM consolidation for `network create`, service `--publish` values, and
 * commands on fake IO (network ls, events, volume prune's prompt) with their exact output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consolidateIpam } from '../../src/commands/network/create.ts';
import { eventLine, eventRow } from '../../src/formatters/event.ts';
import { servicePorts } from '../../src/formatters/swarm.ts';
import { naturalCompare } from '../../src/output/natural-sort.ts';
import { parseTemplate } from '../../src/output/template.ts';
import { goTimeStringNano, parseGoDuration, rfc3339NanoFixed, timestampArg } from '../../src/output/time.ts';
import { parseServicePort, updateEntries } from '../../src/service-spec.ts';
import { FIXED_NOW, runFake } from '../support.ts';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('Go durations', () => {
  const cases: Array<[string, number | undefined]> = [
    ['10m', 600e9],
    ['1h30m', 5400e9],
    ['1.5s', 1.5e9],
    ['-10m', -600e9],
    ['250ms', 250e6],
    ['3us', 3000],
    ['0', 0],
    ['10', undefined],
    ['m', undefined],
    ['1d', undefined],
    ['', undefined],
  ];
  for (const [text, nanos] of cases) {
    it(`${JSON.stringify(text)} -> ${nanos}`, () => assert.equal(parseGoDuration(text), nanos));
  }
});

describe('timestampArg (docker GetTimestamp)', () => {
  const local = (...fields: number[]) =>
    String(
      new Date(
        fields[0] ?? 0,
        (fields[1] ?? 1) - 1,
        fields[2] ?? 1,
        fields[3] ?? 0,
        fields[4] ?? 0,
        fields[5] ?? 0,
      ).getTime() / 1000,
    );
  const cases: Array<[string, string]> = [
    ['10m', String(NOW / 1000 - 600)],
    ['1h', String(NOW / 1000 - 3600)],
    ['0s', String(NOW / 1000)],
    ['-1h', String(NOW / 1000 + 3600)],
    ['0', '0'],
    ['1700000000', '1700000000'],
    ['1700000000.5', '1700000000.5'],
    ['2026-11-29T12:00:00Z', `${Date.UTC(2026, 10, 29, 12) / 1000}.000000000`],
    ['2026-11-29T12:00:00.123456789Z', `${Date.UTC(2026, 10, 29, 12) / 1000}.123456789`],
    ['2026-11-29T12:00:00.5+02:00', `${Date.UTC(2026, 10, 29, 10) / 1000}.500000000`],
    ['2026-11-29T12:30Z', `${Date.UTC(2026, 10, 29, 12, 30) / 1000}.000000000`],
    ['2026-11-29', `${local(2026, 11, 29)}.000000000`],
    ['2026-11-29T07', `${local(2026, 11, 29, 7)}.000000000`],
    ['2026-11-29T07:08:09', `${local(2026, 11, 29, 7, 8, 9)}.000000000`],
  ];
  for (const [value, expected] of cases) {
    it(`${value} -> ${expected}`, () => assert.equal(timestampArg(value, NOW), expected));
  }
  it('refuses what is neither, with docker’s messages', () => {
    assert.throws(() => timestampArg('abc', NOW), {
      message: 'failed to parse value as time or duration: "abc"',
    });
    assert.throws(() => timestampArg('2020-13-01', NOW), {
      message: 'parsing time "2020-13-01": month out of range',
    });
    assert.throws(() => timestampArg('2020-1-1', NOW), /parsing time "2020-1-1"/);
  });
});

describe('time output', () => {
  it('RFC3339NanoFixed keeps all nine digits (UTC zone)', {
    skip: new Date().getTimezoneOffset() !== 0,
  }, () => {
    assert.equal(rfc3339NanoFixed(1795956474504152870n), '2026-11-29T12:47:54.504152870Z');
    assert.equal(rfc3339NanoFixed(1795956474000000000n), '2026-11-29T12:47:54.000000000Z');
  });
  it('Go time.String() of an engine time drops trailing zeros (UTC zone)', {
    skip: new Date().getTimezoneOffset() !== 0,
  }, () => {
    assert.equal(
      goTimeStringNano('2026-11-29T12:48:02.737272645Z'),
      '2026-11-29 12:48:02.737272645 +0000 UTC',
    );
    assert.equal(goTimeStringNano('2026-11-29T12:48:02.5Z'), '2026-11-29 12:48:02.5 +0000 UTC');
    assert.equal(goTimeStringNano('2026-11-29T12:48:02Z'), '2026-11-29 12:48:02 +0000 UTC');
  });
});

const EVENT = {
  status: 'start',
  id: 'c0ffee',
  from: 'busybox',
  Type: 'container' as const,
  Action: 'start',
  Actor: { ID: 'c0ffee', Attributes: { name: 'web', image: 'busybox', 'a&b': '<x>' } },
  scope: 'local' as const,
  time: 1795956474,
  // What JSON.parse makes of the daemon's 1795956474504152870: the text keeps the exact value.
  timeNano: Number('1795956474504152870'),
  timeNanoText: '1795956474504152870',
};

describe('events', () => {
  it('the default line: exact time, type, action, id, sorted attributes', {
    skip: new Date().getTimezoneOffset() !== 0,
  }, () => {
    assert.equal(
      eventLine(EVENT),
      '2026-11-29T12:47:54.504152870Z container start c0ffee (a&b=<x>, image=busybox, name=web)\n',
    );
  });
  it('an event without attributes or times', () => {
    assert.equal(eventLine({ Type: 'network', Action: 'prune', Actor: { ID: '' } }), 'network prune \n');
  });
  it('templates read Go field names; {{json .}} writes the daemon’s JSON with the exact timeNano', () => {
    const row = eventRow(EVENT);
    const render = (source: string) => parseTemplate(source).execute(row);
    assert.equal(
      render('{{.Status}}|{{.ID}}|{{.From}}|{{.Type}}|{{.Actor.Attributes.name}}|{{.TimeNano}}'),
      'start|c0ffee|busybox|container|web|1795956474504152870',
    );
    assert.equal(
      render('{{json .}}'),
      '{"status":"start","id":"c0ffee","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"c0ffee","Attributes":{"name":"web","image":"busybox","a&b":"<x>"}},"scope":"local","time":1795956474,"timeNano":1795956474504152870}',
    );
    assert.throws(() => render('{{.Nope}}'), /can't evaluate field Nope in type \*events.Message/);
  });
});

describe('natural order', () => {
  it('numbers compare by value', () => {
    const names = ['net10', 'net2', 'a', 'net1', 'B', 'net02'];
    assert.deepEqual([...names].sort(naturalCompare), ['B', 'a', 'net1', 'net2', 'net02', 'net10']);
  });
});

describe('network create IPAM', () => {
  it('puts gateways and ranges into the subnet that holds them', () => {
    assert.deepEqual(
      consolidateIpam(['10.1.0.0/16', 'fd00::/64'], ['10.1.2.0/24'], ['fd00::1', '10.1.0.1'], {
        host: '10.1.0.5',
      }),
      [
        {
          Subnet: '10.1.0.0/16',
          IPRange: '10.1.2.0/24',
          Gateway: '10.1.0.1',
          AuxiliaryAddresses: { host: '10.1.0.5' },
        },
        { Subnet: 'fd00::/64', Gateway: 'fd00::1' },
      ],
    );
  });
  it('refuses a gateway without a subnet, or outside every subnet', () => {
    assert.throws(() => consolidateIpam([], [], ['10.0.0.1'], {}), {
      message: 'every ip-range or gateway must have a corresponding subnet',
    });
    assert.throws(() => consolidateIpam(['10.1.0.0/16'], [], ['10.2.0.1'], {}), {
      message: 'no matching subnet for gateway 10.2.0.1',
    });
  });
});

describe('service ports', () => {
  it('short and long --publish forms', () => {
    assert.deepEqual(parseServicePort('8080:80'), [
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
    ]);
    assert.deepEqual(
      parseServicePort('53:53/udp').map((port) => port.Protocol),
      ['udp'],
    );
    assert.deepEqual(parseServicePort('published=8080,target=80,mode=host'), [
      { Protocol: 'tcp', PublishMode: 'host', PublishedPort: 8080, TargetPort: 80 },
    ]);
    assert.equal(parseServicePort('9000-9001:90-91').length, 2);
    assert.throws(() => parseServicePort('nonsense'), /invalid publish option/);
  });
  it('the PORTS column merges consecutive ports', () => {
    const ports = [
      { Protocol: 'tcp' as const, TargetPort: 81, PublishedPort: 8081, PublishMode: 'ingress' as const },
      { Protocol: 'tcp' as const, TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' as const },
      { Protocol: 'udp' as const, TargetPort: 53, PublishedPort: 53, PublishMode: 'ingress' as const },
      { Protocol: 'tcp' as const, TargetPort: 22, PublishedPort: 2222, PublishMode: 'host' as const },
    ];
    assert.equal(servicePorts(ports), '*:8080-8081->80-81/tcp, *:53->53/udp');
  });
  it('--env-add replaces the same name, --env-rm drops by name', () => {
    assert.deepEqual(updateEntries(['A=1', 'B=2', 'C=3'], ['B=9'], ['C']), ['A=1', 'B=9']);
  });
});

const NETWORKS = [
  {
    Name: 'net10',
    Id: 'a'.repeat(64),
    Driver: 'bridge',
    Scope: 'local',
    Created: '2026-01-01T00:00:00.5Z',
    Labels: { z: '1', a: '2' },
  },
  { Name: 'net2', Id: 'b'.repeat(64), Driver: 'overlay', Scope: 'swarm', Internal: true, EnableIPv6: true },
];

describe('commands on fake IO', () => {
  it('network ls: natural order, truncated ids, docker’s columns', async () => {
    const result = await runFake(['network', 'ls'], { client: { networks: { list: async () => NETWORKS } } });
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout,
      'NETWORK ID     NAME      DRIVER    SCOPE\n' +
        'bbbbbbbbbbbb   net2      overlay   swarm\n' +
        'aaaaaaaaaaaa   net10     bridge    local\n',
    );
  });
  it('network ls --format json: sorted keys, sorted labels', async () => {
    const result = await runFake(['network', 'ls', '--format', 'json', '--no-trunc'], {
      client: { networks: { list: async () => NETWORKS.slice(0, 1) } },
    });
    const row = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(row), [
      'CreatedAt',
      'Driver',
      'ID',
      'IPv4',
      'IPv6',
      'Internal',
      'Labels',
      'Name',
      'Scope',
    ]);
    assert.equal(row.ID, 'a'.repeat(64));
    assert.equal(row.Labels, 'a=2,z=1');
  });
  it('events: --since/--until reach the SDK as seconds; each event one line', async () => {
    const calls: unknown[] = [];
    const client = {
      system: {
        events: (options: unknown) => {
          calls.push(options);
          return (async function* () {
            yield EVENT;
          })();
        },
      },
    };
    const result = await runFake(
      ['events', '--since', '10m', '--until', '0s', '--format', '{{.Action}} {{.Actor.ID}}'],
      { client },
    );
    assert.equal(result.stdout, 'start c0ffee\n');
    const options = calls[0] as { since: string; until: string };
    assert.equal(options.since, String(FIXED_NOW / 1000 - 600));
    assert.equal(options.until, String(FIXED_NOW / 1000));
  });
  it('events: a bad --since is refused before any request', async () => {
    const result = await runFake(['system', 'events', '--since', 'yesterday'], { client: {} });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'failed to parse value as time or duration: "yesterday"\n');
  });
  it('volume prune -f lists what went and the space reclaimed', async () => {
    const client = {
      apiVersion: async () => '1.41',
      volumes: { prune: async () => ({ VolumesDeleted: ['a', 'b'], SpaceReclaimed: 1500 }) },
    };
    const result = await runFake(['volume', 'prune', '-f'], { client });
    assert.equal(result.stdout, 'Deleted Volumes:\na\nb\n\nTotal reclaimed space: 1.5kB\n');
  });
});
