/**
 * The caller's API tokens: list (never their secrets), create (the secret shown once, in a box to
 * copy from), revoke (confirmed; scripts using it get 401 from then on).
 */
import type { ApiToken, Page } from '@gantry/server/api-types';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { Button, Empty, ErrorBox, formatTime, StateBadge } from '../../ui/controls.tsx';
import { Modal, useFeedback } from '../../ui/feedback.tsx';
import { useEngineNames } from './engine-names.ts';
import { type CreatedToken, TokenForm } from './token-form.tsx';

function stateOf(token: ApiToken, now: number): string {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt <= now) return 'expired';
  return 'active';
}

/** The new token's secret, this once: copy it, then dismiss. */
function NewTokenBox({ created, onDone }: { created: CreatedToken; onDone: () => void }) {
  const feedback = useFeedback();
  const box = useRef<HTMLElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'center' });
    input.current?.select();
  }, []);
  const copy = async () => {
    try {
      // navigator.clipboard exists on https and localhost only.
      await navigator.clipboard.writeText(created.token);
      feedback.notify('Token copied to the clipboard');
    } catch {
      input.current?.select();
      feedback.fail(new Error('the browser did not allow copying — the token is selected: press Ctrl+C'));
    }
  };
  return (
    <section className="secret-box" ref={box} aria-label="new API token">
      <strong>
        Shown once: copy the token “{created.name}” now. The console keeps only its hash and cannot show it
        again.
      </strong>
      <div className="secret-value">
        <input ref={input} readOnly value={created.token} aria-label="New API token" spellCheck={false} />
        <Button tone="primary" onClick={() => void copy()}>
          Copy
        </Button>
        <Button onClick={onDone}>I have copied it</Button>
      </div>
      <span className="muted">
        Send it as <code>Authorization: Bearer …</code>.
      </span>
    </section>
  );
}

export function ApiTokens() {
  const feedback = useFeedback();
  const engineNames = useEngineNames();
  const tokens = useApi<Page<ApiToken>>('/api/tokens', { pageSize: 500 });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken>();
  const revoke = async (token: ApiToken) => {
    const confirmed = await feedback.confirm({
      title: `Revoke the token “${token.name}”?`,
      body: 'Anything using it is refused (401) from now on. This cannot be undone.',
      action: 'Revoke',
    });
    if (!confirmed) return;
    try {
      await api('DELETE', `/api/tokens/${encodeURIComponent(token.id)}`);
      feedback.notify(`Revoked ${token.name}`);
      tokens.reload();
    } catch (error) {
      feedback.fail(error, `Revoking ${token.name} failed`);
    }
  };
  const now = Date.now();
  const items = tokens.data?.items ?? [];
  return (
    <section className="panel overview-section" aria-labelledby="tokens-title">
      <div className="section-header">
        <h2 id="tokens-title">API tokens</h2>
        <Button tone="primary" onClick={() => setCreating(true)}>
          New token
        </Button>
      </div>
      <p className="muted">
        For scripts and tools: a token acts with its role on its engines, never beyond your own.
      </p>
      {created ? <NewTokenBox created={created} onDone={() => setCreated(undefined)} /> : null}
      <ErrorBox error={tokens.error} title="The token list did not load" />
      {tokens.data && items.length === 0 ? <Empty>No API token yet.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="hide-narrow">Role</th>
                <th className="hide-narrow">Engines</th>
                <th className="hide-narrow">Created</th>
                <th>Expires</th>
                <th className="hide-narrow">Last used</th>
                <th>State</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td className="hide-narrow">{token.role}</td>
                  <td className="hide-narrow">{engineNames(token.engines)}</td>
                  <td className="hide-narrow">{formatTime(token.createdAt)}</td>
                  <td>{token.expiresAt === null ? 'never' : formatTime(token.expiresAt)}</td>
                  <td className="hide-narrow">
                    {token.lastUsedAt === null ? 'never' : formatTime(token.lastUsedAt)}
                  </td>
                  <td>
                    <StateBadge state={stateOf(token, now)} />
                    {token.revokedAt !== null ? (
                      <div className="muted">{formatTime(token.revokedAt)}</div>
                    ) : null}
                  </td>
                  <td>
                    {token.revokedAt === null ? (
                      <Button
                        tone="danger"
                        onClick={() => void revoke(token)}
                        aria-label={`Revoke ${token.name}`}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {creating ? (
        <Modal title="New API token" onClose={() => setCreating(false)}>
          <TokenForm
            onCancel={() => setCreating(false)}
            onCreated={(token) => {
              setCreating(false);
              setCreated(token);
              tokens.reload();
            }}
          />
        </Modal>
      ) : null}
    </section>
  );
}
