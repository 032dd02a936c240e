/** `gantry swarm join`: join the swarm whose manager is at HOST:PORT, as the token's role. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Join a swarm as a node and/or manager',
  usage: '[OPTIONS] HOST:PORT',
  flags: {
    'advertise-addr': { type: 'string', description: 'Advertised address (format: "<ip|interface>[:port]")' },
    'data-path-addr': {
      type: 'string',
      description: 'Address or interface to use for data path traffic (format: "<ip|interface>")',
    },
    'listen-addr': {
      type: 'string',
      placeholder: 'node-addr',
      default: '0.0.0.0:2377',
      description: 'Listen address (format: "<ip|interface>[:port]")',
    },
    token: { type: 'string', description: 'Token for entry into the swarm' },
  },
  args: { remote: { required: true } },
});

export type SwarmJoinOptions = OptionsOf<typeof definition>;

export async function run(opts: SwarmJoinOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  await docker.swarm.join({
    ListenAddr: opts.listenAddr,
    AdvertiseAddr: opts.advertiseAddr ?? '',
    DataPathAddr: opts.dataPathAddr ?? '',
    RemoteAddrs: [opts.remote],
    JoinToken: opts.token ?? '',
    signal: io.signal,
  });
  const info = await docker.system.info({ signal: io.signal });
  io.stdout.write(`This node joined a swarm as a ${info.Swarm?.ControlAvailable ? 'manager' : 'worker'}.\n`);
  return 0;
}
