/**
 * An engine's events: the daemon's raw events `{ type: 'event', event }` and the inventory's object
 * changes `{ type: 'change', change }`, both taken from the engine's ONE events stream (the
 * inventory's), never a stream of its own. Filters (comma lists): `type` (`container`, `image`, ...;
 * plural accepted), `action` (`start`, `exec_start` also matches `exec_start: sh -c ...`),
 * `container` (id prefix or name). Each event's delay from the daemon's `timeNano` to its send is
 * recorded as the histogram `event_delivery_seconds`.
 */
import type { EngineEvent } from '@gantry/engine';
import { z } from 'zod';
import type { InventoryChange } from '../engines/inventory.ts';
import { type ChannelDefinition, defineChannel } from './channel.ts';
import { engineOf } from './engine.ts';
import { flag } from './query.ts';
import { aborted, MAX_BUFFERED_BYTES, sendJson } from './send.ts';

const list = z
  .string()
  .max(1024)
  .optional()
  .transform((value) =>
    value
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : [],
  );

const eventsQuery = z.object({
  type: list.describe('event types: container, image, network, volume, service, ...'),
  action: list.describe('actions: start, die, exec_start, ...'),
  container: list.describe('container ids (or id prefixes) or names'),
  changes: flag(true).describe('false: raw events only, no inventory changes'),
});

type EventsQuery = z.output<typeof eventsQuery>;

/** `containers` -> `container`: events name kinds in the singular, the inventory in the plural. */
const singular = (kind: string) => kind.replace(/s$/, '');

function containerMatches(wanted: readonly string[], id: string | undefined, name: unknown): boolean {
  if (wanted.length === 0) return true;
  const bare = typeof name === 'string' ? name.replace(/^\//, '') : undefined;
  return wanted.some((item) => id?.startsWith(item) === true || item === bare);
}

/** Whether a raw event passes the query's filters. */
export function eventMatches(query: EventsQuery, event: EngineEvent): boolean {
  if (query.type.length > 0 && !query.type.some((type) => singular(type) === event.Type)) return false;
  const action = event.Action ?? '';
  if (
    query.action.length > 0 &&
    !query.action.some((wanted) => action === wanted || action.startsWith(`${wanted}:`))
  ) {
    return false;
  }
  if (query.container.length === 0) return true;
  return (
    event.Type === 'container' &&
    containerMatches(query.container, event.Actor?.ID, event.Actor?.Attributes?.name)
  );
}

/** Whether an inventory change passes the query's filters (`action` concerns raw events only). */
function changeMatches(query: EventsQuery, change: InventoryChange): boolean {
  if (query.action.length > 0) return false;
  const kind = singular(change.type);
  if (query.type.length > 0 && !query.type.some((type) => singular(type) === kind)) return false;
  if (query.container.length === 0) return true;
  const names = change.object?.Names;
  const name = Array.isArray(names) ? names[0] : undefined;
  return kind === 'container' && containerMatches(query.container, change.id, name);
}

export const eventChannels: ChannelDefinition[] = [
  defineChannel({
    path: '/api/engines/:engine/events',
    requirement: 'system.read',
    operation: 'system.events',
    audited: false,
    summary: "The engine's events and inventory changes, live (filters: type, action, container)",
    params: z.object({ engine: z.string() }),
    query: eventsQuery,
    open: async ({ engine, query, signal, socket, services }) => {
      const { inventory } = engineOf(engine);
      let dropped = 0;
      // A browser that stops reading loses events (counted) rather than growing the send queue.
      const send = (message: { type: string } & Record<string, unknown>): boolean => {
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          dropped++;
          return false;
        }
        if (dropped > 0) {
          sendJson(socket, { type: 'dropped', count: dropped });
          dropped = 0;
        }
        sendJson(socket, message);
        return true;
      };
      const stopEvents = inventory.onEvent((event) => {
        if (!eventMatches(query, event) || !send({ type: 'event', event })) return;
        if (typeof event.timeNano === 'number') {
          const delaySeconds = (Date.now() - event.timeNano / 1e6) / 1000;
          services.metrics.observe('event_delivery_seconds', Math.max(0, delaySeconds), {
            type: event.Type ?? 'unknown',
          });
        }
      });
      const stopChanges = query.changes
        ? inventory.subscribe((change) => {
            if (changeMatches(query, change)) send({ type: 'change', change });
          })
        : () => {};
      try {
        await aborted(signal);
      } finally {
        stopEvents();
        stopChanges();
      }
    },
  }),
];
