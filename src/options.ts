import { PREFIX } from './errors.js';
import type { BuiltinPolicy, PersistConfig, PolicyName, StoreConfig } from './protocol.js';

// The policies a worker of tabcache's own knows; kept here so that the page checks names without loading them.
export const BUILTIN_POLICIES: readonly BuiltinPolicy[] = ['lru', 'lfu', 'ttl', 'lru-ttl', 'tinylfu'];

/** Options of `createCache`. Every one has a default; the cache is always bounded. */
export interface CacheOptions {
  /**
   * Names the cache: caches with one name share their entries across the tabs of an origin.
   * @default 'default'
   */
  name?: string;
  /**
   * Eviction policy of the memory tier. A worker of your own may register other names. The default, adaptive
   * W-TinyLFU, beat LRU on most recorded traces (docs/policies.md); pick 'lru' for purely recency-driven access.
   * @default 'tinylfu'
   */
  policy?: PolicyName;
  /**
   * Most entries held in memory: an integer from 1 to 4194304 (2^22). There is no unbounded cache. The worker
   * reserves its structures for every slot up front, about 100 bytes a slot whatever the values.
   * @default 1000
   */
  capacity?: number;
  /**
   * Most bytes held in memory, by an estimate of each value's size. Bounds memory along with `capacity`.
   * @default undefined (bounded by `capacity` alone)
   */
  maxBytes?: number;
  /**
   * Time to live of an entry in milliseconds, unless `put` gives its own; `Infinity` for none.
   * @default Infinity
   */
  ttl?: number;
  /**
   * The worker that owns the cache: a Worker you started with `serve()` from `tabcache/worker`, or the URL of a
   * module that calls it. A new one is started from the URL after a crash; a Worker you pass cannot be.
   * @default tabcache's own worker
   */
  worker?: Worker | URL | string;
  /**
   * Keeps entries in IndexedDB (one database per cache name, shared by the tabs of the origin) so that they
   * survive a reload and reach other tabs; `false` keeps them in memory only. The persisted tier has its own
   * bounds and evicts the least recently used entries first.
   * - `maxEntries`: most entries persisted, a positive integer. @default 100000
   * - `maxBytes`: most bytes persisted, by the same estimate as `maxBytes`. @default 104857600 (100 MiB)
   * @default true
   */
  persist?: boolean | { maxEntries?: number; maxBytes?: number };
  /**
   * Bytes of shared memory in which the worker mirrors entries, so that a cross-origin-isolated page reads
   * hits (and `peek`s) with no message: 0, or an integer from 65536 (64 KiB) to 1073741824 (1 GiB). 0 turns
   * the fast path off. Entries that do not fit are served over messages as usual.
   * @default 8388608 (8 MiB)
   */
  sharedBytes?: number;
}

/** Most entries a cache may hold in memory: at about 100 bytes a slot reserved up front, some 400 MiB. */
export const MAX_CAPACITY = 2 ** 22;

/** Shared memory for the fast path when the options leave it out. */
export const SHARED_BYTES_DEFAULT = 8 * 1024 * 1024;
const SHARED_BYTES_MIN = 64 * 1024;
const SHARED_BYTES_MAX = 1024 * 1024 * 1024;

/** Bounds of the persisted tier when the options leave them out. */
export const PERSIST_DEFAULTS: PersistConfig = { maxEntries: 100_000, maxBytes: 100 * 1024 * 1024 };

/** Options of one `put`. */
export interface PutOptions {
  /** Time to live of this entry in milliseconds; `Infinity` for none. @default the cache's `ttl` */
  ttl?: number;
  /** Tags to invalidate the entry by. @default none */
  tags?: readonly string[];
  /**
   * `false` keeps this entry in the memory of this tab's worker only, for data that must not outlive the tab or
   * reach other tabs (one user's private data): it is not written to IndexedDB, a copy of the key already there
   * is removed (so that a reload does not serve it), and other tabs drop their copies from memory. Ignored when
   * the cache does not persist.
   * @default true
   */
  persist?: boolean;
  /**
   * `true` resolves the put only once the entry is committed to IndexedDB (with every write made before it), so
   * that it survives the tab closing at any moment after; a put without it is committed within milliseconds, and
   * survives a tab that lives on that long (see docs/persistence.md). When IndexedDB cannot be used, the put
   * resolves once its write is given up, and `stats().persistence.memoryOnly` counts it. Cannot be combined with
   * `persist: false`; resolves as usual when the cache does not persist.
   * @default false
   */
  durable?: boolean;
}

const PUT_OPTIONS: readonly string[] = ['ttl', 'tags', 'persist', 'durable'];

const KNOWN_OPTIONS = new Set<string>(['name', 'policy', 'capacity', 'maxBytes', 'ttl', 'worker', 'persist', 'sharedBytes']);

/** Checks the options a page gives and fills in the defaults. Throws a TypeError or RangeError naming the option. */
export function resolveOptions(options: CacheOptions = {}): StoreConfig & { worker: CacheOptions['worker'] } {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${PREFIX}options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`${PREFIX}unknown option '${key}'`);
  }
  const { worker } = options;
  if (worker !== undefined && !(typeof worker === 'string' || worker instanceof URL || isWorkerLike(worker))) {
    throw new TypeError(`${PREFIX}option 'worker' must be a Worker, a URL or a string, got ${describe(worker)}`);
  }
  return {
    ...validateStoreConfig({
      name: options.name ?? 'default',
      policy: options.policy ?? 'tinylfu',
      capacity: options.capacity ?? 1000,
      maxBytes: options.maxBytes,
      ttl: options.ttl === Infinity ? undefined : options.ttl,
      persist: resolvePersist(options.persist),
      sharedBytes: options.sharedBytes,
    }, worker === undefined ? BUILTIN_POLICIES : undefined),
    worker,
  };
}

