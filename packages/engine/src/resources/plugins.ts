import type { CallOptions, EngineCore } from '../core.ts';
import type * as M from '../generated/models.ts';
import type * as G from '../generated/operations.ts';
import { encodeRegistryAuth, type RegistryAuth } from '../registry-auth.ts';
import type { ProgressResult, ProgressStream } from '../streams/progress.ts';
import { type BinaryInput, openProgress } from './images.ts';

/**
 * Options of {@link Plugins.pull}.
 *
 * @example
 * ```ts
 * const options: PluginPullOptions = {
 *   name: 'sshfs',
 *   privileges: await docker.plugins.privileges('vieux/sshfs:latest'),
 * };
 * await docker.plugins.pull('vieux/sshfs:latest', options).wait();
 * ```
 */
export interface PluginPullOptions extends CallOptions {
  /** Local name for the plugin (default: the remote reference). */
  readonly name?: string;
  /**
   * The privileges you grant, normally what {@link Plugins.privileges} listed for the remote. The
   * daemon refuses the install unless they match what the plugin asks for. Default: none.
   */
  readonly privileges?: M.PluginPrivilege[];
  /** Credentials for the plugin's registry. */
  readonly auth?: RegistryAuth;
}

/**
 * Options of {@link Plugins.upgrade}.
 *
 * @example
 * ```ts
 * const options: PluginUpgradeOptions = {
 *   remote: 'vieux/sshfs:next',
 *   privileges: await docker.plugins.privileges('vieux/sshfs:next'),
 * };
 * await docker.plugins.upgrade('sshfs', options).wait();
 * ```
 */
export interface PluginUpgradeOptions extends CallOptions {
  /** Reference to upgrade from, e.g. `vieux/sshfs:next`. */
  readonly remote: string;
  /** The privileges you grant the new version (see {@link Plugins.privileges}). Default: none. */
  readonly privileges?: M.PluginPrivilege[];
  readonly auth?: RegistryAuth;
}

/** `X-Registry-Auth` for plugin transfers: `{}` when no credentials, as the CLI sends. */
function pluginAuth(auth: RegistryAuth | undefined): Record<string, string> {
  return { 'X-Registry-Auth': encodeRegistryAuth(auth ?? {}) };
}

const summary = (result: ProgressResult): ProgressResult => result;

/**
 * Plugins: `docker plugin ...` (managed volume, network, log and authz plugins).
 *
 * @example
 * ```ts
 * const privileges = await docker.plugins.privileges('vieux/sshfs:latest');
 * await docker.plugins.pull('vieux/sshfs:latest', { privileges }).wait();
 * await docker.plugins.enable('vieux/sshfs:latest');
 * ```
 */
export class Plugins {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists installed plugins. Filters: `capability` (`volumedriver`, ...), `enable` (`true`/`false`).
   *
   * @example
   * ```ts
   * const volumeDrivers = await docker.plugins.list({ filters: { capability: ['volumedriver'] } });
   * ```
   */
  list(options: G.PluginListQuery & CallOptions = {}): Promise<G.PluginListResult> {
    const { signal, ...query } = options;
    return this.#core.json('PluginList', { query, signal });
  }

  /**
   * Inspects an installed plugin by name or ID. Missing: `API_NOT_FOUND`.
   *
   * @example
   * ```ts
   * const { Enabled, Settings } = await docker.plugins.inspect('vieux/sshfs:latest');
   * ```
   */
  inspect(name: string, options: CallOptions = {}): Promise<G.PluginInspectResult> {
    return this.#core.json('PluginInspect', { params: { name }, signal: options.signal });
  }

  /**
   * The privileges a plugin in a registry asks for (network, mounts, devices, capabilities), to
   * show the user and pass to {@link Plugins.pull}. Beware: Docker 20.10 answers `[]` for a
   * reference that does not exist at all, and `API_SERVER` for an image that is not a plugin.
   *
   * @example
   * ```ts
   * const privileges = await docker.plugins.privileges('vieux/sshfs:latest');
   * for (const p of privileges) console.log(p.Name, p.Value);
   * ```
   */
  privileges(
    remote: string,
    options: { readonly auth?: RegistryAuth } & CallOptions = {},
  ): Promise<G.GetPluginPrivilegesResult> {
    const { signal, auth } = options;
    const headers = auth ? { 'X-Registry-Auth': encodeRegistryAuth(auth) } : undefined;
    return this.#core.json('GetPluginPrivileges', { query: { remote }, headers, signal });
  }

