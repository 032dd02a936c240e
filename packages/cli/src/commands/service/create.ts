/**
 * `gantry service create`: a swarm service from an image and docker's common flags; prints its id,
 * then (without `-d`) waits until its tasks run.
 */
import { readFile } from 'node:fs/promises';
import type { ServiceSpec } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { keyValues } from '../../objects.ts';
import { parseMount } from '../../opts/mounts.ts';
import { parseEnvFile, resolveEnv } from '../../opts/values.ts';
import { parseServicePort, validateServicePort, waitForConvergence } from '../../service-spec.ts';

const list = (description: string) => ({ type: 'list', description, defaultText: '' }) as const;

export const definition = defineCommand({
  summary: 'Create a new service',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  interspersed: false,
  flags: {
    constraint: list('Placement constraints'),
    'container-label': list('Container labels'),
    detach: {
      type: 'boolean',
      short: 'd',
      description: 'Exit immediately instead of waiting for the service to converge',
    },
    env: { ...list('Set environment variables'), short: 'e' },
    'env-file': list('Read in a file of environment variables'),
    hostname: { type: 'string', description: 'Container hostname' },
    label: { ...list('Service labels'), short: 'l' },
    mode: {
      type: 'string',
      default: 'replicated',
      description: 'Service mode ("replicated", "global", "replicated-job", "global-job")',
    },
    mount: {
      type: 'list',
      placeholder: 'mount',
      description: 'Attach a filesystem mount to the service',
      validate: (value: string) => void parseMount(value),
    },
    name: { type: 'string', description: 'Service name' },
    network: { type: 'list', placeholder: 'network', description: 'Network attachments' },
    publish: {
      type: 'list',
      short: 'p',
      placeholder: 'port',
      description: 'Publish a port as a node port',
      validate: validateServicePort,
    },
    quiet: { type: 'boolean', short: 'q', description: 'Suppress progress output' },
    replicas: { type: 'number', placeholder: 'uint', description: 'Number of tasks' },
    tty: { type: 'boolean', short: 't', description: 'Allocate a pseudo-TTY' },
    user: { type: 'string', short: 'u', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
    workdir: { type: 'string', short: 'w', description: 'Working directory inside the container' },
  },
  args: { image: { required: true }, command: { variadic: true } },
});

export type ServiceCreateOptions = OptionsOf<typeof definition>;

const MODES = ['replicated', 'global', 'replicated-job', 'global-job'] as const;

/** The API's `Mode` for `--mode` and `--replicas` (replicas only make sense for replicated modes). */
function serviceMode(
  mode: string,
  replicas: number | undefined,
  changed: boolean,
): NonNullable<ServiceSpec['Mode']> {
  if (!(MODES as readonly string[]).includes(mode))
    throw new StatusError(1, `invalid mode: ${mode} — use one of ${MODES.join(', ')}`);
  if (changed && (mode === 'global' || mode === 'global-job'))
    throw new StatusError(1, `replicas can only be used with replicated or replicated-job mode`);
  if (mode === 'global') return { Global: {} };
  if (mode === 'global-job') return { GlobalJob: {} };
  if (mode === 'replicated-job')
    return { ReplicatedJob: { MaxConcurrent: replicas ?? 1, TotalCompletions: replicas ?? 1 } };
  return { Replicated: { Replicas: replicas ?? 1 } };
}

export async function run(opts: ServiceCreateOptions, io: CommandIO): Promise<number> {
  const replicas = opts.changed.has('replicas') ? opts.replicas : undefined;
  if (replicas !== undefined && replicas < 0)
    throw new StatusError(125, `invalid argument "${replicas}" for "--replicas" flag: must not be negative`);
  const mode = serviceMode(opts.mode, replicas, replicas !== undefined);
  const fileEnv: string[] = [];
  for (const path of opts.envFile) fileEnv.push(...parseEnvFile(path, await readFile(path, 'utf8'), io.env));
  const env = [...fileEnv, ...opts.env.map((entry) => resolveEnv(entry, io.env))];
  const containerLabels = keyValues(opts.containerLabel);
  const spec: ServiceSpec = {
    ...(opts.name ? { Name: opts.name } : {}),
    Labels: keyValues(opts.label),
    TaskTemplate: {
      ContainerSpec: {
        Image: opts.image,
        ...(opts.command.length > 0 ? { Args: [...opts.command] } : {}),
        ...(env.length > 0 ? { Env: env } : {}),
        ...(Object.keys(containerLabels).length > 0 ? { Labels: containerLabels } : {}),
        ...(opts.mount.length > 0 ? { Mounts: opts.mount.map((value) => parseMount(value)) } : {}),
        ...(opts.hostname ? { Hostname: opts.hostname } : {}),
        ...(opts.user ? { User: opts.user } : {}),
        ...(opts.workdir ? { Dir: opts.workdir } : {}),
        ...(opts.tty ? { TTY: true } : {}),
      },
      ...(opts.constraint.length > 0 ? { Placement: { Constraints: [...opts.constraint] } } : {}),
      ...(opts.network.length > 0 ? { Networks: opts.network.map((target) => ({ Target: target })) } : {}),
    },
    Mode: mode,
    ...(opts.publish.length > 0 ? { EndpointSpec: { Ports: opts.publish.flatMap(parseServicePort) } } : {}),
  };
  const docker = await io.client();
  const created = await docker.services.create({ ...spec, signal: io.signal });
  for (const warning of created.Warnings ?? []) io.stderr.write(`${warning}\n`);
  io.stdout.write(`${created.ID}\n`);
  if (opts.detach || mode.ReplicatedJob || mode.GlobalJob) return 0;
  await waitForConvergence(docker, created.ID ?? opts.name ?? '', io, { quiet: opts.quiet });
  return 0;
}
