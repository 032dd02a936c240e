/** `gantry update` / `container update`: changes resource limits and the restart policy of running containers. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { createFlags } from '../../container-create-flags.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';
import { parseBytes, parseNanoCpus, parseRestartPolicy, parseSwapBytes } from '../../opts/values.ts';

export const definition = defineCommand({
  summary: 'Update configuration of one or more containers',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: {
    'blkio-weight': {
      type: 'number',
      placeholder: 'uint16',
      defaultText: '0',
      description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable',
    },
    'cpu-period': { type: 'number', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
    'cpu-quota': { type: 'number', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
    'cpu-rt-period': { type: 'number', description: 'Limit the CPU real-time period in microseconds' },
    'cpu-rt-runtime': { type: 'number', description: 'Limit the CPU real-time runtime in microseconds' },
    'cpu-shares': createFlags['cpu-shares'],
    cpus: createFlags.cpus,
    'cpuset-cpus': createFlags['cpuset-cpus'],
    'cpuset-mems': { type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
    memory: createFlags.memory,
    'memory-reservation': createFlags['memory-reservation'],
    'memory-swap': {
      ...createFlags['memory-swap'],
      description: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap',
    },
    'pids-limit': createFlags['pids-limit'],
    restart: { type: 'string', description: 'Restart policy to apply when a container exits' },
  },
  args: { containers: { required: true, variadic: true } },
});

export type UpdateOptions = OptionsOf<typeof definition>;

export async function run(opts: UpdateOptions, io: CommandIO): Promise<number> {
  if (opts.changed.size === 0)
    throw new StatusError(1, 'you must provide one or more flags when using this command');
  const given = (name: string) => opts.changed.has(name);
  const body = {
    ...(given('blkio-weight') ? { BlkioWeight: opts.blkioWeight } : {}),
    ...(given('cpu-period') ? { CpuPeriod: opts.cpuPeriod } : {}),
    ...(given('cpu-quota') ? { CpuQuota: opts.cpuQuota } : {}),
    ...(given('cpu-rt-period') ? { CpuRealtimePeriod: opts.cpuRtPeriod } : {}),
    ...(given('cpu-rt-runtime') ? { CpuRealtimeRuntime: opts.cpuRtRuntime } : {}),
    ...(given('cpu-shares') ? { CpuShares: opts.cpuShares } : {}),
    ...(opts.cpus !== undefined ? { NanoCpus: parseNanoCpus(opts.cpus) } : {}),
    ...(opts.cpusetCpus !== undefined ? { CpusetCpus: opts.cpusetCpus } : {}),
    ...(opts.cpusetMems !== undefined ? { CpusetMems: opts.cpusetMems } : {}),
    ...(opts.memory !== undefined ? { Memory: parseBytes(opts.memory) } : {}),
    ...(opts.memoryReservation !== undefined
      ? { MemoryReservation: parseBytes(opts.memoryReservation) }
      : {}),
    ...(opts.memorySwap !== undefined ? { MemorySwap: parseSwapBytes(opts.memorySwap) } : {}),
    ...(given('pids-limit') ? { PidsLimit: opts.pidsLimit } : {}),
    ...(opts.restart !== undefined ? { RestartPolicy: restartPolicy(opts.restart) } : {}),
  };
  const docker = await io.client();
  return removeEach(
    opts.containers,
    async (name) => {
      const { Warnings } = await docker.containers.update(name, { ...body, signal: io.signal });
      for (const warning of Warnings ?? []) io.stderr.write(`${warning}\n`);
    },
    io,
  );
}

function restartPolicy(text: string) {
  try {
    return parseRestartPolicy(text) as { Name: 'no'; MaximumRetryCount: number };
  } catch (err) {
    throw new StatusError(1, (err as Error).message, { cause: err });
  }
}
