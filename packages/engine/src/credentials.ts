/**
 * Registry credentials as the docker CLI finds them: `config.json` in `$DOCKER_CONFIG` (default
 * `~/.docker`), with its `auths` entries, its `credsStore` and its per-registry `credHelpers`
 * (programs named `docker-credential-<name>`). Pulls and pushes that get no explicit `auth` use
 * these; nothing is read until a registry is actually used, and only that registry is looked up.
 *
 * Secrets never reach an error message: a failing helper is reported by name and exit code only
 * (its output may hold the very secret it was asked for), and a broken config file without the
 * parser's excerpt of it.
 *
 * @example
 * ```ts
 * import { CredentialStore, connect } from '@gantry/engine';
 * const store = new CredentialStore({ configDir: '/ci/docker-config' });
 * const docker = connect({ credentials: store });
 * await docker.images.pull('registry.example/team/app:1').wait(); // credentials from /ci/docker-config/config.json
 * ```
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from './errors.ts';
import type { RegistryAuth } from './registry-auth.ts';

/**
 * The key the docker CLI files Docker Hub's credentials under (`registry.IndexServer`), in
 * `config.json` and in the `X-Registry-Config` map.
 *
 * @example
 * ```ts
 * const hub = await new CredentialStore().get(DOCKER_HUB_SERVER); // what `docker login` stored for Docker Hub
 * ```
 */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/** Host names that all mean Docker Hub. */
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * `ConvertToHostname` of the CLI: one leading `http://` or `https://` and everything from the first
 * `/` on are dropped (`https://registry.example:5000/v2/` -> `registry.example:5000`).
 */
function hostOf(address: string): string {
  const stripped = address.startsWith('http://')
    ? address.slice('http://'.length)
    : address.startsWith('https://')
      ? address.slice('https://'.length)
      : address;
  const slash = stripped.indexOf('/');
  return slash < 0 ? stripped : stripped.slice(0, slash);
}

/**
 * The key credentials for `registry` are filed under, as the docker CLI computes it: Docker Hub in
 * any spelling (`docker.io`, `index.docker.io`, `registry-1.docker.io`, an empty string, or a URL of
 * those) becomes `https://index.docker.io/v1/`; any other registry its bare `host[:port]`, scheme
 * and path dropped.
 *
 * @example
 * ```ts
 * registryKey('docker.io');                        // 'https://index.docker.io/v1/'
 * registryKey('https://registry.example:5000/v2/'); // 'registry.example:5000'
 * registryKey(parseReference('127.0.0.1:5000/team/app:1').domain); // '127.0.0.1:5000'
 * ```
 */
export function registryKey(registry: string): string {
  const host = hostOf(registry);
  return host === '' || HUB_HOSTS.has(host) ? DOCKER_HUB_SERVER : host;
}

/**
 * Where the SDK gets registry credentials when a call is given no `auth`. `connect()` uses a
 * {@link CredentialStore} unless `credentials` says otherwise; implement this to take them from
 * elsewhere (a vault, environment variables).
 *
 * @example
 * ```ts
 * const fromEnv: CredentialSource = {
 *   async get(registry) {
 *     return registry === 'registry.example'
 *       ? { username: 'ci', password: process.env.REGISTRY_TOKEN, serveraddress: registry }
 *       : undefined;
 *   },
 *   forget() {},
 * };
 * const docker = connect({ credentials: fromEnv });
 * ```
 */
export interface CredentialSource {
  /**
   * Credentials for `registry` — a key as {@link registryKey} makes it (`registry.example:5000`,
   * `https://index.docker.io/v1/`) — or `undefined` for anonymous access. May cache.
   */
  get(registry: string): Promise<RegistryAuth | undefined>;
  /** Drops what `get` cached for `registry`: called when the registry refused the credentials, before asking again. */
  forget(registry: string): void;
}

/**
 * Options of {@link CredentialStore}.
 *
 * @example
 * ```ts
 * const options: CredentialStoreOptions = { configDir: '/ci/docker-config', helperTimeout: 10_000 };
 * const store = new CredentialStore(options);
 * ```
 */
export interface CredentialStoreOptions {
  /** The directory holding `config.json`; default `$DOCKER_CONFIG`, else `~/.docker`. */
  readonly configDir?: string;
  /**
   * Environment to read `DOCKER_CONFIG` and `HOME` from, and the environment credential helpers run
   * in (their `PATH` decides which `docker-credential-*` is found). Default `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long a credential helper may take to answer, in ms (default 30 000); then it is killed. */
  readonly helperTimeout?: number;
}

