import { checkKnown, resolveCache } from './cache-option.js';
import type { TabCache } from './client/cache.js';
import { PREFIX } from './errors.js';
import { Flights, flightLock, type FlightContext } from './flight.js';
import { stableKey } from './key.js';
import { checkKey, checkOptionsObject, checkTags, checkTtl, describe, type CacheOptions } from './options.js';

/** What a memoized function finds in `this` when it runs. */
export interface MemoContext {
  /** Aborts only when every caller waiting for this result has stopped waiting (see `withSignal`). */
  signal: AbortSignal;
}

/** Options of `memoize`. */
export interface MemoizeOptions<A extends unknown[], R> {
  /**
   * The cache that keeps the results: a cache from `createCache`, or options to make one.
   * @default a cache named 'tabcache-memoize', shared by every memoized function of the page that gives none
   */
  cache?: TabCache<unknown> | CacheOptions;
  /**
   * The cache key of a call. Keys from functions that share a cache must not collide.
   * @default the `namespace`, then a stable key over the arguments (object keys in any order; Dates, Maps, Sets
   * and typed arrays by content). Arguments that cannot be keyed (functions, class instances, cycles) make the call
   * reject with a TypeError.
   */
  key?: (...args: A) => string;
  /**
   * Prefix of the default keys, so that several functions can share a cache. Give one when the function has no
   * name, or when minified names could change between deploys while entries persist.
   * @default the function's name
   */
  namespace?: string;
  /**
   * Milliseconds a result stays fresh.
   * @default Infinity (until evicted or invalidated; a `ttl` of the cache still applies)
   */
  ttl?: number;
  /**
   * Milliseconds after `ttl` during which a stale result is returned at once while one refresh runs in the
   * background. A refresh that fails leaves the stale result in place until this window ends. Needs a finite `ttl`.
   * @default 0
   */
  staleWhileRevalidate?: number;
  /** Tags to invalidate results by with `cache.invalidateTags`: a list, or a function of the arguments. @default none */
  tags?: readonly string[] | ((...args: A) => readonly string[]);
  /** Whether to keep a result. Results that are never kept are still shared by concurrent callers. @default every result */
  shouldCache?: (value: R, ...args: A) => boolean;
}

/** A memoized function: call it like the original; it always returns a promise. */
export interface Memoized<A extends unknown[], R> {
  (...args: A): Promise<R>;
  /**
   * The memoized function for one caller that may stop waiting: when `signal` aborts, that caller's promise
   * rejects with its reason, and the computation is aborted only if no other caller still waits for it.
   */
  withSignal(signal: AbortSignal): (...args: A) => Promise<R>;
  /** Drops the result for these arguments; a computation running for them is not stored. */
  invalidate(...args: A): Promise<void>;
  /** Computes the result for these arguments anew, stores it and returns it. A failure keeps the old result. */
  refresh(...args: A): Promise<R>;
  /**
   * Wraps a write: once `write` resolves, the result of this function for `argsOf(...writeArgs)` (by default the
   * write's own arguments) is invalidated, then the write's result is returned.
   */
  invalidateAfter<W extends unknown[], T>(write: (...args: W) => Promise<T>, argsOf?: (...args: W) => A): (...args: W) => Promise<T>;
  /** Like `invalidateAfter`, but computes the result anew; if that fails, the old result is dropped. */
  refreshAfter<W extends unknown[], T>(write: (...args: W) => Promise<T>, argsOf?: (...args: W) => A): (...args: W) => Promise<T>;
  /** The cache the results are kept in. */
  readonly cache: TabCache<unknown>;
}

/** What a memoized function stores: the value, and until when it is fresh (the entry lives on while stale). */
interface MemoRecord {
  tabcacheMemo: 1;
  value: unknown;
  freshUntil: number;
}

const KNOWN = ['cache', 'key', 'namespace', 'ttl', 'staleWhileRevalidate', 'tags', 'shouldCache'] as const;

/**
 * Puts `fn` behind a cache: a call whose result is stored and fresh returns it without running `fn`; concurrent
 * calls with one key run `fn` once in this tab, and, through Web Locks, once across the tabs of the origin.
 * Results `undefined` and `null` are kept like any other; a rejection is passed to every caller and never kept.
 */
