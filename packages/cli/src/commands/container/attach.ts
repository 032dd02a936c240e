/**
 * `gantry attach` / `container attach`: the terminal joins a running container's stdio — its output
 * from now on, stdin unless `--no-stdin` (when the container keeps stdin open), signals forwarded
 * without a TTY (`--sig-proxy`). Ends with the container's exit code; the detach keys leave it
 * running (docker's `read escape sequence`, exit 1).
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { containerSignalProxy, exitStatus, registerWait, streamContainer } from '../../terminal/container.ts';
import { detachKeys } from '../../terminal/detach-keys.ts';
import { requireTerminalInput } from '../../terminal/session.ts';

export const definition = defineCommand({
  summary: 'Attach local standard input, output, and error streams to a running container',
  usage: '[OPTIONS] CONTAINER',
  flags: {
    'detach-keys': { type: 'string', description: 'Override the key sequence for detaching a container' },
    'no-stdin': { type: 'boolean', description: 'Do not attach STDIN' },
    'sig-proxy': {
      type: 'boolean',
      default: true,
      description: 'Proxy all received signals to the process',
    },
  },
  args: { container: { required: true } },
});

export type AttachOptions = OptionsOf<typeof definition>;

export async function run(opts: AttachOptions, io: CommandIO): Promise<number> {
  const keys = await detachKeys(opts.detachKeys, io.env);
  const docker = await io.client();
  // Registered first (as docker does), so an exit between the checks and the attach is still seen.
  const wait = await registerWait(docker, opts.container, 'not-running', io);
  let stopProxy = () => {};
  try {
    const info = await docker.containers.inspect(opts.container, { signal: io.signal });
    const state = info.State ?? {};
    if (!state.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first');
    if (state.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first');
    if (state.Restarting)
      throw new StatusError(1, 'You cannot attach to a restarting container, wait until it is running');
    const id = info.Id ?? opts.container;
    const tty = info.Config?.Tty === true;
    const stdin = !opts.noStdin && info.Config?.OpenStdin === true;
    requireTerminalInput(io, stdin, tty);

    const session = await docker.containers.attach(id, {
      stdin,
      stdout: true,
      stderr: true,
      detachKeys: keys.text,
      signal: io.signal,
    });
    stopProxy = containerSignalProxy(docker, id, io, opts.sigProxy && !tty);
    const end = await streamContainer(docker, id, session, io, {
      tty,
      stdin,
      detachKeys: keys.bytes,
      resize: tty && io.stdout.isTTY,
      nudge: true,
    });
    if (end === 'detached') throw new StatusError(1, 'read escape sequence');
  } catch (err) {
    wait.cancel();
    throw err;
  } finally {
    stopProxy();
  }
  return exitStatus(wait, io);
}
