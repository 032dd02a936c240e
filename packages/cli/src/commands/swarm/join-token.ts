/** `gantry swarm join-token`: the command that joins another node as a worker or a manager (`-q`: the token). */
import type { DockerClient } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Manage join tokens',
  usage: '[OPTIONS] (worker|manager)',
  flags: {
    quiet: { type: 'boolean', short: 'q', description: 'Only display token' },
    rotate: { type: 'boolean', description: 'Rotate join token' },
  },
  args: { role: { required: true } },
});

export type JoinTokenOptions = OptionsOf<typeof definition>;

export async function run(opts: JoinTokenOptions, io: CommandIO): Promise<number> {
  const role = opts.role;
  if (role !== 'worker' && role !== 'manager') throw new StatusError(1, `unknown role ${role}`);
  const docker = await io.client();
  if (opts.rotate) {
    const swarm = await docker.swarm.inspect({ signal: io.signal });
    await docker.swarm.update({
      ...swarm.Spec,
      version: swarm.Version?.Index ?? 0,
      ...(role === 'worker' ? { rotateWorkerToken: true } : { rotateManagerToken: true }),
      signal: io.signal,
    });
    if (!opts.quiet) io.stdout.write(`Successfully rotated ${role} join token.\n\n`);
  }
  const token = await joinToken(docker, role, io.signal);
  if (opts.quiet) {
    io.stdout.write(`${token}\n`);
    return 0;
  }
  io.stdout.write(await joinInstructions(docker, role, token, io.signal));
  return 0;
}

async function joinToken(
  docker: DockerClient,
  role: 'worker' | 'manager',
  signal: AbortSignal,
): Promise<string> {
  const swarm = await docker.swarm.inspect({ signal });
  return (role === 'worker' ? swarm.JoinTokens?.Worker : swarm.JoinTokens?.Manager) ?? '';
}

/** docker's "To add a worker to this swarm, run the following command: …" block, with this manager's address. */
export async function joinInstructions(
  docker: DockerClient,
  role: 'worker' | 'manager',
  token: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  const info = await docker.system.info({ signal });
  const self = info.Swarm?.NodeID;
  const address =
    info.Swarm?.RemoteManagers?.find((manager) => manager.NodeID === self)?.Addr ??
    info.Swarm?.NodeAddr ??
    '';
  const value = token ?? (await joinToken(docker, role, signal));
  return (
    `To add a ${role} to this swarm, run the following command:\n\n` +
    `    gantry swarm join --token ${value} ${address}\n\n`
  );
}
