import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';

/**
 * Swarm secrets: `docker secret ...`. Needs a swarm manager. `Data` is **base64**; the daemon stores
 * the decoded bytes (at most 500 KB) and never returns them.
 *
 * @example
 * ```ts
 * const { Id } = await docker.secrets.create({
 *   Name: 'db-password',
 *   Data: Buffer.from('s3cret').toString('base64'),
 *   Labels: { app: 'shop' },
 * });
 * ```
 */
export class Secrets {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists secrets (their `Data` is never returned).
   *
   * @example
   * ```ts
   * const mine = await docker.secrets.list({ filters: { label: ['app=shop'] } });
   * ```
   */
  list(options: G.SecretListQuery & CallOptions = {}): Promise<G.SecretListResult> {
    const { signal, ...query } = options;
    return this.#core.json('SecretList', { query, signal });
  }

  /**
   * Creates a secret; resolves with its id (as `Id`, whichever spelling the daemon used).
   *
   * @example
   * ```ts
   * const { Id } = await docker.secrets.create({ Name: 'db-password', Data: Buffer.from('s3cret').toString('base64') });
   * ```
   */
  async create(options: G.SecretCreateBody & CallOptions): Promise<G.SecretCreateResult> {
    const { signal, ...body } = options;
    // The spec (and so the generated type) says `Id`; daemons send `{"ID": "..."}` here.
    const created = await this.#core.json<{ ID?: string; Id?: string }>('SecretCreate', { body, signal });
    return { Id: created.Id ?? created.ID ?? '' };
  }

  /**
   * Inspects one secret by id or name — `Spec.Data` is never returned.
   *
   * @example
   * ```ts
   * const { ID, Version, Spec } = await docker.secrets.inspect('db-password');
   * ```
   */
  inspect(id: string, options: CallOptions = {}): Promise<G.SecretInspectResult> {
    return this.#core.json('SecretInspect', { params: { id }, signal: options.signal });
  }

  /**
   * Updates a secret's spec. Only `Labels` may change: the daemon rejects a different `Name` or `Data`
   * (an absent `Data` is fine — and inspect never returns it, so send back the inspected spec with new
   * labels). `version` is the current `Version.Index`: a stale one is rejected.
   *
   * @example
   * ```ts
   * const secret = await docker.secrets.inspect('db-password');
   * await docker.secrets.update(secret.ID ?? '', {
   *   ...secret.Spec,
   *   Labels: { ...secret.Spec?.Labels, rotated: 'no' },
   *   version: secret.Version?.Index ?? 0,
   * });
   * ```
   */
  update(id: string, options: G.SecretUpdateQuery & G.SecretUpdateBody & CallOptions): Promise<void> {
    const { signal, version, ...body } = options;
    return this.#core.void('SecretUpdate', { params: { id }, query: { version }, body, signal });
  }

  /**
   * Removes a secret. The daemon refuses (`API_BAD_REQUEST`) while a service uses it.
   *
   * @example
   * ```ts
   * await docker.secrets.remove('db-password');
   * ```
   */
  remove(id: string, options: CallOptions = {}): Promise<void> {
    return this.#core.void('SecretDelete', { params: { id }, signal: options.signal });
  }
}
