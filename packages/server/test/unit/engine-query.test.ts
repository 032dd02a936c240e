import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InventoryItem, InventoryResource } from '../../src/engines/inventory.ts';
import { COMPOSE_PROJECT_LABEL, QueryCache, type QuerySource } from '../../src/engines/query.ts';

const STATES = ['running', 'exited', 'paused', 'created'] as const;

/** 10,000 container summaries: c00000..c09999, every 7th without a project, images by tens. */
function syntheticContainers(count = 10_000): InventoryItem[] {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index).padStart(5, '0');
    const labels: Record<string, string> = { tier: index % 2 ? 'back' : 'front' };
    if (index % 7 !== 0) labels[COMPOSE_PROJECT_LABEL] = `proj${index % 5}`;
    return {
      Id: `${number}`.padEnd(64, 'f'),
      Names: [`/c${number}`],
      Image: `img${index % 10}:latest`,
      State: STATES[index % 4],
      Status: 'Up',
      Created: 1_700_000_000 + ((index * 7919) % 10_000),
      Labels: labels,
    };
  });
}

/** An inventory stand-in: one kind, a version bumped by `replace`. */
function source(items: InventoryItem[]) {
  let current = items;
  let version = 1;
  const view: QuerySource & { replace(next: InventoryItem[]): void } = {
    items: (type: InventoryResource) => (type === 'containers' ? current : []),
    version: () => version,
    replace(next) {
      current = next;
      version++;
    },
  };
  return view;
}

test('the first page of 10,000 containers is a slice of a cached sorted view', () => {
  const cache = new QueryCache();
  const inventory = source(syntheticContainers());
  const first = cache.query(inventory, 'containers', { pageSize: 50 });
  assert.equal(first.total, 10_000);
  assert.equal(first.items.length, 50);
  assert.equal(first.items[0]?.Names?.toString(), '/c00000');
  assert.deepEqual(cache.stats, { builds: 1, sorts: 1, hits: 0 });

  const started = performance.now();
  const again = cache.query(inventory, 'containers', { page: 2, pageSize: 50 });
  const elapsed = performance.now() - started;
  assert.equal(again.items[0]?.Names?.toString(), '/c00050');
  // Served from the cache: no rebuild, no sort.
  assert.deepEqual(cache.stats, { builds: 1, sorts: 1, hits: 1 });
  assert.ok(elapsed < 20, `a cached page took ${elapsed.toFixed(1)} ms`);
});

test('a change of the inventory rebuilds once, then serves from the cache again', () => {
  const cache = new QueryCache();
  const items = syntheticContainers(1_000);
  const inventory = source(items);
  cache.query(inventory, 'containers', {});
  inventory.replace(items.slice(1));
  const page = cache.query(inventory, 'containers', {});
  assert.equal(page.total, 999);
  assert.equal(page.items[0]?.Names?.toString(), '/c00001');
  cache.query(inventory, 'containers', { page: 3 });
  assert.deepEqual(cache.stats, { builds: 2, sorts: 2, hits: 1 });
});

test('sort by a field in both orders, ties broken by id', () => {
  const cache = new QueryCache();
  const inventory = source(syntheticContainers());
  const byCreated = cache.query(inventory, 'containers', { sort: 'created', pageSize: 500 });
  const created = byCreated.items.map((item) => item.Created as number);
  assert.deepEqual(
    created,
    [...created].sort((a, b) => a - b),
  );
  const descending = cache.query(inventory, 'containers', { sort: 'name', order: 'desc', pageSize: 3 });
  assert.deepEqual(
    descending.items.map((item) => (item.Names as string[])[0]),
    ['/c09999', '/c09998', '/c09997'],
  );
  const last = cache.query(inventory, 'containers', { sort: 'name', page: 20, pageSize: 500 });
  assert.equal(last.items.length, 500);
  assert.equal(String(last.items[499]?.Names), '/c09999');
  assert.equal(cache.query(inventory, 'containers', { page: 21, pageSize: 500 }).items.length, 0);
});

