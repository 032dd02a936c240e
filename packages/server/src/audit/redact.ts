/**
 * What the audit log (and anything else that records request parameters) keeps of a value: a deep
 * copy in which secrets are replaced by "[redacted]" — values of keys named like a secret, the value
 * of `NAME=value` strings (env entries) whose NAME is, and any string holding a Gantry token.
 */

export const REDACTED = '[redacted]';

/** Key names whose values are secrets (case-insensitive, anywhere in the name: `registryAuth`, `TLS_KEY`). */
const SECRET_NAME = /password|passwd|secret|token|key|auth|credential|cookie|authorization/i;
/** `NAME=value` with an env-style name. */
const ENV_ENTRY = /^([A-Za-z_][A-Za-z0-9_.-]*)=/;
/** A console API token or setup token inside any text. */
const GANTRY_TOKEN = /\bg(?:ty|st)_[A-Za-z0-9_-]{8,}/;
/** Deeper structures are cut off: params are small, and this bounds the work on hostile input. */
const MAX_DEPTH = 32;

export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

function redactString(text: string): string {
  if (GANTRY_TOKEN.test(text)) return REDACTED;
  const entry = ENV_ENTRY.exec(text);
  if (entry && isSecretName(entry[1] as string)) return `${entry[1]}=${REDACTED}`;
  return text;
}

/** A JSON-safe deep copy of `value` with secrets replaced (see the module comment). */
export function redact(value: unknown): unknown {
  return copy(value, 0, new WeakSet());
}

function copy(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // undefined, functions, symbols: dropped, as JSON does
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[binary]';
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1, seen) ?? null);
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const copied = isSecretName(key) && item !== undefined ? REDACTED : copy(item, depth + 1, seen);
      if (copied !== undefined) result[key] = copied;
    }
    return result;
  } finally {
    seen.delete(value);
  }
}
