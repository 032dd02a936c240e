/**
 * Paging, filtering, sorting and grouping over an inventory kind, without asking the daemon. A kind's
 * rows (each object with its sort keys and search text) and its sorted orders are cached per
 * inventory version: the first page of an unfiltered list is a slice of a cached array, and a
 * change re-sorts once for the next request, not once per request.
 */
import type {
  Config,
  ContainerSummary,
  ImageSummary,
  Network,
  Node,
  Plugin,
  Secret,
  Service,
  Task,
  Volume,
} from '@gantry/engine';
import { HttpError } from '../http/errors.ts';
import type { InventoryItem, InventoryResource } from './inventory.ts';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
/** Swarm stacks name their project with this label; used when there is no compose label. */
const STACK_LABEL = 'com.docker.stack.namespace';
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

export interface ListQuery {
  /** 1-based. */
  readonly page?: number | undefined;
  readonly pageSize?: number | undefined;
  readonly sort?: string | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
  /** Case-insensitive substring of the name, id, image or a label (`key=value`). */
  readonly filter?: string | undefined;
  /** One state or several separated by commas (`running,paused`). */
  readonly state?: string | undefined;
  /** Compose project (or swarm stack) name. */
  readonly project?: string | undefined;
  /** `key=value` (exact) or `key` (present); several must all match. */
  readonly label?: string | readonly string[] | undefined;
  readonly group?: 'project' | undefined;
  /** Tasks of this service (its full id). */
  readonly service?: string | undefined;
  /** Tasks on this node (its full id). */
  readonly node?: string | undefined;
  /** Containers made from this image: its name as given at create, or its id (with or without `sha256:`). */
  readonly ancestor?: string | undefined;
}

/** The filters naming another object, and the kinds each applies to. */
export const REFERENCE_FILTERS = ['service', 'node', 'ancestor'] as const;
type ReferenceFilter = (typeof REFERENCE_FILTERS)[number];

export interface ProjectGroup {
  /** `null`: objects without a project label. */
  readonly project: string | null;
  readonly total: number;
  readonly running: number;
}

