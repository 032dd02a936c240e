/**
 * Users (`users.read` to see, `users.manage` to change): who may sign in, with which role and on
 * which engines; create, edit, set a password, disable / enable, unlock and remove. The server
 * refuses what would leave no enabled admin (LAST_ADMIN) and says so; that message is shown as is.
 */
import type { Page, Role, User } from '@gantry/server/api-types';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { setSearch, useLocation } from '../../router.tsx';
import { Button, Empty, ErrorBox, formatTime, PageHeader, StateBadge } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import { describeGrant } from './engine-grant.tsx';
import { useRowAction } from './form-modal.tsx';
import { CreateUserDialog, EditUserDialog, PasswordDialog } from './user-forms.tsx';
import './admin.css';

/** Users are few; one page holds the console's maximum page size. */
const PAGE_SIZE = 500;

type Dialog = { kind: 'create' } | { kind: 'edit'; user: User } | { kind: 'password'; user: User };

export default function UsersPage() {
  const session = useSession();
  const { search } = useLocation();
  const filter = search.get('q') ?? '';
  const users = useApi<Page<User>>('/api/users', { filter, pageSize: PAGE_SIZE });
  const roles = useApi<Page<Role>>('/api/roles', { pageSize: PAGE_SIZE });
  const [dialog, setDialog] = useState<Dialog>();
  const canManage = session.can('users.manage');
  const roleList = roles.data?.items ?? [];
  const done = () => {
    setDialog(undefined);
    users.reload();
  };

  return (
    <>
      <PageHeader
        title="Users"
        subtitle={
          canManage
            ? 'People who sign in to this console, their role and the engines they may use.'
            : 'Read-only for you: changing users needs the users.manage permission.'
        }
        actions={
          canManage ? (
            <Button tone="primary" disabled={!roles.data} onClick={() => setDialog({ kind: 'create' })}>
              New user
            </Button>
          ) : null
        }
      />
      <div className="toolbar">
        <input
          type="search"
          aria-label="Filter by username"
          placeholder="Filter by username"
          defaultValue={filter}
          onChange={(event) => setSearch({ q: event.target.value })}
        />
        <Button busy={users.loading} onClick={users.reload}>
          Refresh
        </Button>
      </div>
      <ErrorBox error={users.error} title="Could not list users" />
      <ErrorBox error={roles.error} title="Could not list roles" />
      {users.data ? (
        <UserTable
          users={users.data.items}
          canManage={canManage}
          onDialog={setDialog}
          onChanged={users.reload}
        />
      ) : null}
      {users.data && users.data.total > users.data.items.length ? (
        <p className="muted">
          Showing {users.data.items.length} of {users.data.total}: narrow the filter to find the others.
        </p>
      ) : null}
      {dialog?.kind === 'create' ? (
        <CreateUserDialog roles={roleList} onClose={() => setDialog(undefined)} onDone={done} />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <EditUserDialog
          user={dialog.user}
          roles={roleList}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      ) : null}
      {dialog?.kind === 'password' ? (
        <PasswordDialog user={dialog.user} onClose={() => setDialog(undefined)} onDone={done} />
      ) : null}
    </>
  );
}

function UserTable({
  users,
  canManage,
  onDialog,
  onChanged,
}: {
  users: readonly User[];
  canManage: boolean;
  onDialog: (dialog: Dialog) => void;
  onChanged: () => void;
}) {
  const session = useSession();
  if (users.length === 0) return <Empty>No user matches.</Empty>;
  return (
    <div className="admin-table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Username</th>
            <th>Role</th>
            <th className="wide-only">Engines</th>
            <th>Status</th>
            <th className="wide-only">Created</th>
            {canManage ? <th>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>
                <strong>{user.username}</strong>
                {user.id === session.me?.user?.id ? <span className="muted"> (you)</span> : null}
              </td>
              <td>{user.role}</td>
              <td className="wide-only">{describeGrant(user.engines, session.engines)}</td>
              <td>
                <UserStatus user={user} />
              </td>
              <td className="wide-only">{formatTime(user.createdAt)}</td>
              {canManage ? (
                <td>
                  <UserActions user={user} onDialog={onDialog} onChanged={onChanged} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const isLocked = (user: User) => user.lockedUntil !== null && user.lockedUntil > Date.now();

function UserStatus({ user }: { user: User }) {
  return (
    <span className="admin-badges">
      <StateBadge state={user.disabled ? 'disabled' : 'enabled'} />
      {isLocked(user) ? (
        <span className="badge badge-warn">locked until {formatTime(user.lockedUntil)}</span>
      ) : null}
      {!isLocked(user) && user.failedLogins > 0 ? (
        <span className="muted">{user.failedLogins} failed sign-ins</span>
      ) : null}
    </span>
  );
}

function UserActions({
  user,
  onDialog,
  onChanged,
}: {
  user: User;
  onDialog: (dialog: Dialog) => void;
  onChanged: () => void;
}) {
  const { confirm } = useFeedback();
  const { busy, run } = useRowAction();
  const path = `/api/users/${encodeURIComponent(user.id)}`;
  const act = async (key: string, action: () => Promise<unknown>, done: string) => {
    await run(key, action, done);
    onChanged();
  };
  const disable = async () => {
    const confirmed = await confirm({
      title: `Disable ${user.username}?`,
      body: 'They are signed out everywhere, cannot sign in, and their API tokens stop working until enabled again.',
      action: 'Disable',
    });
    if (confirmed) await act('disable', () => api('POST', `${path}/disable`), `${user.username} disabled`);
  };
  const remove = async () => {
    const confirmed = await confirm({
      title: `Remove ${user.username}?`,
      body: 'Their sessions and API tokens are removed with them. Their audit rows stay.',
      action: 'Remove',
    });
    if (confirmed) await act('remove', () => api('DELETE', path), `${user.username} removed`);
  };
  return (
    <div className="admin-actions">
      <Button aria-label={`Edit ${user.username}`} onClick={() => onDialog({ kind: 'edit', user })}>
        Edit
      </Button>
      <Button
        aria-label={`Set password of ${user.username}`}
        onClick={() => onDialog({ kind: 'password', user })}
      >
        Password
      </Button>
      {user.disabled ? (
        <Button
          aria-label={`Enable ${user.username}`}
          busy={busy === 'enable'}
          onClick={() => act('enable', () => api('POST', `${path}/enable`), `${user.username} enabled`)}
        >
          Enable
        </Button>
      ) : (
        <Button aria-label={`Disable ${user.username}`} busy={busy === 'disable'} onClick={disable}>
          Disable
        </Button>
      )}
      {isLocked(user) || user.failedLogins > 0 ? (
        <Button
          aria-label={`Unlock ${user.username}`}
          busy={busy === 'unlock'}
          onClick={() => act('unlock', () => api('POST', `${path}/unlock`), `${user.username} unlocked`)}
        >
          Unlock
        </Button>
      ) : null}
      <Button aria-label={`Remove ${user.username}`} tone="danger" busy={busy === 'remove'} onClick={remove}>
        Remove
      </Button>
    </div>
  );
}
