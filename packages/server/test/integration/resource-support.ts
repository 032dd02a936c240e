/**
 * What the resource-route tests share: a console on the harness engine, its admin, the engine's
 * path prefix, raw byte downloads and uploads (the JSON test client reads bodies as text), and the
 * labels the harness cleans up by.
 */
import { randomBytes } from 'node:crypto';
import { TEST_DATABASE_URL } from '../databases.ts';
import { type ApiClient, startTestConsole, type TestConsole } from '../support.ts';

export const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
export const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
export const ON_PODMAN = process.env.GANTRY_TEST_ENGINE === 'podman';

/** A suite's `skip` option in the Podman pass: what Podman does differently, prefixed "Podman: ". */
export const skipOnPodman = (reason: string): string | false => (ON_PODMAN ? `Podman: ${reason}` : false);

/** One run's objects: the harness label, plus one selecting only this file's run (for prune filters). */
export function runLabels(file: string) {
  const run = randomBytes(4).toString('hex');
  const selector = `io.gantry.test.routes=${file}-${run}`;
  return {
    run,
    labels: { [TEST_LABEL]: '1', [selector.split('=')[0] as string]: `${file}-${run}` },
    /** `?filters=` selecting only this run's objects. */
    filters: encodeURIComponent(JSON.stringify({ label: [selector] })),
    name: (what: string) => `gantry-test-${file}-${what}-${run}`,
  };
}

export interface ResourceConsole {
  readonly console: TestConsole;
  readonly admin: ApiClient;
  /** `/api/engines/<local engine>` */
  readonly engine: string;
  /** A raw request as the admin (bearer token): the response unread, for bytes and streams. */
  raw(
    method: string,
    path: string,
    init?: { body?: BodyInit | Buffer; headers?: Record<string, string> },
  ): Promise<Response>;
}

/**
 * A console for the resource-route tests: on the harness's PostgreSQL when there is one (the
 * identity, realtime and router tests run on SQLite, so the API is exercised on both databases).
 */
export async function startResourceConsole(): Promise<ResourceConsole> {
  const testConsole = await startTestConsole({ dialect: TEST_DATABASE_URL ? 'postgres' : 'sqlite' });
  const admin = await testConsole.asAdmin();
  const token = await testConsole.createToken('admin', '*');
  return {
    console: testConsole,
    admin,
    engine: `/api/engines/${encodeURIComponent(testConsole.localEngineId)}`,
    raw: (method, path, init = {}) =>
      fetch(`${testConsole.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
        body: (init.body as BodyInit | undefined) ?? null,
        ...(init.body ? { duplex: 'half' } : {}),
      } as RequestInit),
  };
}

/** A stream's bytes in one buffer (a tar made with tarPath, for an upload). */
export async function bytesFrom(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The response body as bytes. */
export async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** An async iterable of a fetch body (for readTar). */
export async function* chunksOf(response: Response): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}
