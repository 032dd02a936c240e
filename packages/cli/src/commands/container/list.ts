/**
 * `gantry ps` / `container ls`: containers in docker's table (CONTAINER ID, IMAGE, COMMAND, CREATED,
 * STATUS, PORTS, NAMES), as JSON lines (`--format json`) or through a Go template. Sizes are asked
 * of the engine only for `-s` or a template that reads `.Size` (computing them is slow).
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { filterFlag, formatFlag, noTruncFlag, quietFlag, toFilters } from '../../flags.ts';
import { CONTAINER_HEADERS, containerFormat, containerRow } from '../../formatters/container.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { parseTemplate } from '../../output/template.ts';

export const definition = defineCommand({
  summary: 'List containers',
  usage: '[OPTIONS]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'Show all containers (default shows just running)' },
    filter: filterFlag,
    format: formatFlag,
    last: {
      type: 'number',
      short: 'n',
      default: -1,
      description: 'Show n last created containers (includes all states)',
    },
    latest: {
      type: 'boolean',
      short: 'l',
      description: 'Show the latest created container (includes all states)',
    },
    'no-trunc': noTruncFlag,
    quiet: quietFlag('Only display container IDs'),
    size: { type: 'boolean', short: 's', description: 'Display total file sizes' },
  },
  args: {},
});

export type ListOptions = OptionsOf<typeof definition>;

export async function run(opts: ListOptions, io: CommandIO): Promise<number> {
  const format = opts.format ?? '';
  if (format && opts.quiet)
    io.stderr.write('WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
  const size = opts.size || (format !== '' && !opts.quiet && !opts.changed.has('size') && readsSize(format));
  const limit = opts.latest && opts.last === -1 ? 1 : opts.last;
  const docker = await io.client();
  const containers = await docker.containers.list({
    all: opts.all,
    ...(limit > 0 ? { limit } : {}),
    size,
    filters: toFilters(opts.filter),
    signal: io.signal,
  });
  const rowOptions = { trunc: !opts.noTrunc, now: io.now() };
  const rows = containers.map((container) => containerRow(container, rowOptions));
  io.stdout.write(
    renderRows(containerFormat(format, opts.quiet, size), rows, headerContext(CONTAINER_HEADERS)),
  );
  return 0;
}

/**
 * Whether a custom format reads `.Size`: as docker, run it once on an empty row and see. A format
 * that does not parse or run fails here, before any request, with docker's messages.
 */
function readsSize(format: string): boolean {
  const fieldsUsed = new Set<string>();
  let template: ReturnType<typeof parseTemplate>;
  try {
    template = parseTemplate(format);
  } catch (err) {
    throw new StatusError(1, `failed to parse template: ${(err as Error).message}`);
  }
  try {
    template.execute(containerRow({}, { trunc: true, now: 0, fieldsUsed }));
  } catch (err) {
    throw new StatusError(1, `failed to execute template: ${(err as Error).message}`);
  }
  return fieldsUsed.has('Size');
}
