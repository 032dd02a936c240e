/**
 * A new API token: name, role (any role the console has — without roles.read only one's own; a
 * token never exceeds its owner, so a role beyond one's own is marked as capped), engines (all of
 * the owner's, or chosen ones) and an expiry in days (empty: never).
 */
import type { ApiToken, Page, Role } from '@gantry/server/api-types';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Button, ErrorBox, SelectField, TextField } from '../../ui/controls.tsx';

/** The creation answer: the token's description and, this once, its secret. */
export type CreatedToken = ApiToken & { readonly token: string };

const DEFAULT_EXPIRY_DAYS = '90';
/** The console's limit (POST /api/tokens expiresInDays). */
const MAX_EXPIRY_DAYS = 3650;

export function TokenForm({
  onCreated,
  onCancel,
}: {
  onCreated: (created: CreatedToken) => void;
  onCancel: () => void;
}) {
  const session = useSession();
  const ownRole = session.me?.role ?? '';
  const roles = useApi<Page<Role>>(session.can('roles.read') ? '/api/roles' : undefined, { pageSize: 500 });
  const mine = new Set<string>(session.me?.permissions ?? []);
  const roleOptions = (roles.data?.items ?? []).map((item) => {
    const capped = item.permissions.some((permission) => !mine.has(permission));
    const suffix = item.name === ownRole ? ' (yours)' : capped ? ' (capped at your permissions)' : '';
    return { value: item.name, label: `${item.name}${suffix}` };
  });
  const [name, setName] = useState('');
  const [role, setRole] = useState(ownRole);
  const [allEngines, setAllEngines] = useState(true);
  const [engines, setEngines] = useState<readonly string[]>([]);
  const [days, setDays] = useState(DEFAULT_EXPIRY_DAYS);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const toggleEngine = (id: string) =>
    setEngines(engines.includes(id) ? engines.filter((item) => item !== id) : [...engines, id]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!allEngines && engines.length === 0)
      return setError(new Error('choose at least one engine, or tick "All my engines"'));
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<CreatedToken>('POST', '/api/tokens', {
        body: {
          name: name.trim(),
          role,
          engines: allEngines ? '*' : engines,
          ...(days.trim() ? { expiresInDays: Number(days) } : {}),
        },
      });
      onCreated(created);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit}>
      <div className="form-grid">
        <TextField
          label="Token name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          hint="What uses it, e.g. ci deploy."
          required
          autoFocus
        />
        <SelectField
          label="Role"
          value={role}
          onChange={(event) => setRole(event.target.value)}
          options={roleOptions.length ? roleOptions : [{ value: ownRole, label: `${ownRole} (yours)` }]}
          hint="A token never holds more than your own role allows."
        />
        <TextField
          label="Expires in days"
          type="number"
          min={1}
          max={MAX_EXPIRY_DAYS}
          value={days}
          onChange={(event) => setDays(event.target.value)}
          hint="Empty: never expires."
        />
      </div>
      <fieldset className="check-group">
        <legend>Engines</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={allEngines}
            onChange={(event) => setAllEngines(event.target.checked)}
          />
          All my engines (also ones granted later)
        </label>
        {allEngines
          ? null
          : session.engines.map((engine) => (
              <label key={engine.id} className="check">
                <input
                  type="checkbox"
                  checked={engines.includes(engine.id)}
                  onChange={() => toggleEngine(engine.id)}
                />
                {engine.name}
              </label>
            ))}
      </fieldset>
      <ErrorBox error={roles.error} title="The role list did not load" />
      <ErrorBox error={error} title="Token not created" />
      <div className="modal-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button tone="primary" type="submit" busy={busy}>
          Create token
        </Button>
      </div>
    </form>
  );
}
