/** `gantry swarm leave`: this node leaves its swarm (`-f` even as the last manager). */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Leave the swarm',
  usage: '[OPTIONS]',
  flags: {
    force: {
      type: 'boolean',
      short: 'f',
      description: 'Force this node to leave the swarm, ignoring warnings',
    },
  },
  args: {},
});

export type SwarmLeaveOptions = OptionsOf<typeof definition>;

export async function run(opts: SwarmLeaveOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  await docker.swarm.leave({ force: opts.force, signal: io.signal });
  io.stdout.write('Node left the swarm.\n');
  return 0;
}
