/**
 * Stats channels. A container's: `{ type: 'stats', cpuPercent, memory, network, blockIo, pids, time }`
 * once a second from ONE daemon stream shared by all its viewers, then `{ type: 'end' }` when the
 * stream ends. An engine's overview: `{ type: 'history' }` on connect, then `{ type: 'sample' }`
 * every 10 s (stats-sampler.ts).
 */
import { z } from 'zod';
import { type ChannelDefinition, defineChannel } from './channel.ts';
import { engineOf } from './engine.ts';
import { aborted, sendJson } from './send.ts';
import { realtimeState } from './state.ts';

export const statsChannels: ChannelDefinition[] = [
  defineChannel({
    path: '/api/engines/:engine/containers/:id/stats',
    requirement: 'stats.read',
    operation: 'containers.stats',
    audited: false,
    summary: "A container's live resource usage, one sample a second",
    params: z.object({ engine: z.string(), id: z.string() }),
    open: async ({ engine, params, signal, socket, services }) => {
      const handle = engineOf(engine);
      // The full id: viewers naming the container differently share one daemon stream.
      const { Id } = await handle.client.containers.inspect(params.id, { signal });
      let unwatch: (() => void) | undefined;
      const ended = new Promise<void>((resolve) => {
        unwatch = realtimeState(services).statsHub.watch(
          handle.id,
          handle.client,
          Id ?? params.id,
          (event) => {
            if (event.kind === 'sample') {
              sendJson(socket, { type: 'stats', ...event.figures });
              return;
            }
            sendJson(socket, { type: 'end', ...(event.error === undefined ? {} : { error: event.error }) });
            resolve();
          },
        );
      });
      try {
        await Promise.race([ended, aborted(signal)]);
      } finally {
        unwatch?.();
      }
    },
  }),
  defineChannel({
    path: '/api/engines/:engine/stats',
    requirement: 'stats.read',
    operation: 'system.stats',
    audited: false,
    summary: 'Resource usage of all running containers every 10 s, with a short history',
    params: z.object({ engine: z.string() }),
    open: async ({ engine, signal, socket, services }) => {
      const unwatch = realtimeState(services)
        .sampler(engineOf(engine))
        .watch((message) => sendJson(socket, message));
      try {
        await aborted(signal);
      } finally {
        unwatch();
      }
    },
  }),
];
