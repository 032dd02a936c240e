/**
 * Docker config directories and fake `docker-credential-*` helpers for the credential tests: real
 * files and real processes (the SDK spawns the helper exactly as it would spawn a real one), only
 * the helper's answers are scripted.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** One invocation of a fake helper: its argv (after the program name) and what it read on stdin. */
export interface HelperCall {
  readonly argv: string[];
  readonly stdin: string;
}

/** A temporary directory, removed after the test file; it serves as DOCKER_CONFIG and as PATH entry. */
export function tempDir(what: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gantry-${what}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `config` (an object, or raw text) as `dir/config.json`. */
export function writeDockerConfig(dir: string, config: object | string): void {
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
}

/** `user:password` as `auths[*].auth` holds it. */
export function basicAuth(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

/**
 * Writes `dir/docker-credential-<name>`: a /bin/sh script that logs its argv and stdin, then runs
 * `body` with the registry it was asked about in `$host` and the number of earlier calls in `$calls`.
 */
export function fakeHelper(dir: string, name: string, body: string): { calls(): HelperCall[] } {
  const log = join(dir, `${name}.calls`);
  writeFileSync(log, '');
  const script = join(dir, `docker-credential-${name}`);
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      'host=$(cat)',
      `calls=$(wc -l < '${log}')`,
      `printf '%s\\t%s\\n' "$*" "$host" >> '${log}'`,
      body,
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return {
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [argv = '', stdin = ''] = line.split('\t');
          return { argv: argv.split(' '), stdin };
        }),
  };
}

/** A helper answer: `{ Username, Secret, ServerURL }` as JSON, for `printf '%s'` in a script body. */
export function helperAnswer(username: string, secret: string, serverUrl = '$host'): string {
  return `printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "${serverUrl}" '${username}' '${secret}'`;
}

/** An environment whose PATH finds the fake helpers in `dir` first and whose DOCKER_CONFIG is `dir`. */
export function envWith(dir: string): Record<string, string | undefined> {
  return { ...process.env, DOCKER_CONFIG: dir, PATH: `${dir}:${process.env.PATH ?? ''}` };
}

/** Fails when `err`'s message, stack, own fields or cause chain contain any of `secrets`. */
export function assertNoSecret(err: unknown, ...secrets: string[]): void {
  assert.ok(err instanceof Error, String(err));
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    parts.push(
      e.message,
      e.stack ?? '',
      JSON.stringify(e),
      JSON.stringify((e as { detail?: unknown }).detail ?? null),
    );
  }
  const text = parts.join('\n');
  for (const secret of secrets)
    assert.ok(!text.includes(secret), `the error leaks a credential: ${err.message}`);
}
