/** The harness narrates every step on stderr, so a slow or failing `npm test` says what it was doing. */
export function say(message: string): void {
  process.stderr.write(`[harness] ${message}\n`);
}
