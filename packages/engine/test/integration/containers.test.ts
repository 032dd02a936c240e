import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type DockerClient, EngineApiError, EngineError, type LogFrame } from '../../src/index.ts';
import { cpuPercent, memoryPercent, memoryUsage, networkIo } from '../../src/stats.ts';
import { collect, skipOnPodman, TEST_IMAGE, TEST_LABELS, testClient, uniqueName } from '../support.ts';

/** A label only this file's objects carry: list and prune filter on it. */
const SUITE_LABEL = `io.gantry.test.containers=${uniqueName('suite')}`;
const [suiteKey, suiteValue] = SUITE_LABEL.split('=') as [string, string];
const LABELS = { ...TEST_LABELS, [suiteKey]: suiteValue };
const created: string[] = [];

// Registered before testClient() so it runs before the client is closed.
after(async () => {
  for (const id of created) await docker.containers.remove(id, { force: true, v: true }).catch(() => {});
});
const docker = testClient();

/** Creates a labelled container from the test image (removed after the file). */
async function createContainer(
  options: Partial<Parameters<DockerClient['containers']['create']>[0]> = {},
): Promise<string> {
  const { Id } = await docker.containers.create({
    Image: TEST_IMAGE,
    Cmd: ['sleep', '300'],
    ...options,
    Labels: { ...LABELS, ...options.Labels },
  });
  created.push(Id);
  return Id;
}

/** Creates and starts a container; with a command, waits for it to exit. */
async function runToExit(
  cmd: string[],
  options: Parameters<typeof createContainer>[0] = {},
): Promise<string> {
  const id = await createContainer({ Cmd: cmd, ...options });
  await docker.containers.start(id);
  await docker.containers.wait(id);
  return id;
}

function text(frames: LogFrame[], stream?: LogFrame['stream']): string {
  return frames
    .filter((frame) => stream === undefined || frame.stream === stream)
    .map((frame) => frame.data.toString('utf8'))
    .join('');
}

/**
 * A unix-socket proxy in front of the engine, so a test can see when the SDK closes a connection.
 * Each client connection is tagged with the request lines that went through it.
 */
interface Proxy {
  readonly host: string;
  /** Connections whose requests matched `pattern` and that are still open. */
  openMatching(pattern: RegExp): number;
  close(): Promise<void>;
}

