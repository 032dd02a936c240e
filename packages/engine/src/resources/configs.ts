import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';

/**
 * Swarm configs: `docker config ...`. Needs a swarm manager. `Data` is **base64**; the daemon stores
 * the decoded bytes (at most 500 KB) and, unlike a secret's, returns them on inspect.
 *
 * @example
 * ```ts
 * const { Id } = await docker.configs.create({
 *   Name: 'db-conf',
 *   Data: Buffer.from('listen 80;').toString('base64'),
 *   Labels: { app: 'shop' },
 * });
 * ```
 */
export class Configs {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists configs.
   *
   * @example
   * ```ts
   * const mine = await docker.configs.list({ filters: { label: ['app=shop'] } });
   * ```
   */
  list(options: G.ConfigListQuery & CallOptions = {}): Promise<G.ConfigListResult> {
    const { signal, ...query } = options;
    return this.#core.json('ConfigList', { query, signal });
  }

  /**
   * Creates a config; resolves with its id (as `Id`, whichever spelling the daemon used).
   *
   * @example
   * ```ts
   * const { Id } = await docker.configs.create({ Name: 'db-conf', Data: Buffer.from('listen 80;').toString('base64') });
   * ```
   */
  async create(options: G.ConfigCreateBody & CallOptions): Promise<G.ConfigCreateResult> {
    const { signal, ...body } = options;
    // The spec (and so the generated type) says `Id`; daemons send `{"ID": "..."}` here.
    const created = await this.#core.json<{ ID?: string; Id?: string }>('ConfigCreate', { body, signal });
    return { Id: created.Id ?? created.ID ?? '' };
  }

  /**
   * Inspects one config by id or name (with `Spec.Data`, base64).
   *
   * @example
   * ```ts
   * const { ID, Version, Spec } = await docker.configs.inspect('db-conf');
   * ```
   */
  inspect(id: string, options: CallOptions = {}): Promise<G.ConfigInspectResult> {
    return this.#core.json('ConfigInspect', { params: { id }, signal: options.signal });
  }

  /**
   * Updates a config's spec. Only `Labels` may change: the daemon rejects a different `Name` or `Data`
   * (an absent `Data` is fine). Send back the inspected spec with new labels. `version` is the current
   * `Version.Index`: a stale one is rejected.
   *
   * @example
   * ```ts
   * const config = await docker.configs.inspect('db-conf');
   * await docker.configs.update(config.ID ?? '', {
   *   ...config.Spec,
   *   Labels: { ...config.Spec?.Labels, rotated: 'no' },
   *   version: config.Version?.Index ?? 0,
   * });
   * ```
   */
  update(id: string, options: G.ConfigUpdateQuery & G.ConfigUpdateBody & CallOptions): Promise<void> {
    const { signal, version, ...body } = options;
    return this.#core.void('ConfigUpdate', { params: { id }, query: { version }, body, signal });
  }

  /**
   * Removes a config. The daemon refuses (`API_BAD_REQUEST`) while a service uses it.
   *
   * @example
   * ```ts
   * await docker.configs.remove('db-conf');
   * ```
   */
  remove(id: string, options: CallOptions = {}): Promise<void> {
    return this.#core.void('ConfigDelete', { params: { id }, signal: options.signal });
  }
}
