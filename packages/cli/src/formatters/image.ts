/**
 * `images` rows as docker's formatter imageContext presents them: one row per repository and tag
 * (an image tagged twice lists twice), `<none>` for dangling images, sizes in decimal units.
 */
import type { ImageSummary } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { goTimeString, humanSize, timeAgo, truncateId } from '../output/units.ts';
import { parseReference } from './reference.ts';

const CREATED = '{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}';
export const DEFAULT_IMAGE_TABLE = `table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t${CREATED}\t{{.Size}}`;
export const DEFAULT_IMAGE_TABLE_WITH_DIGEST = `table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t${CREATED}\t{{.Size}}`;

export const IMAGE_HEADERS = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
} as const;

/** docker's NewImageFormat. */
export function imageFormat(format: string, quiet: boolean, digests: boolean): string {
  if (format === 'table') {
    if (quiet) return '{{.ID}}';
    return digests ? DEFAULT_IMAGE_TABLE_WITH_DIGEST : DEFAULT_IMAGE_TABLE;
  }
  if (format.startsWith('table') && digests && !format.includes('{{.Digest}}'))
    return `${format}\t{{.Digest}}`;
  return format;
}

export interface ImageRowOptions {
  readonly trunc: boolean;
  readonly now: number;
  /** `--digests`, or a format using `{{.Digest}}`: one row per digest of a tag. */
  readonly digests: boolean;
  /** `--digests` itself: digest-only references get a row per digest. */
  readonly showDigests: boolean;
}

/** The rows for one image: per repository and tag (and digest when shown), or one `<none>` row. */
export function imageRows(image: ImageSummary, options: ImageRowOptions) {
  const tags = image.RepoTags ?? [];
  const digests = image.RepoDigests ?? [];
  const dangling =
    (tags.length === 0 && digests.length === 0) ||
    (tags.length === 1 &&
      tags[0] === '<none>:<none>' &&
      digests.length === 1 &&
      digests[0] === '<none>@<none>');
  if (dangling) return [imageRow(image, '<none>', '<none>', '<none>', options)];
  const tagsByRepo = new Map<string, string[]>();
  for (const reference of tags.map(parseReference)) {
    if (reference?.tag === undefined || reference.digest !== undefined) continue;
    tagsByRepo.set(reference.familiarName, [
      ...(tagsByRepo.get(reference.familiarName) ?? []),
      reference.tag,
    ]);
  }
  const digestsByRepo = new Map<string, string[]>();
  for (const reference of digests.map(parseReference)) {
    if (reference?.digest === undefined) continue;
    digestsByRepo.set(reference.familiarName, [
      ...(digestsByRepo.get(reference.familiarName) ?? []),
      reference.digest,
    ]);
  }
  const rows = [];
  for (const [repository, repoTags] of tagsByRepo) {
    const repoDigests = options.digests ? (digestsByRepo.get(repository) ?? []) : [];
    digestsByRepo.delete(repository);
    for (const tag of repoTags) {
      if (repoDigests.length === 0) rows.push(imageRow(image, repository, tag, '<none>', options));
      for (const digest of repoDigests) rows.push(imageRow(image, repository, tag, digest, options));
    }
  }
  for (const [repository, repoDigests] of digestsByRepo) {
    if (options.showDigests)
      for (const digest of repoDigests) rows.push(imageRow(image, repository, '<none>', digest, options));
    else rows.push(imageRow(image, repository, '<none>', '', options));
  }
  return rows;
}

function imageRow(
  image: ImageSummary,
  repository: string,
  tag: string,
  digest: string,
  options: ImageRowOptions,
) {
  const size = image.Size ?? 0;
  const shared = image.SharedSize ?? -1;
  return {
    [GO_TYPE]: '*formatter.imageContext',
    ID: () => (options.trunc ? truncateId(image.Id) : image.Id),
    Repository: () => repository,
    Tag: () => tag,
    Digest: () => digest,
    CreatedSince: () => timeAgo((image.Created ?? 0) * 1000, options.now),
    CreatedAt: () => goTimeString(image.Created ?? 0),
    Size: () => humanSize(size, 3),
    Containers: () => ((image.Containers ?? -1) === -1 ? 'N/A' : String(image.Containers)),
    VirtualSize: () => humanSize(size),
    SharedSize: () => (shared === -1 ? 'N/A' : humanSize(shared)),
    UniqueSize: () => (size === -1 || shared === -1 ? 'N/A' : humanSize(size - shared)),
  };
}
