/**
 * The signed-in user's own page: who they are (role, permissions, engines), changing the password,
 * signing out every session, and their API tokens.
 */
import { useSession } from '../../api/session.tsx';
import { Button, PageHeader } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import { ApiTokens } from './api-tokens.tsx';
import { useEngineNames } from './engine-names.ts';
import { PasswordForm } from './password-form.tsx';
import './overview.css';

export default function ProfilePage() {
  const session = useSession();
  const feedback = useFeedback();
  const engineNames = useEngineNames();
  const { me } = session;
  if (!me) return null;
  const signOutEverywhere = async () => {
    const confirmed = await feedback.confirm({
      title: 'Sign out everywhere?',
      body: 'Every session of yours ends, this one too: other browsers and devices must sign in again. API tokens stay valid.',
      action: 'Sign out everywhere',
    });
    if (confirmed) await session.signOut(true);
  };
  const username = me.user?.username ?? me.token?.name ?? '';
  return (
    <>
      <PageHeader title="Profile" subtitle={`Signed in as ${username}.`} />
      <div className="profile-grid">
        <section className="panel" aria-labelledby="account-title">
          <h2 id="account-title">Account</h2>
          <dl className="kv">
            <dt>Username</dt>
            <dd>{username}</dd>
            <dt>Role</dt>
            <dd>{me.role}</dd>
            <dt>Engines</dt>
            <dd>{me.engines === '*' ? 'all, also ones added later' : engineNames(me.engines)}</dd>
          </dl>
          <h3>Permissions ({me.permissions.length})</h3>
          <ul className="chips" aria-label="permissions">
            {me.permissions.map((permission) => (
              <li key={permission}>{permission}</li>
            ))}
          </ul>
          <h3>Sessions</h3>
          <p className="muted">Lost a device or left a session open somewhere? End them all.</p>
          <Button tone="danger" onClick={() => void signOutEverywhere()}>
            Sign out everywhere
          </Button>
        </section>
        <section className="panel" aria-labelledby="password-title">
          <h2 id="password-title">Change password</h2>
          <PasswordForm />
        </section>
      </div>
      <ApiTokens />
    </>
  );
}
