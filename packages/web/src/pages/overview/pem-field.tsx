/**
 * PEM text (a certificate, a TLS key, an ssh key): pasted, or read from a chosen file as text in the
 * browser (FileReader); nothing is uploaded until the form is saved.
 */
import { useState } from 'react';
import { Field } from '../../ui/controls.tsx';

function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsText(file);
  });
}

export function PemField({
  label,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  hint?: string;
}) {
  const [problem, setProblem] = useState<string>();
  const choose = async (file: File | undefined) => {
    if (!file) return;
    try {
      const text = await readText(file);
      setProblem(text.includes('-----BEGIN ') ? undefined : `${file.name} does not look like PEM text`);
      onChange(text);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return (
    <div className="pem-field">
      <Field label={label} hint={problem ?? hint}>
        {(id) => (
          <>
            <textarea
              id={id}
              value={value}
              onChange={(event) => onChange(event.target.value)}
              placeholder="-----BEGIN …"
              spellCheck={false}
              autoComplete="off"
            />
            <div className="pem-upload">
              <input
                type="file"
                aria-label={`${label} file`}
                onChange={(event) => void choose(event.target.files?.[0])}
              />
            </div>
          </>
        )}
      </Field>
    </div>
  );
}
