/**
 * A byte relay in front of the engine, for `npm run bench -- gateway`: what any proxy costs on
 * this machine before it does anything of its own. It parses nothing and judges nothing — each
 * connection is spliced to a new connection to the engine — so the gateway's figures can be read
 * against the hop itself (plain TCP) and against the hop plus TLS (the gateway's own certificate).
 * Run as its own process, like the gateway, so it competes for the CPU the same way:
 *
 *   node bench/relay.ts <engine: unix:///path | tcp://host:port> [<cert.pem> <key.pem>]
 *
 * Prints the port it listens on (127.0.0.1) as one line; runs until killed.
 */
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

const [engine = '', certFile, keyFile] = process.argv.slice(2);
const target = new URL(engine);
const dial = (): Socket =>
  target.protocol === 'unix:'
    ? netConnect({ path: target.pathname, allowHalfOpen: true })
    : netConnect({ host: target.hostname, port: Number(target.port), allowHalfOpen: true });

/** Both ways; each direction ends on its own (exec and attach half-close), an error closes both. */
function splice(client: Socket): void {
  const upstream = dial();
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

if (!['unix:', 'tcp:'].includes(target.protocol) || (certFile && !keyFile)) {
  process.stderr.write(
    'usage: node bench/relay.ts <unix:///path | tcp://host:port> [<cert.pem> <key.pem>]\n',
  );
  process.exit(2);
}
const server: Server =
  certFile && keyFile
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
