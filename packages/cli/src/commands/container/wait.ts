/** `gantry wait` / `container wait`: blocks until each container stops, printing its exit code. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { describeError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Block until one or more containers stop, then print their exit codes',
  usage: 'CONTAINER [CONTAINER...]',
  flags: {},
  args: { containers: { required: true, variadic: true } },
});

export type WaitOptions = OptionsOf<typeof definition>;

export async function run(opts: WaitOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  // All waits start at once (a container may stop while another is awaited); codes print in order.
  const waits = opts.containers.map((name) =>
    docker.containers.wait(name, { condition: 'not-running', signal: io.signal }).then(
      (result) => ({ code: result.StatusCode }),
      (error: unknown) => ({ error }),
    ),
  );
  let failed = false;
  for (const pending of waits) {
    const outcome = await pending;
    if ('code' in outcome) {
      io.stdout.write(`${outcome.code}\n`);
      continue;
    }
    const { isAbort } = await import('@gantry/engine');
    if (isAbort(outcome.error)) throw outcome.error;
    failed = true;
    io.stderr.write(`${(await describeError(outcome.error, io.debug)).text}\n`);
  }
  return failed ? 1 : 0;
}
