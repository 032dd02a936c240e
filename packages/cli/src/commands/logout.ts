/**
 * `gantry logout`: removes a registry's credentials from the docker config as `docker logout` does —
 * from the credential helper and the file, under every spelling docker may have stored them
 * (`host`, `http://host`, `https://host`).
 */
import { defineCommand, type OptionsOf } from '../command.ts';
import { DockerConfigFile, hostnameOf, INDEX_SERVER } from '../docker-config.ts';
import type { CommandIO } from '../io.ts';

export const definition = defineCommand({
  summary: 'Log out from a registry',
  description: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
  usage: '[SERVER]',
  flags: {},
  args: { server: {} },
});

export type LogoutOptions = OptionsOf<typeof definition>;

export async function run(opts: LogoutOptions, io: CommandIO): Promise<number> {
  const server = opts.server || INDEX_SERVER;
  const hostname = opts.server ? hostnameOf(server) : server;
  const spellings = opts.server ? [server, hostname, `http://${hostname}`, `https://${hostname}`] : [server];
  io.stdout.write(`Removing login credentials for ${hostname}\n`);
  const config = await DockerConfigFile.load(io.env);
  const failures: string[] = [];
  for (const spelling of spellings) {
    try {
      await config.eraseCredentials(spelling);
    } catch (err) {
      failures.push(`${spelling}: ${(err as Error).message}`);
    }
  }
  // As docker: one spelling erased is success; only when all failed is it worth a warning.
  if (failures.length === spellings.length) {
    io.stderr.write(`WARNING: could not erase credentials:\n${failures.map((line) => `${line}\n`).join('')}`);
  }
  return 0;
}
