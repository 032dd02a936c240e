/**
 * Changing one's own password: the current one, the new one twice. The console refuses a wrong
 * current password (WRONG_PASSWORD) or a weak new one (WEAK_PASSWORD) and says why; a change ends
 * the user's other sessions.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { Button, ErrorBox, TextField } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';

const EMPTY = { current: '', next: '', repeat: '' };

export function PasswordForm() {
  const feedback = useFeedback();
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (form.next !== form.repeat)
      return setError(new Error('the two new passwords differ — type the same one twice'));
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/auth/password', {
        body: { currentPassword: form.current, newPassword: form.next },
      });
      setForm(EMPTY);
      feedback.notify('Password changed; your other sessions were signed out');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const set = (key: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  return (
    <form className="form" onSubmit={submit} aria-label="change password">
      <TextField
        label="Current password"
        type="password"
        value={form.current}
        onChange={set('current')}
        autoComplete="current-password"
        required
      />
      <TextField
        label="New password"
        type="password"
        value={form.next}
        onChange={set('next')}
        autoComplete="new-password"
        hint="At least 12 characters."
        required
      />
      <TextField
        label="New password again"
        type="password"
        value={form.repeat}
        onChange={set('repeat')}
        autoComplete="new-password"
        required
      />
      <ErrorBox error={error} title="Password not changed" />
      <div>
        <Button tone="primary" type="submit" busy={busy}>
          Change password
        </Button>
      </div>
    </form>
  );
}
