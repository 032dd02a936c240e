/**
 * `gantry completion bash|zsh|fish`: prints the shell's completion script (hidden from help, as
 * docker's `completion` is). The script asks `gantry __complete` for candidates on every Tab, so it
 * completes every registered command, its flags, and container, image, network and volume names
 * from the engine.
 */
import { defineCommand, type OptionsOf } from '../command.ts';
import { completionScript, SHELLS, type Shell } from '../completion/scripts.ts';
import { StatusError } from '../errors.ts';
import type { CommandIO } from '../io.ts';

export const definition = defineCommand({
  summary: 'Generate the autocompletion script for the specified shell',
  usage: 'bash|zsh|fish',
  description: `Generate the autocompletion script for gantry for the specified shell.

To load completions in the current shell session:
  bash:  source <(gantry completion bash)
  zsh:   source <(gantry completion zsh)       (after compinit)
  fish:  gantry completion fish | source

To load them for every new session, write the output to the shell's completion directory, e.g.
  gantry completion bash > /etc/bash_completion.d/gantry
  gantry completion zsh > "\${fpath[1]}/_gantry"
  gantry completion fish > ~/.config/fish/completions/gantry.fish`,
  flags: {},
  args: { shell: { required: true } },
});

export type CompletionOptions = OptionsOf<typeof definition>;

export async function run(opts: CompletionOptions, io: CommandIO): Promise<number> {
  if (!(SHELLS as readonly string[]).includes(opts.shell)) {
    throw new StatusError(1, `unsupported shell "${opts.shell}" — use one of: ${SHELLS.join(', ')}`);
  }
  io.stdout.write(completionScript(opts.shell as Shell));
  return 0;
}