/**
 * Checks a store configuration, on the page and again in the worker. `policies` lists the names that are
 * known; undefined when the page cannot know them because the worker is the app's own.
 */
export function validateStoreConfig(config: StoreConfig, policies: readonly string[] | undefined): StoreConfig {
  const { name, policy, capacity, maxBytes, ttl, persist, sharedBytes = SHARED_BYTES_DEFAULT } = config;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${PREFIX}option 'name' must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof policy !== 'string') {
    throw new TypeError(`${PREFIX}option 'policy' must be a string, got ${describe(policy)}`);
  }
  if (policies && !policies.includes(policy)) {
    throw new RangeError(`${PREFIX}option 'policy' is '${policy}', which is not one of: ${policies.join(', ')}`);
  }
  if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) {
    throw new RangeError(`${PREFIX}option 'capacity' must be an integer from 1 to ${MAX_CAPACITY}, got ${describe(capacity)}`);
  }
  if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !(maxBytes > 0))) {
    throw new RangeError(`${PREFIX}option 'maxBytes' must be a positive number, got ${describe(maxBytes)}`);
  }
  checkTtl(ttl, 'ttl');
  if (
    typeof sharedBytes !== 'number' || !Number.isSafeInteger(sharedBytes) ||
    (sharedBytes !== 0 && (sharedBytes < SHARED_BYTES_MIN || sharedBytes > SHARED_BYTES_MAX))
  ) {
    throw new RangeError(
      `${PREFIX}option 'sharedBytes' must be 0 or an integer from ${SHARED_BYTES_MIN} to ${SHARED_BYTES_MAX}, got ${describe(sharedBytes)}`,
    );
  }
  return { name, policy, capacity, maxBytes, ttl, persist: resolvePersist(persist), sharedBytes };
}

/** `persist` as the page gives it (or as a worker receives it, already resolved) to bounds or false. */
function resolvePersist(persist: unknown): PersistConfig | false {
  if (persist === undefined || persist === true) return PERSIST_DEFAULTS;
  if (persist === false) return false;
  if (typeof persist !== 'object' || persist === null) {
    throw new TypeError(`${PREFIX}option 'persist' must be a boolean or an object, got ${describe(persist)}`);
  }
  for (const key of Object.keys(persist)) {
    if (key !== 'maxEntries' && key !== 'maxBytes') throw new TypeError(`${PREFIX}unknown option 'persist.${key}'`);
  }
  const { maxEntries = PERSIST_DEFAULTS.maxEntries, maxBytes = PERSIST_DEFAULTS.maxBytes } = persist as Partial<PersistConfig>;
  if (typeof maxEntries !== 'number' || !Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`${PREFIX}option 'persist.maxEntries' must be a positive integer, got ${describe(maxEntries)}`);
  }
  if (typeof maxBytes !== 'number' || !(maxBytes > 0)) {
    throw new RangeError(`${PREFIX}option 'persist.maxBytes' must be a positive number, got ${describe(maxBytes)}`);
  }
  return { maxEntries, maxBytes };
}

/** Throws a TypeError unless the options argument of `what` is an object. */
export function checkOptionsObject(options: unknown, what: string): asserts options is object {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${PREFIX}${what} options must be an object, got ${describe(options)}`);
  }
}

/** Checks the options of a `put`, naming the one at fault. */
export function checkPutOptions(options: unknown): asserts options is PutOptions {
  checkOptionsObject(options, 'put');
  for (const key of Object.keys(options)) {
    if (!PUT_OPTIONS.includes(key)) throw new TypeError(`${PREFIX}unknown put option '${key}'`);
  }
  const { ttl, tags, persist, durable } = options as PutOptions;
  checkTtl(ttl, 'ttl');
  checkTags(tags);
  for (const [name, value] of [['persist', persist], ['durable', durable]] as const) {
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${PREFIX}option '${name}' must be a boolean, got ${describe(value)}`);
  }
  if (persist === false && durable) throw new TypeError(`${PREFIX}a put cannot be both durable and kept in memory only (persist: false)`);
}

/** A ttl is a positive number of milliseconds; Infinity (or undefined) means the entry does not expire. */
export function checkTtl(ttl: unknown, option: string): asserts ttl is number | undefined {
  if (ttl === undefined) return;
  if (typeof ttl !== 'number' || Number.isNaN(ttl)) {
    throw new TypeError(`${PREFIX}option '${option}' must be a number of milliseconds, got ${describe(ttl)}`);
  }
  if (!(ttl > 0)) {
    throw new RangeError(`${PREFIX}option '${option}' must be a positive number of milliseconds or Infinity, got ${ttl}`);
  }
}

export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new TypeError(`${PREFIX}keys are strings, got ${describe(key)}`);
}

export function checkTags(tags: unknown): asserts tags is readonly string[] | undefined {
  if (tags === undefined) return;
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) {
    throw new TypeError(`${PREFIX}option 'tags' must be an array of strings, got ${describe(tags)}`);
  }
}

function isWorkerLike(value: unknown): value is Worker {
  return typeof value === 'object' && value !== null && 'postMessage' in value && 'terminate' in value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}
