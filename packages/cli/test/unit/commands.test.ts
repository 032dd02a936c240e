/**
 * Command output, byte for byte, against golden files (test/golden; UPDATE_GOLDEN=1 rewrites them),
 * and what each command asks the SDK for. The engine client is the one fake: fixed ids and times
 * make output reproducible; integration/ checks the same commands on the real engine.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ContainerSummary, EngineApiError, type ImageSummary } from '@gantry/engine';
import { FIXED_NOW, golden, runFake } from '../support.ts';

process.env.TZ = 'UTC';
const NOW_S = FIXED_NOW / 1000;

const containers: ContainerSummary[] = [
  {
    Id: `3f4e5d6c7b8a${'1'.repeat(52)}`,
    Names: ['/web'],
    Image: 'docker.io/library/nginx:1.27@sha256:aaaa',
    ImageID: `sha256:${'a'.repeat(64)}`,
    Command: "/docker-entrypoint.sh nginx -g 'daemon off;'",
    Created: NOW_S - 125,
    Ports: [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 443, Type: 'tcp' },
    ],
    Labels: { tier: 'front', 'io.gantry.test': '1' },
    State: 'running',
    Status: 'Up 2 minutes',
    NetworkSettings: { Networks: { bridge: {} } },
    Mounts: [{ Type: 'volume', Name: 'a-rather-long-volume-name', Driver: 'local', Destination: '/data' }],
    SizeRw: 1234,
    SizeRootFs: 187_654_321,
  },
  {
    Id: `b1b2b3b4b5b6${'2'.repeat(52)}`,
    Names: ['/db', '/web/db-alias'],
    Image: `sha256:${'c'.repeat(64)}`,
    ImageID: `sha256:${'c'.repeat(64)}`,
    Command: 'postgres',
    Created: NOW_S - 3 * 86_400,
    Ports: [],
    Labels: {},
    State: 'exited',
    Status: 'Exited (0) 2 days ago',
    NetworkSettings: { Networks: { bridge: {} } },
    Mounts: [],
    SizeRw: 0,
    SizeRootFs: 0,
  },
];

const images: ImageSummary[] = [
  {
    Id: `sha256:${'a'.repeat(64)}`,
    ParentId: '',
    RepoTags: ['nginx:1.27', 'nginx:latest'],
    RepoDigests: ['nginx@sha256:1111111111111111111111111111111111111111111111111111111111111111'],
    Created: NOW_S - 10 * 86_400,
    Size: 187_654_321,
    SharedSize: -1,
    Labels: {},
    Containers: -1,
  },
  {
    Id: `sha256:${'d'.repeat(64)}`,
    ParentId: '',
    RepoTags: [],
    RepoDigests: [],
    Created: NOW_S - 3600,
    Size: 1_999,
    SharedSize: -1,
    Labels: {},
    Containers: -1,
  },
];

const inspected = {
  Id: containers[0]?.Id,
  Name: '/web',
  State: { Status: 'running', Running: true, Pid: 42 },
  Config: {
    Labels: { tier: 'front' },
    Cmd: ['nginx', '-g', 'daemon off;'],
    Healthcheck: { Test: ['CMD', 'a<b&&c>d'] },
  },
};

function notFound(what: string, name: string): EngineApiError {
  return new EngineApiError(404, `No such ${what}: ${name}`, {
    method: 'GET',
    path: `/x/${name}/json`,
    operation: 'X',
  });
}

/** A client answering from the fixtures above and recording the calls. */
function fakeClient() {
  const calls: Array<[string, unknown]> = [];
  const client = {
    endpoint: { source: 'default' },
    apiVersion: async () => '1.41',
    containers: {
      list: async (options: unknown) => {
        calls.push(['containers.list', options]);
        return containers;
      },
      inspect: async (name: string) => {
        calls.push(['containers.inspect', name]);
        if (name === 'web') return inspected;
        throw notFound('container', name);
      },
    },
    images: {
      list: async (options: unknown) => {
        calls.push(['images.list', options]);
        return images;
      },
      inspect: async (name: string) => {
        throw notFound('image', name);
      },
    },
    networks: { inspect: async (name: string) => Promise.reject(notFound('network', name)) },
    volumes: { inspect: async (name: string) => Promise.reject(notFound('volume', name)) },
    plugins: { inspect: async (name: string) => Promise.reject(notFound('plugin', name)) },
    system: {
      info: async () => ({ Swarm: { LocalNodeState: 'inactive' } }),
      version: async () => ({
        Platform: { Name: 'Docker Engine - Community' },
        Components: [
          {
            Name: 'Engine',
            Version: '27.5.1',
            Details: {
              ApiVersion: '1.47',
              Arch: 'amd64',
              BuildTime: '2025-01-22T13:41:17.000000000+00:00',
              Experimental: 'false',
              GitCommit: '4c9b3b0',
              GoVersion: 'go1.22.11',
              MinAPIVersion: '1.24',
              Os: 'linux',
            },
          },
          { Name: 'containerd', Version: '1.7.25', Details: { GitCommit: 'bcc810d' } },
        ],
        Version: '27.5.1',
        ApiVersion: '1.47',
      }),
    },
  };
  return { client, calls };
}

