/**
 * `gantry service update`: change a service's image, replicas, environment, labels, ports,
 * constraints, mounts or arguments (the rest of its spec stays); prints its name, then (without
 * `-d`) waits until it converges.
 */
import type { EndpointPortConfig, Mount } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { parseMount } from '../../opts/mounts.ts';
import { resolveEnv } from '../../opts/values.ts';
import {
  parseServicePort,
  updateEntries,
  updateMap,
  validateServicePort,
  waitForConvergence,
} from '../../service-spec.ts';

const list = (description: string) => ({ type: 'list', description, defaultText: '' }) as const;

export const definition = defineCommand({
  summary: 'Update a service',
  usage: '[OPTIONS] SERVICE',
  flags: {
    args: { type: 'string', placeholder: 'command', description: 'Service command args' },
    'constraint-add': list('Add or update a placement constraint'),
    'constraint-rm': list('Remove a constraint'),
    'container-label-add': list('Add or update a container label'),
    'container-label-rm': list('Remove a container label by its key'),
    detach: {
      type: 'boolean',
      short: 'd',
      description: 'Exit immediately instead of waiting for the service to converge',
    },
    'env-add': list('Add or update an environment variable'),
    'env-rm': list('Remove an environment variable'),
    force: { type: 'boolean', description: 'Force update even if no changes require it' },
    image: { type: 'string', description: 'Service image tag' },
    'label-add': list('Add or update a service label'),
    'label-rm': list('Remove a label by its key'),
    'mount-add': {
      type: 'list',
      placeholder: 'mount',
      description: 'Add or update a mount on a service',
      validate: (value: string) => void parseMount(value),
    },
    'mount-rm': list('Remove a mount by its target path'),
    'publish-add': {
      type: 'list',
      placeholder: 'port',
      description: 'Add or update a published port',
      validate: validateServicePort,
    },
    'publish-rm': {
      type: 'list',
      placeholder: 'port',
      description: 'Remove a published port by its target port',
    },
    quiet: { type: 'boolean', short: 'q', description: 'Suppress progress output' },
    replicas: { type: 'number', placeholder: 'uint', description: 'Number of tasks' },
  },
  args: { service: { required: true } },
});

export type ServiceUpdateOptions = OptionsOf<typeof definition>;

export async function run(opts: ServiceUpdateOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const service = await docker.services.inspect(opts.service, { signal: io.signal });
  const spec = structuredClone(service.Spec ?? {});
  spec.TaskTemplate ??= {};
  const task = spec.TaskTemplate;
  task.ContainerSpec ??= {};
  const container = task.ContainerSpec;
  if (opts.image !== undefined) container.Image = opts.image;
  if (opts.args !== undefined) container.Args = opts.args.split(/\s+/).filter(Boolean);
  if (opts.envAdd.length > 0 || opts.envRm.length > 0)
    container.Env = updateEntries(
      container.Env ?? [],
      opts.envAdd.map((entry) => resolveEnv(entry, io.env)),
      opts.envRm,
    );
  if (opts.containerLabelAdd.length > 0 || opts.containerLabelRm.length > 0)
    container.Labels = updateMap(container.Labels, opts.containerLabelAdd, opts.containerLabelRm);
  if (opts.labelAdd.length > 0 || opts.labelRm.length > 0)
    spec.Labels = updateMap(spec.Labels, opts.labelAdd, opts.labelRm);
  if (opts.mountAdd.length > 0 || opts.mountRm.length > 0) {
    const added = opts.mountAdd.map((value) => parseMount(value));
    const gone = new Set([...opts.mountRm, ...added.map((mount) => mount.Target)]);
    container.Mounts = [
      ...(container.Mounts ?? []).filter((mount: Mount) => !gone.has(mount.Target)),
      ...added,
    ];
  }
  if (opts.constraintAdd.length > 0 || opts.constraintRm.length > 0) {
    task.Placement ??= {};
    const placement = task.Placement;
    placement.Constraints = [
      ...(placement.Constraints ?? []).filter(
        (constraint) => !opts.constraintRm.includes(constraint) && !opts.constraintAdd.includes(constraint),
      ),
      ...opts.constraintAdd,
    ];
  }
  if (opts.publishAdd.length > 0 || opts.publishRm.length > 0) {
    const added = opts.publishAdd.flatMap(parseServicePort);
    const removed = new Set(opts.publishRm.flatMap(parseServicePort).map(portKey));
    const replaced = new Set(added.map(portKey));
    spec.EndpointSpec ??= {};
    const endpoint = spec.EndpointSpec;
    endpoint.Ports = [
      ...(endpoint.Ports ?? []).filter((port) => !removed.has(portKey(port)) && !replaced.has(portKey(port))),
      ...added,
    ];
  }
  if (opts.changed.has('replicas')) {
    if (spec.Mode?.Replicated) spec.Mode = { Replicated: { Replicas: opts.replicas } };
    else if (spec.Mode?.ReplicatedJob)
      spec.Mode = { ReplicatedJob: { ...spec.Mode.ReplicatedJob, TotalCompletions: opts.replicas } };
    else throw new StatusError(1, 'replicas can only be used with replicated or replicated-job mode');
  }
  if (opts.force) task.ForceUpdate = (task.ForceUpdate ?? 0) + 1;
  const result = await docker.services.update(service.ID ?? opts.service, {
    ...spec,
    version: service.Version?.Index ?? 0,
    signal: io.signal,
  });
  for (const warning of result.Warnings ?? []) io.stderr.write(`${warning}\n`);
  io.stdout.write(`${opts.service}\n`);
  if (!opts.detach) await waitForConvergence(docker, service.ID ?? opts.service, io, { quiet: opts.quiet });
  return 0;
}

/** A published port's identity: docker removes by target port and protocol. */
function portKey(port: EndpointPortConfig): string {
  return `${port.TargetPort ?? 0}/${port.Protocol ?? 'tcp'}`;
}
