/**
 * Writing `config.json` as the docker CLI writes it (`login`, `logout`): the credentials go to the
 * credential helper the config names (`credHelpers[registry]`, else `credsStore`) — the file then
 * keeps an empty entry — or into `auths` as base64 `user:password`. The file is rewritten as docker's
 * `configfile.Save` does: its known fields in docker's order, tab-indented, maps sorted, `<>&`
 * escaped, empty fields left out, no trailing newline, through a temporary file renamed over it
 * (keeping the old file's mode, 0600 for a new one). Fields docker does not know are dropped, as
 * docker drops them. Reading credentials back is the SDK's `CredentialStore`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { StatusError } from './errors.ts';
import { goJson } from './output/go-json.ts';

/** docker's `registry.IndexServer`: the key of Docker Hub's credentials. */
export const INDEX_SERVER = 'https://index.docker.io/v1/';

/** One `auths` entry as docker holds it in memory (`auth` decoded into user and password). */
export interface AuthEntry {
  username?: string;
  password?: string;
  email?: string;
  identitytoken?: string;
  registrytoken?: string;
}

type Kind = 'string' | 'map' | 'list' | 'proxies' | 'plugins';

/** docker 28's ConfigFile fields, in the order it writes them, with their Go types. */
const FIELDS: ReadonlyArray<readonly [string, Kind]> = [
  ['HttpHeaders', 'map'],
  ['psFormat', 'string'],
  ['imagesFormat', 'string'],
  ['networksFormat', 'string'],
  ['pluginsFormat', 'string'],
  ['volumesFormat', 'string'],
  ['statsFormat', 'string'],
  ['detachKeys', 'string'],
  ['credsStore', 'string'],
  ['credHelpers', 'map'],
  ['serviceInspectFormat', 'string'],
  ['servicesFormat', 'string'],
  ['tasksFormat', 'string'],
  ['secretFormat', 'string'],
  ['configFormat', 'string'],
  ['nodesFormat', 'string'],
  ['pruneFilters', 'list'],
  ['proxies', 'proxies'],
  ['currentContext', 'string'],
  ['cliPluginsExtraDirs', 'list'],
  ['plugins', 'plugins'],
  ['aliases', 'map'],
  ['features', 'map'],
  ['experimental', 'string'],
];
const PROXY_FIELDS = ['httpProxy', 'httpsProxy', 'noProxy', 'ftpProxy', 'allProxy'];

