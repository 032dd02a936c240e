/**
 * Times as the docker CLI reads and writes them: `--since` / `--until` values (a Go duration back
 * from now such as `10m` or `1h30m`, an RFC 3339 date or date-time in any of docker's shortened
 * forms, or Unix seconds) turned into the daemon's `seconds.nanoseconds`, event times in Go's
 * RFC3339NanoFixed layout, and the engine's RFC 3339 times in Go's `time.Time.String()` form.
 * Local-zone forms use the process's zone, as Go's `time.Local`.
 */

import { parseDuration } from '../opts/values.ts';
import { zoneName } from './units.ts';

const NANOS_PER_MS = 1_000_000n;
const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Go's time.ParseDuration: `[-+]` then one or more `<number><unit>` (`1h30m`, `1.5s`, `-10m`), or a
 * bare `0`. Returns nanoseconds, or `undefined` when the text is not a duration.
 */
export function parseGoDuration(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/** A `--since` / `--until` value the daemon cannot be given; the message is docker's. */
export class TimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;

/**
 * docker's GetTimestamp: what `--since` / `--until` send to the daemon. A duration counts back from
 * `nowMs` (whole seconds, as docker sends them; `0` is the Unix epoch, not a duration); dates and
 * date-times (`2026-11-29`, `2026-11-29T12`, `2026-11-29T12:00`, `…:05.5Z`, `…+02:00`) without a
 * zone are local time and become `seconds.nanoseconds`; Unix seconds (`1700000000`,
 * `1700000000.5`) pass through unchanged.
 */
export function timestampArg(value: string, nowMs: number): string {
  const duration = value === '0' ? undefined : parseGoDuration(value);
  if (duration !== undefined) return String(Math.floor((nowMs - duration / 1e6) / 1000));
  const match = DATE_TIME.exec(value);
  if (match) {
    const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
    const fields = [year, month, day, hour, minute, second].map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const [y, mo, d, h, mi, s] = fields;
    // Go's messages name the field.
    const outOfRange =
      mo < 1 || mo > 12
        ? 'month'
        : d < 1 || d > 31
          ? 'day'
          : h > 23
            ? 'hour'
            : mi > 59
              ? 'minute'
              : s > 59
                ? 'second'
                : undefined;
    if (outOfRange) throw new TimestampError(`parsing time "${value}": ${outOfRange} out of range`);
    let ms: number;
    if (zone === undefined) ms = new Date(y, mo - 1, d, h, mi, s).getTime();
    else {
      const offset =
        zone === 'Z' || zone === 'z'
          ? 0
          : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
      ms = Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000;
    }
    return `${Math.floor(ms / 1000)}.${fraction.padEnd(9, '0')}`;
  }
  // A dash means a date was meant but did not parse.
  if (value.includes('-')) throw new TimestampError(`parsing time "${value}": not an RFC 3339 time`);
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  throw new TimestampError(`failed to parse value as time or duration: "${value}"`);
}

function pad(value: number | bigint, size = 2): string {
  return String(value).padStart(size, '0');
}

/** `+02:00` / `-05:30` for a zone offset in minutes east of UTC; `Z` when zero (Go's Z07:00). */
function isoOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.trunc(abs / 60))}:${pad(abs % 60)}`;
}

/** Wall-clock fields of an instant in the local zone. */
function localParts(ms: number) {
  const date = new Date(ms);
  return {
    date: `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`,
    offsetMinutes: -date.getTimezoneOffset(),
    instant: date,
  };
}

/**
 * Go's `2006-01-02T15:04:05.000000000Z07:00` (jsonmessage.RFC3339NanoFixed) in the local zone: the
 * time at the start of each `docker events` line, always nine fraction digits.
 */
export function rfc3339NanoFixed(unixNanos: bigint): string {
  const seconds = unixNanos / NANOS_PER_SECOND - (unixNanos % NANOS_PER_SECOND < 0n ? 1n : 0n);
  const nanos = unixNanos - seconds * NANOS_PER_SECOND;
  const parts = localParts(Number(seconds) * 1000);
  return `${parts.date}T${parts.time}.${pad(nanos, 9)}${isoOffset(parts.offsetMinutes)}`;
}

/** An engine RFC 3339 time (`2026-11-29T12:48:02.737272645Z`) as Unix nanoseconds; undefined if unreadable. */
export function rfc3339ToNanos(text: string | undefined): bigint | undefined {
  if (!text) return undefined;
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
  const ms = Date.parse(fraction ? text.replace(`.${fraction}`, '') : text);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * NANOS_PER_MS + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

/**
 * Go's `time.Time.String()` with its fraction (`2026-11-29 12:48:02.737272645 +0000 UTC`, trailing
 * zeros dropped) for an engine RFC 3339 time, in the local zone: the `CreatedAt` of networks.
 */
export function goTimeStringNano(rfc3339: string | undefined): string {
  const nanos = rfc3339ToNanos(rfc3339);
  if (nanos === undefined) return '0001-01-01 00:00:00 +0000 UTC';
  const seconds = nanos / NANOS_PER_SECOND;
  const parts = localParts(Number(seconds) * 1000);
  const fraction = pad(nanos % NANOS_PER_SECOND, 9).replace(/0+$/, '');
  const sign = parts.offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(parts.offsetMinutes);
  const offset = `${sign}${pad(Math.trunc(abs / 60))}${pad(abs % 60)}`;
  return `${parts.date} ${parts.time}${fraction ? `.${fraction}` : ''} ${offset} ${zoneName(parts.instant, offset)}`;
}
