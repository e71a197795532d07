import { TabCache } from './client/cache.js';
import { PREFIX } from './errors.js';
import { createCache } from './create.js';
import { describe, type CacheOptions } from './options.js';

const shared = new Map<string, TabCache<unknown>>();

/**
 * The cache a `memoize` or `memoizeFetch` keeps its results in: the one given, one made from the options
 * given, or a cache named `fallback` that every caller giving neither shares (one worker, not one each).
 */
export function resolveCache(option: TabCache<unknown> | CacheOptions | undefined, fallback: string): TabCache<unknown> {
  if (option instanceof TabCache) return option;
  if (option === undefined) {
    let cache = shared.get(fallback);
    if (!cache) {
      cache = createCache({ name: fallback });
      shared.set(fallback, cache);
    }
    return cache;
  }
  if (typeof option !== 'object' || option === null) {
    throw new TypeError(`${PREFIX}option 'cache' must be a cache or cache options, got ${describe(option)}`);
  }
  return createCache(option);
}

/** Throws a TypeError naming the first key of `options` that is not in `known`. */
export function checkKnown(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${PREFIX}unknown ${what} option '${key}'`);
  }
}
