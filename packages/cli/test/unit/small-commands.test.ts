/**
 * `search`, `builder prune`, `logs --details`, `node inspect --pretty` and `service inspect
 * --pretty` on fake IO: the requests they make and their exact output (golden files).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDurationNanos } from '../../src/formatters/pretty.ts';
import { golden, runFake } from '../support.ts';

const HITS = [
  {
    name: 'busybox',
    description: 'Busybox base image.\nSmall\r\nand handy, with a description longer than forty-five columns',
    star_count: 3412,
    is_official: true,
    is_automated: false,
  },
  { name: 'someone/tool', description: '', star_count: 0, is_official: false, is_automated: true },
];

function searchClient(calls: unknown[]) {
  return {
    images: {
      search: async (term: string, options: Record<string, unknown>) => {
        const { signal, ...rest } = options;
        calls.push({ term, ...rest, signal: signal instanceof AbortSignal });
        return HITS;
      },
    },
  };
}

describe('gantry search', () => {
  const cases: Array<{ name: string; argv: string[]; file: string }> = [
    { name: 'table', argv: ['search', 'busybox'], file: 'search.txt' },
    { name: '--no-trunc', argv: ['search', '--no-trunc', 'busybox'], file: 'search-no-trunc.txt' },
    { name: '--format json', argv: ['search', '--format', 'json', 'busybox'], file: 'search-json.txt' },
    {
      name: '--format table with AUTOMATED',
      argv: ['search', '--format', 'table {{.Name}}\t{{.IsAutomated}}\t{{.StarCount}}', 'busybox'],
      file: 'search-custom-table.txt',
    },
  ];
  for (const { name, argv, file } of cases) {
    it(name, async () => {
      const result = await runFake(argv, { client: searchClient([]) });
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.equal(result.stdout, golden(file, result.stdout));
    });
  }

  it('sends --limit and --filter; no limit for 0, as docker', async () => {
    const calls: unknown[] = [];
    await runFake(['search', '--limit', '5', '-f', 'is-official=true', '--filter', 'stars=3', 'nginx'], {
      client: searchClient(calls),
    });
    await runFake(['search', '--limit', '0', 'nginx'], { client: searchClient(calls) });
    assert.deepEqual(calls, [
      { term: 'nginx', limit: 5, filters: { 'is-official': ['true'], stars: ['3'] }, signal: true },
      { term: 'nginx', signal: true },
    ]);
  });

  it('a bad filter is a flag error (125) before any request', async () => {
    const result = await runFake(['search', '-f', 'stars', 'nginx'], { client: searchClient([]) });
    assert.equal(result.code, 125);
    assert.match(result.stderr, /^invalid argument "stars" for "-f, --filter" flag: bad format of filter/);
  });
});

describe('gantry builder prune', () => {
  function pruneClient(calls: unknown[], apiVersion = '1.41') {
    return {
      apiVersion: async () => apiVersion,
      images: {
        pruneBuildCache: async (options: Record<string, unknown>) => {
          const { signal: _signal, ...rest } = options;
          calls.push(rest);
          return { CachesDeleted: ['k1x2', 'q9z8'], SpaceReclaimed: 123456789 };
        },
      },
    };
  }
  const WARNING =
    'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ';

  it('asks on one line; "n" or no answer removes nothing', async () => {
    for (const stdin of ['n\n', '']) {
      const calls: unknown[] = [];
      const result = await runFake(['builder', 'prune'], { client: pruneClient(calls), stdin });
      assert.deepEqual([result.code, result.stdout, calls], [0, WARNING, []]);
    }
    const all = await runFake(['builder', 'prune', '-a'], { client: pruneClient([]), stdin: 'N\n' });
    assert.equal(
      all.stdout,
      'WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] ',
    );
  });

  it('"y": the removed records and the space reclaimed', async () => {
    const calls: unknown[] = [];
    const result = await runFake(['builder', 'prune'], { client: pruneClient(calls), stdin: 'y\n' });
    assert.equal(
      result.stdout,
      `${WARNING}Deleted build cache objects:\nk1x2\nq9z8\n\nTotal reclaimed space: 123.5MB\n`,
    );
    assert.deepEqual(calls, [{}]);
  });

  it('-f -a --filter --keep-storage: keep-storage before API 1.48, reserved-space from it', async () => {
    const argv = ['builder', 'prune', '-f', '-a', '--filter', 'until=24h', '--keep-storage', '1.5g'];
    const calls: unknown[] = [];
    await runFake(argv, { client: pruneClient(calls, '1.41') });
    await runFake(argv, { client: pruneClient(calls, '1.48') });
    const common = { all: true, filters: { until: ['24h'] } };
    assert.deepEqual(calls, [
      { ...common, 'keep-storage': 1610612736 },
      { ...common, 'reserved-space': 1610612736 },
    ]);
  });

  it('a bad --keep-storage is a flag error (125)', async () => {
    const result = await runFake(['builder', 'prune', '-f', '--keep-storage', '1x'], {
      client: pruneClient([]),
    });
    assert.equal(result.code, 125);
    assert.match(result.stderr, /^invalid argument "1x" for "--keep-storage" flag: invalid suffix: 'x'\n/);
  });
});

describe('gantry logs --details', () => {
  it('asks the engine for details (the daemon writes the attributes into each line)', async () => {
    const calls: Array<Record<string, unknown>> = [];
    const client = {
      containers: {
        logs: (id: string, options: Record<string, unknown>) => {
          calls.push({ id, details: options.details });
          return (async function* () {
            yield { stream: 'stdout', data: new TextEncoder().encode('team=blue one\n') };
          })();
        },
      },
    };
    const result = await runFake(['logs', '--details', 'web'], { client });
    assert.deepEqual([result.code, result.stdout], [0, 'team=blue one\n']);
    await runFake(['logs', 'web'], { client });
    assert.deepEqual(calls, [
      { id: 'web', details: true },
      { id: 'web', details: false },
    ]);
  });
});

describe('Go durations from nanoseconds', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [999, '999ns'],
    [1500, '1.5µs'],
    [250e6, '250ms'],
    [1.5e9, '1.5s'],
    [5e9, '5s'],
    [90e9, '1m30s'],
    [3600e9, '1h0m0s'],
    [3600.5e9, '1h0m0.5s'],
    [-2e9, '-2s'],
  ];
  for (const [nanos, text] of cases)
    it(`${nanos} -> ${text}`, () => assert.equal(goDurationNanos(nanos), text));
});

/** A manager node as Docker 20.10 reports it, with a name, labels and a status message added. */
const NODE = {
  ID: 'nk0ij2vicxrg7kr0nw9kpegjl',
  CreatedAt: '2026-11-29T13:36:39.68516471Z',
  Spec: { Labels: { zone: 'a', bare: '' }, Role: 'manager', Availability: 'active', Name: 'primary' },
  Description: {
    Hostname: 'vm',
    Platform: { Architecture: 'x86_64', OS: 'linux' },
    Resources: { NanoCPUs: 2000000000, MemoryBytes: 25276026880 },
    Engine: {
      EngineVersion: '20.10.24+dfsg1',
      Plugins: [
        { Type: 'Volume', Name: 'local' },
        { Type: 'Network', Name: 'overlay' },
        { Type: 'Network', Name: 'null' },
        { Type: 'Network', Name: 'macvlan' },
        { Type: 'Network', Name: 'ipvlan' },
        { Type: 'Network', Name: 'host' },
        { Type: 'Network', Name: 'bridge' },
        { Type: 'Log', Name: 'syslog' },
      ],
      Labels: { tier: 'gold' },
    },
    TLSInfo: {
      TrustRoot: '-----BEGIN CERTIFICATE-----\nMIIBazCCARCg\n-----END CERTIFICATE-----\n',
      CertIssuerSubject: 'MBMxETAPBgNVBAMTCHN3YXJtLWNh',
      CertIssuerPublicKey:
        'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEymn0wGSWQjDEzuzVdi1N+Czt+dbVI5eWiTBfxBJxYMVVX1SPVJ4cL5dBTdkT/C8UE8ZZlrSVOw/2rRovTEchbg==',
    },
  },
  Status: { State: 'ready', Addr: '127.0.0.1', Message: 'all good' },
  ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '127.0.0.1:2377' },
};
/** Services as Docker 20.10 reports them (`--insertDefaults`): many options, an update, a job. */
const RICH = {
  ID: '3qg5bbvkinnzg122j0dnrex9y',
  Spec: {
    Name: 'gps3',
    Labels: { empty: '', 'io.gantry.test': '1' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'gantry-test/busybox:latest',
        Args: ['sleep', '1000'],
        Init: true,
        StopGracePeriod: 10000000000,
        Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 3000000000, Retries: 2 },
        DNSConfig: {},
        Secrets: [
          {
            File: { Name: 'gpsec', UID: '0', GID: '0', Mode: 292 },
            SecretID: '8el7n5qdkf7e3t3crapg93z7d',
            SecretName: 'gpsec',
          },
        ],
        Configs: [
          {
            File: { Name: '/cfg', UID: '0', GID: '0', Mode: 292 },
            ConfigID: 'yw7st30o61k2paqrrq2qxm67b',
            ConfigName: 'gpcfg',
          },
        ],
        Isolation: 'default',
        Sysctls: { 'net.ipv4.ip_forward': '1' },
        CapabilityAdd: ['CAP_NET_ADMIN'],
        CapabilityDrop: ['CAP_CHOWN'],
        Ulimits: [{ Name: 'nofile', Hard: 200, Soft: 100 }],
      },
      Resources: { Limits: { Pids: 50 }, Reservations: { NanoCPUs: 250000000 } },
      RestartPolicy: { Condition: 'any', Delay: 5000000000, MaxAttempts: 0 },
      Placement: {
        Constraints: ['node.role==manager', 'node.hostname!=x'],
        Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.dc' } }],
        MaxReplicas: 3,
      },
      Networks: [{ Target: 'ii8l4wfxd1d8kl3esd2ozhjh7' }],
      LogDriver: { Name: 'json-file', Options: { flag: '', 'max-size': '1m' } },
      ForceUpdate: 0,
      Runtime: 'container',
    },
    Mode: { Replicated: { Replicas: 1 } },
    UpdateConfig: {
      Parallelism: 1,
      FailureAction: 'rollback',
      Monitor: 5000000000,
      MaxFailureRatio: 0.25,
      Order: 'start-first',
    },
    RollbackConfig: {
      Parallelism: 1,
      Delay: 2000000000,
      FailureAction: 'pause',
      Monitor: 5000000000,
      MaxFailureRatio: 0,
      Order: 'stop-first',
    },
    EndpointSpec: { Mode: 'vip' },
  },
  Endpoint: {
    Spec: { Mode: 'vip' },
    VirtualIPs: [{ NetworkID: 'ii8l4wfxd1d8kl3esd2ozhjh7', Addr: '10.0.1.2/24' }],
  },
};
const UPDATED = {
  ID: 'wol1h4zkhv7p6pzel8lrbcl5p',
  Spec: {
    Name: 'gps1',
    Labels: { a: 'b', 'io.gantry.test': '1' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'gantry-test/busybox:latest',
        Labels: { c: 'd' },
        Args: ['sleep', '1000'],
        Hostname: 'h1',
        Env: ['FOO=bar', 'X=1'],
        Dir: '/tmp',
        User: 'nobody',
        Init: false,
        Mounts: [{ Type: 'volume', Source: 'gv1', Target: '/data' }],
        StopGracePeriod: 10000000000,
        Healthcheck: { Test: ['CMD-SHELL', 'true'] },
        DNSConfig: {},
        Isolation: 'default',
      },
      Resources: {
        Limits: { NanoCPUs: 500000000, MemoryBytes: 67108864 },
        Reservations: { MemoryBytes: 33554432 },
      },
      RestartPolicy: { Condition: 'on-failure', Delay: 5000000000, MaxAttempts: 0 },
      Placement: {},
      ForceUpdate: 0,
      Runtime: 'container',
    },
    Mode: { Replicated: { Replicas: 2 } },
    UpdateConfig: {
      Parallelism: 2,
      Delay: 5000000000,
      FailureAction: 'pause',
      Monitor: 5000000000,
      MaxFailureRatio: 0,
      Order: 'stop-first',
    },
    RollbackConfig: {
      Parallelism: 1,
      FailureAction: 'pause',
      Monitor: 5000000000,
      MaxFailureRatio: 0,
      Order: 'stop-first',
    },
    EndpointSpec: {
      Mode: 'vip',
      Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8089, PublishMode: 'ingress' }],
    },
  },
  Endpoint: {
    Spec: {
      Mode: 'vip',
      Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8089, PublishMode: 'ingress' }],
    },
    Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8089, PublishMode: 'ingress' }],
    VirtualIPs: [{ NetworkID: 'soffg1atry45xrsvnye1z32g7', Addr: '10.0.0.3/24' }],
  },
  UpdateStatus: {
    State: 'completed',
    StartedAt: '2026-01-02T03:03:05Z',
    CompletedAt: '2026-01-02T03:04:00Z',
    Message: 'update completed',
  },
};
const JOB = {
  ID: 'r9pti9cmpbgrsxanlmmylo20l',
  Spec: {
    Name: 'gps4',
    Labels: { 'io.gantry.test': '1' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'gantry-test/busybox:latest',
        Args: ['true'],
        Init: false,
        StopGracePeriod: 10000000000,
        DNSConfig: {},
        Isolation: 'default',
      },
      Resources: { Limits: {}, Reservations: {} },
      RestartPolicy: { Condition: 'any', Delay: 5000000000, MaxAttempts: 0 },
      Placement: {},
      ForceUpdate: 0,
      Runtime: 'container',
    },
    Mode: { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 3 } },
    UpdateConfig: {
      Parallelism: 1,
      FailureAction: 'pause',
      Monitor: 5000000000,
      MaxFailureRatio: 0,
      Order: 'stop-first',
    },
    RollbackConfig: {
      Parallelism: 1,
      FailureAction: 'pause',
      Monitor: 5000000000,
      MaxFailureRatio: 0,
      Order: 'stop-first',
    },
    EndpointSpec: { Mode: 'vip' },
  },
  Endpoint: { Spec: {} },
};

