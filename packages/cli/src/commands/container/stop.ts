/** `gantry stop` / `container stop`: the stop signal, then SIGKILL after the timeout; each name printed once stopped. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { removeEach } from '../../objects.ts';

/** `-s` and `-t`, shared with `restart`. */
export const stopFlags = {
  signal: { type: 'string', short: 's', description: 'Signal to send to the container' },
  timeout: {
    type: 'number',
    short: 't',
    description: 'Seconds to wait before killing the container',
  },
} as const;

export const definition = defineCommand({
  summary: 'Stop one or more running containers',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  flags: stopFlags,
  args: { containers: { required: true, variadic: true } },
});

export type StopOptions = OptionsOf<typeof definition>;

/** The SDK's stop/restart options from `-s` / `-t` (the timeout only when given: else the container's own). */
export function stopOptions(opts: StopOptions, signal: AbortSignal) {
  return {
    ...(opts.signal !== undefined ? { killSignal: opts.signal } : {}),
    ...(opts.changed.has('timeout') ? { t: opts.timeout } : {}),
    signal,
  };
}

export async function run(opts: StopOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const options = stopOptions(opts, io.signal);
  return removeEach(opts.containers, (name) => docker.containers.stop(name, options), io);
}
