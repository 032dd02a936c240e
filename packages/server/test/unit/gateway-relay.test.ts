/**
 * relayStream, the gateway's sender of streamed answers (logs, events, stats, progress), over a real
 * node:http server and client: the engine's many small writes leave in few batches, in order and
 * whole; a client that stops reading stops the reading of the body (backpressure); an upstream
 * failure cuts the client's response instead of ending it as if complete.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { relayStream } from '../../src/gateway/forward.ts';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A server whose one route relays `body` (made per request); resolves with its URL and the responses' write counts. */
async function serve(body: () => Readable): Promise<{ url: string; writes: number[] }> {
  const writes: number[] = [];
  server = createServer((_req, res: ServerResponse) => {
    let count = 0;
    const write = res.write.bind(res) as (chunk: Buffer) => boolean;
    res.write = ((chunk: Buffer) => {
      count++;
      return write(chunk);
    }) as typeof res.write;
    res.once('finish', () => writes.push(count));
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    relayStream(body(), res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, writes };
}

async function fetchResponse(url: string): Promise<IncomingMessage> {
  const request = get(url);
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  return response;
}

test('2,000 small writes arrive whole and in order, sent in far fewer batches', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`);
  const { url, writes } = await serve(() => {
    let next = 0;
    // Pushed a few at a time on timers, like a daemon writing one log line per write.
    return new Readable({
      read() {
        setImmediate(() => {
          for (let i = 0; i < 20 && next < lines.length; i++) this.push(lines[next++]);
          if (next === lines.length) this.push(null);
        });
      },
    });
  });
  const response = await fetchResponse(url);
  let text = '';
  for await (const chunk of response) text += String(chunk);
  assert.equal(text, lines.join(''));
  await sleep(10);
  assert.equal(writes.length, 1);
  assert.ok((writes[0] as number) < 100, `${writes[0]} writes for 2,000 pieces`);
  assert.ok((writes[0] as number) >= 1);
});

test('a client that stops reading stops the reading of the body; reading again finishes it', async () => {
  const total = 64 * 1024 * 1024;
  const piece = Buffer.alloc(16 * 1024, 'x');
  let produced = 0;
  const { url } = await serve(
    () =>
      new Readable({
        read() {
          if (produced >= total) return void this.push(null);
          produced += piece.length;
          this.push(piece);
        },
      }),
  );
  const response = await fetchResponse(url);
  response.pause();
  await sleep(300);
  const whilePaused = produced;
  await sleep(300);
  // Socket buffers and the streams' own buffers hold a few MiB at most, never the 64 MiB body.
  assert.equal(produced, whilePaused, 'the body kept being read while the client read nothing');
  assert.ok(produced < 16 * 1024 * 1024, `${produced} bytes read ahead of a paused client`);
  let received = 0;
  for await (const chunk of response) received += (chunk as Buffer).length;
  assert.equal(received, total);
});

test('an upstream failure cuts the response; the client does not see a complete answer', async () => {
  const { url } = await serve(() => {
    let sent = false;
    return new Readable({
      read() {
        if (sent) return void setTimeout(() => this.destroy(new Error('engine connection reset')), 20);
        sent = true;
        this.push('partial answer\n');
      },
    });
  });
  const response = await fetchResponse(url);
  let text = '';
  const ended = await new Promise<'complete' | 'cut'>((resolve) => {
    response.on('data', (chunk) => {
      text += String(chunk);
    });
    response.once('end', () => resolve(response.complete ? 'complete' : 'cut'));
    response.once('error', () => resolve('cut'));
    response.once('aborted', () => resolve('cut'));
  });
  assert.equal(text, 'partial answer\n');
  assert.equal(ended, 'cut');
});
