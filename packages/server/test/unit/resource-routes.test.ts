/**
 * The engine-object route tables (containers ... plugins) without an engine: their shape (paths,
 * permissions, operations), what their schemas accept and refuse (with the field named), and the
 * streamed upload's size limit. resource routes' integration tests drive them against the engine.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { z } from 'zod';
import { isPermission } from '../../src/auth/permissions.ts';
import { HttpError } from '../../src/http/errors.ts';
import type { RouteDefinition } from '../../src/http/route.ts';
import { configRoutes } from '../../src/routes/configs.ts';
import { containerRoutes } from '../../src/routes/containers.ts';
import { imageRoutes } from '../../src/routes/images.ts';
import { allRoutes } from '../../src/routes/index.ts';
import { networkRoutes } from '../../src/routes/networks.ts';
import { nodeRoutes } from '../../src/routes/nodes.ts';
import { pluginRoutes } from '../../src/routes/plugins.ts';
import { filtersQuery, imageRef, limitedUpload, objectRef } from '../../src/routes/resource-kit.ts';
import { secretRoutes } from '../../src/routes/secrets.ts';
import { serviceRoutes } from '../../src/routes/services.ts';
import { swarmRoutes } from '../../src/routes/swarm.ts';
import { systemRoutes } from '../../src/routes/system.ts';
import { taskRoutes } from '../../src/routes/tasks.ts';
import { volumeRoutes } from '../../src/routes/volumes.ts';

const tables: Record<string, readonly RouteDefinition[]> = {
  containers: containerRoutes,
  images: imageRoutes,
  networks: networkRoutes,
  volumes: volumeRoutes,
  system: systemRoutes,
  swarm: swarmRoutes,
  nodes: nodeRoutes,
  services: serviceRoutes,
  tasks: taskRoutes,
  secrets: secretRoutes,
  configs: configRoutes,
  plugins: pluginRoutes,
};
const routes = Object.values(tables).flat();

function route(method: string, path: string): RouteDefinition {
  const found = routes.find((r) => r.method === method && r.path === `/api/engines/:engine/${path}`);
  assert.ok(found, `no route ${method} ${path}`);
  return found;
}

/** The issues of parsing `value` with `schema`, as `path: message` lines (empty when it parses). */
function problems(schema: z.ZodType | undefined, value: unknown): string[] {
  assert.ok(schema, 'the route has no such schema');
  const result = schema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('route tables', () => {
  test('every table is in the console table, under its engine, with a permission and a resource.verb operation', () => {
    for (const [name, table] of Object.entries(tables)) {
      assert.ok(table.length > 0, name);
      for (const r of table) {
        assert.ok(allRoutes.includes(r), `${r.method} ${r.path} is not in routes/index.ts`);
        assert.match(r.path, /^\/api\/engines\/:engine\/[a-z-]+/, r.path);
        assert.ok(isPermission(r.requirement), `${r.path}: ${r.requirement}`);
        assert.match(r.operation, /^(?:[a-z]+)\.[a-zA-Z]+$/, r.operation);
        assert.ok(r.summary.length > 10, `${r.path} has a summary`);
      }
    }
  });

  test('no method and path twice', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(
      keys.filter((key, index) => keys.indexOf(key) !== index),
      [],
    );
  });

  test('static segments come before the parameter they would be mistaken for', () => {
    const position = (method: string, path: string) => routes.indexOf(route(method, path));
    assert.ok(position('GET', 'images/search') < position('GET', 'images/:name'));
    assert.ok(position('GET', 'plugins/privileges') < position('GET', 'plugins/:name'));
  });

  test('the permissions the issue names', () => {
    const expected: [string, string, string][] = [
      ['GET', 'containers/:id/top', 'containers.read'],
      ['POST', 'containers', 'containers.create'],
      ['POST', 'containers/:id/wait', 'containers.operate'],
      ['DELETE', 'containers/:id', 'containers.remove'],
      ['POST', 'containers/prune', 'containers.remove'],
      ['GET', 'containers/:id/archive', 'containers.files.read'],
      ['GET', 'containers/:id/export', 'containers.files.read'],
      ['PUT', 'containers/:id/archive', 'containers.files.write'],
      ['POST', 'containers/:id/exec', 'containers.exec'],
      ['GET', 'images/search', 'images.read'],
      ['POST', 'images/load', 'images.manage'],
      ['GET', 'images/:name/save', 'images.manage'],
      ['POST', 'system/prune', 'system.prune'],
      ['GET', 'swarm', 'swarm.read'],
      ['GET', 'swarm/unlockkey', 'swarm.manage'],
      ['POST', 'services/:id/scale', 'services.manage'],
      ['GET', 'services/:id/logs', 'logs.read'],
      ['GET', 'tasks/:id', 'swarm.read'],
      ['GET', 'secrets/:id', 'secrets.read'],
      ['POST', 'configs', 'configs.manage'],
      ['POST', 'plugins/pull', 'plugins.manage'],
      ['GET', 'distribution/:name', 'images.read'],
    ];
    for (const [method, path, permission] of expected)
      assert.equal(route(method, path).requirement, permission, `${method} ${path}`);
  });
});

