/**
 * What every `inspect` command shares: look each name up, print the found objects as docker does (a
 * JSON array indented four spaces, `--format json` on one line, or a Go template per object), then one
 * line per name that failed, exit 1 if any did.
 */
import type { DockerClient } from '@gantry/engine';
import { describeError, StatusError } from './errors.ts';
import type { CommandIO } from './io.ts';
import { inspectJson } from './output/format.ts';
import { goJson } from './output/go-json.ts';
import { parseTemplate } from './output/template.ts';

/** Looks one name up; rejects with the SDK's error (a 404 is `isNotFound`). */
export type Lookup = (name: string) => Promise<unknown>;

export async function printInspect(
  names: readonly string[],
  lookup: Lookup,
  format: string | undefined,
  io: CommandIO,
  /** Escape `<`, `>`, `&` in the default output, for objects docker marshals itself (contexts). */
  options: { readonly escapeHtml?: boolean } = {},
): Promise<number> {
  // Parsed before any request, so a bad template costs no engine round trip.
  const template = format && format !== 'json' ? compile(format) : undefined;
  const found: unknown[] = [];
  const failures: string[] = [];
  for (const name of names) {
    try {
      found.push(await lookup(name));
    } catch (err) {
      failures.push((await describeError(err, io.debug)).text);
    }
  }
  if (template) {
    for (const item of found) {
      try {
        io.stdout.write(`${template.execute(item)}\n`);
      } catch (err) {
        throw new StatusError(1, `template parsing error: ${(err as Error).message}`);
      }
    }
  } else if (format === 'json') io.stdout.write(`${goJson(found, { escapeHtml: false })}\n`);
  else if (options.escapeHtml) io.stdout.write(`${goJson(found, { escapeHtml: true, indent: '    ' })}\n`);
  else io.stdout.write(inspectJson(found));
  if (failures.length === 0) return 0;
  io.stderr.write(`${failures.join('\n')}\n`);
  return 1;
}

function compile(format: string) {
  try {
    return parseTemplate(format);
  } catch (err) {
    throw new StatusError(1, `template parsing error: ${(err as Error).message}`);
  }
}

/** The object types `inspect --type` takes, and how each is looked up. */
export const INSPECT_TYPES = {
  config: (docker, name, signal) => docker.configs.inspect(name, { signal }),
  container: (docker, name, signal, size) => docker.containers.inspect(name, { size, signal }),
  image: (docker, name, signal) => docker.images.inspect(name, { signal }),
  network: (docker, name, signal) => docker.networks.inspect(name, { signal }),
  node: (docker, name, signal) => docker.nodes.inspect(name, { signal }),
  plugin: (docker, name, signal) => docker.plugins.inspect(name, { signal }),
  secret: (docker, name, signal) => docker.secrets.inspect(name, { signal }),
  service: (docker, name, signal) => docker.services.inspect(name, { signal }),
  task: (docker, name, signal) => docker.tasks.inspect(name, { signal }),
  volume: (docker, name, signal) => docker.volumes.inspect(name, { signal }),
} satisfies Record<
  string,
  (docker: DockerClient, name: string, signal: AbortSignal, size: boolean) => Promise<unknown>
>;

export type InspectType = keyof typeof INSPECT_TYPES;

/** docker's search order without `--type`; swarm objects are tried only on a swarm manager. */
const LOCAL_TYPES: readonly InspectType[] = ['container', 'image', 'network', 'volume', 'plugin'];
const SWARM_TYPES: readonly InspectType[] = ['service', 'task', 'node', 'secret', 'config'];

/**
 * A lookup trying each object type in docker's order; a name found nowhere fails with docker's
 * `Error: No such object: NAME`. Other errors (connection, permission) end the search at once.
 */
export function anyObjectLookup(docker: DockerClient, io: CommandIO, size: boolean): Lookup {
  let swarmManager: Promise<boolean> | undefined;
  return async (name) => {
    const { isNotFound } = await import('@gantry/engine');
    const tryTypes = async (types: readonly InspectType[]) => {
      for (const type of types) {
        try {
          return { value: await INSPECT_TYPES[type](docker, name, io.signal, size) };
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return undefined;
    };
    const local = await tryTypes(LOCAL_TYPES);
    if (local) return local.value;
    swarmManager ??= docker.system
      .info({ signal: io.signal })
      .then((info) => info.Swarm?.ControlAvailable === true)
      .catch(() => false);
    const swarm = (await swarmManager) ? await tryTypes(SWARM_TYPES) : undefined;
    if (swarm) return swarm.value;
    throw new StatusError(1, `Error: No such object: ${name}`);
  };
}
