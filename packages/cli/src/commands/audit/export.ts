/** `gantry audit export`: the console's audit log as JSON Lines, oldest first, to stdout or a file. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { runServerProgram, serverArguments, serverConfigFlags } from '../../server-program.ts';

export const definition = defineCommand({
  summary: "Export the console's audit log as JSON Lines",
  usage: '[OPTIONS]',
  flags: {
    ...serverConfigFlags,
    output: { type: 'string', short: 'o', description: 'Write to a file (mode 0600) instead of STDOUT' },
  },
  args: {},
});

export type AuditExportOptions = OptionsOf<typeof definition>;

export async function run(opts: AuditExportOptions, io: CommandIO): Promise<number> {
  return runServerProgram(['audit', 'export', ...serverArguments(opts, definition.flags, io)], io);
}