  /**
   * Installs a plugin from a registry (`docker plugin install`), granting `privileges`. The plugin
   * is installed disabled; {@link Plugins.enable} it.
   *
   * @example
   * ```ts
   * const privileges = await docker.plugins.privileges('vieux/sshfs:latest');
   * await docker.plugins.pull('vieux/sshfs:latest', { name: 'sshfs', privileges }).wait();
   * ```
   */
  pull(remote: string, options: PluginPullOptions = {}): ProgressStream<ProgressResult> {
    const { signal, name, privileges = [], auth } = options;
    return openProgress(
      this.#core,
      'PluginPull',
      { query: { remote, name }, body: privileges, headers: pluginAuth(auth), signal },
      { finish: summary },
    );
  }

  /**
   * Enables a plugin; `timeout` is how long (seconds, default 30) to wait for it to start.
   *
   * @example
   * ```ts
   * await docker.plugins.enable('sshfs', { timeout: 60 });
   * ```
   */
  enable(name: string, options: G.PluginEnableQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('PluginEnable', { params: { name }, query, signal });
  }

  /**
   * Disables a plugin; `force` even while volumes or networks use it.
   *
   * @example
   * ```ts
   * await docker.plugins.disable('sshfs', { force: true });
   * ```
   */
  disable(name: string, options: G.PluginDisableQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('PluginDisable', { params: { name }, query, signal });
  }

  /**
   * Removes a plugin; `force` also when it is enabled. (The spec promises the removed plugin as the
   * answer, but the daemon sends an empty body, so this resolves with nothing.)
   *
   * @example
   * ```ts
   * await docker.plugins.remove('sshfs', { force: true });
   * ```
   */
  remove(name: string, options: G.PluginDeleteQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('PluginDelete', { params: { name }, query, signal });
  }

  /**
   * Pushes a plugin to its registry (`docker plugin push`).
   *
   * @example
   * ```ts
   * await docker.plugins.push('registry.example/team/myplugin:1', { auth }).wait();
   * ```
   */
  push(
    name: string,
    options: { readonly auth?: RegistryAuth } & CallOptions = {},
  ): ProgressStream<ProgressResult> {
    const { signal, auth } = options;
    // Not in the spec's header list, but the daemon reads X-Registry-Auth for plugin pushes.
    return openProgress(
      this.#core,
      'PluginPush',
      { params: { name }, headers: pluginAuth(auth), signal },
      { finish: summary },
    );
  }

  /**
   * Changes settings of a disabled plugin: `KEY=value` env entries, `mount.source=/path`,
   * `device.path=/dev/x`, or `args=...` (`docker plugin set`).
   *
   * @example
   * ```ts
   * await docker.plugins.set('sshfs', ['DEBUG=1', 'mnt.source=/srv']);
   * ```
   */
  set(name: string, settings: string[], options: CallOptions = {}): Promise<void> {
    return this.#core.void('PluginSet', { params: { name }, body: settings, signal: options.signal });
  }

  /**
   * Upgrades a disabled plugin to another version of it from a registry (`docker plugin upgrade`).
   *
   * @example
   * ```ts
   * const privileges = await docker.plugins.privileges('vieux/sshfs:next');
   * await docker.plugins.upgrade('sshfs', { remote: 'vieux/sshfs:next', privileges }).wait();
   * ```
   */
  upgrade(name: string, options: PluginUpgradeOptions): ProgressStream<ProgressResult> {
    const { signal, remote, privileges = [], auth } = options;
    return openProgress(
      this.#core,
      'PluginUpgrade',
      { params: { name }, query: { remote }, body: privileges, headers: pluginAuth(auth), signal },
      { finish: summary },
    );
  }

  /**
   * Creates a plugin from a tar of its directory: `config.json` plus the `rootfs/` tree
   * (`docker plugin create`).
   *
   * @example
   * ```ts
   * import { execFileSync } from 'node:child_process';
   * await docker.plugins.create('team/myplugin:1', execFileSync('tar', ['-c', '-C', './plugin', '.']));
   * ```
   */
  create(name: string, context: BinaryInput, options: CallOptions = {}): Promise<void> {
    return this.#core.void('PluginCreate', {
      query: { name },
      body: context,
      contentType: 'application/x-tar',
      signal: options.signal,
    });
  }
}
