/** `gantry service inspect`: services as the engine reports them. */
import type { DockerClient, Service } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { prettyService } from '../../formatters/service-pretty.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more services',
  usage: '[OPTIONS] SERVICE [SERVICE...]',
  flags: {
    format: inspectFormatFlag,
    pretty: { type: 'boolean', description: 'Print the information in a human friendly format' },
  },
  args: { services: { required: true, variadic: true } },
});

export type ServiceInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: ServiceInspectOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const { isNotFound } = await import('@gantry/engine');
  // As docker: the spec with the daemon's defaults filled in, and its own words for a missing service.
  const lookup = (name: string) =>
    docker.services.inspect(name, { insertDefaults: true, signal: io.signal }).catch((err: unknown) => {
      throw isNotFound(err) ? new StatusError(1, `Error: no such service: ${name}`, { cause: err }) : err;
    });
  if (!opts.pretty) return printInspect(opts.services, lookup, opts.format, io);
  // Every service is looked up before anything is printed; the first failure ends it.
  const services: Service[] = [];
  for (const name of opts.services) services.push(await lookup(name));
  const networkNames = await networkNamesOf(docker, services, io.signal);
  const now = io.now();
  // docker starts each service with an empty line.
  io.stdout.write(services.map((service) => `\n${prettyService(service, { networkNames, now })}`).join(''));
  return 0;
}

/** The names of the networks the services' tasks join (an id that cannot be inspected stays an id). */
async function networkNamesOf(
  docker: DockerClient,
  services: readonly Service[],
  signal: AbortSignal,
): Promise<Map<string, string>> {
  const ids = new Set(
    services.flatMap((service) => service.Spec?.TaskTemplate?.Networks ?? []).map((n) => n.Target ?? ''),
  );
  const names = new Map<string, string>();
  for (const id of ids) {
    const network = await docker.networks.inspect(id, { signal }).catch(() => undefined);
    if (network?.Name) names.set(id, network.Name);
  }
  return names;
}
