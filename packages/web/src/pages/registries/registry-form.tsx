/**
 * Add or edit a stored registry. The server checks every field again; when it refuses one (a
 * validation error, or a name or address another registry already has) its message is shown under
 * that field and the dialog stays open. Editing leaves the password empty: empty keeps the stored one.
 */
import type { RegistryView } from '@gantry/server/api-types';
import { type ComponentProps, type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import { Button, ErrorBox, TextField } from '../../ui/controls.tsx';
import { Modal, useFeedback } from '../../ui/feedback.tsx';

type FieldName = 'name' | 'serverAddress' | 'username' | 'password';
type Values = Record<FieldName, string>;
type FieldErrors = Partial<Record<FieldName, string>>;
type FieldProps = Omit<ComponentProps<typeof TextField>, 'value' | 'onChange'>;

const FIELD_NAMES: readonly FieldName[] = ['name', 'serverAddress', 'username', 'password'];
const isFieldName = (name: unknown): name is FieldName => FIELD_NAMES.includes(name as FieldName);

/**
 * The server's refusal per form field: `details.fields` of a 400 (`body.serverAddress`), or
 * `details.field` of a 409 (a name or address taken). Empty when it names no field of this form.
 */
function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof ApiError) || !error.details) return {};
  const errors: FieldErrors = {};
  const { fields, field } = error.details as {
    fields?: { field: string; message: string }[];
    field?: string;
  };
  for (const entry of fields ?? []) {
    const name = entry.field.replace(/^body\./, '');
    if (isFieldName(name)) errors[name] ??= entry.message;
  }
  // The message starts with the field's name for readers without the form ("serverAddress: …").
  if (isFieldName(field)) errors[field] = error.message.replace(`${field}: `, '');
  return errors;
}

/** The fields a PATCH must send: the changed ones, and the password only when one was typed. */
function changesOf(registry: RegistryView, values: Values): Partial<Values> {
  const changes: Partial<Values> = {};
  for (const name of ['name', 'serverAddress', 'username'] as const)
    if (values[name].trim() !== registry[name]) changes[name] = values[name].trim();
  if (values.password) changes.password = values.password;
  return changes;
}

export function RegistryFormDialog({
  registry,
  onClose,
  onSaved,
}: {
  /** The registry to edit; undefined adds a new one. */
  registry?: RegistryView;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { notify } = useFeedback();
  const [values, setValues] = useState<Values>({
    name: registry?.name ?? '',
    serverAddress: registry?.serverAddress ?? '',
    username: registry?.username ?? '',
    password: '',
  });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setFieldErrors({});
    try {
      if (registry) {
        const changes = changesOf(registry, values);
        if (Object.keys(changes).length > 0)
          await api<RegistryView>('PATCH', `/api/registries/${encodeURIComponent(registry.id)}`, {
            body: changes,
          });
        notify(`Registry ${values.name.trim()} saved`);
      } else {
        const { name, serverAddress, username, password } = values;
        await api<RegistryView>('POST', '/api/registries', {
          body: {
            name: name.trim(),
            serverAddress: serverAddress.trim(),
            username: username.trim(),
            password,
          },
        });
        notify(`Registry ${name.trim()} added`);
      }
      onSaved();
    } catch (error) {
      const errors = fieldErrorsOf(error);
      setFieldErrors(errors);
      // A refusal shown under its field is not repeated below the form.
      if (Object.keys(errors).length === 0) setProblem(error);
      setBusy(false);
    }
  };

  /** One input bound to `values[name]`; the server's refusal of it replaces its hint. */
  const field = (name: FieldName, { hint, ...input }: FieldProps) => (
    <TextField
      {...input}
      value={values[name]}
      onChange={(event) => setValues({ ...values, [name]: event.target.value })}
      aria-invalid={fieldErrors[name] ? true : undefined}
      hint={fieldErrors[name] ? <span className="registry-field-error">{fieldErrors[name]}</span> : hint}
    />
  );

  return (
    <Modal title={registry ? `Edit ${registry.name}` : 'Add a registry'} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <fieldset className="form-grid registry-fieldset" disabled={busy}>
          {field('name', {
            label: 'Name',
            hint: 'What people call it here, e.g. "team registry"',
            required: true,
            autoFocus: true,
            autoComplete: 'off',
          })}
          {field('serverAddress', {
            label: 'Server address',
            hint: 'Host[:port] as image names start with it: registry.example:5000, or docker.io for Docker Hub',
            placeholder: 'registry.example:5000',
            required: true,
            autoComplete: 'off',
          })}
          {field('username', {
            label: 'Username',
            hint: 'The account the console logs in with',
            required: true,
            autoComplete: 'off',
          })}
          {field('password', {
            label: 'Password',
            hint: registry
              ? 'Leave empty to keep the stored password'
              : 'Or an access token; kept on the console and never shown again',
            type: 'password',
            required: !registry,
            autoComplete: 'new-password',
            placeholder: registry ? 'unchanged' : undefined,
          })}
        </fieldset>
        <ErrorBox error={problem} title={registry ? 'Could not save' : 'Could not add'} />
        <div className="modal-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" tone="primary" busy={busy}>
            {registry ? 'Save' : 'Add registry'}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