describe('schemas', () => {
  test('container create: Image required, field types checked, unknown fields passed on', () => {
    const create = route('POST', 'containers');
    assert.deepEqual(problems(create.body, { Cmd: ['true'] }), [
      'Image: Image is required: the image (name or id) to create the container from',
    ]);
    const bad = problems(create.body, {
      Image: 'busybox',
      Env: 'A=b',
      HostConfig: {
        PortBindings: { '80/http': [{ HostPort: '8080' }] },
        Memory: '1g',
        RestartPolicy: { Name: 'sometimes' },
      },
    });
    assert.deepEqual(
      bad.map((line) => line.split(':')[0]).sort(),
      ['Env', 'HostConfig.Memory', 'HostConfig.PortBindings.80/http', 'HostConfig.RestartPolicy.Name'].sort(),
      bad.join('\n'),
    );
    const parsed = create.body?.parse({
      Image: 'busybox',
      Env: ['A=b'],
      Healthcheck: { Test: ['NONE'] },
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] }, ShmSize: 1024 },
    }) as Record<string, unknown>;
    assert.deepEqual(parsed.Healthcheck, { Test: ['NONE'] });
    assert.equal((parsed.HostConfig as Record<string, unknown>).ShmSize, 1024);
    assert.deepEqual(problems(create.query, { name: 'x' }).length, 1, 'a one-letter name');
    assert.deepEqual(problems(create.query, { name: 'web-1' }), []);
  });

  test('ids: no "/" in a container id, "/" allowed in an image reference, never empty', () => {
    assert.match(problems(objectRef('container'), 'a/json')[0] ?? '', /cannot contain "\/"/);
    assert.match(problems(objectRef('container'), '')[0] ?? '', /must not be empty/);
    assert.deepEqual(problems(imageRef(), 'localhost:5000/team/app:1'), []);
    assert.equal(problems(imageRef(), 'a/../b').length, 1);
    assert.equal(problems(route('GET', 'containers/:id').params, { engine: 'e', id: '..' }).length, 1);
  });

  test('query flags and numbers', () => {
    const remove = route('DELETE', 'containers/:id');
    assert.deepEqual(remove.query?.parse({ force: '1', volumes: 'false' }), { force: true, volumes: false });
    assert.match(problems(remove.query, { force: 'maybe' })[0] ?? '', /^force:/);
    const stop = route('POST', 'containers/:id/stop');
    assert.deepEqual(stop.query?.parse({ t: '3', signal: 'SIGINT' }), { t: 3, signal: 'SIGINT' });
    assert.match(problems(stop.query, { t: '-1' })[0] ?? '', /^t:/);
    assert.match(problems(stop.query, { signal: 'kill; rm' })[0] ?? '', /^signal:/);
  });

  test('filters are JSON maps of lists', () => {
    assert.deepEqual(filtersQuery.parse('{"label":["a=b"],"dangling":{"true":true}}'), {
      label: ['a=b'],
      dangling: { true: true },
    });
    assert.match(problems(filtersQuery, 'label=a')[0] ?? '', /filters must be JSON/);
    assert.match(problems(filtersQuery, '{"label":"a=b"}')[0] ?? '', /filters must be JSON/);
  });

  test('exec: a non-empty argv, a bounded timeout', () => {
    const exec = route('POST', 'containers/:id/exec');
    assert.match(problems(exec.body, { Cmd: [] })[0] ?? '', /^Cmd:/);
    assert.match(problems(exec.body, { Cmd: 'ls -l' })[0] ?? '', /^Cmd:/);
    assert.match(problems(exec.body, { Cmd: ['ls'], timeout: 0 })[0] ?? '', /^timeout:/);
    assert.deepEqual(problems(exec.body, { Cmd: ['ls'], Env: ['A=1'], timeout: 5 }), []);
  });

  test('secrets and configs: Data (base64) or text, exactly one', () => {
    const create = route('POST', 'secrets');
    assert.deepEqual(problems(create.body, { Name: 'db', text: 'pw' }), []);
    assert.deepEqual(problems(create.body, { Name: 'db', Data: 'cHc=' }), []);
    assert.match(problems(create.body, { Name: 'db', Data: 'not base64!' })[0] ?? '', /^Data:/);
    assert.match(
      problems(create.body, { Name: 'db', Data: 'cHc=', text: 'pw' })[0] ?? '',
      /^text: give the content once/,
    );
    assert.match(problems(create.body, { Name: 'db' })[0] ?? '', /^Data: the content is required/);
    assert.match(problems(route('POST', 'configs').body, { text: 'x' })[0] ?? '', /^Name:/);
  });

  test('services: the spec needs an image; scale needs a whole replica count', () => {
    const create = route('POST', 'services');
    assert.match(
      problems(create.body, { Name: 'web', TaskTemplate: { ContainerSpec: {} } })[0] ?? '',
      /^TaskTemplate\.ContainerSpec\.Image:/,
    );
    assert.match(
      problems(route('POST', 'services/:id/scale').body, { replicas: 1.5 })[0] ?? '',
      /^replicas:/,
    );
    assert.match(problems(route('POST', 'services/:id/update').query, {})[0] ?? '', /^version:/);
  });

  test('bodies that may be left out entirely', () => {
    assert.deepEqual(route('POST', 'swarm/init').body?.parse(undefined), {});
    assert.deepEqual(route('POST', 'volumes').body?.parse(undefined), {});
    assert.ok(problems(route('POST', 'networks').body, undefined).length > 0, 'a network needs a Name');
  });
});

