/**
 * `history` rows as docker's formatter historyContext presents them: one row per layer, newest
 * first, ids and commands truncated unless `--no-trunc`, sizes and dates human unless `-H=false`.
 */
import type { ImageHistoryResponseItem } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { rfc3339NanoFixed } from '../output/time.ts';
import { ellipsis, humanSize, timeAgo, truncateId } from '../output/units.ts';

export const DEFAULT_HISTORY_TABLE =
  'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const NON_HUMAN_HISTORY_TABLE = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

export const HISTORY_HEADERS = {
  ID: 'IMAGE',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  CreatedBy: 'CREATED BY',
  Size: 'SIZE',
  Comment: 'COMMENT',
} as const;

/** docker truncates CREATED BY to this many columns (the last one `…`). */
const CREATED_BY_WIDTH = 45;

/** docker's NewHistoryFormat. */
export function historyFormat(format: string, quiet: boolean, human: boolean): string {
  if (format !== 'table') return format;
  if (quiet) return '{{.ID}}';
  return human ? DEFAULT_HISTORY_TABLE : NON_HUMAN_HISTORY_TABLE;
}

export interface HistoryRowOptions {
  readonly trunc: boolean;
  readonly human: boolean;
  readonly now: number;
}

export function historyRow(layer: ImageHistoryResponseItem, options: HistoryRowOptions) {
  const createdAt = () => rfc3339(layer.Created ?? 0);
  return {
    [GO_TYPE]: '*formatter.historyContext',
    ID: () => (options.trunc ? truncateId(layer.Id ?? '') : (layer.Id ?? '')),
    CreatedSince: () => (options.human ? timeAgo((layer.Created ?? 0) * 1000, options.now) : createdAt()),
    CreatedAt: createdAt,
    CreatedBy: () => {
      const createdBy = (layer.CreatedBy ?? '').replaceAll('\t', ' ');
      return options.trunc ? ellipsis(createdBy, CREATED_BY_WIDTH) : createdBy;
    },
    Size: () => (options.human ? humanSize(layer.Size ?? 0, 3) : String(layer.Size ?? 0)),
    Comment: () => layer.Comment ?? '',
  };
}

/** Go's `time.RFC3339` in the local zone: `2026-11-29T12:51:02Z`, `2026-11-29T13:51:02+01:00`. */
function rfc3339(unixSeconds: number): string {
  return rfc3339NanoFixed(BigInt(unixSeconds) * 1_000_000_000n).replace(/\.\d{9}/, '');
}
