/**
 * The image commands on fake IO: `login` / `logout` writing config.json byte for byte as docker 28
 * does (test/golden/docker-config: a config docker rewrote), docker's messages for bad arguments,
 * `history` and `rmi` output. The engine client is the one fake; integration/image-commands.test.ts
 * runs the same commands against the real engine and registry.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EngineApiError, type ImageHistoryResponseItem } from '@gantry/engine';
import { FIXED_NOW, runFake } from '../support.ts';

process.env.TZ = 'UTC';
const NOW_S = FIXED_NOW / 1000;
const CONFIG_GOLDEN = join(import.meta.dirname, '..', 'golden', 'docker-config');

const scratch = mkdtempSync(join(tmpdir(), 'gantry-image-commands-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const configDir = () => {
  const dir = join(scratch, `config-${dirs++}`);
  return dir;
};
const configText = (dir: string) => readFileSync(join(dir, 'config.json'), 'utf8');

/** A fake engine whose `/auth` accepts `tester` / `pw123` and records what it was sent. */
function authClient(calls: unknown[]) {
  return {
    system: {
      auth: async (body: Record<string, unknown>) => {
        const { signal: _signal, ...sent } = body;
        calls.push(sent);
        if (sent.username === 'tester' && sent.password === 'pw123') return { Status: 'Login Succeeded' };
        throw new EngineApiError(
          500,
          'login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized',
          { method: 'POST', path: '/auth', operation: 'SystemAuth' },
        );
      },
    },
  };
}