/** The config directory: `$DOCKER_CONFIG` (which `--config` sets), else `~/.docker`. */
export function configDirectory(env: Readonly<Record<string, string | undefined>>): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** docker's `ConvertToHostname`: scheme and path dropped (`https://host:5000/v2/` -> `host:5000`). */
export function hostnameOf(address: string): string {
  const stripped = address.replace(/^https?:\/\//, '');
  const slash = stripped.indexOf('/');
  return slash < 0 ? stripped : stripped.slice(0, slash);
}

export class DockerConfigFile {
  /** `<dir>/config.json`. */
  readonly path: string;
  readonly auths: Map<string, AuthEntry>;
  readonly #fields: Map<string, unknown>;
  readonly #env: Readonly<Record<string, string | undefined>>;

  private constructor(
    path: string,
    auths: Map<string, AuthEntry>,
    fields: Map<string, unknown>,
    env: Readonly<Record<string, string | undefined>>,
  ) {
    this.path = path;
    this.auths = auths;
    this.#fields = fields;
    this.#env = env;
  }

  /** Reads `config.json` in the config directory (a missing or empty file is an empty config). */
  static async load(env: Readonly<Record<string, string | undefined>>): Promise<DockerConfigFile> {
    const path = join(configDirectory(env), 'config.json');
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new StatusError(1, `loading config file ${path}: ${(err as Error).message}`, { cause: err });
      }
    }
    const broken = (what: string) =>
      new StatusError(1, `loading config file ${path}: ${what} — fix the file or move it away`);
    let parsed: unknown = {};
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not the parser's message: it quotes the text, which may hold a credential.
        throw broken('it is not valid JSON');
      }
    }
    if (parsed === null) parsed = {};
    if (!isObject(parsed)) throw broken('it is not a JSON object');
    const fields = new Map<string, unknown>();
    for (const [name, kind] of FIELDS) {
      const value = goField(parsed, name);
      if (value !== undefined && value !== null) fields.set(name, checked(value, kind, name, broken));
    }
    const auths = new Map<string, AuthEntry>();
    const rawAuths = goField(parsed, 'auths');
    if (rawAuths !== undefined && rawAuths !== null && !isObject(rawAuths))
      throw broken('auths is not an object');
    for (const [key, raw] of Object.entries(rawAuths ?? {})) {
      if (raw === null) {
        auths.set(key, {});
        continue;
      }
      if (!isObject(raw)) throw broken(`auths["${key}"] is not an object`);
      const text = (name: string) => {
        const value = goField(raw, name);
        if (value !== undefined && value !== null && typeof value !== 'string')
          throw broken(`auths["${key}"].${name} is not a string`);
        return (value ?? undefined) as string | undefined;
      };
      const entry: AuthEntry = {
        username: text('username'),
        password: text('password'),
        email: text('email'),
        identitytoken: text('identitytoken'),
        registrytoken: text('registrytoken'),
      };
      const basic = text('auth');
      if (basic)
        Object.assign(
          entry,
          decodeAuth(basic, () => broken(`auths["${key}"].auth is not base64 of "user:password"`)),
        );
      auths.set(key, entry);
    }
    return new DockerConfigFile(path, auths, fields, env);
  }

  /** The credential helper for `server`: `credHelpers[server]`, else `credsStore`; undefined: the file. */
  helperFor(server: string): string | undefined {
    const helpers = this.#fields.get('credHelpers') as Record<string, string> | undefined;
    if (helpers && Object.hasOwn(helpers, server)) return helpers[server] || undefined;
    return (this.#fields.get('credsStore') as string | undefined) || undefined;
  }

  /**
   * Stores credentials for `server` as docker's credential store for it does: through the helper
   * (the file keeping only the e-mail), or in `auths`. Returns where they went.
   */
  async storeCredentials(server: string, auth: AuthEntry): Promise<'helper' | 'file'> {
    const helper = this.helperFor(server);
    if (helper) {
      const secret = auth.identitytoken
        ? { Username: '<token>', Secret: auth.identitytoken }
        : { Username: auth.username ?? '', Secret: auth.password ?? '' };
      const input = goJson({ ServerURL: server, ...secret }, { escapeHtml: true });
      await runHelper(helper, 'store', input, this.#env).catch((err: Error) => {
        throw new StatusError(1, `Error saving credentials: ${err.message}`, { cause: err });
      });
      this.auths.set(server, { email: auth.email, registrytoken: auth.registrytoken });
      await this.save();
      return 'helper';
    }
    this.auths.set(server, { ...auth });
    await this.save();
    return 'file';
  }

  /** Erases the credentials of `server` (helper, then file); rejects with the helper's failure. */
  async eraseCredentials(server: string): Promise<void> {
    const helper = this.helperFor(server);
    if (helper) await runHelper(helper, 'erase', server, this.#env);
    // docker rewrites the file only when it had the entry.
    if (!this.auths.has(server)) return;
    this.auths.delete(server);
    await this.save();
  }

  /** Writes the file as docker's `Save`: a temporary file beside it, renamed over it. */
  async save(): Promise<void> {
    const directory = dirname(this.path);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    // A symlinked config.json stays a symlink: its target is replaced.
    const target = await realpath(this.path).catch(() => this.path);
    const mode = await stat(target).then(
      (info) => info.mode & 0o777,
      () => 0o600,
    );
    const temporary = join(directory, `${basename(this.path)}${randomBytes(5).toString('hex')}`);
    try {
      await writeFile(temporary, this.serialize(), { mode: 0o600 });
      await chmod(temporary, mode);
      await rename(temporary, target);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  /** The file's text, byte for byte what docker writes for the same content. */
  serialize(): string {
    const out: Record<string, unknown> = { auths: encodeAuths(this.auths) };
    for (const [name] of FIELDS) {
      let value = this.#fields.get(name);
      // docker never stores the User-Agent header it sets itself.
      if (name === 'HttpHeaders' && isObject(value)) {
        value = Object.fromEntries(
          Object.entries(value).filter(([key]) => key.toLowerCase() !== 'user-agent'),
        );
      }
      if (isEmpty(value)) continue;
      out[name] = sortedKeys(value, kindOf(name) === 'plugins');
    }
    return goJson(out, { escapeHtml: true, indent: '\t' });
  }
}

/** `auths` as docker saves it: `auth` = base64 of `user:password`, user and password themselves dropped. */
function encodeAuths(auths: ReadonlyMap<string, AuthEntry>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const key of [...auths.keys()].sort(byteOrder)) {
    const entry = auths.get(key) as AuthEntry;
    const encoded: Record<string, string> = {};
    if (entry.username || entry.password) {
      encoded.auth = Buffer.from(`${entry.username ?? ''}:${entry.password ?? ''}`).toString('base64');
    }
    if (entry.email) encoded.email = entry.email;
    if (entry.identitytoken) encoded.identitytoken = entry.identitytoken;
    if (entry.registrytoken) encoded.registrytoken = entry.registrytoken;
    out[key] = encoded;
  }
  return out;
}

/** docker's decodeAuth: standard base64 of `user:password`, user not empty, NULs around the password trimmed. */
function decodeAuth(encoded: string, broken: () => Error): { username: string; password: string } {
  const compact = encoded.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw broken();
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw broken();
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}

/** A field's value checked against its Go type, unknown keys of proxy entries dropped. */
function checked(value: unknown, kind: Kind, name: string, broken: (what: string) => Error): unknown {
  const stringMap = (map: unknown, what: string) => {
    if (!isObject(map) || !Object.values(map).every((item) => typeof item === 'string'))
      throw broken(`${what} is not an object of strings`);
    return map;
  };
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw broken(`${name} is not a string`);
      return value;
    case 'list':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
        throw broken(`${name} is not a list of strings`);
      return value;
    case 'map':
      return stringMap(value, name);
    case 'plugins':
      if (!isObject(value)) throw broken(`${name} is not an object`);
      for (const [plugin, options] of Object.entries(value)) stringMap(options, `${name}["${plugin}"]`);
      return value;
    case 'proxies': {
      if (!isObject(value)) throw broken(`${name} is not an object`);
      const proxies: Record<string, Record<string, string>> = {};
      for (const [host, raw] of Object.entries(value)) {
        const entry = stringMap(raw ?? {}, `${name}["${host}"]`);
        const proxy: Record<string, string> = {};
        for (const field of PROXY_FIELDS) {
          const item = goField(entry, field);
          if (typeof item === 'string' && item !== '') proxy[field] = item;
        }
        proxies[host] = proxy;
      }
      return proxies;
    }
  }
}

