/**
 * Adding or changing an engine: name, URL, TLS material (CA, client certificate and key, verify) for
 * tcp / https, an ssh key for ssh; "Test connection" before saving, and the save itself tested by the
 * console (422 ENGINE_TEST_FAILED says why, and "Save without testing" is offered then). Stored
 * secrets never come back to the browser: editing keeps them unless replaced.
 */
import type { EngineSummary, EngineTestResult } from '@gantry/server/api-types';
import { type FormEvent, useState } from 'react';
import { ApiError, api, enginePath, messageOf } from '../../api/client.ts';
import { Button, ErrorBox, TextField } from '../../ui/controls.tsx';
import { PemField } from './pem-field.tsx';

interface TlsBody {
  ca?: string;
  cert?: string;
  key?: string;
  verify: boolean;
}

interface FormState {
  name: string;
  url: string;
  ca: string;
  cert: string;
  key: string;
  verify: boolean;
  sshKey: string;
  /** Editing only: leave the stored TLS material / ssh key as they are. */
  keepTls: boolean;
  keepSshKey: boolean;
}

const usesTls = (url: string) => /^(tcp|https?):\/\//i.test(url.trim());
const usesSsh = (url: string) => /^ssh:\/\//i.test(url.trim());

/** The TLS object to send, or undefined when nothing was given (plain tcp, or system CAs). */
function tlsOf(form: FormState): TlsBody | undefined {
  const pieces = { ca: form.ca.trim(), cert: form.cert.trim(), key: form.key.trim() };
  const given = Object.fromEntries(Object.entries(pieces).filter(([, text]) => text !== ''));
  if (Object.keys(given).length === 0 && form.verify) return undefined;
  return { ...given, verify: form.verify };
}

/** `POST /api/engines` and `POST /api/engines/test`: the whole configuration. */
function connectionOf(form: FormState) {
  const url = form.url.trim();
  return {
    url,
    ...(usesTls(url) ? { tls: tlsOf(form) } : {}),
    ...(usesSsh(url) && form.sshKey.trim() ? { sshKey: form.sshKey.trim() } : {}),
  };
}

/** `PATCH /api/engines/:engine`: what changed; replaced material with nothing given removes it (null). */
function patchOf(form: FormState, engine: EngineSummary) {
  const url = form.url.trim();
  return {
    ...(form.name.trim() !== engine.name ? { name: form.name.trim() } : {}),
    ...(url !== engine.url ? { url } : {}),
    ...(form.keepTls ? {} : { tls: (usesTls(url) ? tlsOf(form) : undefined) ?? null }),
    ...(form.keepSshKey ? {} : { sshKey: (usesSsh(url) && form.sshKey.trim()) || null }),
  };
}

/** Which TLS pieces are stored, in words. */
export function storedTlsOf(tls: NonNullable<EngineSummary['tls']>): string {
  const pieces = (['ca', 'cert', 'key'] as const).filter((piece) => tls[piece]);
  return `${pieces.join(', ') || 'no files'}; verify ${tls.verify ? 'on' : 'off'}`;
}

function TestResult({ result }: { result: EngineTestResult }) {
  if (!result.ok)
    return (
      <ErrorBox title="Connection failed" error={new Error(result.error ?? 'the engine did not answer')} />
    );
  return (
    <div className="test-result" role="status">
      Connected: engine {result.version} (API {result.apiVersion}), {result.os}/{result.arch}, in{' '}
      {result.durationMs} ms.
    </div>
  );
}

