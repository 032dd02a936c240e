/**
 * Structured logs: one JSON object per line (`{"time","level","msg",...fields}`) on stderr, so a
 * log shipper reads them as they are. Secrets never reach a line: the value of any field whose name
 * looks secret is replaced by "[redacted]", at any depth.
 */
import type { ConsoleConfig, Logger } from './context.ts';

export type LogLevel = ConsoleConfig['logLevel'];

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const REDACTED = '[redacted]';
/** Field names whose values are never written (matched case-insensitively, `_` and `-` ignored). */
const SECRET_NAME = /password|passwd|passphrase|token|secret|authorization|cookie|credential|key$|^key/;
/** Deeper values are cut: a log line is for reading, and this also ends reference cycles. */
const MAX_DEPTH = 6;

export interface LoggerOptions {
  /** Records below this level are dropped. */
  level: LogLevel;
  /** Where lines go (default stderr). */
  stream?: { write(line: string): unknown };
  /** Fields on every record, e.g. `{ component: 'engines' }`. */
  base?: Record<string, unknown>;
}

export function createLogger({ level, stream = process.stderr, base = {} }: LoggerOptions): Logger {
  const threshold = SEVERITY[level];
  const write = (recordLevel: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (SEVERITY[recordLevel] < threshold) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: recordLevel, msg };
    for (const [name, value] of Object.entries({ ...base, ...fields })) {
      if (name in record || value === undefined) continue; // the three core keys are not overridable
      record[name] = clean(name, value, 0);
    }
    stream.write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ level, stream, base: { ...base, ...fields } }),
  };
}

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name.toLowerCase().replace(/[-_]/g, ''));
}

/** A JSON-safe copy of `value` with secret-named fields redacted and errors reduced to name/message/code. */
function clean(name: string, value: unknown, depth: number): unknown {
  if (looksSecret(name) && value !== null && value !== undefined) return REDACTED;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined && { code: String(code) }) };
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => clean('', item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = clean(key, item, depth + 1);
  return copy;
}