/** Go's `omitempty`: empty strings, lists and maps are left out. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/** Go writes map keys sorted (byte order); struct fields (a proxy entry's) keep their order. */
function sortedKeys(value: unknown, innerMaps: boolean): unknown {
  if (!isObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byteOrder)) {
    sorted[key] = innerMaps ? sortedKeys(value[key], false) : value[key];
  }
  return sorted;
}

function kindOf(name: string): Kind | undefined {
  return FIELDS.find(([field]) => field === name)?.[1];
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A field as Go's decoder finds it: the key matched case-insensitively, the last match winning. */
function goField(object: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase();
  let found: unknown;
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === wanted) found = value;
  return found;
}

/**
 * Runs `docker-credential-<name> <action>` (no shell) with `input` on stdin. Its output is never
 * put in an error: it may hold the secret.
 */
function runHelper(
  name: string,
  action: 'store' | 'erase',
  input: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const program = `docker-credential-${name}`;
  if (/[/\\\0]/.test(name))
    return Promise.reject(new Error(`${program}: a helper name has no path separators`));
  const verb = action === 'store' ? 'storing' : 'erasing';
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `error ${verb} credentials - err: exec: "${program}": ${err.code === 'ENOENT' ? 'executable file not found in $PATH' : err.message}`,
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `error ${verb} credentials - err: ${code === null ? `signal: ${signal}` : `exit status ${code}`}`,
          ),
        );
    });
  });
}
