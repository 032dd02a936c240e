/**
 * The realtime channels' shared state of one console (the stats hub, the overview samplers), kept
 * beside its services so that two consoles in one process (tests) share nothing.
 */
import type { ConsoleServices, EngineHandle } from '../context.ts';
import { StatsHub } from './stats-hub.ts';
import { OverviewSampler } from './stats-sampler.ts';

export interface RealtimeState {
  readonly statsHub: StatsHub;
  sampler(engine: EngineHandle): OverviewSampler;
}

const states = new WeakMap<ConsoleServices, RealtimeState>();

export function realtimeState(services: ConsoleServices): RealtimeState {
  let state = states.get(services);
  if (state) return state;
  const statsHub = new StatsHub();
  const samplers = new Map<string, OverviewSampler>();
  state = {
    statsHub,
    sampler: (engine) => {
      let sampler = samplers.get(engine.id);
      if (!sampler) {
        // The handle's client, read each round: an edited engine gets a new client.
        const id = engine.id;
        sampler = new OverviewSampler(
          () => (services.engines.get(id) ?? engine).client,
          services.log.child({ engineId: id, component: 'stats-overview' }),
        );
        samplers.set(id, sampler);
      }
      return sampler;
    },
  };
  services.metrics.gauge(
    'stats_streams_open',
    'Daemon stats streams open (one per watched container).',
    () => statsHub.openStreams,
  );
  services.metrics.gauge(
    'stats_overview_samplers_running',
    'Engines whose all-container stats overview is being sampled.',
    () => [...samplers.values()].filter((sampler) => sampler.running).length,
  );
  states.set(services, state);
  return state;
}