/**
 * The docker CLI's credential lookup, for one client. For a registry it reads `config.json` and
 * takes, in this order: the helper `credHelpers[registry]` names, else the `credsStore` helper,
 * else the `auths` entry (key as written, or with scheme and path stripped; `auth` is base64 of
 * `user:password`, or an `identitytoken`). A helper is run as `docker-credential-<name> get` (no
 * shell) with the registry on stdin and answers `{ Username, Secret }`; a `<token>` username means
 * Secret is an identity token, and "credentials not found" means anonymous. Each registry is looked
 * up once, on first use, and cached until {@link CredentialStore.forget}. A missing or failing
 * helper, or an unreadable config file, rejects with `CONFIG`.
 *
 * @example
 * ```ts
 * const store = new CredentialStore(); // $DOCKER_CONFIG/config.json, else ~/.docker/config.json
 * const auth = await store.get(registryKey('registry.example:5000'));
 * if (auth) await docker.images.pull('registry.example:5000/team/app:1', { auth }).wait();
 * ```
 */
export class CredentialStore implements CredentialSource {
  /** The `config.json` this store reads (it need not exist: then every registry is anonymous). */
  readonly configFile: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #helperTimeout: number;
  readonly #cache = new Map<string, Promise<RegistryAuth | undefined>>();

  constructor(options: CredentialStoreOptions = {}) {
    this.#env = options.env ?? process.env;
    const dir = options.configDir || this.#env.DOCKER_CONFIG || join(this.#env.HOME || homedir(), '.docker');
    this.configFile = join(dir, 'config.json');
    this.#helperTimeout = options.helperTimeout ?? 30_000;
  }

  /**
   * Credentials for `registry` (any spelling {@link registryKey} accepts), or `undefined` when
   * none are configured. Concurrent calls for one registry share one lookup; a failed lookup is not
   * cached.
   *
   * @example
   * ```ts
   * const auth = await store.get('docker.io'); // looks up 'https://index.docker.io/v1/'
   * ```
   */
  get(registry: string): Promise<RegistryAuth | undefined> {
    const key = registryKey(registry);
    let pending = this.#cache.get(key);
    if (!pending) {
      const lookup = this.#lookup(key);
      pending = lookup;
      this.#cache.set(key, lookup);
      lookup.catch(() => {
        if (this.#cache.get(key) === lookup) this.#cache.delete(key);
      });
    }
    return pending;
  }

  /**
   * Forgets the cached credentials of `registry`: the next {@link CredentialStore.get} reads the
   * config (and runs the helper) again.
   *
   * @example
   * ```ts
   * store.forget('registry.example:5000'); // e.g. after `docker login registry.example:5000`
   * ```
   */
  forget(registry: string): void {
    this.#cache.delete(registryKey(registry));
  }

  async #lookup(key: string): Promise<RegistryAuth | undefined> {
    const config = await readDockerConfig(this.configFile);
    const stored = storedAuth(config, key);
    // credHelpers beats credsStore; an empty credHelpers entry means "the file itself" (as in the CLI).
    const helper = config.credHelpers.has(key) ? config.credHelpers.get(key) : config.credsStore;
    if (!helper) return withSecret(stored);
    const origin = config.credHelpers.has(key) ? `credHelpers["${key}"]` : 'credsStore';
    const fromHelper = await runCredentialHelper(helper, key, {
      env: this.#env,
      timeout: this.#helperTimeout,
      origin: `${origin} in ${this.configFile}`,
    });
    // The CLI keeps the file entry's other fields and takes user, secret and address from the helper.
    return withSecret({ email: stored?.email, registrytoken: stored?.registrytoken, ...fromHelper });
  }
}

/**
 * The `X-Registry-Config` map for a build that pulls from `registries` (the hosts of its `FROM`
 * images, in any spelling {@link registryKey} accepts): entries of `explicit` as given, plus, for
 * each registry `explicit` does not cover, what `source` holds — and nothing for other registries,
 * unlike the docker CLI, which sends every credential it has. Registries without credentials are
 * left out. Encode the result with {@link encodeRegistryConfig} (only when it is not empty).
 *
 * @example
 * ```ts
 * const config = await registryConfigFor(['docker.io', '127.0.0.1:5000'], new CredentialStore());
 * // { 'https://index.docker.io/v1/': { … }, '127.0.0.1:5000': { username: 'ci', password: '…', serveraddress: '127.0.0.1:5000' } }
 * const headers = Object.keys(config).length > 0 ? { 'X-Registry-Config': encodeRegistryConfig(config) } : {};
 * ```
 */
