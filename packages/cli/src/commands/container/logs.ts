/**
 * `gantry logs` / `container logs`: the container's output, stdout to stdout and stderr to stderr
 * (a TTY container's single stream as it is), `-f` following until it stops or Ctrl-C.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { TimestampError, timestampArg } from '../../output/time.ts';

export const definition = defineCommand({
  summary: 'Fetch the logs of a container',
  usage: '[OPTIONS] CONTAINER',
  flags: {
    details: { type: 'boolean', description: 'Show extra details provided to logs' },
    follow: { type: 'boolean', short: 'f', description: 'Follow log output' },
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
    until: {
      type: 'string',
      description:
        'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
    },
  },
  args: { container: { required: true } },
});

export type LogsOptions = OptionsOf<typeof definition>;

export async function run(opts: LogsOptions, io: CommandIO): Promise<number> {
  const since = timeOption('since', opts.since, io);
  const until = timeOption('until', opts.until, io);
  const docker = await io.client();
  const frames = docker.containers.logs(opts.container, {
    follow: opts.follow,
    timestamps: opts.timestamps,
    // The daemon puts the log attributes (`--log-opt labels=…`/`env=…`) before each line itself.
    details: opts.details,
    // docker passes any --tail on; the daemon reads what is not a count as "all".
    ...(opts.tail !== 'all' && /^\d+$/.test(opts.tail) ? { tail: Number(opts.tail) } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    signal: io.signal,
  });
  for await (const frame of frames) (frame.stream === 'stderr' ? io.stderr : io.stdout).write(frame.data);
  return 0;
}

/** `--since` / `--until` as the daemon's `seconds.nanoseconds`, with docker's message when unreadable. */
function timeOption(name: string, value: string | undefined, io: CommandIO): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return timestampArg(value, io.now());
  } catch (err) {
    if (err instanceof TimestampError)
      throw new StatusError(1, `invalid value for "${name}": ${err.message}`, { cause: err });
    throw err;
  }
}
