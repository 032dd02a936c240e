/**
 * One engine's objects in memory, kept current by ONE daemon events stream: lists are answered from
 * here (engines/query.ts), and the realtime events channel forwards this stream's raw events instead
 * of opening its own. Each connection cycle opens the stream first (replaying from the daemon's own
 * clock a second back), lists everything, then applies what arrived meanwhile: nothing between the
 * list and the first event is lost. An event marks its object dirty; dirty objects are re-listed
 * together after a short pause (one filtered list call per kind), so a burst costs a few calls.
 */
import {
  type DockerClient,
  EngineError,
  type EngineEvent,
  type Filters,
  isAbort,
  isConnectionError,
} from '@gantry/engine';
import type { Logger, Metrics } from '../context.ts';

export const INVENTORY_RESOURCES = [
  'containers',
  'images',
  'networks',
  'volumes',
  'plugins',
  'services',
  'tasks',
  'nodes',
  'secrets',
  'configs',
] as const;

export type InventoryResource = (typeof INVENTORY_RESOURCES)[number];

/** Kinds only a swarm manager lists; elsewhere they stay empty. */
export const SWARM_RESOURCES: ReadonlySet<InventoryResource> = new Set([
  'services',
  'tasks',
  'nodes',
  'secrets',
  'configs',
]);

/** An object as the daemon's list endpoint returns it (ContainerSummary, ImageSummary, Service, ...). */
export type InventoryItem = Readonly<Record<string, unknown>>;

export interface InventoryChange {
  readonly type: InventoryResource;
  readonly action: 'added' | 'changed' | 'removed';
  readonly id: string;
  /** The object now (absent for `removed`). */
  readonly object?: InventoryItem;
}

/** What the last full resync after a reconnect found changed while the stream was down. */
export interface ResyncReport {
  /** Full resyncs after a reconnect (the first sync of a cycle counts from the second cycle on). */
  readonly resyncs: number;
  readonly lastResyncAt: number | undefined;
  readonly missedWhileDown: { readonly added: number; readonly removed: number; readonly changed: number };
}

export interface InventoryStatus extends ResyncReport {
  /** `syncing`: the stream is open and the first lists are running; `live`: current. */
  readonly state: 'connecting' | 'syncing' | 'live' | 'down';
  readonly swarmManager: boolean;
  readonly counts: Record<InventoryResource, number>;
  /** Kinds the engine does not list (e.g. plugins on Podman), with the engine's reason. */
  readonly unsupported: Partial<Record<InventoryResource, string>>;
}

export interface InventoryStats {
  readonly counts: Record<InventoryResource, number>;
  readonly eventsReceived: number;
  /** Events whose refresh has been applied. */
  readonly eventsApplied: number;
  /** List calls made for events (targeted or whole kind). */
  readonly refreshes: number;
  /** ms from the daemon's event time to the refreshed object being in the inventory (last batch). */
  readonly lastEventLatencyMs: number | undefined;
  readonly resyncs: number;
}

/** The read side routes and channels see (EngineHandle.inventory). */
export interface EngineInventory {
  /** The kind's objects; the array is cached and replaced (never mutated) on change. */
  items(type: InventoryResource): readonly InventoryItem[];
  get(type: InventoryResource, id: string): InventoryItem | undefined;
  /** Bumped on every change of the kind: caches of derived views key on it. */
  version(type: InventoryResource): number;
  /** Object changes; returns the unsubscribe function. */
  subscribe(listener: (change: InventoryChange) => void): () => void;
  /** The daemon's raw events, each once (replays after a reconnect are not repeated). */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  status(): InventoryStatus;
  stats(): InventoryStats;
}

interface ResourceSource {
  /** Lists the kind; `ids` narrows it by the kind's filter (an id, or a volume's name). */
  list(client: DockerClient, signal: AbortSignal, ids?: readonly string[]): Promise<InventoryItem[]>;
  idOf(item: InventoryItem): string;
  /** Whether `list` can be narrowed to some ids; kinds without such a filter are re-listed whole. */
  readonly targeted: boolean;
}

type Lister = (options: { filters?: Filters; signal: AbortSignal }) => Promise<unknown>;

const byId =
  (call: (client: DockerClient) => Lister, filter = 'id') =>
  (client: DockerClient, signal: AbortSignal, ids?: readonly string[]) =>
    call(client)({ signal, ...(ids ? { filters: { [filter]: ids } } : {}) }) as Promise<InventoryItem[]>;

