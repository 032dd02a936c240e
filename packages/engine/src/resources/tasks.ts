import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';
import type { LogFrame } from '../streams/demux.ts';
import { type SwarmLogsOptions, swarmLogFrames } from './services.ts';

/**
 * Swarm tasks — the scheduled instances of services: `docker service ps`. Needs a swarm manager.
 *
 * @example
 * ```ts
 * const tasks = await docker.tasks.list({ filters: { service: ['web'], 'desired-state': ['running'] } });
 * for (const task of tasks) console.log(task.Slot, task.Status?.State, task.NodeID);
 * ```
 */
export class Tasks {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists tasks. Filters: `service`, `node`, `desired-state`, `id`, `name`, `label`.
   *
   * @example
   * ```ts
   * const running = await docker.tasks.list({ filters: { service: [serviceId], 'desired-state': ['running'] } });
   * ```
   */
  list(options: G.TaskListQuery & CallOptions = {}): Promise<G.TaskListResult> {
    const { signal, ...query } = options;
    return this.#core.json('TaskList', { query, signal });
  }

  /**
   * Inspects one task by id.
   *
   * @example
   * ```ts
   * const task = await docker.tasks.inspect(taskId);
   * console.log(task.Status?.State, task.Status?.ContainerStatus?.ContainerID);
   * ```
   */
  inspect(id: string, options: CallOptions = {}): Promise<G.TaskInspectResult> {
    return this.#core.json('TaskInspect', { params: { id }, signal: options.signal });
  }

  /**
   * One task's logs as frames (`stdout` / `stderr`, or `console` when it runs with a TTY). Nothing
   * is sent until iteration starts; with `follow` the stream goes on until the loop is left
   * (`break` closes the request) or the signal aborts. `stdout` and `stderr` both default to `true`.
   *
   * @example
   * ```ts
   * for await (const frame of docker.tasks.logs(taskId, { tail: 50 })) process.stdout.write(frame.data);
   * ```
   */
  logs(id: string, options: SwarmLogsOptions = {}): AsyncIterable<LogFrame> {
    const tty = (): Promise<boolean> =>
      this.inspect(id, { signal: options.signal }).then((task) => task.Spec?.ContainerSpec?.TTY === true);
    return swarmLogFrames(this.#core, 'TaskLogs', id, options, tty);
  }
}
