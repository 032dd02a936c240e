/**
 * `gantry exec` / `container exec`: runs a command in a running container. Attached, the command's
 * output streams back (with `-i` stdin goes to it, its end as EOF; with `-t` a raw terminal that
 * follows window changes, detached with the detach keys — docker's `read escape sequence`, exit 1),
 * and its exit code becomes gantry's. `-d` starts it and returns.
 */
import { readFile } from 'node:fs/promises';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { parseEnvFile, resolveEnv, validateEnv } from '../../opts/values.ts';
import { detachKeys } from '../../terminal/detach-keys.ts';
import { followTerminalSize, pipeSession, requireTerminalInput } from '../../terminal/session.ts';

export const definition = defineCommand({
  summary: 'Execute a command in a running container',
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  flags: {
    detach: { type: 'boolean', short: 'd', description: 'Detached mode: run command in the background' },
    'detach-keys': { type: 'string', description: 'Override the key sequence for detaching a container' },
    env: { type: 'list', short: 'e', description: 'Set environment variables', validate: validateEnv },
    'env-file': { type: 'list', description: 'Read in a file of environment variables' },
    interactive: { type: 'boolean', short: 'i', description: 'Keep STDIN open even if not attached' },
    privileged: { type: 'boolean', description: 'Give extended privileges to the command' },
    tty: { type: 'boolean', short: 't', description: 'Allocate a pseudo-TTY' },
    user: { type: 'string', short: 'u', description: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    workdir: { type: 'string', short: 'w', description: 'Working directory inside the container' },
  },
  args: { container: { required: true }, command: { required: true, variadic: true } },
  interspersed: false,
});

export type ExecOptions = OptionsOf<typeof definition>;

/** docker's `exec: "…": read escape sequence` is just this line on stderr, exit 1. */
const DETACHED = 'read escape sequence';

export async function run(opts: ExecOptions, io: CommandIO): Promise<number> {
  const env = [
    ...(await envFiles(opts.envFile, io.env)),
    ...opts.env.map((entry) => resolveEnv(entry, io.env)),
  ];
  const keys = await detachKeys(opts.detachKeys, io.env);
  const docker = await io.client();
  // An unknown container is reported before the TTY check, and no exec is left behind by either.
  await docker.containers.inspect(opts.container, { signal: io.signal });
  if (!opts.detach) requireTerminalInput(io, opts.interactive, opts.tty);

  const { compareVersions } = await import('@gantry/engine');
  const size = opts.tty ? io.terminalSize() : undefined;
  const consoleSize: [number, number] | undefined =
    size && compareVersions(await docker.apiVersion({ signal: io.signal }), '1.42') >= 0
      ? [size.rows, size.columns]
      : undefined;
  const attached = !opts.detach;
  const { Id } = await docker.exec.create(opts.container, {
    Cmd: [...opts.command],
    Env: env,
    AttachStdin: attached && opts.interactive,
    AttachStdout: attached,
    AttachStderr: attached,
    Tty: opts.tty,
    Privileged: opts.privileged,
    DetachKeys: keys.text,
    ...(opts.user !== undefined ? { User: opts.user } : {}),
    ...(opts.workdir !== undefined ? { WorkingDir: opts.workdir } : {}),
    ...(consoleSize ? { ConsoleSize: consoleSize } : {}),
    signal: io.signal,
  });
  if (opts.detach) {
    await docker.exec.start(Id, { Detach: true, Tty: opts.tty, ConsoleSize: consoleSize, signal: io.signal });
    return 0;
  }

  const session = await docker.exec.start(Id, {
    Tty: opts.tty,
    ConsoleSize: consoleSize,
    stdin: opts.interactive,
    signal: io.signal,
  });
  // docker follows the size when stdin is a terminal (the exec's TTY is the user's then).
  const stopResizing =
    opts.tty && io.stdin.isTTY === true
      ? followTerminalSize(io, (value) => session.resize(value))
      : () => undefined;
  let end: Awaited<ReturnType<typeof pipeSession>>;
  try {
    end = await pipeSession(session, io, { tty: opts.tty, stdin: opts.interactive, detachKeys: keys.bytes });
  } finally {
    stopResizing();
  }
  if (end === 'detached') throw new StatusError(1, DETACHED);
  return session.exitCode({ signal: io.signal });
}

/** `--env-file` entries in order; a file that cannot be read fails as docker's (`open x: no such file or directory`). */
async function envFiles(
  paths: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<string[]> {
  const entries: string[] = [];
  for (const path of paths) {
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (err) {
      const reasons: Record<string, string> = {
        ENOENT: 'no such file or directory',
        EACCES: 'permission denied',
        EISDIR: 'is a directory',
      };
      const code = (err as NodeJS.ErrnoException).code ?? '';
      throw new StatusError(1, `open ${path}: ${reasons[code] ?? (err as Error).message}`, { cause: err });
    }
    try {
      entries.push(...parseEnvFile(path, content, env));
    } catch (err) {
      throw new StatusError(1, (err as Error).message);
    }
  }
  return entries;
}