describe('node inspect --pretty', () => {
  const client = {
    system: { info: async () => ({ Swarm: { NodeID: NODE.ID } }) },
    nodes: {
      inspect: async () => NODE,
    },
  };
  it("docker's layout: labels, status message, manager status, plugins by type, TLS info", async () => {
    const result = await runFake(['node', 'inspect', '--pretty', 'self', NODE.ID], { client });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, golden('node-inspect-pretty.txt', result.stdout));
  });
});

describe('service inspect --pretty', () => {
  const services = new Map([RICH, UPDATED, JOB].map((service) => [service.Spec.Name, service]));
  const calls: unknown[] = [];
  const client = {
    services: {
      inspect: async (name: string, options: { insertDefaults?: boolean }) => {
        calls.push(options.insertDefaults);
        return services.get(name);
      },
    },
    networks: {
      inspect: async (id: string) => ({ Id: id, Name: 'backend' }),
    },
  };
  it("docker's layout for a many-option service, one with an update and ports, and a job", async () => {
    const result = await runFake(['service', 'inspect', '--pretty', 'gps3', 'gps1', 'gps4'], { client });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, golden('service-inspect-pretty.txt', result.stdout));
    assert.match(result.stdout, /\nNetworks: backend \n/);
    assert.match(result.stdout, /\n Started:\tAbout a minute ago\n Completed:\t5 seconds ago\n/);
    assert.deepEqual(calls, [true, true, true]);
  });
});
