/**
 * Client-side search over the lines on screen: the same syntax the server's `search=` takes — a
 * case-insensitive substring, or `/regex/` with optional flags — turned into a global RegExp that
 * marks every match.
 */
import type { ReactNode } from 'react';

/** Marks drawn per line at most: a one-character query over a 64 KiB line must not make 64 K nodes. */
const MAX_MARKS = 100;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The global RegExp for `query`; undefined for an empty query or a regex the browser refuses. */
export function searchPattern(query: string): RegExp | undefined {
  if (!query) return undefined;
  const literal = /^\/(.+)\/([a-z]*)$/.exec(query);
  try {
    if (literal) {
      const flags = new Set([...(literal[2] ?? ''), 'g']);
      flags.delete('y');
      return new RegExp(literal[1] as string, [...flags].join(''));
    }
    return new RegExp(escapeRegExp(query), 'gi');
  } catch {
    return undefined;
  }
}

/** `text` with each match of `pattern` in a <mark>. */
export function Highlighted({ text, pattern }: { text: string; pattern: RegExp | undefined }) {
  if (!pattern) return <>{text}</>;
  const parts: ReactNode[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match && parts.length < MAX_MARKS * 2; match = pattern.exec(text)) {
    // An empty match (`/x*/`) would loop forever in place.
    if (match[0] === '') {
      pattern.lastIndex++;
      continue;
    }
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(<mark key={match.index}>{match[0]}</mark>);
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
