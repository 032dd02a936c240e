/**
 * The order docker lists networks, volumes, contexts and other named objects in (fvbommel/sortorder's
 * NaturalLess): runs of digits compare as numbers, so `net2` sorts before `net10`.
 */

const CHUNKS = /\d+|\D+/g;

/** Negative, zero or positive as `a` sorts before, with or after `b`; usable with Array.prototype.sort. */
export function naturalCompare(a: string, b: string): number {
  const left = a.match(CHUNKS) ?? [];
  const right = b.match(CHUNKS) ?? [];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index] as string;
    const y = right[index] as string;
    if (x === y) continue;
    const xDigits = /^\d/.test(x);
    const yDigits = /^\d/.test(y);
    if (xDigits && yDigits) {
      const xValue = x.replace(/^0+/, '');
      const yValue = y.replace(/^0+/, '');
      if (xValue.length !== yValue.length) return xValue.length - yValue.length;
      if (xValue !== yValue) return xValue < yValue ? -1 : 1;
      // Equal numbers: fewer leading zeros first.
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/** A copy of `items` in natural order of `key(item)`. */
export function naturalSort<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => naturalCompare(key(a), key(b)));
}
