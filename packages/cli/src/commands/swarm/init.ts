/** `gantry swarm init`: make this engine a swarm manager and print how other nodes join. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { commaSeparated } from '../../objects.ts';
import { joinInstructions } from './join-token.ts';

export const definition = defineCommand({
  summary: 'Initialize a swarm',
  usage: '[OPTIONS]',
  flags: {
    'advertise-addr': { type: 'string', description: 'Advertised address (format: "<ip|interface>[:port]")' },
    autolock: {
      type: 'boolean',
      description: 'Enable manager autolocking (requiring an unlock key to start a stopped manager)',
    },
    'data-path-addr': {
      type: 'string',
      description: 'Address or interface to use for data path traffic (format: "<ip|interface>")',
    },
    'data-path-port': {
      type: 'number',
      placeholder: 'uint32',
      default: 0,
      description:
        'Port number to use for data path traffic (1024 - 49151). If no value is set or is set to 0, the default port (4789) is used.',
    },
    'default-addr-pool': {
      type: 'list',
      placeholder: 'ipNetSlice',
      defaultText: '[]',
      description: 'default address pool in CIDR format',
    },
    'default-addr-pool-mask-length': {
      type: 'number',
      placeholder: 'uint32',
      default: 24,
      description: 'default address pool subnet mask length',
    },
    'force-new-cluster': { type: 'boolean', description: 'Force create a new cluster from current state' },
    'listen-addr': {
      type: 'string',
      placeholder: 'node-addr',
      default: '0.0.0.0:2377',
      description: 'Listen address (format: "<ip|interface>[:port]")',
    },
    'task-history-limit': { type: 'number', default: 5, description: 'Task history retention limit' },
  },
  args: {},
});

export type SwarmInitOptions = OptionsOf<typeof definition>;

export async function run(opts: SwarmInitOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const pools = commaSeparated(opts.defaultAddrPool);
  const nodeId = await docker.swarm.init({
    ListenAddr: opts.listenAddr,
    AdvertiseAddr: opts.advertiseAddr ?? '',
    DataPathAddr: opts.dataPathAddr ?? '',
    ...(opts.dataPathPort ? { DataPathPort: opts.dataPathPort } : {}),
    ...(pools.length > 0 ? { DefaultAddrPool: pools, SubnetSize: opts.defaultAddrPoolMaskLength } : {}),
    ForceNewCluster: opts.forceNewCluster,
    Spec: {
      Orchestration: { TaskHistoryRetentionLimit: opts.taskHistoryLimit },
      EncryptionConfig: { AutoLockManagers: opts.autolock },
    },
    signal: io.signal,
  });
  io.stdout.write(`Swarm initialized: current node (${nodeId}) is now a manager.\n\n`);
  io.stdout.write(await joinInstructions(docker, 'worker', undefined, io.signal));
  io.stdout.write(
    "To add a manager to this swarm, run 'gantry swarm join-token manager' and follow the instructions.\n\n",
  );
  if (opts.autolock) {
    const { UnlockKey } = await docker.swarm.unlockKey({ signal: io.signal });
    io.stdout.write(
      'To unlock a swarm manager after it restarts, run the `gantry swarm unlock`\n' +
        'command and provide the following key:\n\n' +
        `    ${UnlockKey ?? ''}\n\n` +
        'Please remember to store this key in a password manager, since without it you\n' +
        'will not be able to restart the manager.\n',
    );
  }
  return 0;
}
