/**
 * images.build against the real engine (classic builder): contexts from directories with
 * `.dockerignore` (cross-checked with the docker CLI), build options as the daemon reads them,
 * failures, aborts, remote contexts and registry credentials for exactly the images a build pulls.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type BuildOptions,
  type BuildSource,
  buildContext,
  type CredentialSource,
  EngineBuildError,
  EngineStreamError,
  type RegistryAuth,
  registryKey,
} from '../../src/index.ts';
import {
  collect,
  ENGINE,
  registry,
  skipOnPodman,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_LABELS,
  testClient,
  uniqueName,
} from '../support.ts';

/** References this file tagged; removed in `after` (teardown also removes `gantry-test-tmp/*` and the label below). */
const createdImages = new Set<string>();
after(async () => {
  for (const ref of [...createdImages].reverse()) await docker.images.remove(ref).catch(() => {});
});
const docker = testClient();

/** Built images carry this label: teardown removes them even when a test failed before cleaning up. */
const BUILT_LABELS = { ...TEST_LABELS, [`${TEST_LABEL}.created`]: '1' };

const work = mkdtempSync(join(tmpdir(), 'gantry-build-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A fresh directory holding `files` (a name ending in `/` is an empty directory). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(work, 'ctx-'));
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith('/')) mkdirSync(join(root, name), { recursive: true });
    else {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), content);
    }
  }
  return root;
}

function tmpTag(what: string): string {
  const ref = `gantry-test-tmp/${uniqueName(what)}:1`;
  createdImages.add(ref);
  return ref;
}