async function startProxy(target = '/var/run/docker.sock'): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-proxy-'));
  const path = join(dir, 'engine.sock');
  const connections = new Map<Socket, string>();
  const server: Server = createServer((client) => {
    connections.set(client, '');
    const upstream = createConnection(process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') || target);
    client.on('data', (chunk: Buffer) => {
      connections.set(client, (connections.get(client) ?? '') + chunk.toString('latin1').slice(0, 4096));
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const drop = () => {
      connections.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    client.on('error', drop);
    upstream.on('close', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    host: `unix://${path}`,
    openMatching: (pattern) => [...connections.values()].filter((requests) => pattern.test(requests)).length,
    close: async () => {
      for (const socket of connections.keys()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

/** Reads a tar archive's entries (ustar + GNU long names + pax paths): name, type flag and data. */
function tarEntries(archive: Buffer): { name: string; type: string; data: Buffer; linkName: string }[] {
  const entries: { name: string; type: string; data: Buffer; linkName: string }[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const data = archive.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
      if (path) longName = path;
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    entries.push({ name, type, data, linkName: field(157, 100) });
  }
  return entries;
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('container lifecycle', () => {
  let id: string;
  const name = uniqueName('life');

  before(async () => {
    id = await createContainer({ name, Cmd: ['sleep', '300'] });
  });

  test('create + inspect: created state, name, labels, config', async () => {
    const info = await docker.containers.inspect(id);
    assert.equal(info.Id, id);
    assert.equal(info.Name, `/${name}`);
    assert.equal(info.State?.Status, 'created');
    assert.deepEqual(info.Config?.Cmd, ['sleep', '300']);
    assert.equal(info.Config?.Labels?.[suiteKey], suiteValue);
    const byName = await docker.containers.inspect(name, { size: true });
    assert.equal(byName.Id, id);
    assert.equal(typeof byName.SizeRootFs, 'number');
  });

  test('list: all + label filter finds it; without all a created container is not listed', async () => {
    const all = await docker.containers.list({ all: true, filters: { label: [SUITE_LABEL] } });
    assert.ok(all.some((c) => c.Id === id));
    assert.ok(all.every((c) => c.Labels?.[suiteKey] === suiteValue));
    const running = await docker.containers.list({ filters: { label: [SUITE_LABEL], id: [id] } });
    assert.equal(running.length, 0);
  });

  test('start → running; starting again is not an error', async () => {
    await docker.containers.start(id);
    assert.equal((await docker.containers.inspect(id)).State?.Running, true);
    await docker.containers.start(id);
    const running = await docker.containers.list({ filters: { label: [SUITE_LABEL], id: [id] } });
    assert.deepEqual(
      running.map((c) => c.State),
      ['running'],
    );
  });

  test('top lists the sleep process', {
    skip: skipOnPodman('top answers one title string and one string per process, not columns'),
  }, async () => {
    const top = await docker.containers.top(id);
    assert.ok(top.Titles?.includes('PID'));
    assert.ok(top.Processes?.some((row) => row.join(' ').includes('sleep 300')));
  });

  test('pause / unpause', async () => {
    await docker.containers.pause(id);
    const paused = await docker.containers.inspect(id);
    assert.equal(paused.State?.Paused, true);
    assert.equal(paused.State?.Status, 'paused');
    await docker.containers.unpause(id);
    assert.equal((await docker.containers.inspect(id)).State?.Status, 'running');
  });

  test('rename', async () => {
    const newName = uniqueName('renamed');
    await docker.containers.rename(id, { name: newName });
    assert.equal((await docker.containers.inspect(id)).Name, `/${newName}`);
    await docker.containers.rename(id, { name });
  });

  test('update memory limit on a running container', {
    skip: skipOnPodman('no POST /containers/{id}/update (404)'),
  }, async () => {
    const result = await docker.containers.update(id, { Memory: 64 * 2 ** 20, MemorySwap: -1 });
    assert.ok(Array.isArray(result.Warnings ?? []));
    const info = await docker.containers.inspect(id);
    assert.equal(info.HostConfig?.Memory, 64 * 2 ** 20);
  });

  test('kill with killSignal SIGKILL → exit 137 reported by wait', async () => {
    const waiting = docker.containers.wait(id, { condition: 'next-exit' });
    await docker.containers.kill(id, { killSignal: 'SIGKILL' });
    const { StatusCode } = await waiting;
    assert.equal(StatusCode, 137);
    assert.equal((await docker.containers.inspect(id)).State?.Status, 'exited');
  });

  test('kill of a stopped container is API_CONFLICT', {
    skip: skipOnPodman('killing a stopped container is a 500 (container state improper), not 409'),
  }, async () => {
    await assert.rejects(docker.containers.kill(id), (err: unknown) => {
      assert.ok(err instanceof EngineApiError);
      assert.equal(err.code, 'API_CONFLICT');
      return true;
    });
  });

  test('restart → running again, with a new StartedAt', async () => {
    const before = (await docker.containers.inspect(id)).State?.StartedAt;
    await docker.containers.restart(id, { t: 1 });
    const state = (await docker.containers.inspect(id)).State;
    assert.equal(state?.Running, true);
    assert.notEqual(state?.StartedAt, before);
  });

  test('stop (t: 1) → exited; stopping again is not an error', async () => {
    await docker.containers.stop(id, { t: 1 });
    const state = (await docker.containers.inspect(id)).State;
    assert.equal(state?.Running, false);
    assert.equal(state?.Status, 'exited');
    await docker.containers.stop(id, { t: 1 });
  });

  test('killSignal on stop needs API 1.42: refused before sending on older engines', async (t) => {
    const version = await docker.apiVersion();
    if (version !== '1.41') return t.skip(`engine speaks ${version}`);
    await assert.rejects(docker.containers.stop(id, { killSignal: 'SIGINT' }), {
      code: 'VERSION_UNSUPPORTED',
    });
  });

  test('remove → inspect is API_NOT_FOUND', async () => {
    await docker.containers.remove(id, { v: true });
    await assert.rejects(docker.containers.inspect(id), (err: unknown) => {
      assert.ok(err instanceof EngineApiError);
      assert.equal(err.code, 'API_NOT_FOUND');
      assert.equal(err.status, 404);
      assert.equal(err.operation, 'ContainerInspect');
      return true;
    });
  });
});

describe('wait, changes, prune, errors', () => {
  test('a non-zero exit is data: wait resolves StatusCode 3', async () => {
    const id = await createContainer({ Cmd: ['sh', '-c', 'exit 3'] });
    await docker.containers.start(id);
    const result = await docker.containers.wait(id);
    assert.equal(result.StatusCode, 3);
    assert.ok(!result.Error?.Message);
    assert.equal((await docker.containers.inspect(id)).State?.ExitCode, 3);
    // not-running on an exited container answers at once with the same status
    assert.equal((await docker.containers.wait(id, { condition: 'not-running' })).StatusCode, 3);
  });

  test('changes reports an added file', async () => {
    const id = await runToExit([
      'sh',
      '-c',
      'mkdir /tmp/gantry && echo x > /tmp/gantry/added && rm -f /etc/group',
    ]);
    const changes = await docker.containers.changes(id);
    assert.ok(
      changes.some((c) => c.Path === '/tmp/gantry/added' && c.Kind === 1),
      JSON.stringify(changes),
    );
    assert.ok(
      changes.some((c) => c.Path === '/etc/group' && c.Kind === 2),
      JSON.stringify(changes),
    );
    assert.ok(
      changes.some((c) => c.Path === '/tmp' && c.Kind === 0),
      JSON.stringify(changes),
    );
  });

  test('changes of an untouched container is an empty list (the daemon sends null)', async () => {
    const id = await createContainer();
    assert.deepEqual(await docker.containers.changes(id), []);
  });

  test('prune with a unique label removes only that stopped container', async () => {
    const pruneLabel = `io.gantry.test.prune=${uniqueName('prune')}`;
    const [key, value] = pruneLabel.split('=') as [string, string];
    const doomed = await createContainer({ Labels: { [key]: value } });
    const running = await createContainer({ Labels: { [key]: value } });
    await docker.containers.start(running);
    const result = await docker.containers.prune({ filters: { label: [pruneLabel] } });
    assert.deepEqual(result.ContainersDeleted, [doomed]);
    assert.equal(typeof result.SpaceReclaimed, 'number');
    await assert.rejects(docker.containers.inspect(doomed), { code: 'API_NOT_FOUND' });
    assert.equal((await docker.containers.inspect(running)).State?.Running, true);
    await docker.containers.remove(running, { force: true });
  });

  test('an unknown container is a typed API_NOT_FOUND everywhere', async () => {
    const missing = uniqueName('missing');
    for (const call of [
      () => docker.containers.inspect(missing),
      () => docker.containers.start(missing),
      () => docker.containers.wait(missing),
      () => collect(docker.containers.logs(missing)),
      () => docker.containers.attach(missing),
      () => docker.containers.archiveInfo(missing, { path: '/' }),
      () => docker.containers.stats(missing, { stream: false }),
    ]) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof EngineError);
        assert.equal(err.code, 'API_NOT_FOUND');
        return true;
      });
    }
  });

  test('create with a name in use is API_CONFLICT', {
    skip: skipOnPodman('a name in use is a 500, not 409'),
  }, async () => {
    const name = uniqueName('dup');
    await createContainer({ name });
    await assert.rejects(createContainer({ name }), { code: 'API_CONFLICT' });
  });

  test('attachWebsocket is refused on a unix socket, naming attach() instead', async (t) => {
    if (docker.endpoint.kind !== 'unix') return t.skip('engine is not on a unix socket');
    await assert.rejects(docker.containers.attachWebsocket('anything'), (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, /containers\.attach\(\)/);
      return true;
    });
    // a TLS endpoint is refused too, before anything is sent
    const tls = connect({ host: 'tcp://127.0.0.1:1', tls: { verify: false } });
    await assert.rejects(tls.containers.attachWebsocket('anything'), { code: 'INVALID_ARGUMENT' });
    await tls.close();
  });

  test('attachWebsocket over a plain tcp endpoint: output arrives, input reaches the process', {
    skip: skipOnPodman('no /containers/{id}/attach/ws (404)'),
  }, async () => {
    const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
    const server = createServer((client) => {
      const upstream = createConnection(socketPath);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      for (const socket of [client, upstream]) {
        socket.on('error', drop);
        socket.on('close', drop);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const tcp = connect({ host: `tcp://127.0.0.1:${port}` });
    try {
      const id = await createContainer({ Cmd: ['sh', '-c', 'echo ws-hello; cat'], OpenStdin: true });
      await docker.containers.start(id);
      await sleep(200);
      const ws = await tcp.containers.attachWebsocket(id, { logs: true, stream: true });
      ws.binaryType = 'arraybuffer';
      let received = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out; received ${JSON.stringify(received)}`)),
          10_000,
        );
        ws.onopen = () => ws.send('typed\n');
        ws.onerror = () => reject(new Error('websocket error'));
        ws.onmessage = (event) => {
          received +=
            typeof event.data === 'string'
              ? event.data
              : Buffer.from(event.data as ArrayBuffer).toString('utf8');
          if (received.includes('typed\n')) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      assert.equal(received, 'ws-hello\ntyped\n');
      ws.close();
    } finally {
      await tcp.close();
      server.close();
    }
  });
});

describe('logs', () => {
  test('non-TTY: stdout and stderr are separate frames', async () => {
    const id = await runToExit(['sh', '-c', 'echo out1; echo err1 >&2; echo out2; echo err2 >&2']);
    const frames = await collect(docker.containers.logs(id));
    assert.equal(text(frames, 'stdout'), 'out1\nout2\n');
    assert.equal(text(frames, 'stderr'), 'err1\nerr2\n');
    assert.ok(frames.every((f) => f.stream !== 'console'));
    const onlyErr = await collect(docker.containers.logs(id, { stderr: true }));
    assert.equal(text(onlyErr), 'err1\nerr2\n');
    assert.ok(onlyErr.every((f) => f.stream === 'stderr'));
  });

  test('TTY: one console stream', async () => {
    const id = await runToExit(['sh', '-c', 'echo hello; echo oops >&2'], { Tty: true });
    const frames = await collect(docker.containers.logs(id));
    assert.ok(frames.length > 0);
    assert.ok(frames.every((f) => f.stream === 'console'));
    assert.equal(text(frames), 'hello\r\noops\r\n');
  });

  test('tail keeps the last lines', async () => {
    const id = await runToExit(['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done']);
    assert.equal(text(await collect(docker.containers.logs(id, { tail: 2 }))), 'line4\nline5\n');
    assert.equal(text(await collect(docker.containers.logs(id, { tail: 'all' }))).split('\n').length, 6);
    assert.equal(text(await collect(docker.containers.logs(id, { tail: 0 }))), '');
  });

  test('timestamps prefix each line with an RFC 3339 nano timestamp; since/until select by time', {
    skip: skipOnPodman('log timestamps are whole seconds, no fraction'),
  }, async () => {
    const id = await runToExit(['sh', '-c', 'echo first; sleep 1; echo second; sleep 1; echo third']);
    const lines = text(await collect(docker.containers.logs(id, { timestamps: true })))
      .trimEnd()
      .split('\n');
    assert.equal(lines.length, 3);
    const stamps = lines.map((line) => {
      const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) (\w+)$/.exec(line);
      assert.ok(match, line);
      return match[1] as string;
    });
    assert.deepEqual(
      lines.map((line) => line.split(' ')[1]),
      ['first', 'second', 'third'],
    );
    const second = stamps[1] as string;
    // RFC 3339 string with nanoseconds: exactly from that line on
    assert.equal(text(await collect(docker.containers.logs(id, { since: second }))), 'second\nthird\n');
    // Date (ms precision) half a second before the second line
    const secondMs = Date.parse(second);
    assert.equal(
      text(await collect(docker.containers.logs(id, { since: new Date(secondMs - 500) }))),
      'second\nthird\n',
    );
    // unix seconds as a number; until excludes the later lines
    assert.equal(
      text(await collect(docker.containers.logs(id, { since: 0, until: (secondMs + 500) / 1000 }))),
      'first\nsecond\n',
    );
    // a duration back from now covers everything; the future covers nothing
    assert.equal(text(await collect(docker.containers.logs(id, { since: '1h' }))), 'first\nsecond\nthird\n');
    assert.equal(
      text(await collect(docker.containers.logs(id, { since: new Date(Date.now() + 3_600_000) }))),
      '',
    );
  });

  test('an invalid since is INVALID_ARGUMENT, thrown when iteration starts', async () => {
    const stream = docker.containers.logs('whatever', { since: 'yesterday-ish' });
    await assert.rejects(collect(stream), { code: 'INVALID_ARGUMENT' });
  });

  describe('follow', () => {
    let proxy: Proxy;
    let client: DockerClient;
    let id: string;

    before(async () => {
      proxy = await startProxy();
      client = connect({ host: proxy.host });
      id = await createContainer({
        Cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.1; done'],
      });
      await docker.containers.start(id);
    });

    after(async () => {
      await client.close();
      await proxy.close();
    });

    test('streams new lines until break, and break closes the request', async () => {
      const logsRequest = new RegExp(`GET /v[\\d.]+/containers/${id}/logs\\?`);
      const seen: string[] = [];
      for await (const frame of client.containers.logs(id, { follow: true, tail: 0 })) {
        seen.push(frame.data.toString('utf8'));
        assert.equal(proxy.openMatching(logsRequest), 1);
        if (seen.length === 3) break;
      }
      assert.equal(seen.length, 3);
      assert.ok(seen.every((line) => /^tick\d+\n$/.test(line)));
      const numbers = seen.map((line) => Number(line.slice(4)));
      assert.deepEqual(
        numbers,
        numbers.map((_, i) => (numbers[0] as number) + i),
      );
      await eventually(() => proxy.openMatching(logsRequest) === 0, 'the logs connection is closed');
    });

    test('aborting mid-follow rejects with ABORTED and closes the request', async () => {
      const logsRequest = new RegExp(
        `GET /v[\\d.]+/containers/${id}/logs\\?follow=true&stdout=true&stderr=true&tail=1`,
      );
      const controller = new AbortController();
      let frames = 0;
      await assert.rejects(
        (async () => {
          for await (const _frame of client.containers.logs(id, {
            follow: true,
            tail: 1,
            signal: controller.signal,
          })) {
            frames++;
            if (frames === 2) controller.abort();
          }
        })(),
        (err: unknown) => {
          assert.ok(err instanceof EngineError);
          assert.equal(err.code, 'ABORTED');
          return true;
        },
      );
      assert.equal(frames, 2);
      await eventually(() => proxy.openMatching(logsRequest) === 0, 'the aborted logs connection is closed');
    });

    test('follow ends by itself when the container stops', async () => {
      const short = await createContainer({ Cmd: ['sh', '-c', 'echo a; sleep 1; echo b'] });
      await docker.containers.start(short);
      const frames = await collect(client.containers.logs(short, { follow: true }));
      assert.equal(text(frames), 'a\nb\n');
    });
  });
});

describe('stats', () => {
  let id: string;

  before(async () => {
    id = await createContainer({ Cmd: ['sh', '-c', 'while true; do :; done'] });
    await docker.containers.start(id);
  });

  test('one-shot: one sample at once, with memory and cpu figures', {
    skip: skipOnPodman('the stats sample names the id `Id`, not `id`'),
  }, async () => {
    const sample = await docker.containers.stats(id, { stream: false, 'one-shot': true });
    assert.equal(sample.id, id);
    assert.ok((sample.cpu_stats?.cpu_usage?.total_usage ?? 0) > 0);
    assert.ok((sample.memory_stats?.usage ?? 0) > 0);
    const cpu = cpuPercent(sample);
    assert.ok(Number.isFinite(cpu) && cpu >= 0, String(cpu));
    assert.ok(memoryUsage(sample) > 0);
    assert.ok(memoryPercent(sample) > 0 && memoryPercent(sample) < 100);
    assert.ok(networkIo(sample).rx >= 0);
  });

  test('stream: two samples then break; the second has precpu_stats and a busy cpu', async () => {
    const samples = [];
    for await (const sample of docker.containers.stats(id)) {
      samples.push(sample);
      if (samples.length === 2) break;
    }
    assert.equal(samples.length, 2);
    const second = samples[1];
    assert.ok(second);
    assert.ok((second.precpu_stats?.system_cpu_usage ?? 0) > 0);
    const cpu = cpuPercent(second);
    // The container spins on one cpu: well above idle.
    assert.ok(Number.isFinite(cpu) && cpu > 10, String(cpu));
    assert.ok(Date.parse(second.read ?? '') > Date.parse(samples[0]?.read ?? ''));
  });

  test('stream: false without one-shot waits for a sample with precpu_stats', {
    skip: skipOnPodman('stream=false answers the first sample at once, precpu_stats empty'),
  }, async () => {
    const sample = await docker.containers.stats(id, { stream: false });
    assert.ok((sample.precpu_stats?.system_cpu_usage ?? 0) > 0);
    assert.ok(cpuPercent(sample) > 0);
  });
});

describe('filesystem: export, putArchive, getArchive, archiveInfo', () => {
  let id: string;
  let dir: string;

  before(async () => {
    id = await createContainer();
    await docker.containers.start(id);
    dir = mkdtempSync(join(tmpdir(), 'gantry-archive-'));
    writeFileSync(join(dir, 'hello.txt'), 'hello from the host\n', { mode: 0o640 });
    writeFileSync(
      join(dir, 'binary.bin'),
      Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)),
    );
    symlinkSync('hello.txt', join(dir, 'link'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('export streams the whole filesystem as tar', async () => {
    const tar = await docker.containers.export(id);
    const entries = tarEntries(await readAll(tar));
    const names = new Set(entries.map((e) => e.name.replace(/^\.?\//, '')));
    assert.ok(entries.length > 100, `only ${entries.length} entries`);
    assert.ok(names.has('bin/busybox'));
    assert.ok(names.has('etc/passwd'));
    const sh = entries.find((e) => e.name.replace(/^\.?\//, '') === 'bin/sh');
    assert.equal(sh?.type, '2');
    assert.equal(sh?.linkName, '/bin/busybox');
  });

  test('putArchive streams a `tar -c` from a child process; getArchive gives the bytes and stat back', async () => {
    await docker.containers.putArchive(id, Buffer.alloc(1024), { path: '/tmp' }); // an empty tar: accepted
    const child = spawn('tar', ['-c', '-C', dir, '-f', '-', 'hello.txt', 'binary.bin', 'link'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await docker.containers.putArchive(id, child.stdout, { path: '/tmp' });

    const original = readFileSync(join(dir, 'binary.bin'));
    const { stat, tar } = await docker.containers.getArchive(id, { path: '/tmp/binary.bin' });
    assert.equal(stat.name, 'binary.bin');
    assert.equal(stat.size, original.length);
    assert.equal(stat.linkTarget, '');
    assert.ok(!Number.isNaN(Date.parse(stat.mtime)));
    const entries = tarEntries(await readAll(tar));
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.name, 'binary.bin');
    assert.ok(entries[0]?.data.equals(original));

    const hello = await docker.containers.archiveInfo(id, { path: '/tmp/hello.txt' });
    assert.equal(hello.name, 'hello.txt');
    assert.equal(hello.size, 'hello from the host\n'.length);
    assert.equal(hello.mode & 0o777, 0o640);
    const link = await docker.containers.archiveInfo(id, { path: '/tmp/link' });
    assert.equal(link.linkTarget, '/tmp/hello.txt');
    assert.ok(link.mode & (2 ** 27), 'symlink bit');
    const tmp = await docker.containers.archiveInfo(id, { path: '/tmp' });
    assert.ok(tmp.mode >= 2 ** 31, 'directory bit');
  });

  test('putArchive from an AsyncIterable; a directory comes back under its base name', async () => {
    const base = basename(dir);
    const child = spawn('tar', ['-c', '-C', dirname(dir), '-f', '-', base], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const archive = await readAll(child.stdout);
    async function* chunks(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < archive.length; i += 10_000) yield archive.subarray(i, i + 10_000);
    }
    await docker.containers.putArchive(id, chunks(), { path: '/root' });
    const { stat, tar } = await docker.containers.getArchive(id, { path: `/root/${base}` });
    assert.equal(stat.name, base);
    assert.ok(stat.mode >= 2 ** 31);
    const entries = tarEntries(await readAll(tar));
    const hello = entries.find((e) => e.name === `${base}/hello.txt`);
    assert.equal(hello?.data.toString('utf8'), 'hello from the host\n');
    const binary = entries.find((e) => e.name === `${base}/binary.bin`);
    assert.ok(binary?.data.equals(readFileSync(join(dir, 'binary.bin'))));
    assert.ok(entries.some((e) => e.name === `${base}/link` && e.type === '2' && e.linkName === 'hello.txt'));
  });

  test('putArchive into a missing directory and archiveInfo of a missing path are API_NOT_FOUND', {
    skip: skipOnPodman('PUT /archive creates a missing target directory'),
  }, async () => {
    await assert.rejects(
      docker.containers.putArchive(id, Readable.from([Buffer.alloc(1024)]), { path: '/no/such/dir' }),
      { code: 'API_NOT_FOUND' },
    );
    await assert.rejects(docker.containers.archiveInfo(id, { path: '/no/such/file' }), {
      code: 'API_NOT_FOUND',
    });
    await assert.rejects(docker.containers.getArchive(id, { path: '/no/such/file' }), {
      code: 'API_NOT_FOUND',
    });
  });

  test('noOverwriteDirNonDir refuses to replace a directory with a file', {
    skip: skipOnPodman("the refusal says 'copier: put: ... file exists'"),
  }, async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'gantry-nodir-'));
    try {
      writeFileSync(join(workdir, 'tmp'), 'not a directory');
      const child = spawn('tar', ['-c', '-C', workdir, '-f', '-', 'tmp'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const archive = await readAll(child.stdout);
      await assert.rejects(
        docker.containers.putArchive(id, archive, { path: '/', noOverwriteDirNonDir: true }),
        (err: unknown) => {
          // Docker 20.10 answers 500 here, newer engines 400: the message is the stable part.
          assert.ok(err instanceof EngineApiError);
          assert.match(err.message, /cannot overwrite directory/);
          return true;
        },
      );
      assert.ok((await docker.containers.archiveInfo(id, { path: '/tmp' })).mode >= 2 ** 31);
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  });

  test('resize sets the terminal size a TTY container sees', async () => {
    const tty = await createContainer({
      Tty: true,
      OpenStdin: true,
      Cmd: ['sh', '-c', 'read line; stty size'],
    });
    const session = await docker.containers.attach(tty, { stdin: true });
    await docker.containers.start(tty);
    await docker.containers.resize(tty, { h: 33, w: 111 });
    const output = session.output[Symbol.asyncIterator]();
    session.stdin.write('go\n');
    let seen = '';
    while (!seen.includes('33 111')) {
      const next = await output.next();
      if (next.done) break;
      assert.equal(next.value.stream, 'console');
      seen += next.value.data.toString('utf8');
    }
    assert.match(seen, /33 111/);
    assert.equal((await session.wait()).exitCode, 0);
    session.close();
  });
});