interface GoldenCase {
  readonly name: string;
  readonly argv: string[];
  readonly file: string;
  readonly code?: number;
}

const goldenCases: GoldenCase[] = [
  { name: 'ps -a: docker table, truncation, CREATED as "… ago"', argv: ['ps', '-a'], file: 'ps-all.txt' },
  { name: 'container ls --no-trunc', argv: ['container', 'ls', '-a', '--no-trunc'], file: 'ps-no-trunc.txt' },
  { name: 'ps -s adds SIZE', argv: ['ps', '-as'], file: 'ps-size.txt' },
  {
    name: 'ps --format json: one object per line',
    argv: ['ps', '-a', '--format', 'json'],
    file: 'ps-json.txt',
  },
  { name: 'ps -q', argv: ['ps', '-aq'], file: 'ps-quiet.txt' },
  {
    name: 'ps custom table',
    argv: ['ps', '--format', 'table {{.Names}}\\t{{.Label "tier"}}\\t{{.Networks}}'],
    file: 'ps-custom-table.txt',
  },
  { name: 'images: a row per tag, dangling as <none>', argv: ['images'], file: 'images.txt' },
  { name: 'images --digests', argv: ['image', 'ls', '--digests'], file: 'images-digests.txt' },
  {
    name: 'inspect: JSON array, 4-space indent, HTML escaped',
    argv: ['inspect', 'web'],
    file: 'inspect.txt',
  },
  { name: 'version: client and server as docker lays them out', argv: ['version'], file: 'version.txt' },
  { name: 'ps --help from the definition', argv: ['ps', '--help'], file: 'help-ps.txt' },
  { name: 'gantry --help', argv: ['--help'], file: 'help-root.txt' },
];

describe('command output (golden)', () => {
  for (const testCase of goldenCases) {
    it(testCase.name, async () => {
      const { client } = fakeClient();
      const result = await runFake(testCase.argv, { client });
      assert.equal(result.stderr, '');
      assert.equal(result.code, testCase.code ?? 0);
      // The client section names this machine's Node and platform; the golden file has placeholders.
      const stdout = result.stdout
        .replace(process.version, 'vNODE')
        .replace(/OS\/Arch:( +)linux\/\w+\n Context/, 'OS/Arch:$1OS/ARCH\n Context');
      assert.equal(stdout, golden(testCase.file, stdout));
    });
  }
});

describe('what commands ask the engine for', () => {
  it('ps maps -a, -n, --filter onto the list call', async () => {
    const { client, calls } = fakeClient();
    await runFake(['ps', '-a', '-n', '2', '-f', 'status=exited', '--filter', 'Label = tier=front'], {
      client,
    });
    const [operation, options] = calls[0] as [string, { signal: unknown }];
    const { signal, ...query } = options;
    assert.equal(operation, 'containers.list');
    assert.ok(signal instanceof AbortSignal, 'the Ctrl-C signal reaches the SDK');
    assert.deepEqual(query, {
      all: true,
      limit: 2,
      size: false,
      filters: { status: ['exited'], label: ['tier=front'] },
    });
  });

  it('ps -l asks for one container; a template reading .Size asks for sizes unless --size=false', async () => {
    const cases: Array<[string[], { limit?: number; size: boolean }]> = [
      [['ps', '-l'], { limit: 1, size: false }],
      [['ps', '--format', '{{.Names}} {{.Size}}'], { size: true }],
      [['ps', '--format', '{{.Names}} {{.Size}}', '--size=false'], { size: false }],
      [['ps', '--format', 'json'], { size: false }],
    ];
    for (const [argv, expected] of cases) {
      const { client, calls } = fakeClient();
      await runFake(argv, { client });
      const options = calls[0]?.[1] as { limit?: number; size: boolean };
      assert.equal(options.limit, expected.limit, argv.join(' '));
      assert.equal(options.size, expected.size, argv.join(' '));
    }
  });

  it('images REPOSITORY[:TAG] becomes a reference filter', async () => {
    const { client, calls } = fakeClient();
    await runFake(['images', '-f', 'dangling=false', 'nginx:1.27'], { client });
    assert.deepEqual((calls[0]?.[1] as { filters: unknown } | undefined)?.filters, {
      dangling: ['false'],
      reference: ['nginx:1.27'],
    });
  });
});

