/** `gantry service inspect`: services as the engine reports them. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { inspectFormatFlag } from '../../flags.ts';
import { printInspect } from '../../inspect.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more services',
  usage: '[OPTIONS] SERVICE [SERVICE...]',
  flags: {
    format: inspectFormatFlag,
    pretty: { type: 'boolean', description: 'Print the information in a human friendly format' },
  },
  args: { services: { required: true, variadic: true } },
});

export type ServiceInspectOptions = OptionsOf<typeof definition>;

export async function run(opts: ServiceInspectOptions, io: CommandIO): Promise<number> {
  if (opts.pretty)
    throw new StatusError(
      1,
      '--pretty is not supported by gantry service inspect yet — use --format instead',
    );
  const docker = await io.client();
  return printInspect(
    opts.services,
    (name) => docker.services.inspect(name, { signal: io.signal }),
    opts.format,
    io,
  );
}
