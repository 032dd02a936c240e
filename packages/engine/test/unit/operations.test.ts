import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DockerClient } from '../../src/index.ts';
import { implementedOperations } from '../../src/operations.ts';

const inventoryPath = new URL('../../../../../shared/engine-api/endpoints-v1.55.tsv', import.meta.url);

function readInventory(): { method: string; path: string; operationId: string }[] {
  const [, ...rows] = readFileSync(inventoryPath, 'utf8').trim().split('\n');
  return rows.map((row) => {
    const [method = '', path = '', operationId = ''] = row.split('\t');
    return { method, path, operationId };
  });
}

test('the SDK implements exactly the operations of the v1.55 inventory', () => {
  const key = (op: { method: string; path: string; operationId: string }) =>
    `${op.method} ${op.path} ${op.operationId}`;
  const inventory = readInventory().map(key).sort();
  const implemented = implementedOperations.map(key).sort();
  assert.equal(inventory.length, 108);
  assert.deepEqual(implemented, inventory);
});

test('every listed SDK method exists on a DockerClient', () => {
  // Constructing a client sends nothing: the engine is only contacted on the first call.
  const docker = new DockerClient({ host: 'unix:///nonexistent/gantry.sock' }) as unknown as Record<
    string,
    Record<string, unknown>
  >;
  const missing = implementedOperations.filter((op) => {
    const [namespace = '', method = ''] = op.sdkMethod.split('.');
    return typeof docker[namespace]?.[method] !== 'function';
  });
  assert.deepEqual(
    missing.map((op) => `${op.operationId} -> ${op.sdkMethod}`),
    [],
  );
});

test('SDK method names are unique', () => {
  const names = implementedOperations.map((op) => op.sdkMethod);
  assert.equal(new Set(names).size, names.length);
});
