import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';

/**
 * Networks: `docker network ...`.
 *
 * @example
 * ```ts
 * const { Id } = await docker.networks.create({ Name: 'backend', Labels: { app: 'shop' } });
 * await docker.networks.connect(Id, { Container: 'web' });
 * ```
 */
export class Networks {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists networks.
   *
   * @example
   * ```ts
   * const bridges = await docker.networks.list({ filters: { driver: ['bridge'] } });
   * ```
   */
  list(options: G.NetworkListQuery & CallOptions = {}): Promise<G.NetworkListResult> {
    const { signal, ...query } = options;
    return this.#core.json('NetworkList', { query, signal });
  }

  /**
   * Inspects one network by id or name.
   *
   * @example
   * ```ts
   * const net = await docker.networks.inspect('bridge', { verbose: true });
   * ```
   */
  inspect(id: string, options: G.NetworkInspectQuery & CallOptions = {}): Promise<G.NetworkInspectResult> {
    const { signal, ...query } = options;
    return this.#core.json('NetworkInspect', { params: { id }, query, signal });
  }

  /**
   * Creates a network; resolves with its id and any warning.
   *
   * @example
   * ```ts
   * const { Id } = await docker.networks.create({ Name: 'backend', Driver: 'bridge' });
   * ```
   */
  create(options: G.NetworkCreateBody & CallOptions): Promise<G.NetworkCreateResult> {
    const { signal, ...body } = options;
    return this.#core.json('NetworkCreate', { body, signal });
  }

  /**
   * Removes a network.
   *
   * @example
   * ```ts
   * await docker.networks.remove('backend');
   * ```
   */
  remove(id: string, options: CallOptions = {}): Promise<void> {
    return this.#core.void('NetworkDelete', { params: { id }, signal: options.signal });
  }

  /**
   * Connects a container to a network.
   *
   * @example
   * ```ts
   * await docker.networks.connect('backend', { Container: 'web', EndpointConfig: { Aliases: ['api'] } });
   * ```
   */
  connect(id: string, options: G.NetworkConnectBody & CallOptions): Promise<void> {
    const { signal, ...body } = options;
    return this.#core.void('NetworkConnect', { params: { id }, body, signal });
  }

  /**
   * Disconnects a container from a network.
   *
   * @example
   * ```ts
   * await docker.networks.disconnect('backend', { Container: 'web', Force: true });
   * ```
   */
  disconnect(id: string, options: G.NetworkDisconnectBody & CallOptions): Promise<void> {
    const { signal, ...body } = options;
    return this.#core.void('NetworkDisconnect', { params: { id }, body, signal });
  }

  /**
   * Removes unused networks.
   *
   * @example
   * ```ts
   * const { NetworksDeleted } = await docker.networks.prune({ filters: { label: ['temp=1'] } });
   * ```
   */
  prune(options: G.NetworkPruneQuery & CallOptions = {}): Promise<G.NetworkPruneResult> {
    const { signal, ...query } = options;
    return this.#core.json('NetworkPrune', { query, signal });
  }
}