describe('limitedUpload', () => {
  const request = (chunks: number[], headers: Record<string, string> = {}) =>
    new Request('http://console/upload', {
      method: 'PUT',
      headers,
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (const size of chunks) controller.enqueue(new Uint8Array(size));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);

  test('a declared Content-Length over the limit is refused before anything is read', () => {
    assert.throws(
      () =>
        limitedUpload(
          request([1], { 'content-length': '11' }),
          new AbortController().signal,
          10,
          'the archive',
        ),
      (err: unknown) =>
        err instanceof HttpError &&
        err.status === 413 &&
        /the archive is larger than 10 bytes/.test(err.message),
    );
  });

  test('a body within the limit streams through chunk by chunk', async () => {
    const upload = limitedUpload(request([4, 6]), new AbortController().signal, 10, 'the archive');
    const sizes = await upload.run(async () => {
      const seen: number[] = [];
      for await (const chunk of upload.body) seen.push(chunk.byteLength);
      return seen;
    });
    assert.deepEqual(sizes, [4, 6]);
  });

  test('a chunked body passing the limit aborts the call and answers 413', async () => {
    const upload = limitedUpload(request([6, 6, 6]), new AbortController().signal, 10, 'the archive');
    let aborted = false;
    await assert.rejects(
      upload.run(async (signal) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        for await (const _chunk of upload.body) {
          // consumed like the engine's request body would be
        }
        // An SDK call would fail in its own words here; run() must answer the 413 instead.
        throw new Error('the engine connection was closed');
      }),
      (err: unknown) => err instanceof HttpError && err.status === 413,
    );
    assert.equal(aborted, true);
  });
});
