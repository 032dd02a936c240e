/**
 * `docker events` output: the default line (`<time> <type> <action> <id> (k=v, …)`, the time in
 * RFC3339NanoFixed, attributes sorted), and the row a `--format` template sees — docker's
 * events.Message with its Go field names, whose `{{json .}}` is the engine's own JSON.
 */
import type { EngineEvent } from '@gantry/engine';
import { GO_JSON, GO_TYPE } from '../output/go-json.ts';
import { rfc3339NanoFixed } from '../output/time.ts';

/** Node 24's JSON.rawJSON (not yet in TypeScript's lib): a value JSON.stringify writes as the given text. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** The engine's event JSON, including the deprecated `status`, `id` and `from` it still sends. */
export type RawEvent = EngineEvent & { status?: string; id?: string; from?: string };

/**
 * The exact nanosecond time of an event: `timeNano` from its source text (the parsed number is
 * rounded), else `time` in seconds; undefined when neither is set.
 */
function eventNanos(event: RawEvent): bigint | undefined {
  if (event.timeNanoText) return BigInt(event.timeNanoText);
  if (event.timeNano) return BigInt(event.timeNano);
  if (event.time) return BigInt(event.time) * 1_000_000_000n;
  return undefined;
}

/** docker's default event line, newline included. */
export function eventLine(event: RawEvent): string {
  const nanos = eventNanos(event);
  const time = nanos === undefined ? '' : `${rfc3339NanoFixed(nanos)} `;
  const attributes = Object.entries(event.Actor?.Attributes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`);
  const suffix = attributes.length > 0 ? ` (${attributes.join(', ')})` : '';
  return `${time}${event.Type ?? ''} ${event.Action ?? ''} ${event.Actor?.ID ?? ''}${suffix}\n`;
}

/** What `--format` templates read: `{{.Type}}`, `{{.Actor.Attributes.name}}`, `{{.TimeNano}}`, `{{json .}}`. */
export function eventRow(event: RawEvent) {
  const { timeNanoText, ...json } = event;
  const nanos = eventNanos(event);
  return {
    [GO_TYPE]: '*events.Message',
    // The daemon's JSON with `timeNano` written from its exact digits.
    [GO_JSON]: () => (timeNanoText === undefined ? json : { ...json, timeNano: rawJson(timeNanoText) }),
    Status: event.status ?? '',
    ID: event.id ?? '',
    From: event.from ?? '',
    Type: event.Type ?? '',
    Action: event.Action ?? '',
    Actor: {
      [GO_TYPE]: 'events.Actor',
      ID: event.Actor?.ID ?? '',
      Attributes: event.Actor?.Attributes ?? {},
    },
    Scope: event.scope ?? '',
    Time: event.time ?? 0,
    TimeNano: nanos ?? 0n,
  };
}
