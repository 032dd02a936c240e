/**
 * Log channels: one or several containers' logs merged into one view (each line says where it came
 * from), or a service's, with server-side search, a rate limit and drop counters. Frames:
 * `{ type: 'lines', lines: [{ container, stream, time, text }] }` at most every 50 ms,
 * `{ type: 'dropped', count, total }` when lines were dropped, `{ type: 'end', container }` when a
 * source's stream ended (with `follow`: the container stopped). The socket closes once every
 * source has ended.
 */
import type { LogFrame } from '@gantry/engine';
import { z } from 'zod';
import type { ConsoleServices } from '../context.ts';
import { type ChannelDefinition, defineChannel } from './channel.ts';
import { LineSplitter, lineMatcher } from './log-lines.ts';
import { LineBatcher, LogMerger } from './log-merge.ts';
import { flag, wholeNumber } from './query.ts';
import { sendJson } from './send.ts';

/** Containers one logs channel may merge. */
export const MAX_LOG_SOURCES = 20;

const search = z
  .string()
  .min(1)
  .optional()
  .transform((value, context) => {
    if (value === undefined) return undefined;
    try {
      return lineMatcher(value);
    } catch (err) {
      context.addIssue({ code: 'custom', message: `invalid search: ${(err as Error).message}` });
      return z.NEVER;
    }
  });

/** since / until: unix seconds, an RFC 3339 date, or a duration before now (`10m`), as the SDK reads them. */
const pointInTime = z.string().min(1).max(64).optional();

const commonQuery = {
  follow: flag(false),
  since: pointInTime,
  tail: z
    .union([z.literal('all'), wholeNumber(0, 1_000_000)])
    .optional()
    .describe('last N lines of each container, or all'),
  timestamps: flag(true).describe('false leaves `time` out of the lines'),
  stdout: flag(true),
  stderr: flag(true),
  search: search.describe('case-insensitive substring, or /regex/ (linear-time engine; flag i)'),
  maxLinesPerSecond: wholeNumber(1, 10_000).default(2000),
};

const containerLogsQuery = z.object({
  containers: z
    .string()
    .transform((value) => [
      ...new Set(
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(z.string().max(256))
        .min(1, { message: 'name at least one container' })
        .max(MAX_LOG_SOURCES, { message: `at most ${MAX_LOG_SOURCES} containers` }),
    )
    .describe('comma-separated container ids or names'),
  until: pointInTime,
  ...commonQuery,
});

const engineParams = z.object({ engine: z.string() });
const serviceParams = z.object({ engine: z.string(), id: z.string() });

type CommonQuery = z.output<z.ZodObject<typeof commonQuery>>;

interface LogSource {
  readonly name: string;
  readonly frames: AsyncIterable<LogFrame>;
}

/**
 * Streams `sources` merged through the rate limit to the socket until every source ended or the
 * socket closed. A source that fails (unknown container) ends with an `error` field on its `end` frame.
 */
async function streamLogs(
  sources: readonly LogSource[],
  query: CommonQuery,
  socket: ChannelSocket,
  services: ConsoleServices,
): Promise<void> {
  const batcher = new LineBatcher(socket, query.maxLinesPerSecond, (count) =>
    services.metrics.increment('log_lines_dropped_total', {}, count),
  );
  const matches = query.search;
  const merger = new LogMerger(
    (line) => {
      if (matches && !matches(line.text)) return;
      batcher.offer(query.timestamps ? line : { ...line, time: '' });
    },
    { follow: query.follow },
  );
  const read = async (source: LogSource) => {
    const splitter = new LineSplitter(source.name);
    const input = merger.source();
    let error: string | undefined;
    try {
      for await (const frame of source.frames) {
        const room = input.push(splitter.push(frame));
        if (room) await room;
      }
      input.push(splitter.end());
    } catch (err) {
      error = (err as Error).message;
    } finally {
      input.end();
    }
    if (socket.readyState !== socket.OPEN) return;
    batcher.flush();
    sendJson(socket, { type: 'end', container: source.name, ...(error === undefined ? {} : { error }) });
  };
  try {
    await Promise.all(sources.map(read));
  } finally {
    merger.close();
    batcher.close();
  }
}

type ChannelSocket = Parameters<ChannelDefinition['open']>[0]['socket'];

const logsOf = (options: CommonQuery, signal: AbortSignal) => ({
  follow: options.follow,
  since: options.since,
  tail: options.tail,
  // Always asked for: the lines' `time` and the merge order come from them.
  timestamps: true,
  stdout: options.stdout,
  stderr: options.stderr,
  signal,
});

export const logChannels: ChannelDefinition[] = [
  defineChannel({
    path: '/api/engines/:engine/logs',
    requirement: 'logs.read',
    operation: 'containers.logs',
    audited: false,
    summary: 'Logs of 1-20 containers merged (follow, since/until, tail, search, rate limit)',
    params: engineParams,
    query: containerLogsQuery,
    open: async ({ engine, query, signal, socket, services }) => {
      const client = (engine as NonNullable<typeof engine>).client;
      const sources = query.containers.map((name) => ({
        name,
        frames: client.containers.logs(name, { ...logsOf(query, signal), until: query.until }),
      }));
      await streamLogs(sources, query, socket, services);
    },
  }),
  defineChannel({
    path: '/api/engines/:engine/services/:id/logs',
    requirement: 'logs.read',
    operation: 'services.logs',
    audited: false,
    summary: "A swarm service's logs (follow, since, tail, search, rate limit)",
    params: serviceParams,
    query: z.object(commonQuery),
    open: async ({ engine, params, query, signal, socket, services }) => {
      const client = (engine as NonNullable<typeof engine>).client;
      const frames = client.services.logs(params.id, logsOf(query, signal));
      await streamLogs([{ name: params.id, frames }], query, socket, services);
    },
  }),
];
