/** `gantry service scale`: set the replicas of replicated services (`web=3 api=2`), then wait for them. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { describeError, StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { waitForConvergence } from '../../service-spec.ts';

export const definition = defineCommand({
  summary: 'Scale one or multiple replicated services',
  usage: 'SERVICE=REPLICAS [SERVICE=REPLICAS...]',
  flags: {
    detach: {
      type: 'boolean',
      short: 'd',
      description: 'Exit immediately instead of waiting for the service to converge',
    },
  },
  args: { scales: { required: true, variadic: true } },
});

export type ServiceScaleOptions = OptionsOf<typeof definition>;

export async function run(opts: ServiceScaleOptions, io: CommandIO): Promise<number> {
  const requests = opts.scales.map((entry) => {
    const match = /^([^=]+)=(\d+)$/.exec(entry);
    if (!match)
      throw new StatusError(
        1,
        `Invalid scale specifier '${entry}'.\nSee 'gantry service scale --help'.\n\nUsage:  gantry service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]\n\nScale one or multiple replicated services`,
      );
    return { name: match[1] as string, replicas: Number(match[2]) };
  });
  const docker = await io.client();
  const failures: string[] = [];
  const scaled: string[] = [];
  for (const { name, replicas } of requests) {
    try {
      const service = await docker.services.inspect(name, { signal: io.signal });
      const spec = service.Spec ?? {};
      const mode = spec.Mode ?? {};
      let next: typeof mode;
      if (mode.Replicated) next = { Replicated: { Replicas: replicas } };
      else if (mode.ReplicatedJob)
        next = { ReplicatedJob: { ...mode.ReplicatedJob, TotalCompletions: replicas } };
      else throw new StatusError(1, `scale can only be used with replicated or replicated-job mode`);
      const result = await docker.services.update(service.ID ?? name, {
        ...spec,
        Mode: next,
        version: service.Version?.Index ?? 0,
        signal: io.signal,
      });
      for (const warning of result.Warnings ?? []) io.stderr.write(`${warning}\n`);
      io.stdout.write(`${name} scaled to ${replicas}\n`);
      scaled.push(service.ID ?? name);
    } catch (err) {
      const { isAbort } = await import('@gantry/engine');
      if (isAbort(err)) throw err;
      failures.push((await describeError(err, io.debug)).text);
    }
  }
  if (!opts.detach) for (const id of scaled) await waitForConvergence(docker, id, io);
  if (failures.length > 0) throw new StatusError(1, failures.join('\n'));
  return 0;
}