const idField =
  (field: string) =>
  (item: InventoryItem): string =>
    String(item[field] ?? '');

const SOURCES: Record<InventoryResource, ResourceSource> = {
  containers: {
    list: byId((client) => (options) => client.containers.list({ ...options, all: true })),
    idOf: idField('Id'),
    targeted: true,
  },
  // Images have no id filter: a tag or pull re-lists them all (there are far fewer than containers).
  images: {
    list: byId((client) => (options) => client.images.list(options)),
    idOf: idField('Id'),
    targeted: false,
  },
  networks: {
    list: byId((client) => (options) => client.networks.list(options)),
    idOf: idField('Id'),
    targeted: true,
  },
  volumes: {
    list: async (client, signal, names) =>
      ((await client.volumes.list({ signal, ...(names ? { filters: { name: names } } : {}) })).Volumes ??
        []) as unknown as InventoryItem[],
    idOf: idField('Name'),
    targeted: true,
  },
  plugins: {
    list: byId((client) => (options) => client.plugins.list(options)),
    idOf: idField('Id'),
    targeted: false,
  },
  services: {
    list: byId((client) => (options) => client.services.list(options)),
    idOf: idField('ID'),
    targeted: true,
  },
  // Tasks have no events of their own: service, node and task-container events re-list them whole.
  tasks: {
    list: byId((client) => (options) => client.tasks.list(options)),
    idOf: idField('ID'),
    targeted: false,
  },
  nodes: {
    list: byId((client) => (options) => client.nodes.list(options)),
    idOf: idField('ID'),
    targeted: true,
  },
  secrets: {
    list: byId((client) => (options) => client.secrets.list(options)),
    idOf: idField('ID'),
    targeted: true,
  },
  configs: {
    list: byId((client) => (options) => client.configs.list(options)),
    idOf: idField('ID'),
    targeted: true,
  },
};

/** Event type (`Type`) -> inventory kind. */
const EVENT_KINDS: Readonly<Record<string, InventoryResource>> = {
  container: 'containers',
  image: 'images',
  network: 'networks',
  volume: 'volumes',
  plugin: 'plugins',
  service: 'services',
  node: 'nodes',
  secret: 'secrets',
  config: 'configs',
};

/** Actions that remove the object the event names. */
const REMOVING = new Set(['destroy', 'delete', 'remove']);

/**
 * Container actions that leave its list summary as it was: refreshing on them would only cost
 * (exec_* arrive in bursts from health checks).
 */
const SUMMARY_UNCHANGED = new Set([
  'attach',
  'detach',
  'top',
  'resize',
  'export',
  'copy',
  'archive-path',
  'extract-to-dir',
  'commit',
  'exec_create',
  'exec_start',
  'exec_die',
  'exec_detach',
]);

/** Volume actions that change nothing in its list entry. */
const VOLUME_UNCHANGED = new Set(['mount', 'unmount']);

/** Above this many dirty ids of one kind, one full list is cheaper than the daemon matching each filter. */
const TARGETED_LIMIT = 100;
/** Swarm role and liveness check while the stream is open (ms). */
const HEALTH_INTERVAL_MS = 15_000;
const HEALTH_TIMEOUT_MS = 10_000;
/**
 * Task state changes have no events, so while a task is on its way (scheduled, pulling, starting,
 * stopping) tasks are re-listed after this delay, doubling up to the maximum while it stays so (a
 * task no node can take stays `pending` for good) (ms).
 */
const TASK_SETTLE_FIRST_MS = 1_000;
const TASK_SETTLE_MAX_MS = 30_000;
/** Task states on the way to `running` (Swarm's TaskState before it). */
const TASK_ON_ITS_WAY = new Set([
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
]);

/** A task whose state is about to change by itself: starting, or still running though meant to stop. */
function taskUnsettled(task: InventoryItem): boolean {
  const { Status, DesiredState } = task as { Status?: { State?: string }; DesiredState?: string };
  const state = Status?.State ?? '';
  return (
    TASK_ON_ITS_WAY.has(state) ||
    (state === 'running' && DesiredState !== undefined && DesiredState !== 'running')
  );
}
/** The stream replays from this long before the daemon's clock said now, covering the open's round trip (ms). */
const REPLAY_MARGIN_MS = 1_000;
/** Raw event fingerprints remembered to drop replays after a reconnect. */
const RECENT_EVENTS = 1_024;