test('filter, state, project and label narrow the total; group counts per project', () => {
  const cache = new QueryCache();
  const inventory = source(syntheticContainers());
  // Substring over name, id, image and labels, case-insensitive.
  assert.equal(cache.query(inventory, 'containers', { filter: 'C0999' }).total, 10);
  assert.equal(cache.query(inventory, 'containers', { filter: 'img3:' }).total, 1_000);
  assert.equal(cache.query(inventory, 'containers', { filter: 'tier=back' }).total, 5_000);
  assert.equal(cache.query(inventory, 'containers', { state: 'running' }).total, 2_500);
  assert.equal(cache.query(inventory, 'containers', { state: 'running,paused' }).total, 5_000);
  assert.equal(cache.query(inventory, 'containers', { label: 'tier=front' }).total, 5_000);
  assert.equal(
    cache.query(inventory, 'containers', { label: ['tier=front', COMPOSE_PROJECT_LABEL] }).total,
    4_285,
  );
  const project = cache.query(inventory, 'containers', { project: 'proj1', state: 'running' });
  assert.ok(
    project.items.every((item) => (item.Labels as Record<string, string>)[COMPOSE_PROJECT_LABEL] === 'proj1'),
  );

  const grouped = cache.query(inventory, 'containers', { group: 'project', pageSize: 1 });
  const groups = grouped.groups ?? [];
  assert.deepEqual(
    groups.map((group) => group.project),
    ['proj0', 'proj1', 'proj2', 'proj3', 'proj4', null],
  );
  assert.equal(
    groups.reduce((sum, group) => sum + group.total, 0),
    10_000,
  );
  const none = groups.find((group) => group.project === null);
  assert.equal(none?.total, 1_429); // every 7th of 10,000
  assert.equal(
    groups.reduce((sum, group) => sum + group.running, 0),
    2_500,
  );
});

test('paging bounds: pageSize capped at 500, page at least 1; an unknown sort is a 400 naming the fields', () => {
  const cache = new QueryCache();
  const inventory = source(syntheticContainers(2_000));
  const page = cache.query(inventory, 'containers', { pageSize: 10_000, page: 0 });
  assert.equal(page.pageSize, 500);
  assert.equal(page.page, 1);
  assert.equal(page.items.length, 500);
  assert.throws(
    () => cache.query(inventory, 'containers', { sort: 'colour' }),
    (error: Error & { status?: number }) =>
      error.status === 400 && /sort by name, id, image, state, status, created/.test(error.message),
  );
});

test('reference filters: tasks by service and node, containers by image name or id; elsewhere a 400', () => {
  const cache = new QueryCache();
  const tasks: InventoryItem[] = Array.from({ length: 12 }, (_, index) => ({
    ID: `task${index}`,
    ServiceID: `svc${index % 3}`,
    NodeID: `node${index % 2}`,
    Slot: index,
    Status: { State: 'running' },
  }));
  const inventory: QuerySource = {
    items: (type) =>
      type === 'tasks'
        ? tasks
        : type === 'containers'
          ? syntheticContainers(30).map((item, index) => ({
              ...item,
              ImageID: `sha256:${index % 3}`.padEnd(71, 'a'),
            }))
          : [],
    version: () => 1,
  };
  assert.equal(cache.query(inventory, 'tasks', { service: 'svc1' }).total, 4);
  assert.equal(cache.query(inventory, 'tasks', { service: 'svc1', node: 'node0' }).total, 2);
  assert.equal(cache.query(inventory, 'tasks', { service: 'svc' }).total, 0, 'whole ids only');
  assert.equal(cache.query(inventory, 'containers', { ancestor: 'img3:latest' }).total, 3);
  const byId = `sha256:${1}`.padEnd(71, 'a');
  assert.equal(cache.query(inventory, 'containers', { ancestor: byId }).total, 10);
  assert.equal(cache.query(inventory, 'containers', { ancestor: byId.slice('sha256:'.length) }).total, 10);
  assert.throws(
    () => cache.query(inventory, 'containers', { service: 'svc1' }),
    (error: Error & { status?: number }) =>
      error.status === 400 && /query\.service: filters tasks, not containers/.test(error.message),
  );
});

test('filtered queries over 10,000 containers stay fast', () => {
  const cache = new QueryCache();
  const inventory = source(syntheticContainers());
  cache.query(inventory, 'containers', { filter: 'warm-up' });
  const started = performance.now();
  for (let round = 0; round < 10; round++)
    cache.query(inventory, 'containers', { filter: `c0${round}`, group: 'project' });
  const each = (performance.now() - started) / 10;
  // Generous for a loaded 2-core CI machine; typically a few ms.
  assert.ok(each < 100, `a filtered, grouped query took ${each.toFixed(1)} ms`);
});
