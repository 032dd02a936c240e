/**
 * Makes sure `npm start` has a local engine, the way a person setting up a fresh Debian machine
 * would: when DOCKER_HOST is unset and nothing answers on the default socket, install docker.io
 * (as root, with apt-get) and start `dockerd`, saying each step. It is left running afterwards: it
 * is the machine's engine now, not a test fixture.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect, isConnectionError } from '@gantry/engine';
import { findInPath, isRoot, run, spawnDetached, tailOfFile, waitUntil } from '../test/harness/exec.ts';

const LOG_DIR = join(import.meta.dirname, '..', '.gantry');
const say = (message: string) => console.error(`[gantry] ${message}`);

async function answers(): Promise<boolean> {
  const docker = connect({ timeouts: { connect: 3_000 } });
  try {
    await docker.system.ping();
    return true;
  } catch (err) {
    if (isConnectionError(err)) return false;
    throw err;
  } finally {
    await docker.close();
  }
}

/** Resolves once an engine answers; throws with what to do when it cannot provide one. */
export async function ensureLocalEngine(): Promise<void> {
  if (process.env.DOCKER_HOST || process.env.DOCKER_CONTEXT || (await answers())) return;
  if (!isRoot() || !findInPath('apt-get')) {
    throw new Error(
      'no Docker engine answers at unix:///var/run/docker.sock — install Docker Engine and start it (Debian: sudo apt-get install docker.io), or set DOCKER_HOST',
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!findInPath('dockerd')) {
    say('no Docker engine here: installing docker.io with apt-get');
    await run('apt-get', ['update'], { env });
    await run('apt-get', ['install', '-y', 'docker.io'], { env });
  }
  if (await answers()) return; // the package's init script may have started it
  const dockerd = findInPath('dockerd');
  if (!dockerd) throw new Error('dockerd is missing although docker.io is installed — reinstall docker.io');
  mkdirSync(LOG_DIR, { recursive: true });
  const log = join(LOG_DIR, 'dockerd.log');
  say(`starting dockerd (log: ${log})`);
  spawnDetached(dockerd, [], log);
  await waitUntil('dockerd', answers, 60_000, () => undefined).catch((err: Error) => {
    throw new Error(`${err.message}; ${log} ends with:\n${tailOfFile(log)}`);
  });
  say('dockerd is up at unix:///var/run/docker.sock');
}
