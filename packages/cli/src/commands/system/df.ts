/**
 * `gantry system df`: disk usage by images, containers, local volumes and build cache — docker's
 * summary table, `-v` for the per-object tables, `--format` for JSON lines or a template.
 */
import type { DataUsage } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { formatFlag } from '../../flags.ts';
import { CONTAINER_HEADERS, containerRow } from '../../formatters/container.ts';
import {
  BUILD_CACHE_HEADERS,
  buildCacheRow,
  buildCacheSize,
  DEFAULT_DISK_USAGE_TABLE,
  DISK_USAGE_HEADERS,
  diskUsageRows,
  usageBuildCache,
  usageContainers,
  usageImages,
  usageVolumes,
  VERBOSE_BUILD_CACHE_TABLE,
  VERBOSE_CONTAINER_TABLE,
  VERBOSE_IMAGE_TABLE,
  VERBOSE_VOLUME_TABLE,
} from '../../formatters/disk-usage.ts';
import { IMAGE_HEADERS, imageRows } from '../../formatters/image.ts';
import { VOLUME_HEADERS, volumeRow } from '../../formatters/volume.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { goJson } from '../../output/go-json.ts';
import { humanSize } from '../../output/units.ts';

export const definition = defineCommand({
  summary: 'Show docker disk usage',
  usage: '[OPTIONS]',
  flags: {
    format: formatFlag,
    verbose: { type: 'boolean', short: 'v', description: 'Show detailed information on space usage' },
  },
  args: {},
});

export type DiskUsageOptions = OptionsOf<typeof definition>;

export async function run(opts: DiskUsageOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const usage = await docker.system.df({ signal: io.signal });
  const format = opts.format ?? '';
  if (!opts.verbose) {
    const table = format === '' || format === 'table' ? DEFAULT_DISK_USAGE_TABLE : format;
    io.stdout.write(renderRows(table, diskUsageRows(usage), headerContext(DISK_USAGE_HEADERS)));
    return 0;
  }
  const sections = verboseSections(usage, io.now());
  if (format === 'json') {
    const object = Object.fromEntries(sections.map((section) => [section.key, section.rows]));
    io.stdout.write(`${goJson(object, { escapeHtml: true })}\n`);
    return 0;
  }
  io.stdout.write(
    sections
      .map(
        (section) =>
          `${section.title}\n\n${renderRows(section.table, section.rows, headerContext(section.headers))}`,
      )
      .join('\n'),
  );
  return 0;
}

/** The `-v` tables in docker's order, each with its heading and the key of `--format json`. */
function verboseSections(usage: DataUsage, now: number) {
  const rowOptions = { trunc: true, now };
  return [
    {
      key: 'Images',
      title: 'Images space usage:',
      table: VERBOSE_IMAGE_TABLE,
      headers: IMAGE_HEADERS,
      // One row per image, under its first tag only (docker's df shows no other tags or digests).
      rows: usageImages(usage).flatMap((image) =>
        imageRows(
          { ...image, RepoTags: (image.RepoTags ?? []).slice(0, 1), RepoDigests: [] },
          { ...rowOptions, digests: false, showDigests: false },
        ),
      ),
    },
    {
      key: 'Containers',
      title: 'Containers space usage:',
      table: VERBOSE_CONTAINER_TABLE,
      headers: CONTAINER_HEADERS,
      // As docker: the writable layer only, never "(virtual …)".
      rows: usageContainers(usage).map((container) =>
        containerRow({ ...container, SizeRootFs: 0 }, rowOptions),
      ),
    },
    {
      key: 'Volumes',
      title: 'Local Volumes space usage:',
      table: VERBOSE_VOLUME_TABLE,
      headers: VOLUME_HEADERS,
      rows: usageVolumes(usage).map(volumeRow),
    },
    {
      key: 'BuildCache',
      title: `Build cache usage: ${humanSize(buildCacheSize(usage))}`,
      table: VERBOSE_BUILD_CACHE_TABLE,
      headers: BUILD_CACHE_HEADERS,
      rows: usageBuildCache(usage).map((record) => buildCacheRow(record, rowOptions)),
    },
  ];
}
