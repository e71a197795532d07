import { TabCache } from './client/cache.js';
import { Connection } from './client/connection.js';
import { workerLinks } from './client/link.js';
import { resolveOptions, type CacheOptions } from './options.js';

/**
 * Starts (or, with `options.worker`, connects to) the worker that owns the cache named `options.name`, and
 * returns a client for it. Throws a TypeError or RangeError at once when an option is invalid.
 */
export function createCache<V = unknown>(options: CacheOptions = {}): TabCache<V> {
  const { worker, ...config } = resolveOptions(options);
  const spawn = () => new Worker(new URL('./worker/entry.ts', import.meta.url), { type: 'module', name: `tabcache:${config.name}` });
  return new TabCache<V>(new Connection(workerLinks(worker, spawn), config));
}

export { TabCache } from './client/cache.js';
export { CacheClosedError, WorkerGoneError } from './errors.js';
export type { CacheOptions, PutOptions } from './options.js';
export type { BuiltinPolicy, CacheStats, PolicyName } from './protocol.js';
export { memoize } from './memoize.js';
export type { MemoContext, Memoized, MemoizeOptions } from './memoize.js';
