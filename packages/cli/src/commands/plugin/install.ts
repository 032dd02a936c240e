/**
 * `gantry plugin install`: show the privileges a plugin asks for and ask to grant them (unless
 * `--grant-all-permissions`), pull it with docker's progress output, apply `KEY=VALUE` settings and
 * enable it (unless `--disable`).
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { readLine } from '../../objects.ts';
import { displayProgress } from '../../output/progress.ts';

export const definition = defineCommand({
  summary: 'Install a plugin',
  usage: '[OPTIONS] PLUGIN [KEY=VALUE...]',
  interspersed: false,
  flags: {
    alias: { type: 'string', description: 'Local name for plugin' },
    disable: { type: 'boolean', description: 'Do not enable the plugin on install' },
    'disable-content-trust': { type: 'boolean', default: true, description: 'Skip image verification' },
    'grant-all-permissions': {
      type: 'boolean',
      description: 'Grant all permissions necessary to run the plugin',
    },
  },
  args: { plugin: { required: true }, settings: { variadic: true } },
});

export type PluginInstallOptions = OptionsOf<typeof definition>;

export async function run(opts: PluginInstallOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const privileges = await docker.plugins.privileges(opts.plugin, { signal: io.signal });
  if (!opts.grantAllPermissions && privileges.length > 0) {
    const lines = privileges.map(
      (privilege) => ` - ${privilege.Name}: [${(privilege.Value ?? []).join(' ')}]\n`,
    );
    io.stdout.write(`Plugin "${opts.plugin}" is requesting the following privileges:\n${lines.join('')}`);
    io.stdout.write('Do you grant the above permissions? [y/N] ');
    const answer = await readLine(io.stdin, io.signal);
    if (answer.trim().toLowerCase() !== 'y') throw new StatusError(1, 'plugin installation denied by user');
  }
  const name = opts.alias ?? opts.plugin;
  const pull = docker.plugins.pull(opts.plugin, {
    ...(opts.alias ? { name: opts.alias } : {}),
    privileges,
    signal: io.signal,
  });
  await displayProgress(pull.messages(), io.stdout, { width: io.terminalSize()?.columns });
  await pull.wait();
  if (opts.settings.length > 0) await docker.plugins.set(name, [...opts.settings], { signal: io.signal });
  if (!opts.disable) await docker.plugins.enable(name, { timeout: 30, signal: io.signal });
  io.stdout.write(`Installed plugin ${opts.plugin}\n`);
  return 0;
}
