/**
 * The user dialogs: create (username, password, role, engines), edit role and engines, and set a
 * password. The rules in the hints are the server's (docs/console.md "Users, sessions and CSRF");
 * the server checks them again and its message is shown when it refuses.
 */
import type { EngineGrant, Role, User } from '@gantry/server/api-types';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { SelectField, TextField } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import { EngineGrantField } from './engine-grant.tsx';
import { FormModal } from './form-modal.tsx';

const USERNAME_RULE =
  '1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit; case does not matter.';
const PASSWORD_RULE = '12 to 1024 characters; a passphrase of several words works well.';

interface DialogProps {
  readonly roles: readonly Role[];
  readonly onClose: () => void;
  readonly onDone: () => void;
}

function RoleSelect({
  roles,
  value,
  onChange,
}: {
  roles: readonly Role[];
  value: string;
  onChange: (role: string) => void;
}) {
  return (
    <SelectField
      label="Role"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      options={roles.map((role) => ({
        value: role.name,
        label: role.builtin ? role.name : `${role.name} (custom)`,
      }))}
      hint={roles.find((role) => role.name === value)?.description}
    />
  );
}

/** Throws when the two entries differ, before anything is sent. */
function checkRepeated(password: string, again: string): void {
  if (password !== again) throw new Error('the two passwords differ: type the same one twice');
}

export function CreateUserDialog({ roles, onClose, onDone }: DialogProps) {
  const { notify } = useFeedback();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [role, setRole] = useState(
    roles.some((item) => item.name === 'viewer') ? 'viewer' : (roles[0]?.name ?? ''),
  );
  const [engines, setEngines] = useState<EngineGrant>('*');
  const submit = async () => {
    checkRepeated(password, again);
    await api<User>('POST', '/api/users', { body: { username, password, role, engines } });
    notify(`User ${username} created`);
    onDone();
  };
  return (
    <FormModal title="New user" action="Create user" onClose={onClose} onSubmit={submit}>
      <div className="form-grid">
        <TextField
          label="Username"
          value={username}
          required
          autoComplete="off"
          onChange={(event) => setUsername(event.target.value)}
          hint={USERNAME_RULE}
        />
        <RoleSelect roles={roles} value={role} onChange={setRole} />
        <TextField
          label="Password"
          type="password"
          value={password}
          required
          autoComplete="new-password"
          onChange={(event) => setPassword(event.target.value)}
          hint={PASSWORD_RULE}
        />
        <TextField
          label="Password again"
          type="password"
          value={again}
          required
          autoComplete="new-password"
          onChange={(event) => setAgain(event.target.value)}
        />
      </div>
      <EngineGrantField value={engines} onChange={setEngines} />
    </FormModal>
  );
}

export function EditUserDialog({ user, roles, onClose, onDone }: DialogProps & { user: User }) {
  const { notify } = useFeedback();
  const [role, setRole] = useState(user.role);
  const [engines, setEngines] = useState<EngineGrant>(user.engines);
  const submit = async () => {
    await api<User>('PATCH', `/api/users/${encodeURIComponent(user.id)}`, { body: { role, engines } });
    notify(`User ${user.username} updated`);
    onDone();
  };
  return (
    <FormModal title={`Edit ${user.username}`} action="Save" onClose={onClose} onSubmit={submit}>
      <RoleSelect roles={roles} value={role} onChange={setRole} />
      <EngineGrantField value={engines} onChange={setEngines} />
      <div className="field-hint">A new role or engine list applies from the user's next request.</div>
    </FormModal>
  );
}

export function PasswordDialog({ user, onClose, onDone }: Omit<DialogProps, 'roles'> & { user: User }) {
  const { notify } = useFeedback();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const submit = async () => {
    checkRepeated(password, again);
    await api<User>('PATCH', `/api/users/${encodeURIComponent(user.id)}`, { body: { password } });
    notify(`Password of ${user.username} set; their sessions ended`);
    onDone();
  };
  return (
    <FormModal
      title={`Set the password of ${user.username}`}
      action="Set password"
      onClose={onClose}
      onSubmit={submit}
    >
      <TextField
        label="New password"
        type="password"
        value={password}
        required
        autoComplete="new-password"
        onChange={(event) => setPassword(event.target.value)}
        hint={`${PASSWORD_RULE} Every session of ${user.username} ends; their API tokens keep working.`}
      />
      <TextField
        label="New password again"
        type="password"
        value={again}
        required
        autoComplete="new-password"
        onChange={(event) => setAgain(event.target.value)}
      />
    </FormModal>
  );
}
