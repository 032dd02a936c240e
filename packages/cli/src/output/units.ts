/**
 * Human-readable values exactly as the docker CLI prints them (docker/go-units, Go's fmt and time):
 * "2 minutes ago", "1.99MB", "23.54GiB", truncated ids, ellipsised commands, quoted strings and
 * Go's `time.Time` text.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** go-units HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks", … */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(milliseconds / MINUTE);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(milliseconds / HOUR + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(milliseconds / HOUR) / 24 / 365)} years`;
}

/** `humanDuration(now - then) + " ago"`, the CREATED column. */
export function timeAgo(thenMs: number, nowMs: number): string {
  return `${humanDuration(nowMs - thenMs)} ago`;
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scaled(size: number, base: number, units: readonly string[]): [number, string] {
  let value = size;
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit++;
  }
  return [value, units[unit] as string];
}

/** go-units HumanSizeWithPrecision: decimal units, `precision` significant digits ("1.99MB" at 3). */
export function humanSize(bytes: number, precision = 4): string {
  const [value, unit] = scaled(bytes, 1000, DECIMAL_UNITS);
  return `${formatG(value, precision)}${unit}`;
}

/** go-units BytesSize: binary units, 4 significant digits ("23.54GiB"). */
export function bytesSize(bytes: number): string {
  const [value, unit] = scaled(bytes, 1024, BINARY_UNITS);
  return `${formatG(value, 4)}${unit}`;
}

/** Go's `%.<precision>g`: trailing zeros dropped, exponent form (`1e+03`) past the precision. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return '0';
  const exponential = value.toExponential(precision - 1);
  const exponent = Number(exponential.slice(exponential.indexOf('e') + 1));
  if (exponent < -4 || exponent >= precision) {
    const [mantissa = '', power = ''] = exponential.split('e');
    const digits = Math.abs(Number(power)).toString().padStart(2, '0');
    return `${stripZeros(mantissa)}e${Number(power) < 0 ? '-' : '+'}${digits}`;
  }
  return stripZeros(value.toFixed(Math.max(0, precision - 1 - exponent)));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** docker's TruncateID: the part after `sha256:` (or any `algo:`), cut to 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon >= 0 ? id.slice(colon + 1) : id;
  return bare.length > 12 ? bare.slice(0, 12) : bare;
}

/** East Asian wide and full-width characters take two columns in a terminal. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200B-\u200F]/u;

export function charWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  return WIDE.test(char) ? 2 : 1;
}

/** Columns a string takes in a terminal (what docker's tabwriter aligns by). */
export function displayWidth(text: string): number {
  // ASCII fast path: every character is one column.
  if (!/[^\x20-\x7e]/.test(text)) return text.length;
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** docker's Ellipsis: at most `maxWidth` columns, the last one `…` when cut. */
export function ellipsis(text: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const chars = [...text];
  if (maxWidth === 1) return chars[0] ?? '';
  if (displayWidth(text) <= maxWidth) return text;
  let width = 0;
  let kept = 0;
  for (const char of chars) {
    if (width + charWidth(char) > maxWidth - 1) break;
    width += charWidth(char);
    kept++;
  }
  return `${chars.slice(0, kept).join('')}…`;
}

const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** Go's strconv.Quote: printable characters as they are, the rest escaped. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const named = GO_ESCAPES[char];
    if (named) out += named;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u.test(char) && code !== 0xad) {
      out +=
        code > 0xffff
          ? `\\U${code.toString(16).padStart(8, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

/** Go's time.Time.String() of a Unix time in the local zone: `2026-11-29 12:20:35 +0000 UTC`. */
export function goTimeString(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const pad = (value: number, size = 2) => String(value).padStart(size, '0');
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}${pad(Math.abs(offsetMinutes) % 60)}`;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day} ${time} ${offset} ${zoneName(date, offset)}`;
}

export function zoneName(date: Date, offset: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(date)
    .find((candidate) => candidate.type === 'timeZoneName')?.value;
  // Go prints the zone's abbreviation; where Intl knows none ("GMT+1"), the numeric offset stands in.
  return !part || /^GMT[+-]/.test(part) ? offset : part;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * An RFC 3339 time re-written in Go's time.ANSIC layout (`Thu May  7 21:09:36 2026`) in its own
 * offset, as `docker version` prints build times; anything else is returned unchanged.
 */
export function ansiC(rfc3339: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(
    rfc3339,
  );
  if (!match) return rfc3339;
  const [, year, month, day, hour, minute, second] = match;
  // The weekday of the wall-clock date, which does not depend on the offset.
  const weekday = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDay();
  const paddedDay = String(Number(day)).padStart(2, ' ');
  return `${WEEKDAYS[weekday]} ${MONTHS[Number(month) - 1]} ${paddedDay} ${hour}:${minute}:${second} ${year}`;
}
