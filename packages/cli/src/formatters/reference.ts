/**
 * Image references as docker's `distribution/reference` reads them, for display: the familiar name
 * (`nginx`, not `docker.io/library/nginx`), the tag and the digest.
 */

export interface ParsedReference {
  /** Without `docker.io/` and `library/`: what docker shows. */
  readonly familiarName: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Parses `name[:tag][@digest]`; undefined for what docker would refuse (upper case, bad tag, …). */
export function parseReference(reference: string): ParsedReference | undefined {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasDomain =
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first));
  if (hasDomain && !DOMAIN.test(first)) return undefined;
  const path = hasDomain ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((part) => COMPONENT.test(part))) return undefined;
  const domain = hasDomain ? first : 'docker.io';
  let familiar = path.join('/');
  if (domain === 'docker.io' || domain === 'index.docker.io') {
    if (familiar.startsWith('library/') && path.length === 2) familiar = familiar.slice('library/'.length);
  } else familiar = `${domain}/${familiar}`;
  return { familiarName: familiar, tag, digest };
}

/** docker's `FamiliarString`: familiar name with the tag and digest it has. */
export function familiarString(reference: ParsedReference): string {
  return `${reference.familiarName}${reference.tag ? `:${reference.tag}` : ''}${reference.digest ? `@${reference.digest}` : ''}`;
}