/** Runs a build to its end: the result and the whole log. */
async function build(source: BuildSource, options: BuildOptions = {}) {
  const run = docker.images.build(source, { labels: BUILT_LABELS, ...options });
  const messages = await collect(run.messages());
  const result = await run.wait();
  return { ...result, log: messages.map((m) => m.stream ?? '').join('') };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

/** The lines a `RUN` printed between `BEGIN` and `END` markers. */
function between(log: string, marker: string): string[] {
  const match = new RegExp(`^${marker}-BEGIN$\\n([\\s\\S]*?)^${marker}-END$`, 'm').exec(log);
  assert.ok(match, `no ${marker} block in the log:\n${log}`);
  return (match[1] as string).split('\n').filter(Boolean);
}

/** A Dockerfile that copies the context and prints what arrived (directories with a trailing `/`). */
const LISTING_DOCKERFILE = [
  `FROM ${TEST_IMAGE}`,
  'COPY . /ctx',
  'RUN cd /ctx && echo LIST-BEGIN && { find . -mindepth 1 -type d | sed "s|$|/|"; find . -mindepth 1 ! -type d; } | sed "s|^\\./||" | sort && echo LIST-END',
].join('\n');

const hasDockerCli = spawnSync('docker', ['--version']).status === 0;

describe('contexts from directories', () => {
  test('.dockerignore: the daemon receives what `docker build` (classic) sends', {
    skip: skipOnPodman('the cross-check drives the docker CLI') || (!hasDockerCli && 'no docker CLI on PATH'),
  }, async () => {
    const root = tree({
      Dockerfile: LISTING_DOCKERFILE,
      '.dockerignore': [
        '# build output and docs',
        '*.md',
        '!README.md',
        'node_modules',
        'build/',
        '!build/keep.txt',
        '**/*.tmp',
        '/secret',
        'docs/**',
        'a[!b]c',
        'v\\d',
        '*/temp*',
        '  # not a comment',
        'Dockerfile',
        '.dockerignore',
      ].join('\n'),
      'README.md': 'r',
      'CHANGES.md': 'c',
      'src/a.ts': 'a',
      'src/b.tmp': 't',
      'src/deep/c.tmp': 't',
      'src/deep/d.ts': 'd',
      'node_modules/x/index.js': 'x',
      'build/out.o': 'o',
      'build/keep.txt': 'k',
      'secret/key': 's',
      'docs/guide.md': 'g',
      'docs/sub/x.txt': 'x',
      'a!c': '1',
      abc: '2',
      axc: '3',
      v1: '4',
      vd: '5',
      'sub/temporary.txt': 't',
      'sub/other.txt': 'o',
      'temp.txt': 't',
      'empty/': '',
      'ünï 😀.txt': 'u',
      '  # not a comment': 'n',
    });
    symlinkSync('src/a.ts', join(root, 'link'));

    const ours = await build({ directory: root }, { nocache: true, t: tmpTag('ignore-sdk') });
    const sdkListing = between(ours.log, 'LIST');

    const cliTag = tmpTag('ignore-cli');
    const labels = Object.entries(BUILT_LABELS).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    const cli = execFileSync('docker', ['build', '--no-cache', ...labels, '-t', cliTag, root], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.deepEqual(sdkListing, between(cli, 'LIST'));

    // And what the walker put in the tar: the same files, plus the Dockerfile and .dockerignore
    // (the daemon drops them when they are excluded) — without the directories the walker only
    // passed through (build/, docs/sub/ ...), which COPY creates as parents.
    const tar = Buffer.concat(await collect(buildContext(root)));
    const sent = execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8' }).split('\n').filter(Boolean);
    const files = (names: string[]) => names.filter((n) => !n.endsWith('/')).sort();
    assert.deepEqual(files(sent), files([...sdkListing, 'Dockerfile', '.dockerignore']));
    assert.ok(sdkListing.includes('README.md') && !sdkListing.includes('CHANGES.md'));
    assert.ok(sdkListing.includes('build/keep.txt') && !sdkListing.includes('build/out.o'));
  });

  test('gzip, a Dockerfile in a subdirectory, build args, labels, target and several tags', async () => {
    const root = tree({
      'docker/Dockerfile.ci': [
        `FROM ${TEST_IMAGE} AS base`,
        'ARG GREETING=hello',
        'COPY payload.txt /payload.txt',
        'RUN echo "greeting=$GREETING payload=$(cat /payload.txt)"',
        'FROM base AS final',
        'RUN touch /final-stage',
      ].join('\n'),
      'payload.txt': 'from-the-context',
    });
    const [first, second] = [tmpTag('multi-a'), tmpTag('multi-b')];
    const result = await build(
      { directory: root, gzip: true },
      {
        dockerfile: 'docker/Dockerfile.ci',
        target: 'base',
        buildargs: { GREETING: 'bonjour "tout le monde"', UNUSED: 'x' },
        labels: { ...BUILT_LABELS, 'io.gantry.build': 'yes', 'io.gantry.spaces': 'a b=c' },
        t: [first, second],
        nocache: true,
      },
    );
    assert.match(result.imageId, /^sha256:[0-9a-f]{64}$/);
    assert.match(result.log, /^greeting=bonjour "tout le monde" payload=from-the-context$/m);
    // Docker warns about a build arg no ARG takes; Podman says nothing.
    if (ENGINE === 'docker') assert.match(result.log, /One or more build-args \[UNUSED\] were not consumed/);
    assert.doesNotMatch(result.log, /final-stage/, 'the target stage ends the build');
    const [a, b] = await Promise.all([docker.images.inspect(first), docker.images.inspect(second)]);
    assert.equal(a.Id, result.imageId);
    assert.equal(b.Id, result.imageId);
    assert.equal(a.Config?.Labels?.['io.gantry.build'], 'yes');
    assert.equal(a.Config?.Labels?.['io.gantry.spaces'], 'a b=c');
  });

  test('networkmode and extrahosts apply to RUN steps', {
    skip: skipOnPodman("Podman 4.3's compat /build ignores networkmode: RUN sees the host's interfaces"),
  }, async () => {
    const root = tree({
      Dockerfile: `FROM ${TEST_IMAGE}\nRUN echo NET-BEGIN && ls /sys/class/net && echo NET-END && grep gantry /etc/hosts\n`,
    });
    const isolated = await build(
      { directory: root },
      { networkmode: 'none', extrahosts: ['gantry.example:10.9.8.7'], nocache: true, t: tmpTag('net') },
    );
    assert.deepEqual(between(isolated.log, 'NET'), ['lo']);
    assert.match(isolated.log, /^10\.9\.8\.7\s+gantry\.example$/m);
    const bridged = await build(
      { directory: root },
      { extrahosts: 'gantry.example:10.9.8.7', nocache: true, t: tmpTag('net') },
    );
    assert.ok(between(bridged.log, 'NET').includes('eth0'), bridged.log);
  });

  test('cachefrom: only the images it names serve as cache', {
    skip: skipOnPodman('Podman serves RUN steps from its local cache whatever cachefrom names'),
  }, async () => {
    // A base of its own: other tests keep adding and removing children of TEST_IMAGE, and the
    // daemon's cache lookup fails on a child removed while it looks.
    const base = tmpTag('cache-base');
    await build(
      { directory: tree({ Dockerfile: `FROM ${TEST_IMAGE}\nLABEL base=${base}\n` }) },
      { t: base, nocache: true },
    );
    const root = tree({ Dockerfile: `FROM ${base}\nRUN cat /proc/sys/kernel/random/uuid > /id\n` });
    const seed = tmpTag('cache-seed');
    const first = await build({ directory: root }, { t: seed });
    const cached = await build({ directory: root }, { cachefrom: [seed], t: tmpTag('cache-hit') });
    assert.match(cached.log, /Using cache/);
    assert.equal(cached.imageId, first.imageId);
    // The local cache holds the step too, but an unrelated cache source shuts it out.
    const uncached = await build({ directory: root }, { cachefrom: [base], t: tmpTag('cache-miss') });
    assert.doesNotMatch(uncached.log, /Using cache/);
    assert.notEqual(uncached.imageId, first.imageId);
  });

  test('platform is passed to the daemon', async () => {
    const root = tree({ Dockerfile: `FROM ${TEST_IMAGE}\nLABEL step=1\n` });
    const ok = await build({ directory: root }, { platform: 'linux/amd64', t: tmpTag('platform') });
    assert.equal((await docker.images.inspect(ok.imageId)).Os, 'linux');
    const err = await rejectionOf(
      docker.images.build({ directory: root }, { platform: 'not a platform', labels: BUILT_LABELS }).wait(),
    );
    assert.equal((err as { code?: string }).code, 'API_BAD_REQUEST', String(err));
  });

  test('a bad directory or a missing Dockerfile rejects before anything is sent', async () => {
    await assert.rejects(docker.images.build({ directory: join(work, 'missing') }).wait(), {
      code: 'INVALID_ARGUMENT',
      message: /is not a directory/,
    });
    const root = tree({ 'app.txt': 'a' });
    await assert.rejects(docker.images.build({ directory: root }).wait(), {
      code: 'INVALID_ARGUMENT',
      message: /no Dockerfile at/,
    });
  });
});

describe('failures and aborts', () => {
  test('a failing RUN: wait() alone rejects with the daemon message and the log before it', async () => {
    const root = tree({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN echo before-failure && exit 3\n` });
    const err = await rejectionOf(
      docker.images.build({ directory: root }, { forcerm: true, nocache: true, labels: BUILT_LABELS }).wait(),
    );
    assert.ok(err instanceof EngineBuildError, String(err));
    assert.ok(err instanceof EngineStreamError);
    assert.equal(err.code, 'STREAM_ERROR');
    // Docker: "The command '/bin/sh -c …' returned a non-zero code: 3"; Podman: "… exit status 3".
    assert.match(err.message, ENGINE === 'docker' ? /returned a non-zero code: 3/ : /exit status 3/);
    assert.match(err.log, /^Step 2\/\d+ ?: RUN echo before-failure && exit 3$/im);
    assert.match(err.log, /^before-failure$/m);
  });

  test('aborting mid-build rejects with ABORTED and the daemon stops the step', async () => {
    const marker = uniqueName('abort');
    const root = tree({ Dockerfile: `FROM ${TEST_IMAGE}\nRUN echo started-${marker} && sleep 60\n` });
    const controller = new AbortController();
    const run = docker.images.build(
      { directory: root },
      { signal: controller.signal, nocache: true, forcerm: true, labels: BUILT_LABELS },
    );
    const stepContainers = async () =>
      (await docker.containers.list({ all: true }))
        .filter((c) => c.Command?.includes(marker))
        .map((c) => `${c.Id?.slice(0, 12)} ${c.State}`);
    const started = Date.now();
    let running: string[] = [];
    const err = await rejectionOf(
      (async () => {
        for await (const m of run.messages()) {
          // The command's own output, not the `Step 2/3 : RUN echo started-…` line before it.
          if (!m.stream?.split('\n').includes(`started-${marker}`)) continue;
          running = await stepContainers();
          controller.abort();
        }
      })(),
    );
    assert.equal((err as { code?: string }).code, 'ABORTED', String(err));
    await assert.rejects(run.wait(), { code: 'ABORTED' });
    // Podman's build containers are Buildah's: the compat API does not list them.
    if (ENGINE === 'podman') return;
    assert.equal(running.length, 1, 'the RUN step had its container when the build was aborted');
    // The daemon cancels the build when the connection closes: the step's container goes away.
    let left: string[] = [];
    for (let i = 0; i < 40; i++) {
      left = await stepContainers();
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.deepEqual(left, []);
    assert.ok(Date.now() - started < 30_000, 'the abort did not wait for the 60 s step');
  });
});

describe('remote contexts', {
  skip: skipOnPodman('Podman 4.3 does not fetch a remote URL context (it looks for a local path)'),
}, () => {
  let server: Server;
  let base = '';
  const requests: string[] = [];
  const routes = new Map<string, { type: string; body: () => Promise<Buffer> }>();

  // The daemon runs on this host: it reaches a server on 127.0.0.1.
  before(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const route = routes.get(req.url ?? '');
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      route.body().then((body) => res.writeHead(200, { 'Content-Type': route.type }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  test('a gzipped tar context by URL, with its Dockerfile in a subdirectory', async () => {
    const root = tree({
      'ci/Dockerfile': `FROM ${TEST_IMAGE}\nCOPY hello.txt /hello.txt\nRUN echo "remote says $(cat /hello.txt)"\n`,
      'hello.txt': 'hi-from-http',
    });
    routes.set('/context.tar.gz', {
      type: 'application/gzip',
      body: async () =>
        Buffer.concat(await collect(buildContext(root, { dockerfile: 'ci/Dockerfile', gzip: true }))),
    });
    const result = await build(
      { remote: `${base}/context.tar.gz` },
      { dockerfile: 'ci/Dockerfile', nocache: true, t: tmpTag('remote-tar') },
    );
    assert.ok(requests.includes('/context.tar.gz'));
    assert.match(result.log, /^remote says hi-from-http$/m);
  });

  test('a plain-text Dockerfile by URL', async () => {
    routes.set('/Dockerfile', {
      type: 'text/plain',
      body: async () => Buffer.from(`FROM ${TEST_IMAGE}\nRUN echo dockerfile-by-url\n`),
    });
    const result = await build({ remote: `${base}/Dockerfile` }, { nocache: true, t: tmpTag('remote-text') });
    assert.match(result.log, /^dockerfile-by-url$/m);
  });
});

describe('registry credentials for the images a build pulls', () => {
  test('X-Registry-Config holds the configured credentials of exactly the Dockerfile registries', async () => {
    const auth: RegistryAuth = {
      username: registry.user,
      password: registry.password,
      serveraddress: registry.host,
    };
    const repo = `${registry.host}/gantry-test/${uniqueName('build-base')}`;
    await docker.images.tag(TEST_IMAGE, { repo, tag: '1' });
    await docker.images.push(`${repo}:1`, { auth }).wait();

    const asked: string[] = [];
    const source: CredentialSource = {
      async get(key) {
        asked.push(key);
        return key === registryKey(registry.host) ? auth : undefined;
      },
      forget() {},
    };
    const withStore = testClient({ credentials: source });
    const dockerfile = `FROM ${repo}:1 AS base\nFROM ${TEST_IMAGE}\nCOPY --from=base /bin/busybox /from-private\n`;

    for (const [what, context] of [
      ['a directory', { directory: tree({ Dockerfile: dockerfile }) }],
      ['tar bytes', execFileSync('tar', ['-c', '-C', tree({ Dockerfile: dockerfile }), '.'])],
    ] as const) {
      await docker.images.remove(`${repo}:1`).catch(() => {});
      asked.length = 0;
      const target = tmpTag('from-private');
      const { imageId } = await withStore.images.build(context, { t: target, labels: BUILT_LABELS }).wait();
      assert.equal((await docker.images.inspect(target)).Id, imageId, what);
      assert.deepEqual(asked.sort(), [registryKey('docker.io'), registry.host].sort(), what);
      createdImages.add(`${repo}:1`); // the build pulled it
    }

    // Without credentials the same build is refused by the registry.
    await docker.images.remove(`${repo}:1`);
    const anonymous = testClient({ credentials: false });
    const denied = await rejectionOf(
      anonymous.images
        .build({ directory: tree({ Dockerfile: dockerfile }) }, { labels: BUILT_LABELS })
        .wait(),
    );
    assert.ok(denied instanceof EngineStreamError, String(denied));
    assert.match(denied.message, /no basic auth credentials|unauthorized/);
  });
});
