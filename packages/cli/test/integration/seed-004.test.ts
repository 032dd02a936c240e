/**
 * Seed 004 (docker 교과서 chapter 2) typed into a real terminal as its reader would, with `gantry`
 * for `docker`: run, run --interactive --tty, run --detach --publish, container ls, top, logs,
 * rm -f $(container ls -a --quiet) and rmi. The seed's images (diamol/*) cannot be pulled here: the
 * harness's busybox image plays them (echo for hello-diamol, busybox httpd for the web one). On this
 * shared engine "all containers" means this run's, picked out by a label.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect } from '@gantry/engine';
import { Terminal, tmuxMissing } from '../../../../test/terminal.ts';
import { GANTRY_ENTRY } from '../support.ts';

const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman' ? 'Podman: the CLI is verified on Docker Engine first' : false;
const run = randomBytes(4).toString('hex');
const RUN_LABEL = `io.gantry.seed004=${run}`;
/** Under gantry-test-tmp/, which the harness removes at teardown whatever happens here. */
const TAG = `gantry-test-tmp/seed004-${run}:v1`;

/** A loopback port nobody listens on now, for `--publish PORT:80`. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function fetchText(url: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      return await response.text();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('seed 004 walkthrough in a terminal, gantry for docker', { skip: skip || tmuxMissing }, () => {
  const terminal = new Terminal();
  const engine = connect();

  before(async () => {
    await terminal.start();
    // What the reader has after installing: a `gantry` command; plus this run's labels and image.
    await terminal.type(`gantry() { '${process.execPath}' -- '${GANTRY_ENTRY}' "$@"; }`);
    await terminal.type(`L='--label ${TEST_LABEL}=1 --label ${RUN_LABEL}'; IMG='${IMAGE}'; clear`);
    await terminal.waitFor(/^\$ $/m);
  });

  after(async () => {
    await terminal.stop();
    const left = await engine.containers.list({ all: true, filters: { label: [RUN_LABEL] } });
    await Promise.all(left.map((c) => engine.containers.remove(c.Id ?? '', { force: true })));
    await engine.images.remove(TAG).catch(() => {});
    await engine.close();
  });

  it('container run prints the program output and exits with its code', async () => {
    await terminal.clear();
    await terminal.type(`gantry container run $L $IMG echo 'Hello from Chapter 2!'; echo "rc=$?"`);
    await terminal.waitFor(/^Hello from Chapter 2!\nrc=0$/m);
  });

  it('container run --interactive --tty gives a shell in the container', async () => {
    await terminal.clear();
    await terminal.type('gantry container run --interactive --tty $L $IMG');
    await terminal.waitFor(/^\/ # $/m);
    await terminal.type('hostname; echo "inside $((6 * 7))"');
    const [, hostname] = await terminal.waitFor(/^([0-9a-f]{12})\ninside 42$/m);
    await terminal.type('exit 4');
    // Typed before gantry has given the terminal back, the line would go to the ended container.
    await terminal.waitFor(/^\/ # exit 4\n\$ $/m);
    await terminal.type('echo "rc=$?"');
    await terminal.waitFor(/^rc=4$/m);
    const [container] = await engine.containers.list({
      all: true,
      filters: { label: [RUN_LABEL], id: [hostname ?? 'none'] },
    });
    assert.equal(container?.State, 'exited');
  });

  it('run --detach --publish, then ls, top and logs; the web page answers', async () => {
    const port = await freePort();
    await terminal.clear();
    await terminal.type(
      `gantry container run --detach --publish ${port}:80 $L $IMG sh -c 'mkdir /www && echo "hello from the web container" > /www/index.html && echo web-started && exec httpd -f -v -p 80 -h /www'`,
    );
    const [id] = await terminal.waitFor(/^[0-9a-f]{64}$/m);
    assert.equal(await fetchText(`http://127.0.0.1:${port}/`), 'hello from the web container\n');

    await terminal.clear();
    await terminal.type(`gantry container ls --filter label=${RUN_LABEL}`);
    const listing = await terminal.waitFor(new RegExp(`^${id.slice(0, 12)} .*\\n`, 'm'));
    assert.match(listing[0], new RegExp(`0\\.0\\.0\\.0:${port}->80/tcp`));

    await terminal.clear();
    await terminal.type(`gantry container top ${id.slice(0, 12)}`);
    await terminal.waitFor(/^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/m);
    await terminal.waitFor(/httpd -f -v -p 80 -h \/www$/m);

    await terminal.clear();
    await terminal.type(`gantry container logs ${id.slice(0, 12)}`);
    await terminal.waitFor(/^web-started$/m);
  });

  it('rm -f $(container ls -a --quiet) removes every container of the walkthrough', async () => {
    await terminal.clear();
    await terminal.type(
      `gantry container rm -f $(gantry container ls -a --quiet --filter label=${RUN_LABEL}); echo "rc=$?"`,
    );
    await terminal.waitFor(/^rc=0$/m);
    const left = await engine.containers.list({ all: true, filters: { label: [RUN_LABEL] } });
    assert.deepEqual(left, []);
  });

  it('rmi removes an image by name', async () => {
    await terminal.clear();
    await terminal.type(`gantry image tag $IMG ${TAG} && gantry rmi ${TAG}; echo "rc=$?"`);
    await terminal.waitFor(
      new RegExp(`^Untagged: ${TAG.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\nrc=0$`, 'm'),
    );
    await assert.rejects(
      engine.images.inspect(TAG),
      (err: Error & { code?: string }) => err.code === 'API_NOT_FOUND',
    );
  });
});