export function memoize<A extends unknown[], R>(
  fn: (this: MemoContext, ...args: A) => R,
  options: MemoizeOptions<A, Awaited<R>> = {},
): Memoized<A, Awaited<R>> {
  type V = Awaited<R>;
  if (typeof fn !== 'function') throw new TypeError(`${PREFIX}memoize needs a function, got ${describe(fn)}`);
  const { key, namespace = fn.name, ttl, staleWhileRevalidate = 0, tags, shouldCache } = checkOptions(options);
  const cache = resolveCache(options.cache, 'tabcache-memoize');
  const flights = new Flights();
  const keyOf = key ? (args: A) => checked(key(...args)) : (args: A) => `${namespace}${stableKey(args, 'arguments')}`;

  const store = async (cacheKey: string, args: A, value: V, context: FlightContext) => {
    if (!context.current() || (shouldCache && !shouldCache(value, ...args))) return;
    const freshUntil = ttl === undefined ? Infinity : Date.now() + ttl;
    const record: MemoRecord = { tabcacheMemo: 1, value, freshUntil };
    const entryTtl = ttl === undefined ? undefined : ttl + staleWhileRevalidate;
    const entryTags = typeof tags === 'function' ? tags(...args) : tags;
    // Durable before the lock is released, so that a tab waiting for it reads the result instead of computing.
    await Promise.all([cache.put(cacheKey, record, { ttl: entryTtl, tags: entryTags }), cache.flush()]);
  };

  const compute = (cacheKey: string, args: A, force: boolean) => async (context: FlightContext): Promise<V> => {
    if (!force) {
      const record = asRecord(await cache.get(cacheKey));
      if (record && record.freshUntil > Date.now()) return record.value as V;
    }
    const value = (await fn.apply({ signal: context.signal }, args)) as V;
    await store(cacheKey, args, value, context);
    return value;
  };

  const call = async (args: A, signal: AbortSignal | undefined): Promise<V> => {
    signal?.throwIfAborted();
    const cacheKey = keyOf(args);
    const record = asRecord(await cache.get(cacheKey));
    const lock = flightLock(cache, cacheKey);
    if (record) {
      const now = Date.now();
      if (record.freshUntil > now) return record.value as V;
      if (record.freshUntil + staleWhileRevalidate > now) {
        if (!flights.running(cacheKey)) flights.join(cacheKey, lock, compute(cacheKey, args, false)).catch(() => {});
        return record.value as V;
      }
    }
    return flights.join<V>(cacheKey, lock, compute(cacheKey, args, false), signal);
  };

  const invalidate = async (...args: A) => {
    const cacheKey = keyOf(args);
    flights.supersede(cacheKey);
    await cache.delete(cacheKey);
  };

  const refresh = async (...args: A): Promise<V> => {
    const cacheKey = keyOf(args);
    return flights.start<V>(cacheKey, flightLock(cache, cacheKey), compute(cacheKey, args, true));
  };

  const after =
    (then: (args: A) => Promise<unknown>) =>
    <W extends unknown[], T>(write: (...args: W) => Promise<T>, argsOf?: (...args: W) => A) =>
    async (...writeArgs: W): Promise<T> => {
      const result = await write(...writeArgs);
      await then(argsOf ? argsOf(...writeArgs) : (writeArgs as unknown as A));
      return result;
    };

  return Object.assign((...args: A) => call(args, undefined), {
    withSignal: (signal: AbortSignal) => {
      if (!(signal instanceof AbortSignal)) throw new TypeError(`${PREFIX}withSignal needs an AbortSignal, got ${describe(signal)}`);
      return (...args: A) => call(args, signal);
    },
    invalidate,
    refresh,
    invalidateAfter: after((args) => invalidate(...args)),
    refreshAfter: after((args) => refresh(...args).catch(() => invalidate(...args))),
    cache,
  });
}

function checkOptions<A extends unknown[], R>(options: MemoizeOptions<A, R>): MemoizeOptions<A, R> {
  checkOptionsObject(options, 'memoize');
  checkKnown(options, KNOWN, 'memoize');
  const { key, namespace, ttl, staleWhileRevalidate, tags, shouldCache } = options;
  for (const [name, value] of [['key', key], ['shouldCache', shouldCache]] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw new TypeError(`${PREFIX}option '${name}' must be a function, got ${describe(value)}`);
    }
  }
  if (namespace !== undefined && typeof namespace !== 'string') {
    throw new TypeError(`${PREFIX}option 'namespace' must be a string, got ${describe(namespace)}`);
  }
  checkTtl(ttl, 'ttl');
  if (staleWhileRevalidate !== undefined) {
    if (typeof staleWhileRevalidate !== 'number' || !(staleWhileRevalidate >= 0) || staleWhileRevalidate === Infinity) {
      throw new RangeError(`${PREFIX}option 'staleWhileRevalidate' must be a finite number of milliseconds, got ${describe(staleWhileRevalidate)}`);
    }
    if (staleWhileRevalidate > 0 && (ttl === undefined || ttl === Infinity)) {
      throw new RangeError(`${PREFIX}option 'staleWhileRevalidate' needs a finite 'ttl'`);
    }
  }
  if (typeof tags !== 'function') checkTags(tags);
  return { ...options, ttl: ttl === Infinity ? undefined : ttl };
}

function checked(key: string): string {
  checkKey(key);
  return key;
}

function asRecord(value: unknown): MemoRecord | undefined {
  return typeof value === 'object' && value !== null && (value as Partial<MemoRecord>).tabcacheMemo === 1 ? (value as MemoRecord) : undefined;
}
