/** Helpers shared by the `--pretty` layouts of `node inspect` and `service inspect`. */

/** docker's PrettyPrint: the first character upper-cased, the rest lower-cased (`ready` -> `Ready`). */
export function capitalizeFirst(text: string): string {
  return text ? `${text.slice(0, 1).toUpperCase()}${text.slice(1).toLowerCase()}` : '';
}

/** Go's `range` over a string map: keys sorted; ` - k=v`, or ` - k` for an empty value. */
export function labelLines(labels: Readonly<Record<string, string>> | undefined, prefix = ' - '): string[] {
  return Object.keys(labels ?? {})
    .sort()
    .map((key) => (labels?.[key] ? `${prefix}${key}=${labels[key]}` : `${prefix}${key}`));
}

/** Go's `time.Duration.String()` of nanoseconds: `0s`, `1.5µs`, `250ms`, `5s`, `1m30s`, `2h0m0.5s`. */
export function goDurationNanos(nanos: number | undefined): string {
  let rest = BigInt(Math.trunc(nanos ?? 0));
  if (rest === 0n) return '0s';
  const sign = rest < 0n ? '-' : '';
  if (rest < 0n) rest = -rest;
  const fractional = (value: bigint, unit: bigint, digits: number) => {
    const fraction = String(value % unit)
      .padStart(digits, '0')
      .replace(/0+$/, '');
    return `${value / unit}${fraction ? `.${fraction}` : ''}`;
  };
  if (rest < 1_000n) return `${sign}${rest}ns`;
  if (rest < 1_000_000n) return `${sign}${fractional(rest, 1_000n, 3)}µs`;
  if (rest < 1_000_000_000n) return `${sign}${fractional(rest, 1_000_000n, 6)}ms`;
  const seconds = fractional(rest % 60_000_000_000n, 1_000_000_000n, 9);
  const totalMinutes = rest / 60_000_000_000n;
  if (totalMinutes === 0n) return `${sign}${seconds}s`;
  const hours = totalMinutes / 60n;
  const minutes = `${totalMinutes % 60n}m${seconds}s`;
  return `${sign}${hours > 0n ? `${hours}h` : ''}${minutes}`;
}
