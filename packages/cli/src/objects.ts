/**
 * What the object commands (network, volume, secret, config, plugin, node, service, context) share
 * with docker: `key=value` flags into maps, comma-separated `strings` flags, removing several objects
 * with one line per result, and the `[y/N]` confirmation of `prune`.
 */
import type { FlagSpec } from './command.ts';
import { describeError } from './errors.ts';
import { filterFlag } from './flags.ts';
import type { CommandIO, Input } from './io.ts';
import { humanSize } from './output/units.ts';

/**
 * `--label a=b --label c` / `-o k=v` as a map (docker's ConvertKVStringsToMap): the value is what
 * follows the first `=`, empty when there is none.
 */
export function keyValues(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of values) {
    const at = entry.indexOf('=');
    if (at < 0) map[entry] = '';
    else map[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return map;
}

/** pflag `strings` flags: each value may hold several, comma-separated (`--alias a,b --alias c`). */
export function commaSeparated(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',')).filter((value) => value !== '');
}

export interface RemoveEachOptions {
  /** Print nothing for a name whose removal succeeded (docker prints the name by default). */
  readonly silent?: boolean;
  /**
   * With `-f`: a missing object is no failure; `'print'` still prints its name (`volume rm -f`),
   * `'quiet'` does not (`network rm -f`).
   */
  readonly ignoreMissing?: 'print' | 'quiet';
}

/**
 * Removes each name in turn as docker's `rm` commands do: the name on stdout when it went, the
 * daemon's error on stderr when not, and exit 1 if any failed — the others are still tried.
 */
export async function removeEach(
  names: readonly string[],
  remove: (name: string) => Promise<unknown>,
  io: CommandIO,
  options: RemoveEachOptions = {},
): Promise<number> {
  let failed = false;
  for (const name of names) {
    try {
      await remove(name);
    } catch (err) {
      const { isAbort, isNotFound } = await import('@gantry/engine');
      if (isAbort(err)) throw err;
      if (!(options.ignoreMissing && isNotFound(err))) {
        failed = true;
        io.stderr.write(`${(await describeError(err, io.debug)).text}\n`);
        continue;
      }
      if (options.ignoreMissing === 'quiet') continue;
    }
    if (!options.silent) io.stdout.write(`${name}\n`);
  }
  return failed ? 1 : 0;
}

/**
 * docker's prompt before a prune: the warning and `Are you sure you want to continue? [y/N] ` on
 * stdout, then one line from stdin; only `y` / `Y` (after trimming) agrees. End of input refuses.
 */
export async function confirm(io: CommandIO, warning: string): Promise<boolean> {
  io.stdout.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = await readLine(io.stdin, io.signal);
  return answer.trim().toLowerCase() === 'y';
}

/** One line of input (without its newline), or what there was before end of input. */
export function readLine(input: Input, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: unknown) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', finish);
      signal.removeEventListener('abort', onAbort);
      input.pause();
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        text = text.slice(0, newline);
        finish();
      }
    };
    const onEnd = () => finish();
    const onAbort = () => finish(signal.reason);
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', finish);
    signal.addEventListener('abort', onAbort, { once: true });
    input.resume();
  });
}

/** `Total reclaimed space: 1.2MB`, the last line of every prune. */
export function reclaimedLine(bytes: number): string {
  return `Total reclaimed space: ${humanSize(bytes)}\n`;
}

/** A prune's deleted objects under their heading (`Deleted Networks:`), then a blank line; nothing if none. */
export function deletedSection(heading: string, names: readonly string[] | null | undefined): string {
  if (!names || names.length === 0) return '';
  return `${heading}\n${names.map((name) => `${name}\n`).join('')}\n`;
}

/** `--filter` of the prune commands: docker's filter flag without the `-f` (that is `--force` there). */
export function pruneFilterFlag(description: string) {
  return {
    type: 'list',
    placeholder: 'filter',
    description,
    validate: filterFlag.validate,
  } as const satisfies FlagSpec;
}
