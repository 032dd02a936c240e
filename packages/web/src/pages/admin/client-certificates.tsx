/**
 * Mutual TLS at the gateway: which client certificates sign in as which API token, mapping a new one
 * (its PEM file and the token's secret, which is sealed on the server and never shown again) and
 * removing one. Changes need `settings.manage`; the server refuses a dead token or a non-certificate.
 */
import type { ClientCertificateMapping } from '@gantry/server/api-types';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Button, Empty, ErrorBox, Field, StateBadge, TextField } from '../../ui/controls.tsx';
import { useFeedback } from '../../ui/feedback.tsx';
import { FormModal, useRowAction } from './form-modal.tsx';

const PATH = '/api/gateway/client-certificates';

export function ClientCertificates() {
  const session = useSession();
  const mappings = useApi<{ items: ClientCertificateMapping[] }>(PATH);
  const [adding, setAdding] = useState(false);
  const { confirm } = useFeedback();
  const { busy, run } = useRowAction();
  const manage = session.can('settings.manage');
  const unmap = async (fingerprint: string) => {
    const confirmed = await confirm({
      title: 'Remove this certificate mapping?',
      body: `The certificate ${fingerprint.slice(0, 23)}… will no longer sign in at the gateway.`,
      action: 'Remove',
    });
    if (confirmed)
      await run(
        fingerprint,
        () => api('DELETE', `${PATH}/${encodeURIComponent(fingerprint)}`),
        'Mapping removed',
      );
    mappings.reload();
  };
  return (
    <section className="panel gateway-section">
      <h2>Client certificates</h2>
      <p className="muted">
        A client certificate signed by the gateway's client CA signs in as the API token it is mapped to: that
        token's role, engines, expiry and revocation apply.
      </p>
      <ErrorBox error={mappings.error} />
      {mappings.data && mappings.data.items.length === 0 ? <Empty>No certificate is mapped.</Empty> : null}
      {mappings.data && mappings.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>SHA-256 fingerprint</th>
              <th>API token</th>
              {manage ? <th aria-label="actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {mappings.data.items.map((mapping) => (
              <tr key={mapping.fingerprint}>
                <td className="mono">{mapping.fingerprint}</td>
                <td>
                  {mapping.token ? mapping.token.name : 'a token that no longer exists'}{' '}
                  <StateBadge state={mapping.token?.live ? 'active' : 'dead'} />
                </td>
                {manage ? (
                  <td>
                    <Button
                      tone="danger"
                      busy={busy === mapping.fingerprint}
                      onClick={() => void unmap(mapping.fingerprint)}
                    >
                      Remove
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {manage ? (
        <div className="toolbar">
          <Button tone="primary" onClick={() => setAdding(true)}>
            Map a certificate
          </Button>
        </div>
      ) : null}
      {adding ? <MapCertificate onClose={() => setAdding(false)} onMapped={mappings.reload} /> : null}
    </section>
  );
}

function MapCertificate({ onClose, onMapped }: { onClose: () => void; onMapped: () => void }) {
  const [certificate, setCertificate] = useState('');
  const [token, setToken] = useState('');
  const { notify } = useFeedback();
  const submit = async () => {
    const { fingerprint } = await api<{ fingerprint: string }>('POST', PATH, {
      body: { certificate, token },
    });
    notify(`Mapped ${fingerprint.slice(0, 23)}…`);
    onMapped();
  };
  return (
    <FormModal title="Map a client certificate" action="Map" onClose={onClose} onSubmit={submit}>
      <Field label="Certificate (PEM)" hint="The client's cert.pem: pick the file or paste it.">
        {(id) => (
          <>
            <input
              type="file"
              accept=".pem,.crt,.cer"
              aria-label="certificate file"
              onChange={async (event) => setCertificate((await event.target.files?.[0]?.text()) ?? '')}
            />
            <textarea
              id={id}
              rows={6}
              value={certificate}
              onChange={(event) => setCertificate(event.target.value)}
            />
          </>
        )}
      </Field>
      <TextField
        label="API token"
        type="password"
        autoComplete="off"
        value={token}
        onChange={(event) => setToken(event.target.value)}
        hint="The token's secret (gty_…), as shown once when it was created. It is stored sealed and never shown again."
        required
      />
    </FormModal>
  );
}
