/**
 * A PostgreSQL server for the console's database tests. `GANTRY_TEST_DATABASE_URL`, when set and
 * answering, is used as it is. Otherwise, as root, the run starts a cluster of its own: Debian's
 * PostgreSQL (apt `postgresql` when initdb is missing), data directory under `.gantry-test/`
 * owned by the `postgres` user (initdb and postgres refuse root), TCP on 127.0.0.1 only on a free
 * port, its unix socket in a directory of its own, and a login role `gantry_test` (CREATEDB, random
 * password, scram-sha-256 over TCP). The system's clusters are never touched.
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ensureTools } from './engine.ts';
import { freePort, isRoot, processArgv, run, sleep, tailOfFile, waitUntil } from './exec.ts';
import { say } from './log.ts';
import type { SlotPaths } from './paths.ts';

export const DATABASE_URL_VARIABLE = 'GANTRY_TEST_DATABASE_URL';
const ROLE = 'gantry_test';
const OS_USER = 'postgres';

/**
 * The URL the tests get (an administrative connection: they create and drop databases through it),
 * or undefined when no PostgreSQL can be had (not root): the PostgreSQL tests then skip.
 */
export async function startPostgres(
  paths: SlotPaths,
  record: (pid: number) => void,
): Promise<string | undefined> {
  const given = process.env[DATABASE_URL_VARIABLE];
  if (given) {
    if (await answers(given)) {
      say(`PostgreSQL: using ${DATABASE_URL_VARIABLE} (${maskPassword(given)})`);
      return given;
    }
    say(
      `PostgreSQL: ${DATABASE_URL_VARIABLE} (${maskPassword(given)}) does not answer; starting a server of the run's own`,
    );
  }
  if (!isRoot()) {
    say(
      `not root: no PostgreSQL for the database tests (they skip); set ${DATABASE_URL_VARIABLE} to run them`,
    );
    return undefined;
  }
  await ensureTools([
    { program: 'initdb', pkg: 'postgresql', present: () => postgresBinDir() !== undefined },
  ]);
  const bin = postgresBinDir();
  if (!bin)
    throw new Error('the postgresql package is installed but /usr/lib/postgresql/*/bin/initdb is missing');
  const owner = osUser(OS_USER);

  const dir = paths.postgresDir;
  const data = join(dir, 'data');
  const socketDir = paths.postgresSocketDir;
  rmSync(dir, { recursive: true, force: true });
  rmSync(socketDir, { recursive: true, force: true });
  for (const made of [dir, socketDir]) {
    mkdirSync(made, { recursive: true, mode: 0o700 });
    chownSync(made, owner.uid, owner.gid);
  }
  const log = join(dir, 'postgres.log');
  closeSync(openSync(log, 'a'));
  chownSync(log, owner.uid, owner.gid);

  say(`PostgreSQL: initdb ${data} (${bin}, as the ${OS_USER} user)`);
  // The bootstrap superuser logs in over the private socket only (peer); TCP takes a password.
  await run('runuser', [
    '-u',
    OS_USER,
    '--',
    join(bin, 'initdb'),
    '--pgdata',
    data,
    '--username',
    OS_USER,
    '--auth-local=peer',
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
  ]);

  const port = await freePort();
  say(`PostgreSQL: starting on 127.0.0.1:${port}, socket in ${socketDir} (log: ${log})`);
  const pid = spawnAs(
    owner,
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `port=${port}`,
      '-c',
      `unix_socket_directories=${socketDir}`,
      '-c',
      'max_connections=200',
      // Never killed mid-test (the tests kill consoles, not this server), and the tests make and drop
      // many databases: not waiting for the disk keeps that quick.
      '-c',
      'fsync=off',
    ],
    log,
  );
  record(pid);
  const alive = () =>
    isOurPostgres(pid, data) ? undefined : `exited at start-up; ${log} ends with:\n${tailOfFile(log)}`;
  await waitUntil('PostgreSQL', () => acceptsConnections(bin, socketDir, port), 30_000, alive);

  const password = randomBytes(18).toString('base64url');
  // The password travels on psql's stdin, never in an argv that `ps` shows.
  await run(
    'runuser',
    [
      '-u',
      OS_USER,
      '--',
      join(bin, 'psql'),
      '-h',
      socketDir,
      '-p',
      String(port),
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-q',
    ],
    { input: `CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${password}';\n` },
  );
  const url = `postgres://${ROLE}:${password}@127.0.0.1:${port}/postgres`;
  if (!(await answers(url))) throw new Error(`PostgreSQL: role ${ROLE} cannot log in over TCP; see ${log}`);
  say(
    `PostgreSQL ${bin.split('/').at(-2)} ready: role ${ROLE} at 127.0.0.1:${port} (${DATABASE_URL_VARIABLE} for the tests)`,
  );
  return url;
}

/** Fast shutdown (SIGINT: sessions are ended, not waited for), then the cluster's files go. */
export async function stopPostgres(paths: SlotPaths, pid: number | undefined): Promise<void> {
  // A slot file written before the harness had PostgreSQL has no such paths: nothing to stop.
  if (!paths.postgresDir) return;
  const data = join(paths.postgresDir, 'data');
  if (pid !== undefined && isOurPostgres(pid, data)) {
    say(`stopping PostgreSQL (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; isOurPostgres(pid, data); waited += 100) {
      // SIGQUIT: immediate shutdown, the postmaster still ends its children (SIGKILL would orphan them).
      if (waited === 15_000) process.kill(pid, 'SIGQUIT');
      if (waited > 25_000) throw new Error(`PostgreSQL (pid ${pid}) did not stop`);
      await sleep(100);
    }
  }
  rmSync(paths.postgresDir, { recursive: true, force: true });
  rmSync(paths.postgresSocketDir, { recursive: true, force: true });
}

/** The newest `/usr/lib/postgresql/<version>/bin` holding initdb (Debian keeps it out of PATH). */
function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  return readdirSync(root)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')));
}

function osUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error(`no ${name} user in /etc/passwd (the postgresql package makes it)`);
  return { uid: Number(uid), gid: Number(gid) };
}

/** Like spawnDetached, as another user: the pid is the postmaster's own, so it can be signalled directly. */
function spawnAs(
  user: { uid: number; gid: number },
  command: string,
  args: string[],
  logFile: string,
): number {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      uid: user.uid,
      gid: user.gid,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
      stdio: ['ignore', log, log],
    });
    child.on('error', () => {}); // surfaced by the readiness check and the log
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** pids get reused: ours runs postgres with our data directory. */
function isOurPostgres(pid: number, data: string): boolean {
  const argv = processArgv(pid) ?? [];
  return argv.includes(data) && argv.some((arg) => arg.endsWith('/postgres'));
}

/** pg_isready over the private socket: up and accepting connections. */
function acceptsConnections(bin: string, socketDir: string, port: number): Promise<boolean> {
  return run(join(bin, 'pg_isready'), ['-q', '-h', socketDir, '-p', String(port)]).then(
    () => true,
    () => false,
  );
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const maskPassword = (url: string) => url.replace(/^([a-z]+:\/\/[^/@:]*):.*@/i, '$1:***@');
