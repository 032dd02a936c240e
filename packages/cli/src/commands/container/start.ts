/**
 * `gantry start` / `container start`: starts stopped containers, printing each name; with `-a` (and
 * `-i` for stdin) it attaches to the one container first — output, signals forwarded without a TTY,
 * the terminal raw with one — and ends with its exit code. The detach keys leave it running (exit 0,
 * silently, as docker's `start -a`).
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { describeError, StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { containerSignalProxy, exitStatus, registerWait, streamContainer } from '../../terminal/container.ts';
import { detachKeys } from '../../terminal/detach-keys.ts';
import { requireTerminalInput } from '../../terminal/session.ts';

export const definition = defineCommand({
  summary: 'Start one or more stopped containers',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: {
    attach: { type: 'boolean', short: 'a', description: 'Attach STDOUT/STDERR and forward signals' },
    'detach-keys': { type: 'string', description: 'Override the key sequence for detaching a container' },
    interactive: { type: 'boolean', short: 'i', description: "Attach container's STDIN" },
  },
  args: { containers: { required: true, variadic: true } },
});

export type StartOptions = OptionsOf<typeof definition>;

export async function run(opts: StartOptions, io: CommandIO): Promise<number> {
  if (!opts.attach && !opts.interactive) return startEach(opts.containers, io);
  if (opts.containers.length > 1)
    throw new StatusError(1, 'you cannot start and attach multiple containers at once');
  return startAttached(opts.containers[0] as string, opts, io);
}

/** Each container in turn: its name once started, the engine's refusal otherwise; then docker's summary line. */
async function startEach(names: readonly string[], io: CommandIO): Promise<number> {
  const docker = await io.client();
  const failed: string[] = [];
  for (const name of names) {
    try {
      await docker.containers.start(name, { signal: io.signal });
      io.stdout.write(`${name}\n`);
    } catch (err) {
      const { isAbort } = await import('@gantry/engine');
      if (isAbort(err)) throw err;
      io.stderr.write(`${(await describeError(err, io.debug)).text}\n`);
      failed.push(name);
    }
  }
  if (failed.length > 0) throw new StatusError(1, `Error: failed to start containers: ${failed.join(', ')}`);
  return 0;
}

async function startAttached(name: string, opts: StartOptions, io: CommandIO): Promise<number> {
  const keys = await detachKeys(opts.detachKeys, io.env);
  const docker = await io.client();
  const info = await docker.containers.inspect(name, { signal: io.signal });
  const id = info.Id ?? name;
  const tty = info.Config?.Tty === true;
  const stdin = opts.interactive && info.Config?.OpenStdin === true;
  requireTerminalInput(io, stdin, tty);

  const session = await docker.containers.attach(id, {
    stdin,
    stdout: true,
    stderr: true,
    detachKeys: keys.text,
    signal: io.signal,
  });
  const stopProxy = containerSignalProxy(docker, id, io, !tty);
  let wait: Awaited<ReturnType<typeof registerWait>> | undefined;
  try {
    wait = await registerWait(docker, id, info.HostConfig?.AutoRemove ? 'removed' : 'next-exit', io);
    await docker.containers.start(id, { signal: io.signal });
    const end = await streamContainer(docker, id, session, io, {
      tty,
      stdin,
      detachKeys: keys.bytes,
      resize: tty && io.stdout.isTTY,
    });
    if (end === 'detached') {
      wait.cancel();
      return 0;
    }
  } catch (err) {
    session.close();
    wait?.cancel();
    throw err;
  } finally {
    stopProxy();
  }
  return exitStatus(wait, io);
}
