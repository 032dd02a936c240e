/** `gantry inspect`: any object by name or id — container, image, network, volume, plugin, swarm objects. */
import { defineCommand, type OptionsOf } from '../command.ts';
import { StatusError } from '../errors.ts';
import { inspectFormatFlag } from '../flags.ts';
import { anyObjectLookup, INSPECT_TYPES, type InspectType, printInspect } from '../inspect.ts';
import type { CommandIO } from '../io.ts';

export const definition = defineCommand({
  summary: 'Return low-level information on Docker objects',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  flags: {
    format: inspectFormatFlag,
    size: { type: 'boolean', short: 's', description: 'Display total file sizes if the type is container' },
    type: { type: 'string', description: 'Only inspect objects of the given type' },
  },
  args: { names: { required: true, variadic: true } },
});

export type InspectOptions = OptionsOf<typeof definition>;

export async function run(opts: InspectOptions, io: CommandIO): Promise<number> {
  const type = opts.type;
  if (type !== undefined && !(type in INSPECT_TYPES)) {
    const known = Object.keys(INSPECT_TYPES).map((name) => JSON.stringify(name));
    throw new StatusError(1, `unknown type: ${JSON.stringify(type)}: must be one of ${known.join(', ')}`);
  }
  if (opts.size && type !== undefined && type !== 'container') {
    throw new StatusError(1, `"--size" is not supported for type ${JSON.stringify(type)}`);
  }
  const docker = await io.client();
  const lookup =
    type === undefined
      ? anyObjectLookup(docker, io, opts.size)
      : (name: string) => INSPECT_TYPES[type as InspectType](docker, name, io.signal, opts.size);
  return printInspect(opts.names, lookup, opts.format, io);
}