export interface ListPage {
  readonly items: readonly InventoryItem[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly groups?: readonly ProjectGroup[];
}

/** What the query reads: an inventory (engines/inventory.ts) or anything shaped like it (tests). */
export interface QuerySource {
  items(type: InventoryResource): readonly InventoryItem[];
  version(type: InventoryResource): number;
}

type SortValue = string | number;

/** How queries read one kind's objects, typed by the SDK's model of the kind. */
interface KindFields<T = InventoryItem> {
  id(item: T): string;
  name(item: T): string;
  image(item: T): string;
  state(item: T): string;
  labels(item: T): Readonly<Record<string, string>> | null | undefined;
  /** Sort fields by API name; `name` is the default. */
  readonly sorts: Readonly<Record<string, (item: T) => SortValue>>;
  /** The reference filters the kind answers: the ids (or names) of the object it refers to. */
  readonly references?: Partial<Record<ReferenceFilter, (item: T) => readonly string[]>>;
}

/** Inventory objects are the list endpoint's answers: the kind's model describes them. */
const kind = <T>(fields: KindFields<T>) => fields as unknown as KindFields;

const time = (value: string | undefined): number => (value ? Date.parse(value) || 0 : 0);

interface SwarmObject {
  ID?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

/** Swarm objects share their shape: ID, Spec.Name, Spec.Labels, CreatedAt, UpdatedAt. */
const swarmObject = <T extends SwarmObject>(overrides: Partial<KindFields<T>> = {}): KindFields<T> => ({
  id: (item) => item.ID ?? '',
  name: (item) => item.Spec?.Name ?? '',
  image: () => '',
  state: () => '',
  labels: (item) => item.Spec?.Labels,
  sorts: {
    name: (item) => item.Spec?.Name ?? '',
    id: (item) => item.ID ?? '',
    created: (item) => time(item.CreatedAt),
    updated: (item) => time(item.UpdatedAt),
  },
  ...overrides,
});

const imageName = (item: ImageSummary): string => {
  const tag = item.RepoTags?.find((name) => name !== '<none>:<none>');
  const digest = item.RepoDigests?.find((name) => name !== '<none>@<none>');
  return tag ?? digest ?? '';
};

const containerName = (item: ContainerSummary) => (item.Names?.[0] ?? '').replace(/^\//, '');

const FIELDS: Record<InventoryResource, KindFields> = {
  containers: kind<ContainerSummary>({
    id: (item) => item.Id ?? '',
    name: containerName,
    image: (item) => item.Image ?? '',
    state: (item) => item.State ?? '',
    labels: (item) => item.Labels,
    sorts: {
      name: containerName,
      id: (item) => item.Id ?? '',
      image: (item) => item.Image ?? '',
      state: (item) => item.State ?? '',
      status: (item) => item.Status ?? '',
      created: (item) => item.Created ?? 0,
    },
    references: {
      ancestor: (item) => [
        item.Image ?? '',
        item.ImageID ?? '',
        (item.ImageID ?? '').replace(/^sha256:/, ''),
      ],
    },
  }),
  images: kind<ImageSummary>({
    id: (item) => item.Id ?? '',
    name: imageName,
    image: imageName,
    state: (item) => (item.RepoTags?.some((name) => name !== '<none>:<none>') ? 'tagged' : 'dangling'),
    labels: (item) => item.Labels,
    sorts: {
      name: imageName,
      id: (item) => item.Id ?? '',
      created: (item) => item.Created ?? 0,
      size: (item) => item.Size ?? 0,
    },
  }),
  networks: kind<Network>({
    id: (item) => item.Id ?? '',
    name: (item) => item.Name ?? '',
    image: () => '',
    state: (item) => item.Scope ?? '',
    labels: (item) => item.Labels,
    sorts: {
      name: (item) => item.Name ?? '',
      id: (item) => item.Id ?? '',
      driver: (item) => item.Driver ?? '',
      scope: (item) => item.Scope ?? '',
      created: (item) => time(item.Created),
    },
  }),
  volumes: kind<Volume>({
    id: (item) => item.Name ?? '',
    name: (item) => item.Name ?? '',
    image: () => '',
    state: (item) => item.Scope ?? '',
    labels: (item) => item.Labels,
    sorts: {
      name: (item) => item.Name ?? '',
      driver: (item) => item.Driver ?? '',
      created: (item) => time(item.CreatedAt),
    },
  }),
  plugins: kind<Plugin>({
    id: (item) => item.Id ?? '',
    name: (item) => item.Name ?? '',
    image: (item) => item.PluginReference ?? '',
    state: (item) => (item.Enabled ? 'enabled' : 'disabled'),
    labels: () => undefined,
    sorts: {
      name: (item) => item.Name ?? '',
      id: (item) => item.Id ?? '',
      state: (item) => (item.Enabled ? 'enabled' : 'disabled'),
    },
  }),
  services: kind(
    swarmObject<Service>({
      image: (item) => item.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '',
      state: (item) => (item.Spec?.Mode?.Global ? 'global' : 'replicated'),
    }),
  ),
  tasks: kind<Task>({
    id: (item) => item.ID ?? '',
    name: (item) => item.Name ?? item.ID ?? '',
    image: (item) => item.Spec?.ContainerSpec?.Image ?? '',
    state: (item) => item.Status?.State ?? '',
    labels: (item) => item.Labels,
    sorts: {
      name: (item) => `${item.ServiceID ?? ''}.${String(item.Slot ?? 0).padStart(6, '0')}`,
      id: (item) => item.ID ?? '',
      state: (item) => item.Status?.State ?? '',
      service: (item) => item.ServiceID ?? '',
      node: (item) => item.NodeID ?? '',
      created: (item) => time(item.CreatedAt),
      updated: (item) => time(item.UpdatedAt),
    },
    references: {
      service: (item) => [item.ServiceID ?? ''],
      node: (item) => [item.NodeID ?? ''],
    },
  }),
  nodes: kind(
    swarmObject<Node>({
      name: (item) => item.Description?.Hostname ?? '',
      state: (item) => item.Status?.State ?? '',
      sorts: {
        name: (item) => item.Description?.Hostname ?? '',
        id: (item) => item.ID ?? '',
        state: (item) => item.Status?.State ?? '',
        role: (item) => item.Spec?.Role ?? '',
        availability: (item) => item.Spec?.Availability ?? '',
        created: (item) => time(item.CreatedAt),
      },
    }),
  ),
  secrets: kind(swarmObject<Secret>()),
  configs: kind(swarmObject<Config>()),
};

/** The sort fields a kind accepts (for the API description and error messages). */
export const sortFields = (type: InventoryResource): string[] => Object.keys(FIELDS[type].sorts);

/** One object with what queries need of it, computed once per inventory version. */
interface Row {
  readonly item: InventoryItem;
  readonly id: string;
  readonly state: string;
  readonly project: string | null;
  readonly labels: Readonly<Record<string, string>> | undefined;
  /** Lower-case name, id, image and labels, built on the first text filter. */
  search: string | undefined;
}

interface KindCache {
  version: number;
  rows: readonly Row[];
  /** `<sort>:<order>` -> the rows in that order. */
  readonly orders: Map<string, readonly Row[]>;
}

/** Counters for tests and the bench: how often rows were built and sorted, and cache hits. */
export interface QueryCacheStats {
  builds: number;
  sorts: number;
  hits: number;
}

/**
 * Cached views of inventories, held weakly per source (an engine removed takes its cache with it).
 * One process-wide instance serves the list routes.
 */
export class QueryCache {
  readonly #views = new WeakMap<QuerySource, Map<InventoryResource, KindCache>>();
  readonly stats: QueryCacheStats = { builds: 0, sorts: 0, hits: 0 };

  /** Answers one list request from `source`'s `type`. */
  query(source: QuerySource, type: InventoryResource, query: ListQuery = {}): ListPage {
    const fields = FIELDS[type];
    const sort = query.sort ?? 'name';
    const sortKey = fields.sorts[sort];
    if (!sortKey) {
      throw new HttpError(
        400,
        'VALIDATION',
        `invalid request — query.sort: ${type} sort by ${sortFields(type).join(', ')}, not '${sort}'`,
        { fields: [{ field: 'query.sort', message: `one of ${sortFields(type).join(', ')}` }] },
      );
    }
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(query.pageSize ?? DEFAULT_PAGE_SIZE)));
    const page = Math.max(1, Math.trunc(query.page ?? 1));
    const cache = this.#kind(source, type);
    const ordered = this.#ordered(cache, sort, sortKey, query.order ?? 'asc');
    const matches = matcher(query, fields, type);
    const rows = matches ? ordered.filter(matches) : ordered;
    const start = (page - 1) * pageSize;
    const items = rows.slice(start, start + pageSize).map((row) => row.item);
    const result: ListPage = { items, total: rows.length, page, pageSize };
    return query.group === 'project' ? { ...result, groups: projectGroups(rows) } : result;
  }

