/**
 * Seed 003 — a remote engine over TCP with mutual TLS, a pull with one progress row per layer (the
 * seed's Go program), and the seed's `filters` query as a typed call.
 *
 * The daemon side, as in the seed: dockerd -H tcp://0.0.0.0:2376 --tlsverify --tlscacert=ca.pem
 * --tlscert=server-cert.pem --tlskey=server-key.pem. The client side is the docker CLI's environment:
 *
 *   DOCKER_HOST=tcp://HOST:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=~/certs \
 *     node examples/seed-003-remote-pull-progress.ts     # ca.pem, cert.pem, key.pem in DOCKER_CERT_PATH
 */
import { connect, type JsonMessage } from '@gantry/engine';
import { pullImage, registryAuth } from './common.ts';

const docker = connect(); // tcp:// + DOCKER_TLS_VERIFY: TLS, verifying the daemon, with our client cert
const endpoint = docker.endpoint;
const tls = endpoint.kind === 'tcp' && endpoint.tls ? `TLS, verify ${endpoint.tls.verify}` : 'no TLS';
console.log(`engine ${endpoint.url} (${tls}), API ${await docker.apiVersion()}`);

// On a terminal each layer keeps its row, redrawn in place with ANSI codes (as the Go program's
// Cursor does); piped into a file or another program, each change of status is one plain line.
const tty = process.stdout.isTTY === true;
const rows: string[] = []; // ids in order of first appearance: row i is rows.length - i lines up
const lastStatus = new Map<string, string>();

function show(message: JsonMessage): void {
  const { id, status = '' } = message;
  // "Digest: ..." and "Status: ..." (and anything without a layer id) are plain lines.
  if (!id || status.startsWith('Digest:') || status.startsWith('Status:')) {
    process.stdout.write(`${id ? `${id}: ` : ''}${status}\n`);
    return;
  }
  const line = `${id}: ${status} ${message.progress ?? ''}`.trimEnd();
  if (!tty) {
    if (lastStatus.get(id) !== status) process.stdout.write(`${line}\n`);
    lastStatus.set(id, status);
    return;
  }
  const row = rows.indexOf(id);
  if (row < 0) {
    rows.push(id);
    process.stdout.write(`${line}\n`);
    return;
  }
  const up = rows.length - row;
  // up N rows, clear the row, write it, then back down N rows to the line below the last layer
  process.stdout.write(`\x1b[${up}F\x1b[2K${line}\x1b[${up}E`);
}

if (tty) process.stdout.write('\x1b[?25l'); // hide the cursor while redrawing
try {
  const pull = docker.images.pull(pullImage, { auth: registryAuth });
  for await (const message of pull.messages()) show(message);
  const { image, lastStatus: outcome } = await pull.wait();
  console.log(`${outcome?.includes('Downloaded newer image') ? 'downloaded' : 'up to date'}: ${image.Id}`);
} finally {
  if (tty) process.stdout.write('\x1b[?25h');
}

// The seed's query: curl -G --data-urlencode 'filters={"reference":{"IMAGE":true},"dangling":{"true":true}}'
// As a typed call the SDK does the JSON and URL encoding. Both filters must match: a tagged image
// is not dangling, so this finds nothing; the reference filter alone finds the image just pulled.
const both = await docker.images.list({
  filters: { reference: { [pullImage]: true }, dangling: { true: true } },
});
const byReference = await docker.images.list({ filters: { reference: [pullImage] } });
console.log(
  `reference and dangling: ${both.length} image(s); reference alone: ${byReference.length} image(s)`,
);
await docker.close();
