import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';
import { encodeRegistryAuth, type RegistryAuth } from '../registry-auth.ts';
import { stdioFrames } from '../stdio.ts';
import type { LogFrame } from '../streams/demux.ts';
import { type Timestamp, toUnixTimestamp } from './containers.ts';

/**
 * Options of {@link Services.logs} and `tasks.logs`.
 *
 * @example
 * ```ts
 * const options: SwarmLogsOptions = { since: '1h', tail: 100, timestamps: true, details: true };
 * for await (const frame of docker.services.logs('web', options)) process.stdout.write(frame.data);
 * ```
 */
export type SwarmLogsOptions = Omit<G.ServiceLogsQuery, 'since' | 'tail'> & {
  /** Only lines written at or after this time: a `Date`, unix seconds, a date string or a duration like `'10m'`. */
  readonly since?: Timestamp;
  /** Only the last N lines of each task (`'all'` or omitted: everything). */
  readonly tail?: number | 'all';
} & CallOptions;

/**
 * Options of {@link Services.create}.
 *
 * @example
 * ```ts
 * const spec: ServiceCreateOptions = {
 *   Name: 'api',
 *   TaskTemplate: { ContainerSpec: { Image: 'registry.example/team/api:2' } },
 *   Mode: { Replicated: { Replicas: 3 } },
 *   auth: { username: 'ci', password: token, serveraddress: 'registry.example' },
 * };
 * const { ID } = await docker.services.create(spec);
 * ```
 */
export type ServiceCreateOptions = G.ServiceCreateBody & {
  /** Credentials for pulling the image from a private registry, handed to the nodes (`X-Registry-Auth`). */
  readonly auth?: RegistryAuth;
} & CallOptions;

/**
 * Options of {@link Services.update}.
 *
 * @example
 * ```ts
 * const current = await docker.services.inspect('api');
 * const next: ServiceUpdateOptions = {
 *   ...current.Spec,
 *   TaskTemplate: { ContainerSpec: { Image: 'registry.example/team/api:3' } },
 *   version: current.Version?.Index ?? 0,
 * };
 * await docker.services.update('api', next);
 * ```
 */
export type ServiceUpdateOptions = G.ServiceUpdateQuery &
  G.ServiceUpdateBody & {
    /** Credentials for pulling a new image from a private registry (`X-Registry-Auth`). */
    readonly auth?: RegistryAuth;
  } & CallOptions;

/**
 * Swarm services: `docker service ...`. Needs a swarm manager.
 *
 * @example
 * ```ts
 * const { ID } = await docker.services.create({
 *   Name: 'web',
 *   TaskTemplate: { ContainerSpec: { Image: 'nginx:alpine' } },
 *   Mode: { Replicated: { Replicas: 2 } },
 *   EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080 }] },
 * });
 * ```
 */
export class Services {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists services. `status: true` adds `ServiceStatus` (running / desired task counts).
   *
   * @example
   * ```ts
   * const services = await docker.services.list({ filters: { label: ['app=shop'] }, status: true });
   * for (const s of services) console.log(s.Spec?.Name, s.ServiceStatus?.RunningTasks);
   * ```
   */
  list(options: G.ServiceListQuery & CallOptions = {}): Promise<G.ServiceListResult> {
    const { signal, ...query } = options;
    return this.#core.json('ServiceList', { query, signal });
  }

  /**
   * Creates a service; resolves with its `ID` and any `Warnings` (e.g. the image could not be
   * resolved to a digest, so nodes may run different versions). Tasks are scheduled afterwards,
   * asynchronously: watch them with `docker.tasks.list({ filters: { service: [ID] } })`.
   *
   * @example
   * ```ts
   * const { ID } = await docker.services.create({
   *   Name: 'worker',
   *   TaskTemplate: { ContainerSpec: { Image: 'registry.example.com/worker:1.2' } },
   *   auth: { username: 'ci', password: process.env.REGISTRY_PASSWORD, serveraddress: 'registry.example.com' },
   * });
   * ```
   */
  create(options: ServiceCreateOptions): Promise<G.ServiceCreateResult> {
    const { signal, auth, ...body } = options;
    return this.#core.json('ServiceCreate', { body, headers: registryAuthHeader(auth), signal });
  }