export function EngineForm({
  engine,
  onSaved,
  onCancel,
}: {
  /** The engine to change; absent: a new one. */
  engine?: EngineSummary | undefined;
  onSaved: (engine: EngineSummary) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<FormState>({
    name: engine?.name ?? '',
    url: engine?.url ?? '',
    ca: '',
    cert: '',
    key: '',
    verify: engine?.tls?.verify ?? true,
    sshKey: '',
    keepTls: Boolean(engine?.tls),
    keepSshKey: Boolean(engine?.ssh?.key),
  });
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<EngineTestResult | { note: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm({ ...form, [key]: value });

  const storedKept = Boolean((form.keepTls && engine?.tls) || (form.keepSshKey && engine?.ssh?.key));
  const test = async () => {
    setTesting(true);
    setResult(undefined);
    try {
      if (engine && storedKept) {
        // The stored secrets stay on the console: only the saved configuration can be tested with them.
        if (form.url.trim() !== engine.url)
          setResult({ note: 'Save tests the new URL with the stored TLS material or ssh key.' });
        else setResult(await api<EngineTestResult>('POST', `${enginePath(engine.id)}/test`));
      } else {
        setResult(await api<EngineTestResult>('POST', '/api/engines/test', { body: connectionOf(form) }));
      }
    } catch (caught) {
      setResult({ ok: false, error: messageOf(caught), durationMs: 0 });
    } finally {
      setTesting(false);
    }
  };

  const save = async (skipTest: boolean) => {
    setSaving(true);
    setError(undefined);
    try {
      const query = skipTest ? { skipTest: 1 } : undefined;
      const saved = engine
        ? await api<EngineSummary>('PATCH', enginePath(engine.id), { body: patchOf(form, engine), query })
        : await api<EngineSummary>('POST', '/api/engines', {
            body: { name: form.name.trim(), ...connectionOf(form) },
            query,
          });
      onSaved(saved);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(false);
  };
  const testFailed = error instanceof ApiError && error.code === 'ENGINE_TEST_FAILED';
  const url = form.url.trim();

  return (
    <form className="form" onSubmit={submit}>
      <div className="form-grid">
        <TextField
          label="Name"
          value={form.name}
          onChange={(event) => set('name', event.target.value)}
          hint="Letters, digits, _ . - (up to 64)."
          required
          autoFocus
        />
        <TextField
          label="URL"
          value={form.url}
          onChange={(event) => set('url', event.target.value)}
          placeholder="unix:///var/run/docker.sock"
          hint="unix:///path.sock, tcp://host:2376, https://host:2376 or ssh://user@host"
          required
        />
      </div>
      {usesTls(url) || engine?.tls ? (
        <fieldset className="check-group stacked">
          <legend>TLS</legend>
          {engine?.tls ? (
            <label className="check">
              <input
                type="checkbox"
                checked={form.keepTls}
                onChange={(event) => set('keepTls', event.target.checked)}
              />
              Keep the stored TLS material ({storedTlsOf(engine.tls)})
            </label>
          ) : null}
          {!form.keepTls || !engine?.tls ? (
            <>
              <PemField
                label="CA certificate"
                value={form.ca}
                onChange={(text) => set('ca', text)}
                hint="Empty: the system's certificate authorities."
              />
              <PemField label="Client certificate" value={form.cert} onChange={(text) => set('cert', text)} />
              <PemField
                label="Client key"
                value={form.key}
                onChange={(text) => set('key', text)}
                hint="Mutual TLS: the client certificate and its key together."
              />
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.verify}
                  onChange={(event) => set('verify', event.target.checked)}
                />
                Verify the engine's certificate
              </label>
              {engine?.tls ? (
                <span className="field-hint">
                  Replaces the stored material as a whole; with nothing given, TLS material is removed.
                </span>
              ) : null}
            </>
          ) : null}
        </fieldset>
      ) : null}
      {usesSsh(url) || engine?.ssh?.key ? (
        <fieldset className="check-group stacked">
          <legend>SSH</legend>
          {engine?.ssh?.key ? (
            <label className="check">
              <input
                type="checkbox"
                checked={form.keepSshKey}
                onChange={(event) => set('keepSshKey', event.target.checked)}
              />
              Keep the stored ssh key
            </label>
          ) : null}
          {!form.keepSshKey || !engine?.ssh?.key ? (
            <PemField
              label="SSH private key"
              value={form.sshKey}
              onChange={(text) => set('sshKey', text)}
              hint="Unencrypted (no passphrase). Empty: ssh's agent and config. The host key must be known (ssh_known_hosts in the data directory, or ~/.ssh/known_hosts)."
            />
          ) : null}
        </fieldset>
      ) : null}
      {result && 'note' in result ? (
        <div className="muted" role="status">
          {result.note}
        </div>
      ) : null}
      {result && 'ok' in result ? <TestResult result={result} /> : null}
      <ErrorBox error={error} title={engine ? 'Not saved' : 'Not added'} />
      <div className="modal-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button onClick={() => void test()} busy={testing} disabled={!url}>
          Test connection
        </Button>
        {testFailed ? (
          <Button tone="danger" onClick={() => void save(true)} busy={saving}>
            Save without testing
          </Button>
        ) : null}
        <Button tone="primary" type="submit" busy={saving}>
          {engine ? 'Save' : 'Add engine'}
        </Button>
      </div>
    </form>
  );
}
