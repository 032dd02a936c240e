/**
 * `gantry service logs`: the logs of a service's (or one task's) containers, each line prefixed
 * with its task as docker does (`web.1.x2k3f9a1b2c3@node1    | …`), `-f` following until Ctrl-C.
 */
import type { DockerClient } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { TimestampError, timestampArg } from '../../output/time.ts';
import { truncateId } from '../../output/units.ts';

export const definition = defineCommand({
  summary: 'Fetch the logs of a service or task',
  usage: '[OPTIONS] SERVICE|TASK',
  flags: {
    details: { type: 'boolean', description: 'Show extra details provided to logs' },
    follow: { type: 'boolean', short: 'f', description: 'Follow log output' },
    'no-resolve': { type: 'boolean', description: 'Do not map IDs to Names in output' },
    'no-task-ids': { type: 'boolean', description: 'Do not include task IDs in output' },
    'no-trunc': { type: 'boolean', description: 'Do not truncate output' },
    raw: { type: 'boolean', description: 'Do not neatly format logs' },
    since: {
      type: 'string',
      description:
        'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
    tail: {
      type: 'string',
      short: 'n',
      default: 'all',
      description: 'Number of lines to show from the end of the logs',
    },
    timestamps: { type: 'boolean', short: 't', description: 'Show timestamps' },
  },
  args: { target: { required: true } },
});

export type ServiceLogsOptions = OptionsOf<typeof definition>;

export async function run(opts: ServiceLogsOptions, io: CommandIO): Promise<number> {
  const tail: number | 'all' = opts.tail === 'all' ? 'all' : Number(opts.tail);
  if (tail !== 'all' && (!Number.isInteger(tail) || tail < 0))
    throw new StatusError(1, `invalid value for "tail": ${opts.tail} — a number of lines, or "all"`);
  let since: string | undefined;
  try {
    since = opts.since ? timestampArg(opts.since, io.now()) : undefined;
  } catch (err) {
    if (err instanceof TimestampError) throw new StatusError(1, err.message);
    throw err;
  }
  const docker = await io.client();
  const { isNotFound } = await import('@gantry/engine');
  const query = {
    follow: opts.follow,
    timestamps: opts.timestamps,
    details: true,
    tail,
    ...(since !== undefined ? { since } : {}),
    signal: io.signal,
  };
  let frames: AsyncIterable<{ stream: string; data: Buffer }>;
  let serviceName: string | undefined;
  try {
    const service = await docker.services.inspect(opts.target, { signal: io.signal });
    serviceName = service.Spec?.Name;
    frames = docker.services.logs(service.ID ?? opts.target, query);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const task = await docker.tasks.inspect(opts.target, { signal: io.signal });
    frames = docker.tasks.logs(task.ID ?? opts.target, query);
  }
  const prefixer = opts.raw ? undefined : await contextPrefixer(docker, opts, serviceName, io.signal);
  const pending = new Map<string, string>();
  for await (const frame of frames) {
    const text = (pending.get(frame.stream) ?? '') + frame.data.toString('utf8');
    const lines = text.split('\n');
    pending.set(frame.stream, lines.pop() ?? '');
    const out = frame.stream === 'stderr' ? io.stderr : io.stdout;
    for (const line of lines) out.write(`${await formatLine(line, opts, prefixer)}\n`);
  }
  return 0;
}

type Prefixer = (details: Record<string, string>) => Promise<string>;

/**
 * A log line as the daemon sends it with `details` — `[timestamp ]k=v,k=v message` — turned into
 * docker's `[timestamp ]<task context>    | [details ]message`.
 */
async function formatLine(
  line: string,
  opts: ServiceLogsOptions,
  prefixer: Prefixer | undefined,
): Promise<string> {
  let rest = line;
  let timestamp = '';
  if (opts.timestamps) {
    const space = rest.indexOf(' ');
    timestamp = `${rest.slice(0, space)} `;
    rest = rest.slice(space + 1);
  }
  const space = rest.indexOf(' ');
  const detailText = space < 0 ? rest : rest.slice(0, space);
  const message = space < 0 ? '' : rest.slice(space + 1);
  const details: Record<string, string> = {};
  for (const pair of detailText.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) details[decodeURIComponent(pair.slice(0, at))] = decodeURIComponent(pair.slice(at + 1));
  }
  const extra = Object.entries(details)
    .filter(([key]) => !key.startsWith('com.docker.swarm'))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const shownDetails = opts.details && extra ? `${extra} ` : '';
  if (!prefixer) return `${timestamp}${shownDetails}${message}`;
  return `${timestamp}${await prefixer(details)}    | ${shownDetails}${message}`;
}

/** Builds `service.slot.taskid@node` from a line's swarm details, caching the lookups. */
async function contextPrefixer(
  docker: DockerClient,
  opts: ServiceLogsOptions,
  serviceName: string | undefined,
  signal: AbortSignal,
): Promise<Prefixer> {
  const cache = new Map<string, Promise<string>>();
  const cached = (key: string, make: () => Promise<string>) => {
    let value = cache.get(key);
    if (!value) {
      value = make().catch(() => key.slice(key.indexOf(':') + 1));
      cache.set(key, value);
    }
    return value;
  };
  return async (details) => {
    const nodeId = details['com.docker.swarm.node.id'] ?? '';
    const serviceId = details['com.docker.swarm.service.id'] ?? '';
    const taskId = details['com.docker.swarm.task.id'] ?? '';
    const node = opts.noResolve
      ? nodeId
      : await cached(
          `node:${nodeId}`,
          async () => (await docker.nodes.inspect(nodeId, { signal })).Description?.Hostname ?? nodeId,
        );
    const service = opts.noResolve
      ? serviceId
      : (serviceName ??
        (await cached(
          `service:${serviceId}`,
          async () => (await docker.services.inspect(serviceId, { signal })).Spec?.Name ?? serviceId,
        )));
    const slot = await cached(`task:${taskId}`, async () => {
      const task = await docker.tasks.inspect(taskId, { signal });
      return String(task.Slot ? task.Slot : (task.NodeID ?? ''));
    });
    const id = opts.noTrunc ? taskId : truncateId(taskId);
    const name = opts.noTaskIds ? `${service}.${slot}` : `${service}.${slot}.${id}`;
    return `${name}@${node}`;
  };
}
