import type { CallOptions, EngineCore } from '../core.ts';
import type { HijackedConnection } from '../transport/hijack.ts';

/**
 * Options of {@link Session.open}.
 *
 * @example
 * ```ts
 * const options: SessionOpenOptions = {
 *   headers: { 'X-Docker-Expose-Session-Uuid': crypto.randomUUID(), 'X-Docker-Expose-Session-Name': 'app' },
 * };
 * const conn = await docker.session.open(options);
 * ```
 */
export interface SessionOpenOptions extends CallOptions {
  /**
   * Headers of the session request: BuildKit's `X-Docker-Expose-Session-Uuid`,
   * `X-Docker-Expose-Session-Name`, `X-Docker-Expose-Session-Sharedkey` and
   * `X-Docker-Expose-Session-Grpc-Method` (one per exposed gRPC method).
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Session: the long-lived connection BuildKit clients open (`POST /session`) so the daemon can call
 * back into them (build context files, secrets, SSH agent, registry auth) over HTTP/2. Deprecated
 * since API 1.53 and only meaningful to a BuildKit client that then speaks gRPC over the connection.
 *
 * @example
 * ```ts
 * const conn = await docker.session.open({ headers: { 'X-Docker-Expose-Session-Uuid': id } });
 * // speak HTTP/2 (gRPC) on conn.socket ...
 * conn.socket.destroy();
 * ```
 */
export class Session {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Opens a session: the daemon hijacks the connection and hands back the raw socket.
   *
   * @deprecated Since API 1.53 (the endpoint remains for BuildKit). Sent with `Upgrade: h2c`, the
   * only protocol the daemon accepts here; the caller then speaks HTTP/2 on the socket.
   *
   * @example
   * ```ts
   * const conn = await docker.session.open({ headers: { 'X-Docker-Expose-Session-Uuid': crypto.randomUUID() } });
   * conn.socket.destroy();
   * ```
   */
  open(options: SessionOpenOptions = {}): Promise<HijackedConnection> {
    const { signal, headers } = options;
    return this.#core.hijack('Session', { headers, signal }, 'h2c');
  }
}
