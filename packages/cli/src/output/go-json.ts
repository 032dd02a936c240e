/**
 * JSON as the docker CLI's Go code writes it, so `--format json`, `{{json .}}` and `inspect` match
 * byte for byte: objects keep their key order (they are the daemon's JSON or a struct), `<`, `>` and
 * `&` are escaped as `\u003c` … where Go's encoder escapes them (json.Marshal, the daemon's answers),
 * U+2028 / U+2029 always are, and a formatter row (a {@link GO_TYPE} object) becomes its
 * zero-argument methods with sorted keys — docker's `MarshalJSON` of its formatter contexts.
 */

/** Marks an object as a Go struct; the value names its type in template errors (`*formatter.ContainerContext`). */
export const GO_TYPE = Symbol.for('gantry.goType');

/**
 * A struct whose Go field names differ from its JSON names (`APIVersion` / `"ApiVersion"`) carries
 * its JSON form under this key: templates read the Go names, `{{json .}}` writes the JSON ones.
 */
export const GO_JSON = Symbol.for('gantry.goJson');

export interface GoJsonOptions {
  /** Escape `<`, `>`, `&` as Go's json.Marshal does (default: only for formatter rows). */
  readonly escapeHtml?: boolean;
  /** Indentation per level, e.g. four spaces for `inspect`. */
  readonly indent?: string;
}

export function goJson(value: unknown, options: GoJsonOptions = {}): string {
  // Formatter rows marshal themselves with json.Marshal, which escapes; the `json` function does not.
  const escapeHtml = options.escapeHtml ?? (isGoStruct(value) && !(GO_JSON in value));
  const text = JSON.stringify(value, jsonForm, options.indent);
  if (text === undefined) return 'null';
  // These characters occur only inside JSON strings, so replacing them everywhere is safe.
  const escaped = text.replace(/[\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
  return escapeHtml
    ? escaped.replace(/[<>&]/g, (char) => `\\u00${char.charCodeAt(0).toString(16)}`)
    : escaped;
}

function jsonForm(_key: string, item: unknown): unknown {
  if (!isGoStruct(item)) return item;
  const custom = item[GO_JSON];
  return typeof custom === 'function' ? custom.call(item) : structFields(item);
}

export function isGoStruct(value: unknown): value is Record<string | symbol, unknown> {
  return typeof value === 'object' && value !== null && GO_TYPE in value;
}

/** docker's formatter `MarshalJSON`: every exported method without arguments, keys sorted. */
function structFields(struct: Record<string | symbol, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(struct).sort()) {
    const member = struct[key];
    if (typeof member === 'function') {
      if (member.length === 0 && /^[A-Z]/.test(key)) fields[key] = (member as () => unknown).call(struct);
    } else if (/^[A-Z]/.test(key)) fields[key] = member;
  }
  return fields;
}
