/**
 * Roles (`roles.read`): the built-in roles and custom ones, and a matrix of every permission (grouped
 * by area) against every role. Custom roles are created, edited and removed here (`roles.manage`;
 * without it the server refuses and its message is shown). A role someone still holds cannot be
 * removed (ROLE_IN_USE).
 */
import type { Page, Role } from '@gantry/server/api-types';
import { Fragment, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Button, ErrorBox, PageHeader } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import { useRowAction } from './form-modal.tsx';
import { groupByArea, type PermissionInfo } from './permissions.ts';
import { RoleEditor } from './role-editor.tsx';
import './admin.css';

type Editing = { role: Role | undefined } | undefined;

export default function RolesPage() {
  const session = useSession();
  const roles = useApi<Page<Role>>('/api/roles', { pageSize: 500 });
  const permissions = useApi<{ items: PermissionInfo[] }>('/api/permissions');
  const [editing, setEditing] = useState<Editing>();
  const roleList = roles.data?.items ?? [];
  const permissionList = permissions.data?.items ?? [];
  const ready = Boolean(roles.data && permissions.data);
  return (
    <>
      <PageHeader
        title="Roles"
        subtitle={
          session.can('roles.manage')
            ? 'Built-in roles are fixed; custom roles are any set of permissions.'
            : 'You can read roles; creating, changing or removing them needs the roles.manage permission.'
        }
        actions={
          <Button tone="primary" disabled={!ready} onClick={() => setEditing({ role: undefined })}>
            New role
          </Button>
        }
      />
      <ErrorBox error={roles.error} title="Could not list roles" />
      <ErrorBox error={permissions.error} title="Could not read the permission table" />
      <div className="cards role-cards">
        {roleList.map((role) => (
          <RoleCard
            key={role.name}
            role={role}
            total={permissionList.length}
            onEdit={() => setEditing({ role })}
            onRemoved={roles.reload}
          />
        ))}
      </div>
      {ready ? <PermissionMatrix roles={roleList} permissions={permissionList} /> : null}
      {editing ? (
        <RoleEditor
          role={editing.role}
          roles={roleList}
          permissions={permissionList}
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            roles.reload();
          }}
        />
      ) : null}
    </>
  );
}

function RoleCard({
  role,
  total,
  onEdit,
  onRemoved,
}: {
  role: Role;
  total: number;
  onEdit: () => void;
  onRemoved: () => void;
}) {
  const { confirm } = useFeedback();
  const { busy, run } = useRowAction();
  const remove = async () => {
    const confirmed = await confirm({
      title: `Remove role ${role.name}?`,
      body: 'Only a role that no user and no unrevoked API token holds can be removed.',
      action: 'Remove',
    });
    if (!confirmed) return;
    await run(
      'remove',
      () => api('DELETE', `/api/roles/${encodeURIComponent(role.name)}`),
      `Role ${role.name} removed`,
    );
    onRemoved();
  };
  return (
    <section className="panel role-card" aria-label={`role ${role.name}`}>
      <h2>
        {role.name} <span className="badge">{role.builtin ? 'built-in' : 'custom'}</span>
      </h2>
      <p className="muted">{role.description || 'No description.'}</p>
      <p>
        {role.permissions.length} of {total} permissions
      </p>
      {role.builtin ? null : (
        <div className="admin-actions">
          <Button aria-label={`Edit role ${role.name}`} onClick={onEdit}>
            Edit
          </Button>
          <Button
            aria-label={`Remove role ${role.name}`}
            tone="danger"
            busy={busy === 'remove'}
            onClick={remove}
          >
            Remove
          </Button>
        </div>
      )}
    </section>
  );
}

/** Permissions down, roles across; a tick where the role holds the permission. */
function PermissionMatrix({
  roles,
  permissions,
}: {
  roles: readonly Role[];
  permissions: readonly PermissionInfo[];
}) {
  const held = new Map(roles.map((role) => [role.name, new Set<string>(role.permissions)]));
  return (
    <section className="panel role-matrix-panel">
      <h2>Permissions matrix</h2>
      <p className="muted">
        Global permissions concern the console itself; engine permissions count only on the engines a user or
        token is granted.
      </p>
      <div className="admin-table-wrap">
        <table className="table role-matrix" aria-label="permissions matrix">
          <thead>
            <tr>
              <th scope="col">Permission</th>
              <th scope="col" className="wide-only">
                Scope
              </th>
              {roles.map((role) => (
                <th scope="col" key={role.name} className="role-matrix-role">
                  {role.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groupByArea(permissions).map((area) => (
              <Fragment key={area.area}>
                <tr className="role-matrix-area">
                  <th scope="rowgroup" colSpan={roles.length + 2}>
                    {area.area}
                  </th>
                </tr>
                {area.permissions.map((permission) => (
                  <tr key={permission.name}>
                    <th scope="row" className="role-matrix-name">
                      <code>{permission.name}</code>
                      <div className="muted">{permission.summary}</div>
                    </th>
                    <td className="wide-only">{permission.scope}</td>
                    {roles.map((role) => {
                      const yes = held.get(role.name)?.has(permission.name);
                      return (
                        <td
                          key={role.name}
                          className={yes ? 'role-matrix-yes' : 'role-matrix-no'}
                          aria-label={`${role.name}: ${yes ? 'yes' : 'no'}`}
                        >
                          {yes ? '✓' : '–'}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
