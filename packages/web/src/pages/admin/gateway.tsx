/**
 * The Engine API gateway (`settings.read`): whether it listens and where, its certificate's
 * fingerprint, how to point the docker CLI at it with an API token (docs/gateway.md), and the policy
 * it applies, and (with mutual TLS) which client certificates sign in as which API token. The listener
 * and policy are configured by the console's flags and policy file.
 */
import type { GatewayView } from '@gantry/server/api-types';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox, PageHeader, SelectField } from '../../ui/controls.tsx';
import { ClientCertificates } from './client-certificates.tsx';
import { CopyBlock } from './copy-block.tsx';
import { GatewayPolicy } from './gateway-policy.tsx';
import './admin.css';

export default function GatewayPage() {
  const gateway = useApi<GatewayView>('/api/gateway');
  const missing = gateway.error instanceof ApiError && gateway.error.status === 404;
  return (
    <>
      <PageHeader
        title="Gateway"
        subtitle={
          <>
            The Docker Engine API, for the docker CLI and SDKs, behind console permissions and policy. Clients
            sign in with an API token: create one on <Link href="/profile">your profile page</Link>.
          </>
        }
      />
      {missing ? (
        <Empty>
          The gateway is not available on this console: it does not answer GET /api/gateway (a console older
          than this page).
        </Empty>
      ) : (
        <ErrorBox error={gateway.error} title="Could not read the gateway status" />
      )}
      {gateway.data ? <GatewayDetails gateway={gateway.data} /> : null}
    </>
  );
}

function GatewayDetails({ gateway }: { gateway: GatewayView }) {
  return (
    <div className="gateway-page">
      <section className="panel gateway-section">
        <h2>
          Listener{' '}
          <span className={`badge badge-${gateway.enabled ? 'ok' : 'muted'}`}>
            {gateway.enabled ? 'listening' : 'not listening'}
          </span>
        </h2>
        {gateway.enabled ? (
          <dl className="kv">
            <dt>Address</dt>
            <dd className="mono">{gateway.url}</dd>
            <dt>Certificate SHA-256</dt>
            <dd className="mono">{gateway.fingerprint ?? 'none: plain HTTP (--gateway-insecure)'}</dd>
            <dt>Client certificates</dt>
            <dd>
              {gateway.mutualTls
                ? 'accepted when signed by --gateway-client-ca (each one is mapped to an API token)'
                : 'not accepted (no --gateway-client-ca): API tokens only'}
            </dd>
          </dl>
        ) : gateway.error ? (
          <ErrorBox error={new Error(gateway.error)} title="The gateway did not start" />
        ) : (
          <p>
            The gateway is turned off on this console (<code>--gateway-port off</code>). Start the console
            without it to let the docker CLI in through the gateway.
          </p>
        )}
      </section>
      {gateway.enabled && gateway.url ? <DockerCliSetup url={gateway.url} /> : null}
      {gateway.mutualTls ? <ClientCertificates /> : null}
      <GatewayPolicy policy={gateway.policy} />
    </div>
  );
}

/** Where the CLI's files go: a config directory of its own, so the token goes to the gateway only. */
const CLI_DIR = '~/.gantry-docker';
const TOKEN_PLACEHOLDER = 'gty_...';

function DockerCliSetup({ url }: { url: string }) {
  const { engines } = useSession();
  const [engine, setEngine] = useState('');
  const address = new URL(url);
  const tls = address.protocol === 'https:';
  const host = `tcp://${address.host}${engine ? `/engines/${engine}` : ''}`;
  const files = [
    ...(tls
      ? [`mkdir -p ${CLI_DIR} && cp <data-dir>/gateway/ca.pem ${CLI_DIR}/ca.pem`]
      : [`mkdir -p ${CLI_DIR}`]),
    `echo '{"HttpHeaders": {"Authorization": "Bearer ${TOKEN_PLACEHOLDER}"}}' > ${CLI_DIR}/config.json`,
  ].join('\n');
  const environment = tls
    ? `DOCKER_CONFIG=${CLI_DIR} DOCKER_CERT_PATH=${CLI_DIR} DOCKER_TLS_VERIFY=1 \\\n  DOCKER_HOST=${host} docker ps`
    : `DOCKER_CONFIG=${CLI_DIR} DOCKER_HOST=${host} docker ps`;
  const context = [
    `DOCKER_CONFIG=${CLI_DIR} docker context create gantry \\`,
    `  --docker "host=${host}${tls ? `,ca=$HOME/${CLI_DIR.slice(2)}/ca.pem` : ''}"`,
    `DOCKER_CONFIG=${CLI_DIR} docker --context gantry ps`,
  ].join('\n');
  return (
    <section className="panel gateway-section">
      <h2>Point the docker CLI at it</h2>
      <ol className="gateway-steps">
        <li>
          Create an API token on <Link href="/profile">your profile page</Link> (gateway tokens are ordinary
          API tokens: their role and engines limit what the CLI may do). It is shown once; put it where{' '}
          <code>{TOKEN_PLACEHOLDER}</code> stands below.
        </li>
        <li>
          Give the CLI a config directory of its own
          {tls ? ' with the CA that signed the gateway certificate' : ''}. The token goes in{' '}
          <code>HttpHeaders</code>; in <code>~/.docker/config.json</code> it would be sent to every daemon the
          CLI talks to.
          {tls ? (
            <span className="muted">
              {' '}
              With <code>--gateway-cert</code>, copy the CA of that certificate instead.
            </span>
          ) : null}
          <CopyBlock label="config directory commands" text={files} />
        </li>
        <li>
          <SelectField
            label="Engine"
            value={engine}
            onChange={(event) => setEngine(event.target.value)}
            options={[
              { value: '', label: 'the token’s only engine, else "local"' },
              ...engines.map((item) => ({ value: item.id, label: `${item.name} (/engines/${item.id})` })),
            ]}
            hint="Naming an engine adds /engines/<id> to DOCKER_HOST."
          />
          Then, with environment variables:
          <CopyBlock label="docker environment command" text={environment} />
          or as a docker context:
          <CopyBlock label="docker context commands" text={context} />
        </li>
      </ol>
    </section>
  );
}
