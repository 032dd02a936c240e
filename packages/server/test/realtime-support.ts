/** What the realtime channel tests share: a labelled container to watch, and socket reading helpers. */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { connect, type DockerClient } from '@gantry/engine';
import type { TestSocket } from './support.ts';

export const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
export const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';

export const docker: DockerClient = connect();

/** Starts a labelled container running `cmd`; removed after the test file. */
export async function runContainer(
  cmd: string[],
  options: { tty?: boolean } = {},
): Promise<{ id: string; name: string }> {
  const name = `gantry-rt-${randomBytes(4).toString('hex')}`;
  const { Id } = await docker.containers.create({
    name,
    Image: TEST_IMAGE,
    Cmd: cmd,
    Tty: options.tty ?? false,
    Labels: { [TEST_LABEL]: '1' },
  });
  after(() => docker.containers.remove(Id, { force: true }).catch(() => {}));
  await docker.containers.start(Id);
  return { id: Id, name };
}

/** JSON messages until `done(message)` is true (that one included), or rejects after `timeoutMs`. */
export async function readUntil(socket: TestSocket, done: (message: any) => boolean, timeoutMs = 15_000) {
  const messages: any[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await socket.next(Math.max(1, deadline - Date.now()));
    messages.push(message);
    if (done(message)) return messages;
  }
}

/** The text lines of `lines` frames, in order. */
export const linesOf = (messages: any[]) =>
  messages.filter((message) => message.type === 'lines').flatMap((message) => message.lines);
