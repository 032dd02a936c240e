/**
 * Registry credentials for one pull or push: kept in the dialog's state only and sent in that
 * request's body (`auth`), never stored in the browser. Left empty, the console logs in with the
 * registry credentials stored for the image's registry (the Registries page), if any; the dialog
 * names them so nobody is surprised which account was used.
 */
import { TextField } from '../../ui/controls.tsx';
import { storedRegistryFor, useStoredRegistries } from '../registries/stored-registries.ts';

export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly serveraddress: string;
}

export const NO_CREDENTIALS: Credentials = { username: '', password: '', serveraddress: '' };

/** The request's `auth`: undefined when both fields are empty; throws when only one is filled. */
export function authOf(
  credentials: Credentials,
): { username: string; password: string; serveraddress?: string } | undefined {
  const username = credentials.username.trim();
  const serveraddress = credentials.serveraddress.trim();
  if (!username && !credentials.password) return undefined;
  if (!username || !credentials.password)
    throw new Error('registry credentials need both a username and a password (or leave both empty)');
  return { username, password: credentials.password, ...(serveraddress ? { serveraddress } : {}) };
}

export function CredentialFields({
  image,
  value,
  onChange,
  disabled,
}: {
  /** The image pulled or pushed: its registry host picks the stored credentials used when these are empty. */
  image: string;
  value: Credentials;
  onChange: (value: Credentials) => void;
  disabled?: boolean;
}) {
  const stored = storedRegistryFor(image, useStoredRegistries());
  const typed = value.username.trim() !== '' || value.password !== '';
  const set = (field: keyof Credentials) => (event: { target: { value: string } }) =>
    onChange({ ...value, [field]: event.target.value });
  return (
    <fieldset className="credentials" disabled={disabled}>
      <legend>Registry credentials (optional, used for this request only)</legend>
      <div className="form-grid top-aligned">
        <TextField label="Username" autoComplete="off" value={value.username} onChange={set('username')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={value.password}
          onChange={set('password')}
        />
        <TextField
          label="Server address"
          placeholder="from the image name"
          hint="Only when the registry's login address differs from the image's registry"
          value={value.serveraddress}
          onChange={set('serveraddress')}
        />
      </div>
      {stored && !typed ? (
        <p className="stored-credentials" role="note">
          Uses the stored credentials of {stored.name} ({stored.serverAddress})
        </p>
      ) : null}
    </fieldset>
  );
}
