/** The `Labels` column every formatter shares: `k=v` pairs, sorted (Go's map order is random), joined by commas. */
export function labelList(labels: Readonly<Record<string, string>> | null | undefined): string {
  return Object.entries(labels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join(',');
}
