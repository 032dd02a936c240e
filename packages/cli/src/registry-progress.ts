/**
 * What `pull` and `push` (and `plugin install`) share: follow a registry operation's progress stream
 * as docker does — drawn with the progress renderer, or only waited for with `-q` — and report a
 * registry's refusal in docker's words (`Error response from daemon: … no basic auth credentials`)
 * rather than the SDK's explanation of its credential lookup.
 */
import type { ProgressStream } from '@gantry/engine';
import type { CommandIO } from './io.ts';
import { displayProgress } from './output/progress.ts';

/** Shows (unless `quiet`) and waits for `stream`; resolves with its result. */
export async function followProgress<R>(
  stream: ProgressStream<R>,
  io: CommandIO,
  quiet: boolean,
): Promise<R> {
  try {
    if (!quiet) {
      await displayProgress(stream.messages(), io.stdout, {
        width: io.terminalSize()?.columns,
        now: () => io.now(),
      });
    }
    return await stream.wait();
  } catch (err) {
    const { RegistryAuthError } = await import('@gantry/engine');
    // The daemon's own error (HTTP or in-stream) is what docker prints; the SDK keeps it as the cause.
    if (err instanceof RegistryAuthError && err.cause !== undefined) throw err.cause;
    throw err;
  }
}
