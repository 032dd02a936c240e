/** `gantry search`: images in a registry (Docker Hub unless TERM names another), as docker lists them. */
import { defineCommand, type OptionsOf } from '../command.ts';
import { filterFlag, noTruncFlag, toFilters } from '../flags.ts';
import { DEFAULT_SEARCH_TABLE, SEARCH_HEADERS, searchRow } from '../formatters/search.ts';
import type { CommandIO } from '../io.ts';
import { headerContext, renderRows } from '../output/format.ts';

export const definition = defineCommand({
  summary: 'Search Docker Hub for images',
  usage: '[OPTIONS] TERM',
  flags: {
    filter: filterFlag,
    format: { type: 'string', description: 'Pretty-print search using a Go template' },
    limit: { type: 'number', description: 'Max number of search results' },
    'no-trunc': noTruncFlag,
  },
  args: { term: { required: true } },
});

export type SearchOptions = OptionsOf<typeof definition>;

export async function run(opts: SearchOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const hits = await docker.images.search(opts.term, {
    // As docker: no limit sent for 0 (the registry's default, 25).
    ...(opts.limit ? { limit: opts.limit } : {}),
    ...(opts.filter.length > 0 ? { filters: toFilters(opts.filter) } : {}),
    signal: io.signal,
  });
  const format = !opts.format || opts.format === 'table' ? DEFAULT_SEARCH_TABLE : opts.format;
  const rows = hits.map((hit) => searchRow(hit, !opts.noTrunc));
  io.stdout.write(renderRows(format, rows, headerContext(SEARCH_HEADERS)));
  return 0;
}
