/**
 * `gantry audit verify`: checks the console's audit log hash chain in the database the same
 * configuration names; exit 0 when intact, 1 when a row was edited, deleted or inserted.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { runServerProgram, serverArguments, serverConfigFlags } from '../../server-program.ts';

export const definition = defineCommand({
  summary: "Verify the console's audit log (exit 1 if any row was tampered with)",
  usage: '[OPTIONS]',
  flags: serverConfigFlags,
  args: {},
});

export type AuditVerifyOptions = OptionsOf<typeof definition>;

export async function run(opts: AuditVerifyOptions, io: CommandIO): Promise<number> {
  return runServerProgram(['audit', 'verify', ...serverArguments(opts, definition.flags, io)], io);
}
