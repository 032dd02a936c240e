import type { CallOptions, EngineCore } from '../core.ts';
import type { ClusterVolumeSpec } from '../generated/models.ts';
import type * as G from '../generated/operations.ts';

type AccessMode = NonNullable<ClusterVolumeSpec['AccessMode']>;

/**
 * A cluster volume spec as the daemon reads it. The generated `ClusterVolumeSpec` nests `Secrets`,
 * `AccessibilityRequirements`, `CapacityRange` and `Availability` inside `AccessMode` because the
 * spec's YAML does; Go's `volume.ClusterVolumeSpec` (what the daemon decodes) has them at the top
 * level, so they are accepted there too.
 *
 * @example
 * ```ts
 * const Spec: ClusterVolumeSpecInput = {
 *   Group: 'db',
 *   AccessMode: { Scope: 'single', Sharing: 'none', MountVolume: {} },
 *   CapacityRange: { RequiredBytes: 10 * 2 ** 30 }, // 10 GiB
 *   Availability: 'active',
 * };
 * await docker.volumes.create({ Name: 'pgdata', Driver: 'csi.example.com', ClusterVolumeSpec: Spec });
 * ```
 */
export type ClusterVolumeSpecInput = ClusterVolumeSpec &
  Pick<AccessMode, 'Secrets' | 'AccessibilityRequirements' | 'CapacityRange' | 'Availability'>;

/**
 * Volumes: `docker volume ...`.
 *
 * @example
 * ```ts
 * const volume = await docker.volumes.create({ Name: 'data', Labels: { app: 'shop' } });
 * console.log(volume.Mountpoint); // '/var/lib/docker/volumes/data/_data'
 * await docker.volumes.remove('data');
 * ```
 */
export class Volumes {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists volumes. The answer is an object, not an array: `Volumes` (may be `null` on old daemons
   * when there are none) and `Warnings` (e.g. a volume driver that did not answer).
   *
   * @example
   * ```ts
   * const { Volumes = [], Warnings } = await docker.volumes.list({ filters: { dangling: ['true'] } });
   * ```
   */
  list(options: G.VolumeListQuery & CallOptions = {}): Promise<G.VolumeListResult> {
    const { signal, ...query } = options;
    return this.#core.json('VolumeList', { query, signal });
  }

  /**
   * Creates a volume and resolves with it. Without `Name` the daemon picks a random 64-hex name.
   * Creating a volume whose name exists with the same driver returns the existing one (no error).
   *
   * @example
   * ```ts
   * const { Name } = await docker.volumes.create({ Driver: 'local', Labels: { tier: 'db' } });
   * ```
   */
  create(options: G.VolumeCreateBody & CallOptions = {}): Promise<G.VolumeCreateResult> {
    const { signal, ...body } = options;
    return this.#core.json('VolumeCreate', { body, signal });
  }

  /**
   * Inspects one volume by name.
   *
   * @example
   * ```ts
   * const { Mountpoint, Labels } = await docker.volumes.inspect('data');
   * ```
   */
  inspect(name: string, options: CallOptions = {}): Promise<G.VolumeInspectResult> {
    return this.#core.json('VolumeInspect', { params: { name }, signal: options.signal });
  }

  /**
   * Removes a volume. The daemon refuses (409) while a container uses it; `force` only ignores
   * "not found" and driver errors, it does not detach the volume from containers.
   *
   * @example
   * ```ts
   * await docker.volumes.remove('data', { force: true });
   * ```
   */
  remove(name: string, options: G.VolumeDeleteQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('VolumeDelete', { params: { name }, query, signal });
  }

  /**
   * Removes volumes no container uses. Since API 1.42 only anonymous volumes go unless the filter
   * says `all=true`; on 1.41 named volumes go too — filter by label to stay in control.
   *
   * @example
   * ```ts
   * const { VolumesDeleted = [], SpaceReclaimed } = await docker.volumes.prune({ filters: { label: ['temp=1'] } });
   * ```
   */
  prune(options: G.VolumePruneQuery & CallOptions = {}): Promise<G.VolumePruneResult> {
    const { signal, ...query } = options;
    return this.#core.json('VolumePrune', { query, signal });
  }

  /**
   * Updates a cluster volume's spec (API 1.42+, swarm cluster volumes only). `version` is the
   * volume's current `ClusterVolume.Version.Index`, which guards against concurrent updates.
   * Against an older engine this throws `EngineVersionError` before anything is sent.
   *
   * @example
   * ```ts
   * const vol = await docker.volumes.inspect('csi-vol');
   * await docker.volumes.update('csi-vol', {
   *   version: vol.ClusterVolume?.Version?.Index ?? 0,
   *   Spec: { Availability: 'drain' },
   * });
   * ```
   */
  update(
    name: string,
    options: G.VolumeUpdateQuery & { Spec?: ClusterVolumeSpecInput } & CallOptions,
  ): Promise<void> {
    const { signal, version, ...body } = options;
    return this.#core.void('VolumeUpdate', { params: { name }, query: { version }, body, signal });
  }
}
