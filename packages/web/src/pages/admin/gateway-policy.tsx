/**
 * The gateway policy in force: where it comes from, the document pretty-printed, what each kind of
 * rule means, and the built-in rules the document overrides (server gateway/policy-document.ts and
 * default-policy.ts).
 */
import type { GatewayView } from '@gantry/server/api-types';
import type { ReactNode } from 'react';

/** `GET /api/gateway`'s policy part. */
export type GatewayPolicyState = GatewayView['policy'];

const RULE_KINDS: readonly { kind: ReactNode; meaning: string }[] = [
  {
    kind: (
      <>
        <code>defaults</code>, <code>roles.&lt;role&gt;</code>, <code>tokens.&lt;token id&gt;</code>
      </>
    ),
    meaning:
      'Overrides applied in that order over the built-in rules: defaults to every non-admin, then those of the caller’s role, then those of its API token. Admins start from allow-all; only roles.admin or tokens.<id> restrict them. An unknown key makes the document invalid.',
  },
  {
    kind: <code>scope</code>,
    meaning:
      'all, or owner: the caller sees and touches only the objects it created through the gateway (label io.gantry.owner).',
  },
  {
    kind: <code>allow…</code>,
    meaning:
      'true or false: one kind of escalation on or off (privileged containers, exec as root, BuildKit, plugins, swarm management…).',
  },
  {
    kind: <code>allowed…</code>,
    meaning:
      'The values a request may name (bind paths, capabilities, devices, sysctls, log drivers, registries…). "*" in a list allows anything; an empty list allows nothing.',
  },
];

const formatRule = (value: unknown): string => {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  return String(value);
};

export function GatewayPolicy({ policy }: { policy: GatewayPolicyState }) {
  const documentText = JSON.stringify(policy.document ?? {}, null, 2);
  const rules = Object.keys(policy.builtin.nonAdmin) as (keyof typeof policy.builtin.nonAdmin)[];
  return (
    <section className="panel gateway-section">
      <h2>Policy</h2>
      <p>
        {policy.source === 'file' ? (
          <>
            From <code>{policy.file}</code> (<code>--gateway-policy</code>), over the built-in rules.
          </>
        ) : (
          <>
            The built-in rules alone (no <code>--gateway-policy</code> document): non-admins get the safe
            rules below, admins everything.
          </>
        )}
      </p>
      {policy.source === 'file' ? <pre>{documentText}</pre> : null}
      <h3>Kinds of rules</h3>
      <dl className="gateway-kinds">
        {RULE_KINDS.map((item) => (
          <div key={item.meaning}>
            <dt>{item.kind}</dt>
            <dd>{item.meaning}</dd>
          </div>
        ))}
      </dl>
      <details>
        <summary>The built-in rules ({rules.length})</summary>
        <div className="admin-table-wrap">
          <table className="table gateway-rules">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Non-admins</th>
                <th>Admins</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule}>
                  <td>
                    <code>{rule}</code>
                  </td>
                  <td>{formatRule(policy.builtin.nonAdmin[rule])}</td>
                  <td>{formatRule(policy.builtin.admin[rule])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
