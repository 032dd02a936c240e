import type { CallOptions, EngineCore } from '../core.ts';
import type * as G from '../generated/operations.ts';
import { encodeRegistryAuth, type RegistryAuth } from '../registry-auth.ts';

/**
 * Distribution: what a registry holds for an image reference, asked through the daemon (which
 * contacts the registry with the given credentials) — the manifest descriptor and platforms that
 * `docker manifest inspect` / `docker buildx imagetools` show, without pulling anything.
 *
 * @example
 * ```ts
 * const { Descriptor, Platforms } = await docker.distribution.inspect('registry.example/team/app:1', { auth });
 * console.log(Descriptor.digest, Platforms.map((p) => `${p.os}/${p.architecture}`));
 * ```
 */
export class Distribution {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * The registry's manifest descriptor (digest, media type, size) and platforms for `name`
   * (`repo`, `repo:tag` or `repo@digest`; the tag defaults to `latest`). Credentials go in the
   * `X-Registry-Auth` header; without them a private repository answers `API_UNAUTHORIZED` (or
   * `API_FORBIDDEN`/`API_NOT_FOUND`, depending on the registry).
   *
   * @example
   * ```ts
   * const info = await docker.distribution.inspect('127.0.0.1:5000/team/app:1', {
   *   auth: { username: 'ci', password: 's3cret', serveraddress: '127.0.0.1:5000' },
   * });
   * console.log(info.Descriptor.digest); // 'sha256:…'
   * ```
   */
  inspect(
    name: string,
    options: { readonly auth?: RegistryAuth } & CallOptions = {},
  ): Promise<G.DistributionInspectResult> {
    const { signal, auth } = options;
    // The spec lists no header here, but the daemon reads X-Registry-Auth for this route.
    const headers = auth ? { 'X-Registry-Auth': encodeRegistryAuth(auth) } : undefined;
    return this.#core.json('DistributionInspect', { params: { name }, headers, signal });
  }
}
