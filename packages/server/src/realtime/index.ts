/**
 * Every WebSocket channel of the console, one table: the upgrade handler routes by it, the OpenAPI
 * document lists it and the permission test walks it. Each channel module adds ONE import and ONE
 * spread line here.
 */
import type { ChannelDefinition } from './channel.ts';
import { eventChannels } from './events.ts';
import { execChannels } from './exec.ts';
import { logChannels } from './logs.ts';
import { statsChannels } from './stats.ts';

export const allChannels: readonly ChannelDefinition[] = [
  ...logChannels,
  ...execChannels,
  ...statsChannels,
  ...eventChannels,
];
