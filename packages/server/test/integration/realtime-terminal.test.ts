import assert from 'node:assert/strict';
import { test } from 'node:test';
import { docker, runContainer } from '../realtime-support.ts';
import { startTestConsole, type TestSocket } from '../support.ts';
import { skipOnPodman } from './resource-support.ts';

/** Output bytes (binary frames) until `pattern` matches their text; JSON frames are kept apart. */
async function outputUntil(socket: TestSocket, pattern: RegExp, json: any[] = [], timeoutMs = 10_000) {
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(text)) {
    const message = await socket.next(Math.max(1, deadline - Date.now()));
    if (Buffer.isBuffer(message)) text += message.toString('utf8');
    else json.push(message);
  }
  return text;
}

/** The next JSON frame, skipping output. */
async function nextJson(socket: TestSocket): Promise<any> {
  for (;;) {
    const message = await socket.next();
    if (!Buffer.isBuffer(message)) return message;
  }
}

const send = (socket: TestSocket, text: string) => socket.socket.send(Buffer.from(text), { binary: true });

/** The container's processes' command lines (`ps` columns as the daemon reports them). */
async function commands(id: string): Promise<string[]> {
  const { Titles, Processes } = await docker.containers.top(id);
  const column = (Titles ?? []).indexOf('CMD');
  return (Processes ?? []).map((row) => row[column] ?? '');
}

test('terminal: echo, resize, exit code', async () => {
  const c = await startTestConsole();
  const token = await c.createToken('operator', '*');
  const box = await runContainer(['sleep', '300']);
  const path = `/api/engines/${c.localEngineId}/containers/${box.id}/terminal`;
  const socket = await c.ws(`${path}?cols=100&rows=30`, { token });
  send(socket, 'echo hi-$((40+2))\n');
  assert.match(await outputUntil(socket, /hi-42/), /hi-42/);
  send(socket, 'stty size\n');
  assert.match(await outputUntil(socket, /30 100/), /30 100/);
  socket.send({ type: 'resize', cols: 120, rows: 40 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  send(socket, 'stty size\n');
  assert.match(await outputUntil(socket, /40 120/), /40 120/);
  send(socket, 'exit 3\n');
  assert.deepEqual(await nextJson(socket), { type: 'exit', code: 3 });
  assert.equal((await socket.closed()).code, 1000);

  // An argv command without a TTY.
  const once = await c.ws(`${path}?tty=false&cmd=${encodeURIComponent('["echo","one","two"]')}`, { token });
  const frames: any[] = [];
  assert.match(await outputUntil(once, /one two/, frames), /one two\n/);
  const exit = frames.find((m) => m.type === 'exit') ?? (await nextJson(once));
  assert.deepEqual(exit, { type: 'exit', code: 0 });

  const refused = await c.wsRefusal(`${path}?cmd=${encodeURIComponent('ls -la')}`, { token });
  assert.equal(refused.status, 400);
  assert.match(refused.body, /argv JSON array/);
});

test('terminal: the process is ended when the browser goes away', {
  skip: skipOnPodman(
    "Podman 4.3's top lists the container's processes differently; the check reads Docker's",
  ),
}, async () => {
  const c = await startTestConsole();
  const token = await c.createToken('operator', '*');
  const box = await runContainer(['sleep', '300']);
  const socket = await c.ws(`/api/engines/${c.localEngineId}/containers/${box.id}/terminal`, { token });
  send(socket, 'echo ready; exec sleep 1234\n');
  await outputUntil(socket, /ready/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok((await commands(box.id)).includes('sleep 1234'), 'the terminal runs in the container');
  socket.socket.terminate();
  const deadline = Date.now() + 8_000;
  let left = await commands(box.id);
  while (left.includes('sleep 1234') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await commands(box.id);
  }
  assert.deepEqual(left, ['sleep 300'], "only the container's own process is left");
  // The exec was audited on open.
  const audit = await (await c.asAdmin()).get('/api/audit?operation=containers.exec');
  assert.equal(audit.status, 200, JSON.stringify(audit.body));
  assert.ok(JSON.stringify(audit.body).includes('containers.exec'));
});
