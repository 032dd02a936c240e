/**
 * Ending a terminal's process once its browser has gone away. Docker (checked on 20.10) keeps a
 * TTY exec running after its hijacked connection closes — the shell never reads EOF, since the
 * pseudo-terminal stays open in the shim — and its API has no "kill exec". So every terminal exec
 * carries a marker variable in its environment (`GANTRY_TERMINAL=<random id>`), and cleanup runs a
 * second, fixed exec as root that signals the processes whose environment holds that marker: first
 * SIGHUP to all of them (what closing a terminal does; `nohup`ed children survive, as they would),
 * then SIGKILL to the exec's own process (parent pid 0 inside the container) if it still runs.
 * The marker and the signal are arguments of a constant script, never part of a shell string.
 * Needs `sh`, `tr` and `grep` in the container; without them the process is left running and a
 * warning logged.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerClient } from '@gantry/engine';
import type { Logger } from '../context.ts';

/** Name of the marker variable set in every terminal exec's environment. */
export const TERMINAL_MARKER = 'GANTRY_TERMINAL';

/** $1 marker line (`NAME=id`), $2 signal, $3 `all` or `root` (only processes whose parent is outside). */
const SIGNAL_SCRIPT = `for d in /proc/[0-9]*; do
  if [ "$3" = root ]; then grep -q '^PPid:[[:space:]]*0$' "$d/status" 2>/dev/null || continue; fi
  tr '\\0' '\\n' < "$d/environ" 2>/dev/null | grep -qxF "$1" && kill -s "$2" "\${d#/proc/}" 2>/dev/null
done
true`;

/** How long the process gets to exit by itself once the connection closed (a shell without TTY reads EOF). */
const NATURAL_EXIT_MS = 300;
/** How long after SIGHUP before SIGKILL. */
const HANGUP_GRACE_MS = 2_000;

/** Whether the exec has stopped within `ms`. */
async function stopsWithin(client: DockerClient, execId: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { Running } = await client.exec.inspect(execId);
    if (!Running) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

async function signalMarked(
  client: DockerClient,
  containerId: string,
  marker: string,
  signal: 'HUP' | 'KILL',
  scope: 'all' | 'root',
): Promise<void> {
  await client.execRun(
    containerId,
    ['sh', '-c', SIGNAL_SCRIPT, 'gantry-terminal-cleanup', marker, signal, scope],
    {
      user: '0',
      signal: AbortSignal.timeout(10_000),
    },
  );
}

/**
 * Makes sure the terminal exec `execId` no longer runs: waits briefly for it to exit, then hangs it
 * up, then kills it. Resolves with whether it is gone; never throws (the container may be gone too).
 */
export async function endTerminal(
  client: DockerClient,
  containerId: string,
  execId: string,
  markerId: string,
  log: Logger,
): Promise<boolean> {
  const marker = `${TERMINAL_MARKER}=${markerId}`;
  try {
    if (await stopsWithin(client, execId, NATURAL_EXIT_MS)) return true;
    await signalMarked(client, containerId, marker, 'HUP', 'all');
    if (await stopsWithin(client, execId, HANGUP_GRACE_MS)) return true;
    await signalMarked(client, containerId, marker, 'KILL', 'root');
    if (await stopsWithin(client, execId, HANGUP_GRACE_MS)) return true;
    log.warn('terminal process still running after SIGKILL', { containerId, execId });
    return false;
  } catch (err) {
    const message = (err as Error).message;
    // The container stopped or was removed: its processes are gone with it.
    if (/no such (container|exec)|is not running/i.test(message)) return true;
    log.warn('could not end a terminal process', { containerId, execId, error: message });
    return false;
  }
}