/** The kind's objects by id, with a cached array view and a version bumped on every change. */
class Collection {
  readonly #items = new Map<string, InventoryItem>();
  #array: InventoryItem[] | undefined;
  version = 0;

  get size(): number {
    return this.#items.size;
  }
  get(id: string) {
    return this.#items.get(id);
  }
  has(id: string) {
    return this.#items.has(id);
  }
  ids() {
    return this.#items.keys();
  }
  values(): readonly InventoryItem[] {
    this.#array ??= [...this.#items.values()];
    return this.#array;
  }
  set(id: string, item: InventoryItem) {
    this.#items.set(id, item);
    this.#touch();
  }
  delete(id: string): boolean {
    const had = this.#items.delete(id);
    if (had) this.#touch();
    return had;
  }
  #touch() {
    this.#array = undefined;
    this.version++;
  }
}

export interface InventoryOptions {
  readonly engineId: string;
  readonly log: Logger;
  readonly metrics?: Metrics;
  /** Events within this window share one refresh (ms). */
  readonly coalesceMs?: number;
}

type Dirty = Map<InventoryResource, Set<string> | 'all'>;

const emptyCounts = () =>
  Object.fromEntries(INVENTORY_RESOURCES.map((type) => [type, 0])) as Record<InventoryResource, number>;

