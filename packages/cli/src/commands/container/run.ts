/**
 * `gantry run` / `container run`: creates a container (pulling the image when missing), attaches to
 * it, starts it and waits — gantry exits with the container's code. `-d` prints the id instead;
 * `-i` sends stdin (its end as EOF), `-t` gives a raw terminal that follows window changes and
 * detaches with the detach keys (the container keeps running, exit 0); `--rm` waits for the removal;
 * `--sig-proxy` forwards signals to a container without a TTY. The engine's refusals exit as docker's:
 * 127 when the command is not found, 126 when it cannot be invoked, else 125.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { createContainer } from '../../container-create.ts';
import { createFlags, pullPolicy, toCreateRequest } from '../../container-create-flags.ts';
import { describeError, StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { containerSignalProxy, exitStatus, registerWait, streamContainer } from '../../terminal/container.ts';
import { detachKeys } from '../../terminal/detach-keys.ts';
import { requireTerminalInput } from '../../terminal/session.ts';

export const definition = defineCommand({
  summary: 'Create and run a new container from an image',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  flags: {
    ...createFlags,
    pull: { ...createFlags.pull, description: 'Pull image before running ("always", "missing", "never")' },
    detach: {
      type: 'boolean',
      short: 'd',
      description: 'Run container in background and print container ID',
    },
    'detach-keys': { type: 'string', description: 'Override the key sequence for detaching a container' },
    'sig-proxy': { type: 'boolean', default: true, description: 'Proxy received signals to the process' },
  },
  args: { image: { required: true }, command: { variadic: true } },
  interspersed: false,
});

export type RunOptions = OptionsOf<typeof definition>;

export async function run(opts: RunOptions, io: CommandIO): Promise<number> {
  const pull = pullPolicy(opts, 'run');
  const request = toCreateRequest(opts, opts.image, opts.command, { command: 'run', env: io.env });
  if (opts.detach) {
    if (opts.attach.length > 0)
      throw new StatusError(1, 'conflicting options: cannot specify both --attach and --detach');
    Object.assign(request, {
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      StdinOnce: false,
    });
  } else {
    requireTerminalInput(io, request.AttachStdin === true, opts.tty);
  }
  const tty = opts.tty;
  const size = tty ? io.terminalSize() : undefined;
  // The TTY starts at the terminal's size (API 1.42+; older engines get the resize after start).
  if (size && request.HostConfig) request.HostConfig.ConsoleSize = [size.rows, size.columns];
  const stdin = request.AttachStdin === true;
  const attach = stdin || request.AttachStdout === true || request.AttachStderr === true;
  const keys = await detachKeys(opts.detachKeys, io.env);

  const docker = await io.client();
  let id: string;
  try {
    id = await createContainer(docker, request, { pull, quiet: opts.quiet, cidfile: opts.cidfile }, io);
  } catch (err) {
    throw await runFailure(err, io);
  }
  // docker prints the id of a detached container as soon as it exists, even if it then fails to start.
  if (!attach) io.stdout.write(`${id}\n`);
  const stopProxy = containerSignalProxy(docker, id, io, opts.sigProxy && !tty);
  try {
    const session = attach
      ? await docker.containers.attach(id, {
          stdin,
          stdout: request.AttachStdout === true,
          stderr: request.AttachStderr === true,
          detachKeys: keys.text,
          signal: io.signal,
        })
      : undefined;
    const wait = await registerWait(docker, id, opts.rm ? 'removed' : 'next-exit', io);
    try {
      await docker.containers.start(id, { signal: io.signal });
    } catch (err) {
      session?.close();
      // An --rm container that failed to start is removed by the engine: let that finish, as docker does.
      if (opts.rm) await wait.pending.result.catch(() => undefined);
      else wait.cancel();
      throw await runFailure(err, io);
    }
    if (!session) {
      wait.cancel();
      return 0;
    }
    const end = await streamContainer(docker, id, session, io, {
      tty,
      stdin,
      detachKeys: keys.bytes,
      resize: tty && io.stdout.isTTY,
    }).catch((err: unknown) => {
      wait.cancel();
      throw err;
    });
    if (end === 'detached') {
      wait.cancel();
      return 0;
    }
    return await exitStatus(wait, io);
  } finally {
    stopProxy();
  }
}

/**
 * docker's `run` failure: `gantry: <error>` and a pointer to `--help`, exit 127 when the engine's
 * message says the command was not found, 126 when it could not be invoked (permission denied, a
 * directory), else 125. Ctrl-C and the CLI's own usage errors pass through unchanged.
 */
async function runFailure(err: unknown, io: CommandIO): Promise<unknown> {
  if (err instanceof StatusError) return err;
  const { isAbort } = await import('@gantry/engine');
  if (isAbort(err)) return err;
  const { text } = await describeError(err, io.debug);
  return new StatusError(
    runExitCode(text),
    `gantry: ${text}\n\nRun 'gantry run --help' for more information`,
    {
      cause: err,
    },
  );
}

/** The exit code docker gives a create/start refusal, from the engine's message. */
export function runExitCode(message: string): number {
  if (
    /executable file not found|no such file or directory|system cannot find the file specified/.test(message)
  )
    return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}
