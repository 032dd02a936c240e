/**
 * How images.build turns its source and options into a request (query, body, X-Registry-Config),
 * and how it reads the build's progress messages. The real daemon's side is in
 * test/integration/build.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { buildProgressHooks, buildRequest } from '../../src/build-request.ts';
import type { CredentialSource } from '../../src/credentials.ts';
import { EngineBuildError, EngineStreamError } from '../../src/errors.ts';
import type { RegistryAuth } from '../../src/registry-auth.ts';

const work = mkdtempSync(join(tmpdir(), 'gantry-build-request-'));
after(() => rmSync(work, { recursive: true, force: true }));

const DOCKERFILE = 'FROM registry.example:5000/team/base:1 AS base\nFROM alpine\nCOPY --from=base /x /x\n';

/** A credential source that has something for every registry and records what it was asked. */
function recordingSource(): CredentialSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async get(registry) {
      asked.push(registry);
      return { username: `user-for-${registry}`, password: 'pw' };
    },
    forget() {},
  };
}

function decodeConfig(headers: unknown): Record<string, RegistryAuth> {
  const value = (headers as Record<string, string> | undefined)?.['X-Registry-Config'];
  assert.ok(value, 'X-Registry-Config was sent');
  return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
}

describe('buildRequest', () => {
  test('a directory: its Dockerfile decides which registries get credentials', async () => {
    const dir = mkdtempSync(join(work, 'dir-'));
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    const source = recordingSource();
    const explicit = { 'registry.example:5000': { username: 'given', password: 'x' } };
    const input = await buildRequest({ directory: dir, gzip: true }, { t: 'app:1', auth: explicit }, source);
    assert.ok(input.body instanceof Readable);
    (input.body as Readable).destroy();
    assert.equal(input.contentType, 'application/x-tar');
    assert.deepEqual(input.query, { t: 'app:1' });
    // The explicit entry wins for its registry; the source is asked only for the other one.
    assert.deepEqual(source.asked, ['https://index.docker.io/v1/']);
    assert.deepEqual(Object.keys(decodeConfig(input.headers)).sort(), [
      'https://index.docker.io/v1/',
      'registry.example:5000',
    ]);
    assert.equal(decodeConfig(input.headers)['registry.example:5000']?.username, 'given');
  });

  test('tar bytes: the Dockerfile named by options.dockerfile is read from the archive', async () => {
    const dir = mkdtempSync(join(work, 'tar-'));
    writeFileSync(join(dir, 'ci.Dockerfile'), 'FROM ghcr.io/team/tool:1\n');
    const tar = execFileSync('tar', ['-c', '-C', dir, '.']);
    const source = recordingSource();
    const input = await buildRequest(tar, { dockerfile: 'ci.Dockerfile' }, source);
    assert.equal(input.body, tar);
    assert.deepEqual(source.asked, ['ghcr.io']);
    assert.deepEqual(Object.keys(decodeConfig(input.headers)), ['ghcr.io']);
  });

  test('a stream or a remote URL: no Dockerfile to read, only options.auth is sent', async () => {
    const source = recordingSource();
    const stream = Readable.from([Buffer.alloc(512)]);
    const streamed = await buildRequest(stream, {}, source);
    assert.equal(streamed.body, stream);
    assert.deepEqual(streamed.headers, {});
    const remote = await buildRequest(
      { remote: 'https://example.com/ctx.tar.gz' },
      { auth: { 'r.example': { username: 'u', password: 'p' } } },
      source,
    );
    assert.equal(remote.body, undefined);
    assert.deepEqual(remote.query, { remote: 'https://example.com/ctx.tar.gz' });
    assert.deepEqual(Object.keys(decodeConfig(remote.headers)), ['r.example']);
    assert.deepEqual(source.asked, []);
    await assert.rejects(buildRequest({ remote: '' }, {}, source), { code: 'INVALID_ARGUMENT' });
  });
});

describe('buildProgressHooks', () => {
  const result = { messages: 3, lastStatus: undefined, aux: [] };

  test('the image ID: aux first, else the "Successfully built" line', () => {
    const withAux = buildProgressHooks();
    withAux.tap({ stream: 'Successfully built 0123456789ab\n' });
    assert.equal(
      withAux.finish({ ...result, aux: [{ ID: `sha256:${'f'.repeat(64)}` }] }).imageId,
      `sha256:${'f'.repeat(64)}`,
    );
    const fromLog = buildProgressHooks();
    fromLog.tap({ stream: 'Successfully built 0123456789ab\n' });
    assert.equal(fromLog.finish(result).imageId, '0123456789ab');
    assert.throws(() => buildProgressHooks().finish(result), { code: 'STREAM_PROTOCOL' });
  });

  test('an error message becomes an EngineBuildError carrying the output before it, credentials masked', () => {
    const hooks = buildProgressHooks();
    hooks.tap({ stream: 'Step 1/2 : FROM busybox\n' });
    hooks.tap({ stream: 'cloning https://ci:hunter2@git.example/repo.git\n' });
    const err = (() => {
      try {
        hooks.tap({
          error: 'The command returned a non-zero code: 2',
          errorDetail: { code: 2, message: 'x' },
        });
      } catch (caught) {
        return caught;
      }
      assert.fail('tap did not throw');
    })();
    assert.ok(err instanceof EngineBuildError);
    assert.ok(err instanceof EngineStreamError);
    assert.equal(err.code, 'STREAM_ERROR');
    assert.equal(err.message, 'The command returned a non-zero code: 2');
    assert.deepEqual(err.detail, { code: 2, message: 'x' });
    assert.match(err.log, /^Step 1\/2 : FROM busybox\ncloning https:\/\/\*\*\*@git\.example/);
    assert.doesNotMatch(err.log, /hunter2/);
  });

  test('a long log keeps its last 64 KiB', () => {
    const hooks = buildProgressHooks();
    for (let i = 0; i < 5000; i++) hooks.tap({ stream: `line ${String(i).padStart(40, '0')}\n` });
    try {
      hooks.tap({ error: 'failed' });
      assert.fail('tap did not throw');
    } catch (err) {
      assert.ok(err instanceof EngineBuildError);
      assert.equal(err.log.length, 64 * 1024);
      assert.ok(err.log.endsWith(`line ${String(4999).padStart(40, '0')}\n`));
    }
  });
});
