/**
 * The inventory's reconnect resync when the replayed events arrive before the lists: an ordering a real
 * daemon produces only by timing (the engines-manager integration test sees it now and then), so a
 * scripted client drives it here deterministically.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerClient, EngineEvent } from '@gantry/engine';
import { Inventory } from '../../src/engines/inventory.ts';
import { createLogger } from '../../src/log.ts';

const ID = (name: string) => name.padEnd(64, '0');

/**
 * A client whose events stream yields `replay` at once and then ends the cycle when `breakStream`
 * resolves, and whose container list answers `containers()` only after `listDelayMs`.
 */
function scriptedClient(script: {
  containers: () => Array<Record<string, unknown>>;
  replay: () => EngineEvent[];
  breakStream: () => Promise<void>;
  listDelayMs: number;
}): DockerClient {
  const empty = async () => [];
  return {
    system: {
      info: async () => ({ SystemTime: new Date().toISOString(), Swarm: { LocalNodeState: 'inactive' } }),
      async *events({ signal }: { signal: AbortSignal }) {
        for (const event of script.replay()) yield event;
        const aborted = new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        );
        await Promise.race([script.breakStream(), aborted]);
        throw new Error('stream broken by the test');
      },
    },
    containers: {
      list: async () => {
        await sleep(script.listDelayMs);
        return script.containers();
      },
    },
    images: { list: empty },
    networks: { list: empty },
    volumes: { list: async () => ({ Volumes: [] }) },
    plugins: { list: empty },
  } as unknown as DockerClient;
}

test('a removal replayed before the resync lists is still counted as missed while down', async () => {
  let cycle = 0;
  let breakFirst: () => void = () => undefined;
  const client = scriptedClient({
    containers: () =>
      cycle === 0
        ? [
            { Id: ID('doomed'), State: 'created' },
            { Id: ID('kept'), State: 'created' },
          ]
        : [
            { Id: ID('kept'), State: 'running' },
            { Id: ID('born'), State: 'created' },
          ],
    // The second cycle's stream replays the destroy that happened while it was down, ahead of the list.
    replay: () =>
      cycle === 0
        ? []
        : [
            {
              Type: 'container',
              Action: 'destroy',
              Actor: { ID: ID('doomed'), Attributes: {} },
              time: Math.floor(Date.now() / 1000),
              timeNano: Date.now() * 1e6,
            } as EngineEvent,
          ],
    breakStream: () =>
      cycle === 0
        ? new Promise<void>((resolve) => (breakFirst = resolve))
        : new Promise<void>(() => undefined),
    listDelayMs: 30,
  });
  const inventory = new Inventory(client, { engineId: 'scripted', log: createLogger({ level: 'error' }) });
  const stop = new AbortController();

  let live = Promise.withResolvers<void>();
  const first = inventory.run(stop.signal, () => live.resolve()).catch((error: Error) => error);
  await live.promise;
  assert.deepEqual(
    inventory
      .items('containers')
      .map((item) => item.Id)
      .sort(),
    [ID('doomed'), ID('kept')],
  );
  breakFirst();
  assert.match(String(await first), /stream broken by the test/);

  cycle = 1;
  live = Promise.withResolvers<void>();
  const second = inventory.run(stop.signal, () => live.resolve()).catch((error: Error) => error);
  await live.promise;
  assert.deepEqual(inventory.status().missedWhileDown, { added: 1, removed: 1, changed: 1 });
  assert.equal(inventory.status().resyncs, 1);
  assert.equal(inventory.get('containers', ID('doomed')), undefined);
  stop.abort(new Error('test over'));
  await second;
});
