import assert from 'node:assert/strict';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { resolveEndpoint } from '../../src/transport/endpoint.ts';
import { hijack } from '../../src/transport/hijack.ts';
import { createDialer } from '../../src/transport/socket.ts';

// The daemon answers attach / exec with `101 UPGRADED` when asked to upgrade — the integration
// tests cover that form. Older daemons, and proxies that drop the Upgrade header, answer with a
// bare 200 and then the raw stream; a real daemon cannot be made to do that on demand, so a
// socket server speaks that form here.
let server: Server;
let port = 0;
let respond: (socket: Socket) => void = () => {};

before(async () => {
  server = createServer((socket) => {
    socket.once('data', () => respond(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const dialer = () => createDialer(resolveEndpoint({ host: `tcp://127.0.0.1:${port}` }, {}));
const request = { method: 'POST', path: '/v1.41/exec/x/start', body: '{}', operation: 'ExecStart' };

test('the bare 200 form: the stream starts right after the head, also within the same read', async () => {
  respond = (socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nhello ');
    setTimeout(() => socket.end('world'), 10);
  };
  const connection = await hijack(dialer(), 1000, request);
  assert.equal(connection.status, 200);
  assert.equal(connection.headers['content-type'], 'application/vnd.docker.raw-stream');
  const chunks: Buffer[] = [connection.head];
  for await (const chunk of connection.socket) chunks.push(chunk as Buffer);
  connection.socket.destroy();
  assert.equal(Buffer.concat(chunks).toString(), 'hello world');
});

test('the 101 form, with the head split across reads', async () => {
  respond = (socket) => {
    socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\n');
    setTimeout(() => socket.end('Upgrade: tcp\r\n\r\nraw bytes'), 10);
  };
  const connection = await hijack(dialer(), 1000, request);
  assert.equal(connection.status, 101);
  assert.equal(connection.headers.upgrade, 'tcp');
  const chunks: Buffer[] = [connection.head];
  for await (const chunk of connection.socket) chunks.push(chunk as Buffer);
  connection.socket.destroy();
  assert.equal(Buffer.concat(chunks).toString(), 'raw bytes');
});

test('an error status is an EngineApiError with the daemon message', async () => {
  const message = JSON.stringify({ message: 'No such exec instance: x' });
  respond = (socket) => {
    socket.end(
      `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${message.length}\r\n\r\n${message}`,
    );
  };
  await assert.rejects(hijack(dialer(), 1000, request), {
    name: 'EngineApiError',
    code: 'API_NOT_FOUND',
    message: 'No such exec instance: x',
  });
});
