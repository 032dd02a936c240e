import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';

/**
 * The swarm this engine belongs to: `docker swarm ...`. Most calls need the engine to be a swarm
 * manager; on a node outside a swarm the daemon answers 503 (`API_SERVER`, "This node is not a
 * swarm manager").
 *
 * @example
 * ```ts
 * const nodeId = await docker.swarm.init({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: '10.0.0.5' });
 * const { JoinTokens } = await docker.swarm.inspect();
 * console.log(`docker swarm join --token ${JoinTokens?.Worker} 10.0.0.5:2377`);
 * ```
 */
export class Swarm {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Inspects the swarm: its id, spec, `Version.Index` (needed by {@link Swarm.update}) and join tokens.
   *
   * @example
   * ```ts
   * const { ID, Version, JoinTokens } = await docker.swarm.inspect();
   * ```
   */
  inspect(options: CallOptions = {}): Promise<G.SwarmInspectResult> {
    return this.#core.json('SwarmInspect', { signal: options.signal });
  }

  /**
   * Makes this engine the first manager of a new swarm; resolves with the node's id. `ListenAddr`
   * defaults to `0.0.0.0:2377`; on a host with several addresses `AdvertiseAddr` is required.
   * Takes a few seconds (the raft store and certificates are created).
   *
   * @example
   * ```ts
   * const nodeId = await docker.swarm.init({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
   * ```
   */
  init(options: G.SwarmInitBody & CallOptions = {}): Promise<G.SwarmInitResult> {
    const { signal, ...body } = options;
    return this.#core.json('SwarmInit', { body, signal });
  }

  /**
   * Joins an existing swarm as worker or manager, depending on the token.
   *
   * @example
   * ```ts
   * await docker.swarm.join({ ListenAddr: '0.0.0.0:2377', RemoteAddrs: ['10.0.0.5:2377'], JoinToken: token });
   * ```
   */
  join(options: G.SwarmJoinBody & CallOptions): Promise<void> {
    const { signal, ...body } = options;
    return this.#core.void('SwarmJoin', { body, signal });
  }

  /**
   * Leaves the swarm. A manager must pass `force: true` (the last manager leaving destroys the swarm's
   * state for good).
   *
   * @example
   * ```ts
   * await docker.swarm.leave({ force: true });
   * ```
   */
  leave(options: G.SwarmLeaveQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('SwarmLeave', { query, signal });
  }

  /**
   * Updates the swarm spec. `version` is the current `Version.Index` from {@link Swarm.inspect}: a
   * stale one is rejected, so concurrent updates cannot overwrite each other. The body replaces the
   * whole spec — start from the inspected `Spec`. The `rotate*` flags issue new join tokens or a new
   * unlock key.
   *
   * @example
   * ```ts
   * const swarm = await docker.swarm.inspect();
   * await docker.swarm.update({
   *   ...swarm.Spec,
   *   Labels: { env: 'prod' },
   *   version: swarm.Version?.Index ?? 0,
   *   rotateWorkerToken: true,
   * });
   * ```
   */
  update(options: G.SwarmUpdateQuery & G.SwarmUpdateBody & CallOptions): Promise<void> {
    const { signal, version, rotateWorkerToken, rotateManagerToken, rotateManagerUnlockKey, ...body } =
      options;
    const query: G.SwarmUpdateQuery = {
      version,
      rotateWorkerToken,
      rotateManagerToken,
      rotateManagerUnlockKey,
    };
    return this.#core.void('SwarmUpdate', { query, body, signal });
  }

  /**
   * The key that unlocks a manager after a restart when autolock is on
   * (`EncryptionConfig.AutoLockManagers`); `UnlockKey` is empty when autolock is off.
   *
   * @example
   * ```ts
   * const { UnlockKey } = await docker.swarm.unlockKey();
   * ```
   */
  unlockKey(options: CallOptions = {}): Promise<G.SwarmUnlockkeyResult> {
    return this.#core.json('SwarmUnlockkey', { signal: options.signal });
  }

  /**
   * Unlocks a locked manager (after a restart with autolock on).
   *
   * @example
   * ```ts
   * await docker.swarm.unlock({ UnlockKey: 'SWMKEY-1-...' });
   * ```
   */
  unlock(options: G.SwarmUnlockBody & CallOptions): Promise<void> {
    const { signal, ...body } = options;
    return this.#core.void('SwarmUnlock', { body, signal });
  }
}
