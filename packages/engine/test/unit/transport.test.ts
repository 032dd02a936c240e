import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { resolveEndpoint } from '../../src/transport/endpoint.ts';
import { HttpTransport } from '../../src/transport/http.ts';
import { createDialer } from '../../src/transport/socket.ts';

// A real HTTP/1.1 peer (Node's server) for the transport faults the daemon cannot be made to
// produce on demand: idle keep-alive connections closed under us, stalls, slow bodies.
let server: Server;
let port = 0;
const connections = new Set<Socket>();
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('OK');

before(async () => {
  server = createServer((req, res) => handler(req, res));
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function transport(idle?: number): HttpTransport {
  const t = new HttpTransport(createDialer(resolveEndpoint({ host: `tcp://127.0.0.1:${port}` }, {})), {
    idle,
  });
  after(() => t.close());
  return t;
}
const get = (path = '/_ping') => ({ method: 'GET', path, operation: 'SystemPing' });

test('sequential requests reuse one keep-alive connection', async () => {
  handler = (_req, res) => res.end('OK');
  const t = transport();
  let opened = 0;
  const count = () => opened++;
  server.on('connection', count);
  for (let i = 0; i < 20; i++) assert.equal((await t.requestBuffered(get())).body.toString(), 'OK');
  server.off('connection', count);
  assert.equal(opened, 1);
});

test('a keep-alive connection the server closed while idle is replaced transparently', async () => {
  handler = (_req, res) => res.end('OK');
  const t = transport();
  await t.requestBuffered(get());
  for (const socket of connections) socket.destroy(); // the server drops the idle connection
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal((await t.requestBuffered(get())).body.toString(), 'OK');
});

test('16 requests in flight each get their own answer', async () => {
  handler = (req, res) => setTimeout(() => res.end(req.url), Math.random() * 5);
  const t = transport();
  const paths = Array.from({ length: 16 }, (_, i) => `/item/${i}`);
  const bodies = await Promise.all(
    paths.map(async (path) => (await t.requestBuffered(get(path))).body.toString()),
  );
  assert.deepEqual(bodies, paths);
});

test('a streamed request body arrives whole, chunked', async () => {
  let received = '';
  let encoding: string | undefined;
  handler = (req, res) => {
    encoding = req.headers['transfer-encoding'];
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      received += chunk;
    });
    req.on('end', () => res.end('done'));
  };
  async function* parts() {
    for (let i = 0; i < 100; i++) yield Buffer.from(`part-${i};`);
  }
  const t = transport();
  await t.requestBuffered({ method: 'POST', path: '/build', operation: 'ImageBuild', body: parts() });
  assert.equal(encoding, 'chunked');
  assert.equal(received, Array.from({ length: 100 }, (_, i) => `part-${i};`).join(''));
});

test('a status >= 400 becomes an EngineApiError with the daemon message', async () => {
  handler = (_req, res) => {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ message: 'No such container: nope' }));
  };
  const t = transport();
  await assert.rejects(t.requestBuffered(get('/containers/nope/json')), {
    name: 'EngineApiError',
    code: 'API_NOT_FOUND',
    message: 'No such container: nope',
  });
  handler = (_req, res) => res.end('OK');
  assert.equal((await t.requestBuffered(get())).body.toString(), 'OK', 'the connection is still usable');
});

test('aborting mid-body ends the stream with ABORTED and closes the connection', async () => {
  handler = (_req, res) => {
    res.write('first');
  };
  const t = transport();
  const controller = new AbortController();
  const response = await t.request({ ...get('/logs'), signal: controller.signal, streaming: true });
  const chunks: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of response.body) {
        chunks.push(String(chunk));
        controller.abort();
      }
    })(),
    { code: 'ABORTED' },
  );
  assert.deepEqual(chunks, ['first']);
});

test('the idle timeout cuts a silent non-streaming request, never a stream', async () => {
  handler = () => {}; // never answers
  const t = transport(100);
  await assert.rejects(t.requestBuffered(get('/info')), { code: 'ENGINE_TIMEOUT' });
  handler = (_req, res) => setTimeout(() => res.end('late'), 250);
  const response = await t.request({ ...get('/events'), streaming: true });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'late');
});

test('a header with a line break is refused before anything is sent', async () => {
  const t = transport();
  await assert.rejects(t.requestBuffered({ ...get(), headers: { 'X-Registry-Auth': 'abc\r\nX-Evil: 1' } }), {
    code: 'INVALID_ARGUMENT',
  });
});
