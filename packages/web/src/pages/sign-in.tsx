/**
 * The two pages before the shell: first-run setup with the one-time token the console printed, and
 * sign-in. Both show the server's message on refusal (wrong token, weak password, locked account).
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import { Button, ErrorBox, TextField } from '../ui/controls.tsx';

function Card({ title, intro, children }: { title: string; intro: string; children: React.ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-card">
        <div className="brand auth-brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Gantry
        </div>
        <h1>{title}</h1>
        <p className="muted">{intro}</p>
        {children}
      </div>
    </div>
  );
}

export function SetupPage() {
  const session = useSession();
  const [form, setForm] = useState({ token: '', username: 'admin', password: '', repeat: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (form.password !== form.repeat)
      return setError(new Error('the two passwords differ — type the same one twice'));
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/setup', {
        body: { token: form.token.trim(), username: form.username, password: form.password },
      });
      await session.signIn(form.username, form.password);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  return (
    <Card
      title="Set up this console"
      intro="Create the first administrator with the one-time setup token the console printed when it started (gst_…)."
    >
      <form onSubmit={submit} className="form">
        <TextField
          label="Setup token"
          value={form.token}
          onChange={set('token')}
          autoComplete="off"
          required
          autoFocus
        />
        <TextField
          label="Username"
          value={form.username}
          onChange={set('username')}
          autoComplete="username"
          required
        />
        <TextField
          label="Password"
          type="password"
          value={form.password}
          onChange={set('password')}
          autoComplete="new-password"
          hint="At least 12 characters."
          required
        />
        <TextField
          label="Password again"
          type="password"
          value={form.repeat}
          onChange={set('repeat')}
          autoComplete="new-password"
          required
        />
        <ErrorBox error={error} />
        <Button tone="primary" type="submit" busy={busy}>
          Create administrator
        </Button>
      </form>
    </Card>
  );
}

export function LoginPage() {
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(username, password);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Sign in" intro="Sign in with your Gantry account.">
      <form onSubmit={submit} className="form">
        <TextField
          label="Username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          autoComplete="username"
          required
          autoFocus
        />
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          autoComplete="current-password"
          required
        />
        <ErrorBox error={error} />
        <Button tone="primary" type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
    </Card>
  );
}
