/**
 * `gantry serve`: the console (REST + WebSocket API, later the web UI) in the foreground, until
 * Ctrl-C or SIGTERM. It is the server program `@gantry/server/main` run as a child process.
 */
import { defineCommand, type OptionsOf } from '../command.ts';
import type { CommandIO } from '../io.ts';
import { runServerProgram, serverArguments, serverConfigFlags } from '../server-program.ts';

export const definition = defineCommand({
  summary: 'Run the Gantry console (web API) in the foreground',
  usage: '[OPTIONS]',
  description:
    'Flags override GANTRY_* environment variables, which override the config file. On first start\n' +
    'it prints a one-time setup token for POST /api/setup (no default credentials).',
  flags: serverConfigFlags,
  args: {},
});

export type ServeOptions = OptionsOf<typeof definition>;

export async function run(opts: ServeOptions, io: CommandIO): Promise<number> {
  return runServerProgram(['serve', ...serverArguments(opts, definition.flags, io)], io);
}
