/**
 * Registry credentials kept for the whole console (table `registries`): an administrator stores
 * them once, and pulls, pushes and builds whose request brings none use them. A registry is known
 * by its normalized address (`host[:port]`, `docker.io` for Docker Hub), so an image reference
 * finds its entry by the registry host it names. The password is sealed with the console's secret
 * key; it leaves this module only inside the `RegistryAuth` handed to an SDK call — never in a view,
 * an error message or a log line.
 */
import { EngineError, parseReference, type RegistryAuth, registryKey } from '@gantry/engine';
import type { SecretBox } from '../context.ts';
import type { Database } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import { newId } from '../security/tokens.ts';

/** What the API shows of a stored registry: never the password. */
export interface RegistryView {
  readonly id: string;
  readonly name: string;
  /** Normalized `host[:port]`; `docker.io` for Docker Hub. */
  readonly serverAddress: string;
  readonly username: string;
  /** Who stored it (a user name, or `token:<name>`). */
  readonly createdBy?: string;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RegistryInput {
  readonly name: string;
  /** Any spelling {@link normalizeServerAddress} accepts. */
  readonly serverAddress: string;
  readonly username: string;
  readonly password: string;
  readonly createdBy?: string | undefined;
}

/** A change of a registry: absent fields stay (an absent password keeps the stored one). */
export interface RegistryPatch {
  readonly name?: string | undefined;
  readonly serverAddress?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** A stored registry with its credentials opened, for exactly one SDK call. */
export interface StoredCredentials {
  readonly registry: RegistryView;
  /** `serveraddress` as the docker CLI sends it (`https://index.docker.io/v1/` for Docker Hub). */
  readonly auth: RegistryAuth;
}

export interface RegistryStore {
  /** By name. */
  list(): Promise<RegistryView[]>;
  get(id: string): Promise<RegistryView | undefined>;
  /** 400 naming `serverAddress` for an address that is no host; 409 naming `name` or `serverAddress` when taken. */
  create(input: RegistryInput): Promise<RegistryView>;
  update(id: string, patch: RegistryPatch): Promise<RegistryView>;
  /** Returns what was removed; 404 `REGISTRY_NOT_FOUND` for an unknown id. */
  remove(id: string): Promise<RegistryView>;
  /** The credentials of one registry (to test them); 404 `REGISTRY_NOT_FOUND` for an unknown id. */
  credentials(id: string): Promise<StoredCredentials>;
  /**
   * The entry whose address is the registry host of `image` (`127.0.0.1:5000/x/y:1` ->
   * `127.0.0.1:5000`, `busybox` -> `docker.io`), or undefined — also for a reference that does not
   * parse: the SDK call then refuses it with its own message.
   */
  credentialsFor(image: string): Promise<StoredCredentials | undefined>;
  /** The entries for these registry hosts (any spelling), those stored, in the order given. */
  credentialsForHosts(hosts: Iterable<string>): Promise<StoredCredentials[]>;
  /** Every entry (a build whose Dockerfile cannot be read before it is sent). */
  allCredentials(): Promise<StoredCredentials[]>;
}

/** Host names that all mean Docker Hub. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** A DNS name or IPv4 address, or a bracketed IPv6 address; then an optional port. */
const HOST_AND_PORT =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

export const SERVER_ADDRESS_HINT =
  'expected a registry host[:port] such as registry.example.com, 127.0.0.1:5000 or docker.io (a scheme and a path are dropped)';

/**
 * `host[:port]` of a registry address, lower-cased, with one leading `http://` / `https://` and any
 * path dropped; every spelling of Docker Hub (`index.docker.io`, `registry-1.docker.io`,
 * `https://index.docker.io/v1/`) becomes `docker.io`. Undefined when what is left is no host (or a
 * port outside 1-65535).
 */
export function normalizeServerAddress(address: string): string | undefined {
  const withoutScheme = address
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '');
  const host = withoutScheme.split('/')[0] ?? '';
  if (DOCKER_HUB_HOSTS.has(host)) return 'docker.io';
  const match = HOST_AND_PORT.exec(host);
  if (!match) return undefined;
  const port = match[1] === undefined ? undefined : Number(match[1]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return host;
}

type RegistryRow = {
  id: string;
  name: string;
  server_address: string;
  username: string;
  password_sealed: string;
  created_by: string | null;
  created_at: number | null;
  updated_at: number | null;
};

const viewOf = (row: RegistryRow): RegistryView => ({
  id: row.id,
  name: row.name,
  serverAddress: row.server_address,
  username: row.username,
  ...(row.created_by ? { createdBy: row.created_by } : {}),
  createdAt: Number(row.created_at ?? 0),
  updatedAt: Number(row.updated_at ?? 0),
});

/** The address normalized, or a 400 naming the field. */
function checkedAddress(address: string): string {
  const normalized = normalizeServerAddress(address);
  if (normalized === undefined) {
    throw new HttpError(400, 'VALIDATION', `invalid request — serverAddress: ${SERVER_ADDRESS_HINT}`, {
      fields: [{ field: 'serverAddress', message: SERVER_ADDRESS_HINT }],
    });
  }
  return normalized;
}

const notFound = (id: string) =>
  new HttpError(
    404,
    'REGISTRY_NOT_FOUND',
    `there is no registry with id "${id}" (GET /api/registries lists them)`,
  );

export function createRegistryStore(db: Database, box: SecretBox): RegistryStore {
  const row = (id: string) => db.get<RegistryRow>('SELECT * FROM registries WHERE id = $1', [id]);

  const opened = (found: RegistryRow): StoredCredentials => ({
    registry: viewOf(found),
    auth: {
      username: found.username,
      password: box.open(found.password_sealed),
      serveraddress: registryKey(found.server_address),
    },
  });

  /** 409 naming the field another registry (not `except`) already holds. */
  const assertFree = async (name: string, address: string, except?: string) => {
    const clashes = await db.all<{ id: string; name: string }>(
      'SELECT id, name FROM registries WHERE (name = $1 OR server_address = $2) AND id <> $3',
      [name, address, except ?? ''],
    );
    const clash = clashes[0];
    if (!clash) return;
    const field = clashes.some((other) => other.name === name) ? 'name' : 'serverAddress';
    throw new HttpError(
      409,
      'CONFLICT',
      field === 'name'
        ? `name: a registry named "${name}" already exists`
        : `serverAddress: the registry "${clash.name}" already has the address ${address}`,
      { field },
    );
  };

  /** Runs a write; when it fails, a registry that took the name or address meanwhile is the reason. */
  const writeChecked = async (
    name: string,
    address: string,
    except: string | undefined,
    write: () => Promise<unknown>,
  ) => {
    await assertFree(name, address, except);
    try {
      await write();
    } catch (error) {
      // Another request (or console) stored the same name or address between the check and the write.
      await assertFree(name, address, except);
      throw error;
    }
  };

  const getRow = async (id: string) => {
    const found = await row(id);
    if (!found) throw notFound(id);
    return found;
  };

  const everyRow = () => db.all<RegistryRow>('SELECT * FROM registries ORDER BY name');

  return {
    async list() {
      return (await everyRow()).map(viewOf);
    },
    async get(id) {
      const found = await row(id);
      return found ? viewOf(found) : undefined;
    },
    async create(input) {
      const address = checkedAddress(input.serverAddress);
      const id = newId();
      const now = Date.now();
      await writeChecked(input.name, address, undefined, () =>
        db.run(
          `INSERT INTO registries (id, name, server_address, username, password_sealed, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
          [id, input.name, address, input.username, box.seal(input.password), input.createdBy ?? null, now],
        ),
      );
      return viewOf(await getRow(id));
    },
    async update(id, patch) {
      const current = await getRow(id);
      const name = patch.name ?? current.name;
      const address =
        patch.serverAddress === undefined ? current.server_address : checkedAddress(patch.serverAddress);
      const sealed = patch.password === undefined ? current.password_sealed : box.seal(patch.password);
      // Strictly later than before, so a client can tell the change from the previous state.
      const updatedAt = Math.max(Date.now(), Number(current.updated_at ?? 0) + 1);
      await writeChecked(name, address, id, async () => {
        const { changes } = await db.run(
          `UPDATE registries SET name = $2, server_address = $3, username = $4, password_sealed = $5, updated_at = $6
           WHERE id = $1`,
          [id, name, address, patch.username ?? current.username, sealed, updatedAt],
        );
        if (changes === 0) throw notFound(id);
      });
      return viewOf(await getRow(id));
    },
    async remove(id) {
      const current = await getRow(id);
      const { changes } = await db.run('DELETE FROM registries WHERE id = $1', [id]);
      if (changes === 0) throw notFound(id);
      return viewOf(current);
    },
    async credentials(id) {
      return opened(await getRow(id));
    },
    async credentialsFor(image) {
      let domain: string;
      try {
        domain = parseReference(image).domain;
      } catch (error) {
        if (error instanceof EngineError) return undefined;
        throw error;
      }
      const address = normalizeServerAddress(domain) ?? domain;
      const found = await db.get<RegistryRow>('SELECT * FROM registries WHERE server_address = $1', [
        address,
      ]);
      return found ? opened(found) : undefined;
    },
    async credentialsForHosts(hosts) {
      const wanted = [...new Set([...hosts].map((host) => normalizeServerAddress(host) ?? host))];
      const rows = new Map((await everyRow()).map((found) => [found.server_address, found]));
      return wanted.flatMap((address) => {
        const found = rows.get(address);
        return found ? [opened(found)] : [];
      });
    },
    async allCredentials() {
      return (await everyRow()).map(opened);
    },
  };
}
