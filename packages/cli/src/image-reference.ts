/**
 * Image references as `pull`, `push`, `tag` and `import` take them: the SDK's parser
 * (`parseReference`, distribution/reference's grammar) with docker's error wording, and the fully
 * qualified form docker prints after a pull or push (`docker.io/library/alpine:latest`).
 */
import type { ImageReference } from '@gantry/engine';

export interface NormalizedReference extends ImageReference {
  /** `docker.io/library/alpine`, `127.0.0.1:5000/team/app`: docker's `reference.Name()`. */
  readonly fullName: string;
}

/** docker's default tag, filled in when a reference names none. */
export const DEFAULT_TAG = 'latest';

/**
 * Parses `text` as docker's `ParseNormalizedNamed`; throws an Error with distribution/reference's
 * message (`invalid reference format`, `invalid reference format: repository name (library/BAD)
 * must be lowercase`) for what it refuses.
 */
export async function normalizeReference(text: string): Promise<NormalizedReference> {
  const { parseReference } = await import('@gantry/engine');
  try {
    const reference = parseReference(text);
    return { ...reference, fullName: `${reference.domain}/${reference.path}` };
  } catch {
    throw new Error(referenceProblem(text));
  }
}

/** `docker.io/library/alpine:3.20`, `host:5000/app@sha256:…`: the reference as docker's `String()`. */
export function referenceString(reference: NormalizedReference): string {
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`;
  return `${reference.fullName}${tag}${digest}`;
}

/** distribution/reference's message for a reference it refuses. */
function referenceProblem(text: string): string {
  if (text.length > 0 && /^[a-f0-9]{64}$/.test(text)) {
    return 'invalid repository name (64-character hexadecimal string), cannot specify 64-byte hexadecimal strings';
  }
  // ParseNormalizedNamed: a repository with upper-case letters gets its own message, naming the
  // repository as split from the domain (`BAD:1` -> `library/BAD`).
  const slash = text.indexOf('/');
  const first = slash < 0 ? '' : text.slice(0, slash);
  const hasDomain =
    slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let remainder = hasDomain ? text.slice(slash + 1) : text;
  const domain = hasDomain ? first : 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  const end = remainder.search(/[:@]/);
  const repository = end < 0 ? remainder : remainder.slice(0, end);
  if (repository !== repository.toLowerCase()) {
    return `invalid reference format: repository name (${repository}) must be lowercase`;
  }
  return 'invalid reference format';
}
