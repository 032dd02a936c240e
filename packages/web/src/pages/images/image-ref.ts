/** What the image actions need of an image, from a list row or an inspect answer alike. */
export interface ImageRef {
  /** `sha256:…`. */
  readonly id: string;
  /** `repo:tag` names, without Docker's `<none>:<none>` placeholder. */
  readonly tags: readonly string[];
}

/**
 * An image's id and real tags.
 *
 * @example
 * ```ts
 * imageRef({ Id: 'sha256:ab…', RepoTags: ['<none>:<none>'] }); // { id: 'sha256:ab…', tags: [] }
 * ```
 */
export function imageRef(image: { Id?: string; RepoTags?: readonly string[] | null }): ImageRef {
  return {
    id: image.Id ?? '',
    tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
  };
}

/** What a person calls the image: its first tag, else its short id. */
export function imageLabel(image: ImageRef): string {
  return image.tags[0] ?? image.id.replace(/^sha256:/, '').slice(0, 12);
}

/** The detail page of an image. */
export const imageHref = (id: string): string => `/images/${encodeURIComponent(id)}`;
