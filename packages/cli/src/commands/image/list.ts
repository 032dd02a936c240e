/**
 * `gantry images` / `image ls`: one row per repository and tag (REPOSITORY, TAG, IMAGE ID, CREATED,
 * SIZE), `--digests` adding digests, an optional `REPOSITORY[:TAG]` argument as docker's `reference`
 * filter.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { filterFlag, formatFlag, noTruncFlag, quietFlag, toFilters } from '../../flags.ts';
import { IMAGE_HEADERS, imageFormat, imageRows } from '../../formatters/image.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';

export const definition = defineCommand({
  summary: 'List images',
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'Show all images (default hides intermediate images)' },
    digests: { type: 'boolean', description: 'Show digests' },
    filter: filterFlag,
    format: formatFlag,
    'no-trunc': noTruncFlag,
    quiet: quietFlag('Only show image IDs'),
  },
  args: { reference: {} },
});

export type ImageListOptions = OptionsOf<typeof definition>;

export async function run(opts: ImageListOptions, io: CommandIO): Promise<number> {
  const filters =
    opts.reference === undefined ? opts.filter : [...opts.filter, `reference=${opts.reference}`];
  const docker = await io.client();
  const images = await docker.images.list({ all: opts.all, filters: toFilters(filters), signal: io.signal });
  const format = imageFormat(opts.format || 'table', opts.quiet, opts.digests);
  const rowOptions = {
    trunc: !opts.noTrunc,
    now: io.now(),
    digests: opts.digests || format.includes('{{.Digest}}'),
    showDigests: opts.digests,
  };
  const rows = images.flatMap((image) => imageRows(image, rowOptions));
  io.stdout.write(renderRows(format, rows, headerContext(IMAGE_HEADERS)));
  return 0;
}
