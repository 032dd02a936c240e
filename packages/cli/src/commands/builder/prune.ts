/**
 * `gantry builder prune`: removes dangling build cache (all unused cache with `-a`), after docker's
 * one-line confirmation prompt unless `-f`; lists the removed cache records and the space reclaimed.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { toFilters } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { deletedSection, pruneFilterFlag, readLine, reclaimedLine } from '../../objects.ts';
import { parseBytes } from '../../opts/values.ts';

const WARNING = 'WARNING! This will remove all dangling build cache.';
const WARNING_ALL = 'WARNING! This will remove all build cache.';
/** From API 1.48 the daemon reads `reserved-space`; older ones only `keep-storage`. */
const RESERVED_SPACE_MINOR = 48;

export const definition = defineCommand({
  summary: 'Remove build cache',
  usage: '',
  flags: {
    all: {
      type: 'boolean',
      short: 'a',
      description: 'Remove all unused build cache, not just dangling ones',
    },
    filter: pruneFilterFlag('Provide filter values (e.g. "until=24h")'),
    force: { type: 'boolean', short: 'f', description: 'Do not prompt for confirmation' },
    'keep-storage': {
      type: 'string',
      placeholder: 'bytes',
      description: 'Amount of disk space to keep for cache',
      validate: (value: string) => void parseBytes(value),
    },
  },
  args: {},
});

export type BuilderPruneOptions = OptionsOf<typeof definition>;

export async function run(opts: BuilderPruneOptions, io: CommandIO): Promise<number> {
  if (!opts.force) {
    // Unlike `image prune`, docker asks on the warning's own line.
    io.stdout.write(`${opts.all ? WARNING_ALL : WARNING} Are you sure you want to continue? [y/N] `);
    const answer = await readLine(io.stdin, io.signal);
    if (answer.trim().toLowerCase() !== 'y') return 0;
  }
  const docker = await io.client();
  const keep = opts.keepStorage ? parseBytes(opts.keepStorage) : 0;
  const keepQuery =
    keep === 0
      ? {}
      : Number((await docker.apiVersion({ signal: io.signal })).split('.')[1]) >= RESERVED_SPACE_MINOR
        ? { 'reserved-space': keep }
        : { 'keep-storage': keep };
  const result = await docker.images.pruneBuildCache({
    ...(opts.all ? { all: true } : {}),
    ...(opts.filter.length > 0 ? { filters: toFilters(opts.filter) } : {}),
    ...keepQuery,
    signal: io.signal,
  });
  io.stdout.write(deletedSection('Deleted build cache objects:', result.CachesDeleted));
  io.stdout.write(reclaimedLine(result.SpaceReclaimed ?? 0));
  return 0;
}
