/**
 * `search` rows as docker's formatter searchContext presents them: descriptions on one line, cut
 * to 45 columns unless `--no-trunc`; official/automated as `[OK]` or nothing.
 */
import type { DockerClient } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { ellipsis } from '../output/units.ts';

export const DEFAULT_SEARCH_TABLE = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';

export const SEARCH_HEADERS = {
  Name: 'NAME',
  Description: 'DESCRIPTION',
  StarCount: 'STARS',
  IsOfficial: 'OFFICIAL',
  IsAutomated: 'AUTOMATED',
} as const;

/** docker cuts descriptions to this many columns (the last one `…`). */
const DESCRIPTION_WIDTH = 45;

/** One hit of `images.search` (the spec gives the item no model name). */
type SearchHit = Awaited<ReturnType<DockerClient['images']['search']>>[number];

const ok = (value: boolean | undefined) => (value ? '[OK]' : '');

export function searchRow(hit: SearchHit, trunc: boolean) {
  return {
    [GO_TYPE]: '*formatter.searchContext',
    Name: () => hit.name ?? '',
    Description: () => {
      const oneLine = (hit.description ?? '').replace(/[\r\n]/g, ' ');
      return trunc ? ellipsis(oneLine, DESCRIPTION_WIDTH) : oneLine;
    },
    StarCount: () => String(hit.star_count ?? 0),
    IsOfficial: () => ok(hit.is_official),
    IsAutomated: () => ok(hit.is_automated),
  };
}
