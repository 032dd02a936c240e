/**
 * What the seed examples share: settings read from the environment, so the same programs run against
 * your engine or against the test harness (which points them at its own image, registry and label),
 * and a small driver for an interactive shell on a terminal.
 *
 *   DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH   which engine, as for the docker CLI
 *   EXAMPLE_IMAGE         image with a busybox userland to run (default busybox:latest)
 *   EXAMPLE_LABEL         label key put on everything the examples create (default io.gantry.example)
 *   EXAMPLE_REPO          repository namespace for images the examples build or import (default gantry-example)
 *   EXAMPLE_PULL_IMAGE    image the pull examples fetch (default busybox:latest)
 *   EXAMPLE_REGISTRY, EXAMPLE_REGISTRY_USER, EXAMPLE_REGISTRY_PASSWORD   a registry to push to and pull from
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { type DockerClient, isNotFound, type LogFrame, type RegistryAuth } from '@gantry/engine';

const env = process.env;

export const image = env.EXAMPLE_IMAGE || 'busybox:latest';
export const labelKey = env.EXAMPLE_LABEL || 'io.gantry.example';
/** This process's own label value: other runs, and other programs, may share the engine. */
const run = randomBytes(4).toString('hex');
/** Put on everything the examples create, so it can be found and removed. */
export const labels: Record<string, string> = { [labelKey]: '1', 'io.gantry.example.run': run };
/** A `label` filter that matches what this run created, and nothing else. */
export const thisRun = `io.gantry.example.run=${run}`;
export const repo = env.EXAMPLE_REPO || 'gantry-example';
export const pullImage = env.EXAMPLE_PULL_IMAGE || 'busybox:latest';
export const registry = env.EXAMPLE_REGISTRY || undefined;
/** Credentials for EXAMPLE_REGISTRY / EXAMPLE_PULL_IMAGE's registry, when the registry wants them. */
export const registryAuth: RegistryAuth | undefined = env.EXAMPLE_REGISTRY_USER
  ? {
      username: env.EXAMPLE_REGISTRY_USER,
      password: env.EXAMPLE_REGISTRY_PASSWORD ?? '',
      serveraddress: registry,
    }
  : undefined;

/** A fresh name such as `example-web-1a2b3c4d`: several runs can share one engine. */
export function uniqueName(what: string): string {
  return `example-${what}-${randomBytes(4).toString('hex')}`;
}

/** Pulls `name` unless the engine has it already (images.inspect answers 404 when it is missing). */
export async function ensureImage(docker: DockerClient, name = image): Promise<void> {
  try {
    await docker.images.inspect(name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await docker.images.pull(name, { auth: registryAuth }).wait();
  }
}

/** A shell prompt at the end of what the terminal shows: busybox's `/ # `, or `$ ` for a user. */
const PROMPT = /[#$] $/;
/** Terminal control sequences (colours, cursor moves): dropped from what is shown. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/**
 * Drives an interactive shell running on a TTY (an `exec` or `attach` session): `send` types one
 * line and resolves with the shell's reply, read up to its next prompt, without the echoed command
 * and the prompt. The terminal echoes what is typed and ends lines with `\r\n`; both are tidied.
 */
export function shellSession(session: {
  readonly output: AsyncIterable<LogFrame>;
  readonly stdin: Writable;
}) {
  const frames = session.output[Symbol.asyncIterator]();
  let screen = '';
  /** Reads until the screen ends with a prompt (or the output ends); resolves with what was read. */
  async function untilPrompt(): Promise<string> {
    // Tidied as a whole: a control sequence may be split across two reads.
    const tidy = () => screen.replace(ANSI, '').replaceAll('\r', '');
    while (!PROMPT.test(tidy())) {
      const next = await frames.next();
      if (next.done) break;
      screen += next.value.data.toString('utf8');
    }
    const seen = tidy();
    screen = '';
    return seen;
  }
  return {
    /** Waits for the first prompt. */
    ready: () => untilPrompt(),
    async send(line: string): Promise<string> {
      session.stdin.write(`${line}\n`);
      const lines = (await untilPrompt()).split('\n');
      return lines.slice(1, -1).join('\n'); // without the echoed command and the new prompt
    },
    /** Types `exit` and reads what is left, up to the end of the output. */
    async exit(): Promise<void> {
      session.stdin.write('exit\n');
      while (!(await frames.next()).done) {}
    },
  };
}
