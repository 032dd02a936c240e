/** `gantry secret inspect`: secrets as the engine reports them, or `--pretty` as docker's text. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { inspectFormatFlag } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { inspectSwarmData } from '../../swarm-data.ts';

export const definition = defineCommand({
  summary: 'Display detailed information on one or more secrets',
  usage: '[OPTIONS] SECRET [SECRET...]',
  flags: {
    format: inspectFormatFlag,
    pretty: { type: 'boolean', description: 'Print the information in a human friendly format' },
  },
  args: { names: { required: true, variadic: true } },
});

export type SecretInspectOptions = OptionsOf<typeof definition>;

export function run(opts: SecretInspectOptions, io: CommandIO): Promise<number> {
  return inspectSwarmData('secret', opts, io);
}
