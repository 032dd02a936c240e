/**
 * "Verify chain": asks the server to walk the audit log's hash chain and says whether it is intact,
 * or where it first breaks (edited, deleted or cut-off rows, a forged head).
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { Button, ErrorBox } from '../../ui/controls.tsx';

/** `GET /api/audit/verify` (server audit/verify.ts). */
interface AuditVerification {
  readonly ok: boolean;
  readonly checked: number;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
  readonly problems: readonly { seq: number; problem: string }[];
}

export function ChainCheck() {
  const [result, setResult] = useState<AuditVerification>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api<AuditVerification>('GET', '/api/audit/verify'));
    } catch (caught) {
      setResult(undefined);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button busy={busy} onClick={verify}>
        Verify chain
      </Button>
      {result || error ? (
        <div className="audit-verify" role="status">
          <ErrorBox error={error} title="Could not verify" />
          {result ? <Verdict result={result} /> : null}
        </div>
      ) : null}
    </>
  );
}

function Verdict({ result }: { result: AuditVerification }) {
  const range = result.firstSeq === undefined ? '' : ` (rows ${result.firstSeq}–${result.lastSeq})`;
  if (result.ok)
    return (
      <span>
        <span className="badge badge-ok">intact</span> {result.checked} rows checked{range}: the chain is
        intact.
      </span>
    );
  const [first, ...others] = result.problems;
  return (
    <div>
      <span className="badge badge-bad">broken</span> {result.checked} rows checked{range}. First problem at
      row {first?.seq}: {first?.problem}
      {others.length > 0 ? (
        <details>
          <summary>{others.length} more problems</summary>
          <ul>
            {others.map((problem) => (
              <li key={`${problem.seq}-${problem.problem}`}>
                row {problem.seq}: {problem.problem}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