export async function registryConfigFor(
  registries: Iterable<string>,
  source: CredentialSource | undefined,
  explicit: Readonly<Record<string, RegistryAuth>> = {},
): Promise<Record<string, RegistryAuth>> {
  const config: Record<string, RegistryAuth> = { ...explicit };
  const covered = new Set(Object.keys(explicit).map(registryKey));
  const wanted = [...new Set([...registries].map(registryKey))].filter((key) => !covered.has(key));
  if (!source) return config;
  const found = await Promise.all(wanted.map((key) => source.get(key)));
  wanted.forEach((key, i) => {
    const auth = found[i];
    if (auth) config[key] = auth;
  });
  return config;
}

/** What the SDK reads from `config.json`. */
interface DockerConfig {
  /** `auths` in file order, `auth` decoded, `serveraddress` set to the key (as the CLI does on load). */
  readonly auths: ReadonlyMap<string, RegistryAuth>;
  readonly credsStore: string | undefined;
  readonly credHelpers: ReadonlyMap<string, string>;
}

const NO_CONFIG: DockerConfig = { auths: new Map(), credsStore: undefined, credHelpers: new Map() };

/** Reads and checks `config.json`; a missing or empty file is an empty config, as for the CLI. */
async function readDockerConfig(file: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return NO_CONFIG;
    throw new EngineError(
      'CONFIG',
      `cannot read the docker config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
  if (text.trim() === '') return NO_CONFIG;
  const broken = (what: string) =>
    new EngineError('CONFIG', `the docker config ${file} is invalid: ${what} — fix or remove it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text around the error, which may be a credential.
    throw broken('it is not valid JSON');
  }
  if (parsed === null) return NO_CONFIG;
  if (!isObject(parsed)) throw broken('it is not a JSON object');

  const auths = new Map<string, RegistryAuth>();
  for (const [key, entry] of Object.entries(objectField(parsed, 'auths', broken))) {
    if (entry === null) continue;
    if (!isObject(entry)) throw broken(`auths["${key}"] is not an object`);
    const text = (name: string): string | undefined => {
      const value = goField(entry, name);
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') throw broken(`auths["${key}"].${name} is not a string`);
      return value;
    };
    const auth: RegistryAuth = {
      username: text('username'),
      password: text('password'),
      email: text('email'),
      identitytoken: text('identitytoken'),
      registrytoken: text('registrytoken'),
      serveraddress: key,
    };
    const basic = text('auth');
    if (basic) {
      const decoded = decodeBasicAuth(basic);
      if (!decoded) throw broken(`auths["${key}"].auth is not base64 of "user:password"`);
      auth.username = decoded.username;
      auth.password = decoded.password;
    }
    auths.set(key, auth);
  }

  const credsStore = goField(parsed, 'credsStore');
  if (credsStore !== undefined && credsStore !== null && typeof credsStore !== 'string') {
    throw broken('credsStore is not a string');
  }
  const credHelpers = new Map<string, string>();
  for (const [key, helper] of Object.entries(objectField(parsed, 'credHelpers', broken))) {
    if (typeof helper !== 'string') throw broken(`credHelpers["${key}"] is not a string`);
    credHelpers.set(key, helper);
  }
  return { auths, credsStore: credsStore ?? undefined, credHelpers };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A field as Go's `encoding/json` finds it for a struct: keys match case-insensitively and the
 * last matching key in the document wins (`"CredsStore"` sets `credsStore`, as for the CLI).
 */
function goField(object: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase();
  let found: unknown;
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === wanted) found = value;
  return found;
}

function objectField(
  object: Record<string, unknown>,
  name: string,
  broken: (what: string) => EngineError,
): Record<string, unknown> {
  const value = goField(object, name);
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw broken(`${name} is not an object`);
  return value;
}

/** `auths[*].auth`: standard base64 (padded) of `user:password`, the user non-empty. */
function decodeBasicAuth(encoded: string): { username: string; password: string } | undefined {
  // Go's decoder skips CR and LF, and nothing else.
  const compact = encoded.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  // The CLI trims NUL padding some old tools left after the password.
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}

