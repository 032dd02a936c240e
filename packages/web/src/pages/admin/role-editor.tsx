/**
 * Create or edit a custom role: name (on creation), description and its permissions ticked area
 * by area, optionally copied from another role first. Built-in roles are never edited here.
 */
import type { Permission, Role } from '@gantry/server/api-types';
import { useEffect, useId, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { SelectField, TextField } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import { FormModal } from './form-modal.tsx';
import { groupByArea, type PermissionArea, type PermissionInfo } from './permissions.ts';

const NAME_RULE =
  'Letters, digits, ".", "_" or "-", starting with a letter; up to 64 characters; not a built-in name.';

export function RoleEditor({
  role,
  roles,
  permissions,
  onClose,
  onDone,
}: {
  /** Undefined: a new role. */
  role: Role | undefined;
  roles: readonly Role[];
  permissions: readonly PermissionInfo[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { notify } = useFeedback();
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [chosen, setChosen] = useState<ReadonlySet<Permission>>(new Set(role?.permissions ?? []));
  const toggle = (names: readonly Permission[], on: boolean) =>
    setChosen((previous) => {
      const next = new Set(previous);
      for (const item of names) {
        if (on) next.add(item);
        else next.delete(item);
      }
      return next;
    });
  const copyFrom = (source: string) => {
    const from = roles.find((item) => item.name === source);
    if (from) setChosen(new Set(from.permissions));
  };
  const submit = async () => {
    const body = { description, permissions: [...chosen] };
    if (role) await api<Role>('PATCH', `/api/roles/${encodeURIComponent(role.name)}`, { body });
    else await api<Role>('POST', '/api/roles', { body: { name, ...body } });
    notify(role ? `Role ${role.name} saved` : `Role ${name} created`);
    onDone();
  };
  return (
    <FormModal
      title={role ? `Edit role ${role.name}` : 'New role'}
      action={role ? 'Save role' : 'Create role'}
      onClose={onClose}
      onSubmit={submit}
    >
      <div className="form-grid">
        {role ? null : (
          <TextField
            label="Name"
            value={name}
            required
            onChange={(event) => setName(event.target.value)}
            hint={NAME_RULE}
          />
        )}
        <TextField
          label="Description"
          value={description}
          maxLength={500}
          onChange={(event) => setDescription(event.target.value)}
        />
        <SelectField
          label="Copy permissions from"
          value=""
          onChange={(event) => copyFrom(event.target.value)}
          options={[{ value: '', label: '— choose a role —' }, ...roles.map((item) => item.name)]}
          hint="Replaces the ticks below with that role's permissions."
        />
      </div>
      <p className="muted">
        {chosen.size} of {permissions.length} permissions. Engine permissions count only on the engines a user
        is granted. Changes apply from each holder's next request.
      </p>
      <div className="role-areas">
        {groupByArea(permissions).map((area) => (
          <AreaChecks key={area.area} area={area} chosen={chosen} onToggle={toggle} />
        ))}
      </div>
    </FormModal>
  );
}

function AreaChecks({
  area,
  chosen,
  onToggle,
}: {
  area: PermissionArea;
  chosen: ReadonlySet<Permission>;
  onToggle: (names: readonly Permission[], on: boolean) => void;
}) {
  const names = area.permissions.map((permission) => permission.name);
  const ticked = names.filter((item) => chosen.has(item)).length;
  const all = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    if (all.current) all.current.indeterminate = ticked > 0 && ticked < names.length;
  }, [ticked, names.length]);
  return (
    <fieldset className="admin-fieldset">
      <legend>
        <label className="admin-check">
          <input
            ref={all}
            type="checkbox"
            checked={ticked === names.length}
            onChange={(event) => onToggle(names, event.target.checked)}
          />
          all {area.area} permissions
        </label>
      </legend>
      {area.permissions.map((permission) => (
        <div key={permission.name} className="role-permission">
          <label className="admin-check">
            <input
              type="checkbox"
              checked={chosen.has(permission.name)}
              aria-describedby={`${id}-${permission.name}`}
              onChange={(event) => onToggle([permission.name], event.target.checked)}
            />
            <code>{permission.name}</code>
          </label>
          <span id={`${id}-${permission.name}`} className="muted">
            {permission.summary} ({permission.scope})
          </span>
        </div>
      ))}
    </fieldset>
  );
}
