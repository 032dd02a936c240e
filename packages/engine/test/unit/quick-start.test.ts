import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

// The README's quick start is examples/quick-start.ts verbatim, so the type check (`npm test`'s tsc
// step includes examples/) proves the README's code compiles against the SDK as it is.
test("the README's SDK quick start is examples/quick-start.ts, which tsc checks", () => {
  const root = new URL('../../../../', import.meta.url);
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const block = /## SDK quick start\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README.md has a "## SDK quick start" section with a ts code block');
  assert.equal(block, readFileSync(new URL('examples/quick-start.ts', root), 'utf8'));
  assert.ok(block.split('\n').length <= 30, 'the quick start stays short');
});
