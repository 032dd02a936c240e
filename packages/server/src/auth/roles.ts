/**
 * Roles: the built-in ones (permissions.ts, read-only) and custom ones (table `roles`), each a set
 * of named permissions. A custom role cannot take a built-in's name, name an unknown permission, or
 * be removed while a user or an unrevoked token holds it.
 */
import type { Database, Queryable } from '../db/database.ts';
import { HttpError } from '../http/errors.ts';
import { BUILTIN_ROLES, isBuiltinRole, isPermission, type Permission } from './permissions.ts';

export interface Role {
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly Permission[];
  readonly builtin: boolean;
  /** ms since the epoch; 0 for built-ins. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RoleInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly permissions: readonly string[];
}

export interface RoleStore {
  /** Built-ins first, then custom roles by name. */
  list(): Promise<Role[]>;
  get(name: string, db?: Queryable): Promise<Role | undefined>;
  create(input: RoleInput): Promise<Role>;
  update(
    name: string,
    changes: { description?: string | undefined; permissions?: readonly string[] | undefined },
  ): Promise<Role>;
  remove(name: string): Promise<void>;
  /** Throws 400 `UNKNOWN_ROLE` unless `name` is a built-in or custom role. */
  assertExists(name: string, db?: Queryable): Promise<void>;
}

/** Letters, digits, `.`, `_`, `-`; starts with a letter; up to 64 characters. */
const ROLE_NAME = /^[a-zA-Z][a-zA-Z0-9._-]{0,63}$/;

type RoleRow = {
  name: string;
  description: string;
  permissions: string;
  created_at: number;
  updated_at: number;
};

const builtinRoles = (): Role[] =>
  Object.entries(BUILTIN_ROLES).map(([name, role]) => ({
    name,
    description: role.description,
    permissions: [...role.permissions],
    builtin: true,
    createdAt: 0,
    updatedAt: 0,
  }));

const fromRow = (row: RoleRow): Role => ({
  name: row.name,
  description: row.description,
  permissions: (JSON.parse(row.permissions) as string[]).filter(isPermission),
  builtin: false,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/** Every name known, deduplicated, in the table's order; 400 naming the first unknown one. */
function checkPermissions(names: readonly string[]): Permission[] {
  const unknown = names.find((name) => !isPermission(name));
  if (unknown !== undefined) {
    throw new HttpError(
      400,
      'UNKNOWN_PERMISSION',
      `unknown permission "${unknown}": GET /api/permissions lists the permission names`,
      { permission: unknown },
    );
  }
  return [...new Set(names as Permission[])];
}

export function createRoleStore(db: Database): RoleStore {
  const get = async (name: string, from: Queryable = db): Promise<Role | undefined> => {
    if (isBuiltinRole(name)) return builtinRoles().find((role) => role.name === name);
    const row = await from.get<RoleRow>('SELECT * FROM roles WHERE name = $1', [name]);
    return row ? fromRow(row) : undefined;
  };
  const refuseBuiltin = (name: string) => {
    if (isBuiltinRole(name)) {
      throw new HttpError(
        409,
        'BUILTIN_ROLE',
        `"${name}" is a built-in role: it cannot be created, changed or removed`,
      );
    }
  };
  const notFound = (name: string) => new HttpError(404, 'ROLE_NOT_FOUND', `there is no role named "${name}"`);

  return {
    async list() {
      const rows = await db.all<RoleRow>('SELECT * FROM roles ORDER BY name');
      return [...builtinRoles(), ...rows.map(fromRow)];
    },
    get,
    async create(input) {
      refuseBuiltin(input.name);
      if (!ROLE_NAME.test(input.name)) {
        throw new HttpError(
          400,
          'INVALID_ROLE_NAME',
          'a role name starts with a letter and has up to 64 letters, digits, ".", "_" or "-"',
        );
      }
      const permissions = checkPermissions(input.permissions);
      const now = Date.now();
      return db.transaction(async (tx) => {
        if (await tx.get('SELECT name FROM roles WHERE name = $1', [input.name])) {
          throw new HttpError(409, 'ROLE_EXISTS', `a role named "${input.name}" already exists`);
        }
        await tx.run(
          'INSERT INTO roles (name, description, permissions, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)',
          [input.name, input.description ?? '', JSON.stringify(permissions), now, now],
        );
        return (await get(input.name, tx)) as Role;
      });
    },
    async update(name, changes) {
      refuseBuiltin(name);
      const permissions =
        changes.permissions === undefined ? undefined : checkPermissions(changes.permissions);
      return db.transaction(async (tx) => {
        const current = await get(name, tx);
        if (!current) throw notFound(name);
        await tx.run('UPDATE roles SET description = $1, permissions = $2, updated_at = $3 WHERE name = $4', [
          changes.description ?? current.description,
          JSON.stringify(permissions ?? current.permissions),
          Date.now(),
          name,
        ]);
        return (await get(name, tx)) as Role;
      });
    },
    async remove(name) {
      refuseBuiltin(name);
      await db.transaction(async (tx) => {
        if (!(await get(name, tx))) throw notFound(name);
        const users = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE role = $1', [name]);
        const tokens = await tx.get<{ n: number }>(
          'SELECT COUNT(*) AS n FROM api_tokens WHERE role = $1 AND revoked_at IS NULL',
          [name],
        );
        const userCount = Number(users?.n ?? 0);
        const tokenCount = Number(tokens?.n ?? 0);
        if (userCount + tokenCount > 0) {
          throw new HttpError(
            409,
            'ROLE_IN_USE',
            `role "${name}" is held by ${userCount} user(s) and ${tokenCount} token(s): give them another role first`,
            { users: userCount, tokens: tokenCount },
          );
        }
        await tx.run('DELETE FROM roles WHERE name = $1', [name]);
      });
    },
    async assertExists(name, from = db) {
      if (!(await get(name, from))) {
        throw new HttpError(400, 'UNKNOWN_ROLE', `unknown role "${name}": GET /api/roles lists the roles`, {
          role: name,
        });
      }
    },
  };
}
