/** `gantry context use`: make a context the current one (`currentContext` in config.json, as docker writes it). */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { DEFAULT_CONTEXT, readContext, writeCurrentContext } from '../../context-store.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Set the current docker context',
  usage: 'CONTEXT',
  flags: {},
  args: { name: { required: true } },
});

export type ContextUseOptions = OptionsOf<typeof definition>;

export async function run(opts: ContextUseOptions, io: CommandIO): Promise<number> {
  // Fails with docker's "context not found" when there is no such context.
  if (opts.name !== DEFAULT_CONTEXT) readContext(io.env, opts.name);
  writeCurrentContext(io.env, opts.name);
  io.stdout.write(`${opts.name}\n`);
  io.stderr.write(`Current context is now "${opts.name}"\n`);
  if (opts.name !== DEFAULT_CONTEXT && io.env.DOCKER_HOST) {
    io.stderr.write(
      `Warning: DOCKER_HOST environment variable overrides the active context. To use "${opts.name}", either set the global --context flag, or unset DOCKER_HOST environment variable.\n`,
    );
  }
  return 0;
}
