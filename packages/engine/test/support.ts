/**
 * Shared helpers for the engine's integration tests. The harness (test/harness, run by `npm test`)
 * provisions the engine, the test image, the registry and the TLS daemon and passes them in the
 * environment; everything a test creates carries TEST_LABELS so the harness can remove it.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { connect, type DockerClient } from '../src/index.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set — run the tests with \`npm test\`, which provisions the engine`);
  return value;
}

/** The label key the harness cleans up by. */
export const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
/** Labels to put on everything a test creates. */
export const TEST_LABELS: Record<string, string> = { [TEST_LABEL]: '1' };
/** The busybox image the harness imported (`gantry-test/busybox:latest`). */
export const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';

/** Which engine the harness pointed DOCKER_HOST at: `npm test` runs the integration tests on both. */
export const ENGINE: 'docker' | 'podman' = process.env.GANTRY_TEST_ENGINE === 'podman' ? 'podman' : 'docker';

/**
 * A test's `skip` option: the reason (prefixed "Podman: ") in the Podman pass, false otherwise. Say
 * what Podman lacks or does differently; docs/podman.md lists every difference with its test.
 */
export function skipOnPodman(reason: string): string | false {
  return ENGINE === 'podman' ? `Podman: ${reason}` : false;
}

/** A unique, readable name for a test object: `gantry-test-<what>-<random>`. */
export function uniqueName(what: string): string {
  return `gantry-test-${what}-${randomBytes(4).toString('hex')}`;
}

/** A client for the harness engine, closed after the test file. */
export function testClient(options: Parameters<typeof connect>[0] = {}): DockerClient {
  const docker = connect(options);
  after(() => docker.close());
  return docker;
}

export const registry = {
  get host(): string {
    return required('GANTRY_TEST_REGISTRY');
  },
  get user(): string {
    return required('GANTRY_TEST_REGISTRY_USER');
  },
  get password(): string {
    return required('GANTRY_TEST_REGISTRY_PASSWORD');
  },
  get image(): string {
    return required('GANTRY_TEST_REGISTRY_IMAGE');
  },
};

export const tlsDaemon = {
  get host(): string {
    return required('GANTRY_TEST_TLS_HOST');
  },
  get certs(): string {
    return required('GANTRY_TEST_TLS_CERTS');
  },
  get wrongCerts(): string {
    return required('GANTRY_TEST_TLS_WRONG_CERTS');
  },
};

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