describe('login / logout write config.json as docker does', () => {
  it('login -u -p: base64 auth in auths, docker warnings, file mode 0600', async () => {
    const dir = configDir();
    const calls: unknown[] = [];
    const result = await runFake(['login', '-u', 'tester', '-p', 'pw123', 'http://127.0.0.1:5000/v2/'], {
      env: { DOCKER_CONFIG: dir },
      client: authClient(calls),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Login Succeeded\n');
    assert.equal(
      result.stderr,
      'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n' +
        `\nWARNING! Your credentials are stored unencrypted in '${join(dir, 'config.json')}'.\n` +
        'Configure a credential helper to remove this warning. See\n' +
        'https://docs.docker.com/go/credential-store/\n\n',
    );
    // What `docker login -u tester -p pw123 http://127.0.0.1:5000/v2/` writes: keyed by host name.
    assert.equal(
      configText(dir),
      '{\n\t"auths": {\n\t\t"127.0.0.1:5000": {\n\t\t\t"auth": "dGVzdGVyOnB3MTIz"\n\t\t}\n\t}\n}',
    );
    assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600);
    assert.deepEqual(calls, [{ username: 'tester', password: 'pw123', serveraddress: '127.0.0.1:5000' }]);
  });

  it('login with the stored credentials when none are given, as docker 28', async () => {
    const dir = configDir();
    const calls: unknown[] = [];
    await runFake(['login', '-u', 'tester', '-p', 'pw123', '127.0.0.1:5000'], {
      env: { DOCKER_CONFIG: dir },
      client: authClient([]),
    });
    const result = await runFake(['login', '127.0.0.1:5000'], {
      env: { DOCKER_CONFIG: dir },
      client: authClient(calls),
    });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'Login Succeeded\n');
    assert.equal(
      result.stderr,
      'Authenticating with existing credentials... [Username: tester]\n\n' +
        " Info -> To login with a different account, run 'docker logout' followed by 'docker login'\n\n\n",
    );
    assert.equal(
      (calls[0] as { password?: string }).password,
      'pw123',
      'the stored password went to the engine',
    );
  });

  it('refused credentials: the daemon error, exit 1, nothing stored', async () => {
    const dir = configDir();
    const result = await runFake(['login', '-u', 'tester', '-p', 'wrong', '127.0.0.1:5000'], {
      env: { DOCKER_CONFIG: dir },
      client: authClient([]),
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\nError response from daemon: login attempt to .* 401 Unauthorized\n$/);
    assert.throws(() => statSync(join(dir, 'config.json')), /ENOENT/);
  });

  const usage: Array<[string, string[], string]> = [
    [
      '-p with --password-stdin',
      ['login', '-u', 'x', '-p', 'y', '--password-stdin', 'r.io'],
      'conflicting options: cannot specify both --password and --password-stdin\n',
    ],
    [
      '--password-stdin without -u',
      ['login', '--password-stdin', 'r.io'],
      'the --password-stdin option requires --username to be set\n',
    ],
    [
      'no terminal to ask',
      ['login', 'r.io'],
      'Error: Cannot perform an interactive login from a non TTY device\n',
    ],
  ];
  for (const [name, argv, stderr] of usage) {
    it(`login: ${name}`, async () => {
      const result = await runFake(argv, { env: { DOCKER_CONFIG: configDir() }, client: authClient([]) });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, stderr);
    });
  }

  it('logout rewrites the file as docker 28 did for the same file: field order, sorted maps, unknown fields dropped', async () => {
    const dir = configDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), readFileSync(join(CONFIG_GOLDEN, 'input.txt')));
    chmodSync(join(dir, 'config.json'), 0o644);
    const result = await runFake(['logout', 'c.io'], { env: { DOCKER_CONFIG: dir } });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'Removing login credentials for c.io\n');
    assert.equal(configText(dir), readFileSync(join(CONFIG_GOLDEN, 'docker-after-logout-c.io.txt'), 'utf8'));
    assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o644, 'the mode of the old file is kept');
  });

  it('logout of a registry without credentials leaves the file alone', async () => {
    const dir = configDir();
    const result = await runFake(['logout'], { env: { DOCKER_CONFIG: dir } });
    assert.equal(result.stdout, 'Removing login credentials for https://index.docker.io/v1/\n');
    assert.throws(() => statSync(join(dir, 'config.json')), /ENOENT/);
  });

  it('with credsStore: the helper stores the secret, the file keeps an empty entry; logout erases every spelling', async () => {
    const dir = configDir();
    const bin = join(scratch, 'bin');
    const store = join(scratch, 'helper-store');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin, { recursive: true });
    mkdirSync(dir);
    // A credential helper that records each call: `<action> <stdin>` per line.
    writeFileSync(
      join(bin, 'docker-credential-gantrytest'),
      `#!/bin/sh\nprintf '%s %s\\n' "$1" "$(cat)" >> ${store}\n`,
      { mode: 0o755 },
    );
    writeFileSync(join(dir, 'config.json'), '{"credsStore": "gantrytest", "psFormat": "x", "zzz": 1}');
    const env = { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` };
    const login = await runFake(['login', '-u', 'tester', '-p', 'pw123', '127.0.0.1:5000'], {
      env,
      client: authClient([]),
    });
    assert.equal(login.code, 0, login.stderr);
    assert.doesNotMatch(login.stderr, /unencrypted/);
    // docker 28 wrote exactly this for the same file and login.
    assert.equal(
      configText(dir),
      '{\n\t"auths": {\n\t\t"127.0.0.1:5000": {}\n\t},\n\t"psFormat": "x",\n\t"credsStore": "gantrytest"\n}',
    );
    const logout = await runFake(['logout', '127.0.0.1:5000'], { env });
    assert.equal(logout.code, 0);
    assert.equal(
      readFileSync(store, 'utf8'),
      'store {"ServerURL":"127.0.0.1:5000","Username":"tester","Secret":"pw123"}\n' +
        'erase 127.0.0.1:5000\nerase 127.0.0.1:5000\nerase http://127.0.0.1:5000\nerase https://127.0.0.1:5000\n',
    );
    assert.equal(configText(dir), '{\n\t"auths": {},\n\t"psFormat": "x",\n\t"credsStore": "gantrytest"\n}');
  });

  it('--config names the directory, as for docker', async () => {
    const dir = configDir();
    const result = await runFake(['--config', dir, 'login', '-u', 'tester', '-p', 'pw123', 'r.io'], {
      env: {},
      client: authClient([]),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(configText(dir), /"r\.io": \{\n\t\t\t"auth": "dGVzdGVyOnB3MTIz"/);
  });
});

describe('docker messages for bad references', () => {
  const cases: Array<[string[], string]> = [
    [['pull', 'BAD'], 'invalid reference format: repository name (library/BAD) must be lowercase\n'],
    [['pull', 'a:b:c'], 'invalid reference format\n'],
    [['pull', '-a', 'alpine:3'], "tag can't be used with --all-tags/-a\n"],
    [['push', `foo@sha256:${'a'.repeat(64)}`], 'cannot push a digest reference\n'],
    [['push', '-a', 'team/app:1'], "tag can't be used with --all-tags/-a\n"],
    [
      ['tag', 'busybox', 'BAD:1'],
      'Error parsing reference: "BAD:1" is not a valid repository/tag: invalid reference format: repository name (library/BAD) must be lowercase\n',
    ],
    [['tag', 'busybox', `a@sha256:${'a'.repeat(64)}`], 'refusing to create a tag with a digest reference\n'],
    [['import', '-', 'BAD'], 'invalid reference format: repository name (library/BAD) must be lowercase\n'],
  ];
  for (const [argv, stderr] of cases) {
    it(argv.join(' '), async () => {
      const result = await runFake(argv);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, stderr);
      assert.equal(result.connects.length, 0, 'refused before reaching the engine');
    });
  }
});

describe('history', () => {
  const layers: ImageHistoryResponseItem[] = [
    {
      Id: `sha256:${'3be9453dfc0e'.padEnd(64, '1')}`,
      Created: NOW_S - 5,
      CreatedBy: '|1 GREETING=hi /bin/sh -c echo "$GREETING" > /greeting',
      Tags: ['gantry-test-tmp/app:1'],
      Size: 3,
      Comment: '',
    },
    {
      Id: '<missing>',
      Created: NOW_S - 3600,
      CreatedBy: '/bin/sh -c #(nop)\tCMD ["/bin/sh"]',
      Tags: [],
      Size: 1_990_000,
      Comment: 'imported',
    },
  ];
  const client = { images: { history: async () => layers } };

  it('the default table', async () => {
    const result = await runFake(['history', 'app'], { client });
    assert.equal(
      result.stdout,
      'IMAGE          CREATED             CREATED BY                                      SIZE      COMMENT\n' +
        '3be9453dfc0e   5 seconds ago       |1 GREETING=hi /bin/sh -c echo "$GREETING" >…   3B        \n' +
        '<missing>      About an hour ago   /bin/sh -c #(nop) CMD ["/bin/sh"]               1.99MB    imported\n',
    );
  });

  it('-H=false --no-trunc: RFC 3339 dates and byte counts', async () => {
    const result = await runFake(
      ['history', '-H=false', '--no-trunc', '--format', '{{.ID}} {{.CreatedSince}} {{.Size}}', 'app'],
      {
        client,
      },
    );
    assert.equal(
      result.stdout,
      `sha256:${'3be9453dfc0e'.padEnd(64, '1')} 2026-01-02T03:04:00Z 3\n<missing> 2026-01-02T02:04:05Z 1990000\n`,
    );
  });

  it('-q and --format json', async () => {
    assert.equal((await runFake(['history', '-q', 'app'], { client })).stdout, '3be9453dfc0e\n<missing>\n');
    const json = (await runFake(['history', '--format', 'json', 'app'], { client })).stdout.split('\n')[1];
    assert.equal(
      json,
      '{"Comment":"imported","CreatedAt":"2026-01-02T02:04:05Z","CreatedBy":"/bin/sh -c #(nop) CMD [\\"/bin/sh\\"]","CreatedSince":"About an hour ago","ID":"\\u003cmissing\\u003e","Size":"1.99MB"}',
    );
  });
});

describe('rmi', () => {
  const client = {
    images: {
      remove: async (name: string) => {
        if (name === 'gone') {
          throw new EngineApiError(404, 'No such image: gone', {
            method: 'DELETE',
            path: '/images/gone',
            operation: 'ImageDelete',
          });
        }
        return [{ Untagged: `${name}:1` }, { Deleted: `sha256:${'d'.repeat(64)}` }];
      },
    },
  };

  it("docker's Untagged / Deleted lines, errors at the end, exit 1", async () => {
    const result = await runFake(['rmi', 'a', 'gone', 'b'], { client });
    assert.equal(
      result.stdout,
      `Untagged: a:1\nDeleted: sha256:${'d'.repeat(64)}\nUntagged: b:1\nDeleted: sha256:${'d'.repeat(64)}\n`,
    );
    assert.equal(result.stderr, 'Error response from daemon: No such image: gone\n');
    assert.equal(result.code, 1);
  });

  it('-f: a missing image is reported but is no failure (docker exits 0)', async () => {
    const result = await runFake(['rmi', '-f', 'gone'], { client });
    assert.equal(result.stderr, 'Error response from daemon: No such image: gone\n');
    assert.equal(result.code, 0);
  });
});
