/** The permission table as `GET /api/permissions` gives it, grouped by area (the name's prefix). */
import type { Permission } from '@gantry/server/api-types';

export interface PermissionInfo {
  readonly name: Permission;
  /** `global`: the console itself; `engine`: only on the engines a user or token is granted. */
  readonly scope: 'global' | 'engine';
  readonly summary: string;
}

export interface PermissionArea {
  /** `containers` for `containers.read` and `containers.files.write`. */
  readonly area: string;
  readonly permissions: readonly PermissionInfo[];
}

/** Areas in the order the server lists their first permission (console areas first). */
export function groupByArea(permissions: readonly PermissionInfo[]): PermissionArea[] {
  const areas = new Map<string, PermissionInfo[]>();
  for (const permission of permissions) {
    const area = permission.name.split('.')[0] as string;
    areas.set(area, [...(areas.get(area) ?? []), permission]);
  }
  return [...areas].map(([area, list]) => ({ area, permissions: list }));
}
