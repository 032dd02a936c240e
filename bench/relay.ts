/**
 * Proxies in front of the engine, for `npm run bench -- gateway`: what any proxy costs on this
 * machine before it does anything of its own, so the gateway's figures can be read against them.
 * - A byte relay: parses nothing and judges nothing — each connection is spliced to a new
 *   connection to the engine — over plain TCP (the hop itself) or TLS (the hop plus encryption).
 * - `--http`, with TLS: the least an HTTP-aware proxy in Node does — Node's HTTP server parses each
 *   request, Node's HTTP client forwards it on a keep-alive connection, the answer is piped back,
 *   upgrades (attach, exec) are spliced — and nothing else: no authentication, policy or audit.
 * Run as its own process, like the gateway, so it competes for the CPU the same way:
 *
 *   node bench/relay.ts [--http] <engine: unix:///path | tcp://host:port> [<cert.pem> <key.pem>]
 *
 * Prints the port it listens on (127.0.0.1) as one line; runs until killed.
 */
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const args = process.argv.slice(2);
const http = args[0] === '--http';
const [engine = '', certFile, keyFile] = http ? args.slice(1) : args;
const target = new URL(engine);
const dial = (): Socket =>
  target.protocol === 'unix:'
    ? netConnect({ path: target.pathname, allowHalfOpen: true })
    : netConnect({ host: target.hostname, port: Number(target.port), allowHalfOpen: true });

/** Each connection spliced to a new one to the engine. */
function splice(client: Socket): void {
  pipeBoth(client, dial());
}

/** Both ways; each direction ends on its own (exec and attach half-close), an error closes both. */
function pipeBoth(client: Socket, upstream: Socket): void {
  client.setNoDelay(true);
  upstream.setNoDelay?.(true);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.on('error', close);
    socket.on('close', close);
  }
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Where Node's HTTP client sends a forwarded request: the engine's socket or address. */
const upstreamAddress =
  target.protocol === 'unix:'
    ? { socketPath: target.pathname }
    : { host: target.hostname, port: Number(target.port) };
const agent = new Agent({ keepAlive: true, ...upstreamAddress });

/** One request forwarded as it came; the answer's status, headers and body piped back. */
function forward(
  request: IncomingMessage,
  respond: (answer: IncomingMessage) => void,
  onUpgrade?: (answer: IncomingMessage, socket: Socket, head: Buffer) => void,
  body?: Buffer,
): void {
  const upstream = httpRequest({
    ...upstreamAddress,
    agent: onUpgrade ? false : agent,
    method: request.method,
    path: request.url,
    headers: request.headers,
  });
  upstream.on('response', respond);
  if (onUpgrade) upstream.on('upgrade', onUpgrade);
  upstream.on('error', () => request.socket.destroy());
  // An upgrade request's body came with its head (Node's server hands over the socket after the
  // headers); any other body is piped as it arrives.
  if (body) upstream.end(body);
  else request.pipe(upstream);
}

/** An HTTP-aware TLS proxy: each request parsed by Node's server and forwarded by its client. */
function httpProxy(cert: Buffer, key: Buffer): Server {
  const server = createHttpsServer({ cert, key, ALPNProtocols: ['http/1.1'] }, (request, response) =>
    forward(request, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    }),
  );
  server.on('upgrade', (request: IncomingMessage, client: Socket, clientHead: Buffer) =>
    forward(
      request,
      (answer) => {
        // The engine refused to switch: its answer goes back and the connection ends.
        client.end(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\nConnection: close\r\n\r\n`);
        answer.resume();
      },
      (answer, upstream, upstreamHead) => {
        const headers = Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}\r\n`);
        client.write(`HTTP/1.1 101 ${answer.statusMessage}\r\n${headers.join('')}\r\n`);
        if (upstreamHead.length > 0) client.write(upstreamHead);
        client.allowHalfOpen = true;
        upstream.allowHalfOpen = true;
        pipeBoth(client, upstream);
      },
      clientHead,
    ),
  );
  return server;
}

if (!['unix:', 'tcp:'].includes(target.protocol) || (certFile && !keyFile) || (http && !certFile)) {
  process.stderr.write(
    'usage: node bench/relay.ts [--http] <unix:///path | tcp://host:port> [<cert.pem> <key.pem>] (--http needs the certificate)\n',
  );
  process.exit(2);
}
const server: Server =
  http && certFile && keyFile
    ? httpProxy(readFileSync(certFile), readFileSync(keyFile))
    : certFile && keyFile
      ? createTlsServer(
          {
            cert: readFileSync(certFile),
            key: readFileSync(keyFile),
            ALPNProtocols: ['http/1.1'],
            allowHalfOpen: true,
          },
          splice,
        )
      : createTcpServer({ allowHalfOpen: true }, splice);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