describe('errors and exit codes', () => {
  const cases: Array<{ name: string; argv: string[]; code: number; stdout: string; stderr: string }> = [
    {
      name: 'inspect of a missing object: [] and docker message, exit 1',
      argv: ['inspect', 'nope'],
      code: 1,
      stdout: '[]\n',
      stderr: 'Error: No such object: nope\n',
    },
    {
      name: 'container inspect: found ones printed, the missing one reported',
      argv: ['container', 'inspect', '--format', '{{.Name}} {{.State.Pid}}', 'web', 'nope'],
      code: 1,
      stdout: '/web 42\n',
      stderr: 'Error response from daemon: No such container: nope\n',
    },
    {
      name: 'unknown flag: exit 125',
      argv: ['ps', '--foo'],
      code: 125,
      stdout: '',
      stderr:
        "unknown flag: --foo\n\nUsage:  gantry ps [OPTIONS]\n\nRun 'gantry ps --help' for more information\n",
    },
    {
      name: 'unknown global flag',
      argv: ['--nope', 'ps'],
      code: 125,
      stdout: '',
      stderr:
        "unknown flag: --nope\n\nUsage:  gantry [OPTIONS] COMMAND\n\nRun 'gantry --help' for more information\n",
    },
    {
      name: 'missing argument: exit 1',
      argv: ['container', 'inspect'],
      code: 1,
      stdout: '',
      stderr:
        "gantry: 'gantry container inspect' requires at least 1 argument\n\nUsage:  gantry container inspect [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'gantry container inspect --help' for more information\n",
    },
    {
      name: 'unknown command in a group',
      argv: ['container', 'frobnicate'],
      code: 1,
      stdout: '',
      stderr:
        "gantry: unknown command: gantry container frobnicate\n\nUsage:  gantry container\n\nRun 'gantry container --help' for more information\n",
    },
    {
      name: 'bad template: docker message, no request',
      argv: ['ps', '--format', '{{.Foo}}'],
      code: 1,
      stdout: '',
      stderr:
        'failed to execute template: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext\n',
    },
    {
      name: 'unknown inspect type',
      argv: ['inspect', '--type', 'foo', 'x'],
      code: 1,
      stdout: '',
      stderr:
        'unknown type: "foo": must be one of "config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"\n',
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const { client } = fakeClient();
      const result = await runFake(testCase.argv, { client });
      assert.equal(result.stderr, testCase.stderr);
      assert.equal(result.stdout, testCase.stdout);
      assert.equal(result.code, testCase.code);
    });
  }

  it('a bare group prints its help on stderr and succeeds, as docker does', async () => {
    const result = await runFake(['container']);
    assert.equal(result.code, 0);
    assert.match(
      result.stderr,
      /^Usage: {2}gantry container COMMAND\n\nManage containers\n\nCommands:\n {2}attach {6}Attach local/,
    );
  });

  it('-q with --format warns and prints ids', async () => {
    const { client } = fakeClient();
    const result = await runFake(['ps', '-q', '--format', '{{.Names}}'], { client });
    assert.equal(
      result.stderr,
      'WARNING: Ignoring custom format, because both --format and --quiet are set.\n',
    );
    assert.equal(result.stdout, '3f4e5d6c7b8a\nb1b2b3b4b5b6\n');
  });

  it('the global flags reach connect(): -H and --config', async () => {
    const { client } = fakeClient();
    const result = await runFake(['-H', 'tcp://10.0.0.5:2375', '--config', '/cfg', 'ps'], {
      client,
      env: { HOME: '/h' },
    });
    assert.equal(result.code, 0);
    assert.equal(result.connects[0]?.host, 'tcp://10.0.0.5:2375');
    assert.deepEqual(result.connects[0]?.env, { HOME: '/h', DOCKER_CONFIG: '/cfg' });
  });

  it('commands that never talk to the engine do not create a client', async () => {
    const result = await runFake(['ps', '--help']);
    assert.equal(result.connects.length, 0);
  });
});