  #kind(source: QuerySource, type: InventoryResource): KindCache {
    let kinds = this.#views.get(source);
    if (!kinds) {
      kinds = new Map();
      this.#views.set(source, kinds);
    }
    const version = source.version(type);
    const cached = kinds.get(type);
    if (cached && cached.version === version) return cached;
    this.stats.builds++;
    const fields = FIELDS[type];
    const rows = source.items(type).map((item): Row => {
      const labels = fields.labels(item) ?? undefined;
      return {
        item,
        id: fields.id(item),
        state: fields.state(item),
        labels,
        project: labels?.[COMPOSE_PROJECT_LABEL] ?? labels?.[STACK_LABEL] ?? null,
        search: undefined,
      };
    });
    const fresh: KindCache = { version, rows, orders: new Map() };
    kinds.set(type, fresh);
    return fresh;
  }

  #ordered(
    cache: KindCache,
    sort: string,
    sortKey: (item: InventoryItem) => SortValue,
    order: 'asc' | 'desc',
  ): readonly Row[] {
    const key = `${sort}:${order}`;
    const cached = cache.orders.get(key);
    if (cached) {
      this.stats.hits++;
      return cached;
    }
    const ascending = cache.orders.get(`${sort}:asc`);
    let sorted: readonly Row[];
    if (order === 'desc' && ascending) sorted = [...ascending].reverse();
    else {
      this.stats.sorts++;
      // Keys computed once per row, compared as plain values (no locale: 10k rows sort in a few ms).
      const keyed = cache.rows.map((row) => {
        const value = sortKey(row.item);
        return { row, value: typeof value === 'string' ? value.toLowerCase() : value };
      });
      keyed.sort((a, b) => compare(a.value, b.value) || compare(a.row.id, b.row.id));
      const rows = keyed.map((entry) => entry.row);
      sorted = order === 'desc' ? rows.reverse() : rows;
    }
    cache.orders.set(key, sorted);
    return sorted;
  }
}

