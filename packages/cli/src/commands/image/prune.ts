/**
 * `gantry image prune`: removes dangling images (every image no container uses with `-a`), after
 * docker's confirmation prompt unless `-f`; lists what went and the space reclaimed.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { toFilters } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { confirm, pruneFilterFlag, reclaimedLine } from '../../objects.ts';

const WARNING = 'WARNING! This will remove all dangling images.';
const WARNING_ALL = 'WARNING! This will remove all images without at least one container associated to them.';

export const definition = defineCommand({
  summary: 'Remove unused images',
  usage: '[OPTIONS]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'Remove all unused images, not just dangling ones' },
    filter: pruneFilterFlag('Provide filter values (e.g. "until=<timestamp>")'),
    force: { type: 'boolean', short: 'f', description: 'Do not prompt for confirmation' },
  },
  args: {},
});

export type ImagePruneOptions = OptionsOf<typeof definition>;

export async function run(opts: ImagePruneOptions, io: CommandIO): Promise<number> {
  if (!opts.force && !(await confirm(io, opts.all ? WARNING_ALL : WARNING))) return 0;
  // As docker: `dangling` is always sent, `false` meaning every unused image.
  const filters = { ...toFilters(opts.filter), dangling: [String(!opts.all)] };
  const docker = await io.client();
  const result = await docker.images.prune({ filters, signal: io.signal });
  const deleted = result.ImagesDeleted ?? [];
  if (deleted.length > 0) {
    const lines = deleted.map((item) =>
      item.Untagged ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`,
    );
    io.stdout.write(`Deleted Images:\n${lines.join('')}\n`);
  }
  io.stdout.write(reclaimedLine(result.SpaceReclaimed ?? 0));
  return 0;
}