/**
 * The `auths` entry for `key`: the entry of that exact key, else the first whose key, stripped of
 * scheme and path, is `key` (`https://registry.example/v1/` serves `registry.example`).
 */
function storedAuth(config: DockerConfig, key: string): RegistryAuth | undefined {
  const exact = config.auths.get(key);
  if (exact) return exact;
  for (const [address, auth] of config.auths) if (hostOf(address) === key) return auth;
  return undefined;
}

/** `auth` when it holds something to log in with; otherwise anonymous. */
function withSecret(auth: RegistryAuth | undefined): RegistryAuth | undefined {
  return auth && (auth.username || auth.password || auth.identitytoken || auth.registrytoken)
    ? auth
    : undefined;
}

/** The helper protocol's answer when it has nothing for the registry (`credentials.ErrCredentialsNotFound`). */
const NOT_FOUND = /credentials not found/i;
/** The helper protocol's user name for an identity token (CLI `tokenUsername`). */
const TOKEN_USERNAME = '<token>';
/** A helper answer is a few hundred bytes; more means something else is talking. */
const MAX_HELPER_OUTPUT = 1024 * 1024;

/**
 * Runs `docker-credential-<name> get` — argv, never a shell — with `serverAddress` on stdin, and
 * turns its JSON answer into credentials (`{}` when it has none). Its stderr is discarded and its
 * stdout is never quoted in errors: either may carry the secret.
 */
function runCredentialHelper(
  name: string,
  serverAddress: string,
  context: { env: Readonly<Record<string, string | undefined>>; timeout: number; origin: string },
): Promise<RegistryAuth> {
  const program = `docker-credential-${name}`;
  const failure = (what: string, cause?: unknown) =>
    new EngineError('CONFIG', `credential helper ${program} (${context.origin}) ${what}`, { cause });
  // The name becomes a file name looked up on PATH: a path separator would make it run a file elsewhere.
  if (/[/\\\0]/.test(name)) return Promise.reject(failure('has a path separator in its name'));
  return new Promise((resolve, reject) => {
    // node:child_process is loaded only when a credential helper is configured (it costs start-up).
    const child = process.getBuiltinModule('node:child_process').spawn(program, ['get'], {
      env: context.env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stopped = false;
    // Settles at once: a process the helper started may hold its stdout open long after it died.
    const stop = (error: EngineError) => {
      stopped = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      child.stdout.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () => stop(failure(`did not answer within ${context.timeout} ms for ${serverAddress}`)),
      context.timeout,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HELPER_OUTPUT) stop(failure(`wrote more than ${MAX_HELPER_OUTPUT} bytes`));
      else chunks.push(chunk);
    });
    // A helper may exit without reading stdin: the write then fails with EPIPE, which is no news.
    child.stdin.on('error', () => {});
    child.stdin.end(serverAddress);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        failure(
          `cannot be started (${err.code ?? err.message}) — put ${program} on PATH or change the config`,
          err,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stopped) return;
      const out = Buffer.concat(chunks).toString('utf8').trim();
      if (code !== 0) {
        if (code !== null && NOT_FOUND.test(out)) return resolve({});
        return reject(
          failure(
            `failed for ${serverAddress} (${code === null ? `signal ${signal}` : `exit code ${code}`}) — run \`echo ${serverAddress} | ${program} get\` to see its message`,
          ),
        );
      }
      let answer: unknown;
      try {
        answer = JSON.parse(out);
      } catch {
        return reject(failure(`answered something other than JSON for ${serverAddress}`));
      }
      if (!isObject(answer))
        return reject(failure(`answered something other than a JSON object for ${serverAddress}`));
      const username = goField(answer, 'Username');
      const secret = goField(answer, 'Secret');
      if (
        (username != null && typeof username !== 'string') ||
        (secret != null && typeof secret !== 'string')
      ) {
        return reject(failure(`answered a Username or Secret that is not a string for ${serverAddress}`));
      }
      // As the CLI: the address asked for, not the helper's ServerURL, goes to the daemon.
      resolve(
        username === TOKEN_USERNAME
          ? { identitytoken: secret ?? undefined, serveraddress: serverAddress }
          : { username: username ?? undefined, password: secret ?? undefined, serveraddress: serverAddress },
      );
    });
  });
}