export class Inventory implements EngineInventory {
  readonly #client: DockerClient;
  readonly #log: Logger;
  readonly #metrics: Metrics | undefined;
  readonly #engineId: string;
  readonly #coalesceMs: number;
  readonly #collections = new Map<InventoryResource, Collection>(
    INVENTORY_RESOURCES.map((type) => [type, new Collection()]),
  );
  readonly #changeListeners = new Set<(change: InventoryChange) => void>();
  readonly #eventListeners = new Set<(event: EngineEvent) => void>();
  readonly #recentEvents = new Set<string>();
  readonly #unsupported: Partial<Record<InventoryResource, string>> = {};

  #state: InventoryStatus['state'] = 'connecting';
  #swarmManager = false;
  #cycles = 0;
  #resyncs = 0;
  #lastResyncAt: number | undefined;
  #missed = { added: 0, removed: 0, changed: 0 };
  #eventsReceived = 0;
  #eventsApplied = 0;
  #refreshes = 0;
  #lastEventLatencyMs: number | undefined;

  // The open cycle's refresh machinery.
  #signal: AbortSignal | undefined;
  #syncing = false;
  #flushing = false;
  #timer: NodeJS.Timeout | undefined;
  #taskSettleTimer: NodeJS.Timeout | undefined;
  #taskSettleDelayMs = TASK_SETTLE_FIRST_MS;
  #dirty: Dirty = new Map();
  /** Daemon times (ms) of the events waiting in #dirty: the oldest sets the batch's latency. */
  #dirtySince: number | undefined;
  #dirtyEvents = 0;

  constructor(client: DockerClient, options: InventoryOptions) {
    this.#client = client;
    this.#engineId = options.engineId;
    this.#log = options.log;
    this.#metrics = options.metrics;
    this.#coalesceMs = options.coalesceMs ?? 20;
  }

  items(type: InventoryResource): readonly InventoryItem[] {
    return this.#collection(type).values();
  }

  get(type: InventoryResource, id: string): InventoryItem | undefined {
    return this.#collection(type).get(id);
  }

  version(type: InventoryResource): number {
    return this.#collection(type).version;
  }

  subscribe(listener: (change: InventoryChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  status(): InventoryStatus {
    return {
      state: this.#state,
      swarmManager: this.#swarmManager,
      counts: this.#counts(),
      unsupported: { ...this.#unsupported },
      ...this.#report(),
    };
  }

  stats(): InventoryStats {
    return {
      counts: this.#counts(),
      eventsReceived: this.#eventsReceived,
      eventsApplied: this.#eventsApplied,
      refreshes: this.#refreshes,
      lastEventLatencyMs: this.#lastEventLatencyMs,
      resyncs: this.#resyncs,
    };
  }

  /** Marks the inventory down (the manager calls it when a cycle fails before `run`). */
  markDown(): void {
    this.#state = 'down';
  }

  /**
   * One connection cycle: opens the events stream, lists everything, then keeps the inventory
   * current until the stream breaks, the health check fails or `signal` aborts — it always rejects,
   * with the reason. `onLive` runs once the first full sync is applied.
   */
  async run(signal: AbortSignal, onLive: () => void): Promise<never> {
    const cycle = new AbortController();
    const stop = () => cycle.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    this.#signal = cycle.signal;
    this.#state = this.#cycles === 0 ? 'connecting' : 'down';
    let health: NodeJS.Timeout | undefined;
    try {
      const info = await this.#client.system.info({ signal: cycle.signal });
      const daemonNow = Date.parse(info.SystemTime ?? '') || Date.now();
      this.#swarmManager = isSwarmManager(info);
      this.#syncing = true;
      const stream = this.#pump(daemonNow - REPLAY_MARGIN_MS, cycle.signal);
      // A stream that fails before the lists end is the cycle's failure, not an unhandled rejection.
      stream.catch(() => undefined);
      this.#state = 'syncing';
      await this.#fullSync(cycle.signal);
      this.#syncing = false;
      this.#state = 'live';
      onLive();
      this.#scheduleFlush();
      health = setInterval(() => void this.#checkHealth(cycle), HEALTH_INTERVAL_MS);
      await stream;
      throw new Error('the daemon ended the events stream');
    } catch (error) {
      throw cycle.signal.aborted && cycle.signal.reason instanceof Error ? cycle.signal.reason : error;
    } finally {
      this.#state = 'down';
      this.#syncing = false;
      clearInterval(health);
      clearTimeout(this.#timer);
      this.#timer = undefined;
      clearTimeout(this.#taskSettleTimer);
      this.#taskSettleTimer = undefined;
      signal.removeEventListener('abort', stop);
      cycle.abort();
      this.#cycles++;
    }
  }

  /** Reads the stream until it ends; every event is forwarded and marks its object dirty. */
  async #pump(sinceMs: number, signal: AbortSignal): Promise<void> {
    for await (const event of this.#client.system.events({ since: new Date(sinceMs), signal })) {
      this.#receive(event);
    }
  }

  #receive(event: EngineEvent): void {
    const key = `${event.timeNanoText ?? event.timeNano ?? event.time}|${event.Type}|${event.Action}|${event.Actor?.ID}`;
    // A replay after a reconnect repeats the last second: subscribers already have those.
    if (this.#recentEvents.has(key)) return;
    this.#recentEvents.add(key);
    if (this.#recentEvents.size > RECENT_EVENTS) {
      const oldest = this.#recentEvents.values().next().value;
      if (oldest !== undefined) this.#recentEvents.delete(oldest);
    }
    this.#eventsReceived++;
    for (const listener of this.#eventListeners) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error('inventory event listener failed', { error: String(error) });
      }
    }
    this.#apply(event);
  }

  /** What the event changes: objects removed now, objects to re-list marked dirty. */
  #apply(event: EngineEvent): void {
    const kind = event.Type ? EVENT_KINDS[event.Type] : undefined;
    const id = event.Actor?.ID ?? '';
    const action = event.Action ?? '';
    if (!kind || !id) return;
    if (kind === 'containers' && (SUMMARY_UNCHANGED.has(action) || action.startsWith('exec_'))) return;
    if (kind === 'volumes' && VOLUME_UNCHANGED.has(action)) return;
    if (SWARM_RESOURCES.has(kind) && !this.#swarmManager) return;
    const eventMs = event.timeNano ? event.timeNano / 1e6 : (event.time ?? 0) * 1000 || Date.now();
    this.#dirtySince = Math.min(this.#dirtySince ?? eventMs, eventMs);
    this.#dirtyEvents++;
    if (REMOVING.has(action) || (kind === 'images' && action === 'untag')) {
      // During a sync the full list decides (and counts the removal as missed while down: a replayed
      // event that removed it first would hide it from the count); it is listed again after.
      if (!this.#syncing && (kind !== 'images' || action === 'delete')) this.#remove(kind, id);
      // A list already running may bring the object back: list it again after.
      if (this.#syncing || this.#flushing || kind === 'images') this.#markDirty(kind, id);
    } else {
      this.#markDirty(kind, id);
    }
    const attributes = event.Actor?.Attributes ?? {};
    if (kind === 'networks' && attributes.container) this.#markDirty('containers', attributes.container);
    if (
      this.#swarmManager &&
      (kind === 'services' || kind === 'nodes' || attributes['com.docker.swarm.task.id'])
    )
      this.#markDirty('tasks', '');
    this.#scheduleFlush();
  }

  /** Re-lists tasks later while one of them is unsettled (see TASK_SETTLE_FIRST_MS). */
  #watchTaskSettling(): void {
    if (!this.#collection('tasks').values().some(taskUnsettled)) {
      this.#taskSettleDelayMs = TASK_SETTLE_FIRST_MS;
      return;
    }
    if (this.#taskSettleTimer) return;
    const delay = this.#taskSettleDelayMs;
    this.#taskSettleDelayMs = Math.min(delay * 2, TASK_SETTLE_MAX_MS);
    this.#taskSettleTimer = setTimeout(() => {
      this.#taskSettleTimer = undefined;
      this.#markDirty('tasks', '');
      this.#scheduleFlush();
    }, delay);
  }

  #markDirty(type: InventoryResource, id: string): void {
    const existing = this.#dirty.get(type);
    if (existing === 'all') return;
    if (!SOURCES[type].targeted || !id) {
      this.#dirty.set(type, 'all');
      return;
    }
    const ids = existing ?? new Set<string>();
    ids.add(id);
    this.#dirty.set(type, ids.size > TARGETED_LIMIT ? 'all' : ids);
  }

  #scheduleFlush(): void {
    if (this.#timer || this.#syncing || this.#flushing || this.#dirty.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flush();
    }, this.#coalesceMs);
  }

  /** Re-lists what is dirty, kind by kind in parallel, until nothing is (events keep arriving meanwhile). */
  async #flush(): Promise<void> {
    const signal = this.#signal;
    if (!signal || signal.aborted) return;
    this.#flushing = true;
    try {
      while (this.#dirty.size > 0 && !signal.aborted) {
        const work = this.#dirty;
        const since = this.#dirtySince;
        const events = this.#dirtyEvents;
        this.#dirty = new Map();
        this.#dirtySince = undefined;
        this.#dirtyEvents = 0;
        await Promise.all(
          [...work].map(([type, ids]) => this.#refresh(type, ids === 'all' ? undefined : [...ids], signal)),
        );
        this.#eventsApplied += events;
        if (since !== undefined) {
          this.#lastEventLatencyMs = Math.max(0, Date.now() - since);
          this.#metrics?.observe('inventory_event_apply_seconds', this.#lastEventLatencyMs / 1000, {
            engine: this.#engineId,
          });
        }
      }
    } finally {
      this.#flushing = false;
    }
    this.#scheduleFlush();
  }

  /** One list call for the kind (narrowed to `ids` when given); failures are logged, the stream decides liveness. */
  async #refresh(type: InventoryResource, ids: string[] | undefined, signal: AbortSignal): Promise<void> {
    if (SWARM_RESOURCES.has(type) && !this.#swarmManager) return;
    this.#refreshes++;
    let items: InventoryItem[];
    try {
      items = await SOURCES[type].list(this.#client, signal, ids);
    } catch (error) {
      if (!signal.aborted)
        this.#log.warn('inventory refresh failed', { engine: this.#engineId, type, error: String(error) });
      return;
    }
    if (signal.aborted) return;
    if (ids === undefined) {
      this.#replace(type, items);
      if (type === 'tasks') this.#watchTaskSettling();
      return;
    }
    const { idOf } = SOURCES[type];
    const seen = new Set<string>();
    for (const item of items) {
      const id = idOf(item);
      seen.add(id);
      this.#upsert(type, id, item);
    }
    for (const id of ids) if (!seen.has(id)) this.#remove(type, id);
  }

  /** Lists every kind and replaces the inventory with the answers; on a resync, counts what differed. */
  async #fullSync(signal: AbortSignal): Promise<void> {
    const lists = await Promise.all(
      INVENTORY_RESOURCES.map(async (type) => {
        if (SWARM_RESOURCES.has(type) && !this.#swarmManager) return [] as InventoryItem[];
        try {
          const items = await SOURCES[type].list(this.#client, signal, undefined);
          delete this.#unsupported[type];
          return items;
        } catch (error) {
          if (type === 'containers' || !isUnsupported(error)) throw error;
          this.#unsupported[type] = (error as Error).message;
          return [] as InventoryItem[];
        }
      }),
    );
    this.#watchTaskSettling();
    const resync = this.#cycles > 0;
    const totals = { added: 0, removed: 0, changed: 0 };
    INVENTORY_RESOURCES.forEach((type, index) => {
      const counted = this.#replace(type, lists[index] ?? []);
      totals.added += counted.added;
      totals.removed += counted.removed;
      totals.changed += counted.changed;
    });
    if (resync) {
      this.#resyncs++;
      this.#lastResyncAt = Date.now();
      this.#missed = totals;
      this.#metrics?.increment('inventory_resyncs_total', { engine: this.#engineId });
      this.#log.info('inventory resynced', { engine: this.#engineId, missedWhileDown: totals });
    }
  }

  /** Makes the kind exactly `items`, telling subscribers what changed. */
  #replace(type: InventoryResource, items: readonly InventoryItem[]) {
    const collection = this.#collection(type);
    const { idOf } = SOURCES[type];
    const counted = { added: 0, removed: 0, changed: 0 };
    const fresh = new Set<string>();
    for (const item of items) {
      const id = idOf(item);
      fresh.add(id);
      const outcome = this.#upsert(type, id, item);
      if (outcome) counted[outcome]++;
    }
    for (const id of [...collection.ids()]) {
      if (!fresh.has(id) && this.#remove(type, id)) counted.removed++;
    }
    return counted;
  }

  #upsert(type: InventoryResource, id: string, item: InventoryItem): 'added' | 'changed' | undefined {
    const collection = this.#collection(type);
    const previous = collection.get(id);
    if (previous && sameObject(previous, item)) return undefined;
    collection.set(id, item);
    const action = previous ? 'changed' : 'added';
    this.#emit({ type, action, id, object: item });
    return action;
  }

  #remove(type: InventoryResource, id: string): boolean {
    if (!this.#collection(type).delete(id)) return false;
    this.#emit({ type, action: 'removed', id });
    return true;
  }

  #emit(change: InventoryChange): void {
    for (const listener of this.#changeListeners) {
      try {
        listener(change);
      } catch (error) {
        this.#log.error('inventory change listener failed', { error: String(error) });
      }
    }
  }

  /** Liveness and swarm role: a failed check ends the cycle (a silent dead TCP peer never ends the stream). */
  async #checkHealth(cycle: AbortController): Promise<void> {
    try {
      const info = await this.#client.system.info({
        signal: AbortSignal.any([cycle.signal, AbortSignal.timeout(HEALTH_TIMEOUT_MS)]),
      });
      const manager = isSwarmManager(info);
      if (manager === this.#swarmManager) return;
      this.#swarmManager = manager;
      for (const type of SWARM_RESOURCES) {
        if (manager) this.#markDirty(type, '');
        else this.#replace(type, []);
      }
      this.#scheduleFlush();
    } catch (error) {
      if (cycle.signal.aborted) return;
      if (isConnectionError(error) || (error as Error).name === 'TimeoutError' || isAbort(error)) {
        cycle.abort(new Error(`health check failed: ${(error as Error).message}`));
      }
    }
  }

  #collection(type: InventoryResource): Collection {
    const collection = this.#collections.get(type);
    if (!collection) throw new Error(`unknown inventory kind ${type}`);
    return collection;
  }

  #counts(): Record<InventoryResource, number> {
    const counts = emptyCounts();
    for (const type of INVENTORY_RESOURCES) counts[type] = this.#collection(type).size;
    return counts;
  }

  #report(): ResyncReport {
    return { resyncs: this.#resyncs, lastResyncAt: this.#lastResyncAt, missedWhileDown: { ...this.#missed } };
  }
}

function isSwarmManager(info: { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }): boolean {
  return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
}

/**
 * The engine does not list the kind (404 / 501, Podman's plugins, a 503 from a node that just left
 * the swarm), as opposed to a broken connection or an abort, which fail the cycle.
 */
function isUnsupported(error: unknown): boolean {
  // Podman refuses /plugins before sending (the SDK knows it lacks the endpoint): no API error, same meaning.
  return error instanceof EngineError && !isConnectionError(error) && !isAbort(error);
}

/** Objects from list calls are plain JSON: equal text, equal object. */
function sameObject(a: InventoryItem, b: InventoryItem): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
