/** `gantry context rm`: remove contexts from the store; the current one only with `-f`. */
import { defineCommand, type OptionsOf } from '../../command.ts';
import {
  contextExists,
  currentContextName,
  DEFAULT_CONTEXT,
  removeContext,
  writeCurrentContext,
} from '../../context-store.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Remove one or more contexts',
  usage: 'CONTEXT [CONTEXT...]',
  flags: { force: { type: 'boolean', short: 'f', description: 'Force the removal of a context in use' } },
  args: { names: { required: true, variadic: true } },
});

export type ContextRemoveOptions = OptionsOf<typeof definition>;

export async function run(opts: ContextRemoveOptions, io: CommandIO): Promise<number> {
  const current = currentContextName(io);
  const errors: string[] = [];
  for (const name of opts.names) {
    if (name === DEFAULT_CONTEXT) {
      errors.push(`context "${name}" cannot be removed`);
      continue;
    }
    if (!contextExists(io.env, name)) {
      if (!opts.force) errors.push(`context "${name}" does not exist`);
      continue;
    }
    if (name === current && !opts.force) {
      errors.push(`context "${name}" is in use, set -f flag to force remove`);
      continue;
    }
    if (name === current) writeCurrentContext(io.env, DEFAULT_CONTEXT);
    removeContext(io.env, name);
    io.stdout.write(`${name}\n`);
  }
  if (errors.length > 0) throw new StatusError(1, errors.join('\n'));
  return 0;
}
