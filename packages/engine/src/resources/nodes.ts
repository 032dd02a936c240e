import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';

/**
 * Swarm nodes: `docker node ...`. Needs a swarm manager.
 *
 * @example
 * ```ts
 * const managers = await docker.nodes.list({ filters: { role: ['manager'] } });
 * for (const node of managers) console.log(node.Description?.Hostname, node.Status?.State);
 * ```
 */
export class Nodes {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists the swarm's nodes.
   *
   * @example
   * ```ts
   * const ready = await docker.nodes.list({ filters: { role: ['worker'], membership: ['accepted'] } });
   * ```
   */
  list(options: G.NodeListQuery & CallOptions = {}): Promise<G.NodeListResult> {
    const { signal, ...query } = options;
    return this.#core.json('NodeList', { query, signal });
  }

  /**
   * Inspects one node by id or hostname (`self` is not accepted by the API; use
   * `(await docker.system.info()).Swarm?.NodeID`).
   *
   * @example
   * ```ts
   * const node = await docker.nodes.inspect(nodeId);
   * console.log(node.Spec?.Availability, node.Version?.Index);
   * ```
   */
  inspect(id: string, options: CallOptions = {}): Promise<G.NodeInspectResult> {
    return this.#core.json('NodeInspect', { params: { id }, signal: options.signal });
  }

  /**
   * Replaces a node's spec (labels, role, availability). `version` is the node's current
   * `Version.Index`: a stale one is rejected. Fields left out are reset, so start from the
   * inspected `Spec`.
   *
   * @example
   * ```ts
   * const node = await docker.nodes.inspect(nodeId);
   * await docker.nodes.update(nodeId, {
   *   ...node.Spec,
   *   Labels: { ...node.Spec?.Labels, zone: 'a' },
   *   version: node.Version?.Index ?? 0,
   * });
   * ```
   */
  update(id: string, options: G.NodeUpdateQuery & G.NodeUpdateBody & CallOptions): Promise<void> {
    const { signal, version, ...body } = options;
    return this.#core.void('NodeUpdate', { params: { id }, query: { version }, body, signal });
  }

  /**
   * Removes a node from the swarm. A node that is still up needs `force: true`.
   *
   * @example
   * ```ts
   * await docker.nodes.remove(nodeId, { force: true });
   * ```
   */
  remove(id: string, options: G.NodeDeleteQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('NodeDelete', { params: { id }, query, signal });
  }
}