  /**
   * Inspects one service by id or name. `insertDefaults` fills in the defaults the daemon applies
   * (update / rollback config, ...) as `docker service inspect` shows them.
   *
   * @example
   * ```ts
   * const service = await docker.services.inspect('web', { insertDefaults: true });
   * console.log(service.Version?.Index, service.Spec?.Mode?.Replicated?.Replicas);
   * ```
   */
  inspect(id: string, options: G.ServiceInspectQuery & CallOptions = {}): Promise<G.ServiceInspectResult> {
    const { signal, ...query } = options;
    return this.#core.json('ServiceInspect', { params: { id }, query, signal });
  }

  /**
   * Replaces a service's spec, which starts a rolling update of its tasks. `version` is the
   * service's current `Version.Index`: a stale one is rejected (`API_SERVER`, "update out of
   * sequence"), so concurrent updates cannot overwrite each other. The spec replaces the whole
   * previous one — start from the inspected `Spec`. `rollback: 'previous'` returns to the previous
   * spec instead (send the current spec); `registryAuthFrom` picks which spec's stored credentials
   * to pull with when no `auth` is given.
   *
   * @example
   * ```ts
   * const service = await docker.services.inspect('web');
   * await docker.services.update('web', {
   *   ...service.Spec,
   *   Mode: { Replicated: { Replicas: 5 } },
   *   version: service.Version?.Index ?? 0,
   * });
   * ```
   */
  update(id: string, options: ServiceUpdateOptions): Promise<G.ServiceUpdateResult> {
    const { signal, version, registryAuthFrom, rollback, auth, ...body } = options;
    const query: G.ServiceUpdateQuery = { version, registryAuthFrom, rollback };
    return this.#core.json('ServiceUpdate', {
      params: { id },
      query,
      body,
      headers: registryAuthHeader(auth),
      signal,
    });
  }

  /**
   * Removes a service; its tasks are shut down and removed asynchronously.
   *
   * @example
   * ```ts
   * await docker.services.remove('web');
   * ```
   */
  remove(id: string, options: CallOptions = {}): Promise<void> {
    return this.#core.void('ServiceDelete', { params: { id }, signal: options.signal });
  }

  /**
   * The logs of all the service's tasks as frames (`stdout` / `stderr`, or `console` when the
   * service runs with a TTY), as `docker service logs`. Nothing is sent until iteration starts;
   * with `follow` the stream goes on until the loop is left (`break` closes the request) or the
   * signal aborts. `stdout` and `stderr` both default to `true`. Each line is prefixed with the
   * task's details only with `details: true` (as `com.docker.swarm.*=...` attributes).
   *
   * @example
   * ```ts
   * for await (const frame of docker.services.logs('web', { follow: true, tail: 20 })) {
   *   process.stdout.write(frame.data);
   * }
   * ```
   */
  logs(id: string, options: SwarmLogsOptions = {}): AsyncIterable<LogFrame> {
    const tty = (): Promise<boolean> =>
      this.inspect(id, { signal: options.signal }).then(
        (service) => service.Spec?.TaskTemplate?.ContainerSpec?.TTY === true,
      );
    return swarmLogFrames(this.#core, 'ServiceLogs', id, options, tty);
  }
}

/** The `X-Registry-Auth` header for `auth`, or none. */
function registryAuthHeader(auth: RegistryAuth | undefined): Record<string, string | undefined> {
  return { 'X-Registry-Auth': auth === undefined ? undefined : encodeRegistryAuth(auth) };
}

/**
 * Frames of a service or task logs request (shared by `services.logs` and `tasks.logs`).
 *
 * @internal
 * @example
 * ```ts
 * for await (const frame of swarmLogFrames(core, 'TaskLogs', taskId, { follow: true }, () => Promise.resolve(false))) {
 *   process.stdout.write(frame.data);
 * }
 * ```
 */
export function swarmLogFrames(
  core: EngineCore,
  operationId: 'ServiceLogs' | 'TaskLogs',
  id: string,
  options: SwarmLogsOptions,
  tty: () => Promise<boolean>,
): AsyncIterable<LogFrame> {
  const { signal, since, tail, ...flags } = options;
  const both = flags.stdout === undefined && flags.stderr === undefined;
  // The generated type says `since: number` (the spec's integer); the daemon reads
  // `seconds[.nanoseconds]`, and a string keeps the precision a JS number cannot.
  const query = {
    ...flags,
    stdout: both ? true : flags.stdout,
    stderr: both ? true : flags.stderr,
    since: toUnixTimestamp(since, 'since'),
    tail: tail === undefined ? undefined : String(tail),
  } as unknown as G.ServiceLogsQuery;
  return stdioFrames(
    () => core.send(operationId, { params: { id }, query, signal }),
    () => core.apiVersion(),
    tty,
    signal,
  );
}