const compare = (a: SortValue, b: SortValue): number => (a < b ? -1 : a > b ? 1 : 0);

/** The row predicate for the query's filters, or undefined when it has none. */
function matcher(
  query: ListQuery,
  fields: KindFields,
  type: InventoryResource,
): ((row: Row) => boolean) | undefined {
  const checks: ((row: Row) => boolean)[] = [];
  for (const filter of REFERENCE_FILTERS) {
    const wanted = query[filter];
    if (wanted === undefined || wanted === '') continue;
    const referenced = fields.references?.[filter];
    if (!referenced) {
      const kinds = Object.entries(FIELDS)
        .filter(([, other]) => other.references?.[filter])
        .map(([name]) => name);
      throw new HttpError(
        400,
        'VALIDATION',
        `invalid request — query.${filter}: filters ${kinds.join(', ')}, not ${type}`,
        {
          fields: [{ field: `query.${filter}`, message: `applies to ${kinds.join(', ')} only` }],
        },
      );
    }
    checks.push((row) => referenced(row.item).includes(wanted));
  }
  const text = query.filter?.trim().toLowerCase();
  if (text) checks.push((row) => searchText(row, fields).includes(text));
  if (query.state) {
    const states = new Set(query.state.split(',').map((state) => state.trim().toLowerCase()));
    checks.push((row) => states.has(row.state.toLowerCase()));
  }
  if (query.project !== undefined && query.project !== '')
    checks.push((row) => row.project === query.project);
  const labels =
    query.label === undefined ? [] : typeof query.label === 'string' ? [query.label] : query.label;
  for (const label of labels) {
    const at = label.indexOf('=');
    const key = at < 0 ? label : label.slice(0, at);
    const value = at < 0 ? undefined : label.slice(at + 1);
    checks.push((row) =>
      value === undefined ? row.labels?.[key] !== undefined : row.labels?.[key] === value,
    );
  }
  if (checks.length === 0) return undefined;
  return (row) => checks.every((check) => check(row));
}

function searchText(row: Row, fields: KindFields): string {
  if (row.search === undefined) {
    const labels = Object.entries(row.labels ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join('\n');
    row.search = [fields.name(row.item), row.id, fields.image(row.item), labels].join('\n').toLowerCase();
  }
  return row.search;
}

/** Counts per project over the matching rows, by name, `null` (no project) last; `running`: state running. */
function projectGroups(rows: readonly Row[]): ProjectGroup[] {
  const groups = new Map<string | null, { total: number; running: number }>();
  for (const row of rows) {
    let group = groups.get(row.project);
    if (!group) {
      group = { total: 0, running: 0 };
      groups.set(row.project, group);
    }
    group.total++;
    if (row.state === 'running') group.running++;
  }
  return [...groups]
    .map(([project, counts]) => ({ project, ...counts }))
    .sort((a, b) => (a.project === null ? 1 : b.project === null ? -1 : a.project.localeCompare(b.project)));
}

/** The list routes' cache. */
export const listCache = new QueryCache();
